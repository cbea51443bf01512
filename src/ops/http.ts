// The operator's HTTP endpoint, opt-in with HTTP_PORT: /healthz (200 when ready, 503 with the failing
// check otherwise) and /metrics (Prometheus text format). Nothing else is served, and nothing it
// answers carries the token or data.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** One named check: ok, or why not ("gateway: connecting"). */
export interface HealthCheck {
  ok: boolean;
  detail?: string;
}

export interface OpsServerOptions {
  port: number;
  host: string;
  /** Each check by name; ready when every one is ok. */
  checks: Record<string, () => Promise<HealthCheck>>;
  registry: Registry;
  /** How long one check may take before it counts as failed. */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  /** The port it listens on (the one chosen by the system when HTTP_PORT is 0). */
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { registry, checks, checkTimeoutMs = 2000 } = options;

  async function health(): Promise<{ ready: boolean; checks: Record<string, HealthCheck> }> {
    const results = await Promise.all(
      Object.entries(checks).map(
        async ([name, check]) => [name, await withTimeout(check, checkTimeoutMs)] as const,
      ),
    );
    return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/healthz') {
      const report = await health();
      send(
        response,
        report.ready ? 200 : 503,
        'application/json; charset=utf-8',
        `${JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks })}\n`,
      );
      return;
    }
    if (path === '/metrics') {
      send(response, 200, registry.contentType, await registry.metrics());
      return;
    }
    send(response, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n');
  }

  const server = createServer((request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.end();
    });
  });
  // A scraper's keep-alive connection must not hold the process open at shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

async function withTimeout(check: () => Promise<HealthCheck>, ms: number): Promise<HealthCheck> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HealthCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      check().catch((error: unknown) => ({
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
      })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
