// The operator endpoint (HTTP_PORT): /healthz is ready only when every check passes, /metrics is
// Prometheus text with the bot's series.
import { afterEach, describe, expect, it } from 'vitest';
import { type HealthCheck, type OpsServer, startOpsServer } from '../src/ops/http.ts';
import { createBotMetrics } from '../src/ops/metrics.ts';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(checks: Record<string, () => Promise<HealthCheck>>, indexBytes = () => 4096) {
  const metrics = createBotMetrics({ indexBytes });
  server = await startOpsServer({ port: 0, host: '127.0.0.1', checks, registry: metrics.registry });
  const url = (path: string) => `http://127.0.0.1:${server?.port}${path}`;
  return { metrics, url };
}

describe('/healthz', () => {
  it('is 200 when every check passes, 503 naming the failing one otherwise', async () => {
    let gateway: HealthCheck = { ok: false, detail: 'connecting' };
    const { url } = await serve({
      gateway: async () => gateway,
      store: async () => ({ ok: true }),
    });
    const down = await fetch(url('/healthz'));
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'not ready',
      checks: { gateway: { ok: false, detail: 'connecting' }, store: { ok: true } },
    });
    gateway = { ok: true };
    const up = await fetch(url('/healthz'));
    expect(up.status).toBe(200);
    expect(((await up.json()) as { status: string }).status).toBe('ready');
  });

  it('counts a check that throws or hangs as failed, with the reason', async () => {
    const { url } = await serve({
      store: async () => {
        throw new Error('cannot reach the state store (Redis redis://cache:6379/0): ECONNREFUSED');
      },
    });
    const thrown = await fetch(url('/healthz'));
    expect(thrown.status).toBe(503);
    expect(JSON.stringify(await thrown.json())).toContain('ECONNREFUSED');
    await server?.close();
    const metrics = createBotMetrics();
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      checks: { store: () => new Promise<HealthCheck>(() => {}) },
      registry: metrics.registry,
      checkTimeoutMs: 50,
    });
    const hung = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(hung.status).toBe(503);
    const body = (await hung.json()) as { checks: Record<string, HealthCheck> };
    expect(body.checks.store?.detail).toBe('no answer within 50 ms');
  });

  it('answers nothing but /healthz and /metrics, and only to GET and HEAD', async () => {
    const { url } = await serve({});
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics/../etc'))).status).toBe(404);
    expect((await fetch(url('/healthz'), { method: 'POST' })).status).toBe(405);
    const head = await fetch(url('/healthz'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('/metrics', () => {
  it('exposes interactions, latency, digest runs, posts, 429s, lease changes and the index size', async () => {
    const { metrics, url } = await serve({}, () => 123_456);
    metrics.interaction({ command: 'latest', kind: 'command', outcome: 'answered', ms: 120 });
    metrics.interaction({ command: 'latest', kind: 'command', outcome: 'refused', ms: 3 });
    metrics.interaction({ command: 'search', kind: 'autocomplete', outcome: 'answered', ms: 8 });
    metrics.digestRun('1', 'posted', 2);
    metrics.digestRun('1', 'busy', 0);
    metrics.restResponse(200);
    metrics.restResponse(429);
    metrics.leaseChange('digest:1:123456789012345678', 'taken');
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('sitrep_interactions_total{command="latest",kind="command",outcome="answered"} 1');
    expect(text).toContain('sitrep_interactions_total{command="latest",kind="command",outcome="refused"} 1');
    expect(text).toContain(
      'sitrep_interaction_duration_seconds_bucket{le="0.25",command="latest",kind="command"} 2',
    );
    expect(text).toContain('sitrep_digest_runs_total{digest="1",outcome="posted"} 1');
    expect(text).toContain('sitrep_digest_posts_total{digest="1"} 2');
    expect(text).toContain('sitrep_discord_rate_limited_total 1');
    expect(text).toContain('sitrep_discord_responses_total{class="4xx"} 1');
    expect(text).toContain('sitrep_digest_runs_total{digest="1",outcome="busy"} 1');
    expect(text).toContain(
      'sitrep_digest_lease_changes_total{lease="digest:1:123456789012345678",change="taken"} 1',
    );
    expect(text).toContain('sitrep_index_bytes 123456');
    expect(text).toContain('sitrep_process_resident_memory_bytes');
  });

  it('shows zero 429s before any, so an alert on the series has a baseline', async () => {
    const { url } = await serve({});
    expect(await (await fetch(url('/metrics'))).text()).toContain('sitrep_discord_rate_limited_total 0');
  });
});
