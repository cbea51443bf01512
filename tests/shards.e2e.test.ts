// Past one process, end to end on the stand-in: gateway shards (the count Discord recommends, or
// SHARD_IDS of SHARD_COUNT spread over processes), each guild's commands answered by the process that
// holds its shard, and the operator endpoint (/healthz, /metrics) of each process.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';

/** Two guilds on different shards of two: a guild's shard is (id >> 22) % count. */
const EVEN_GUILD = String(1_000_000_000_000n << 22n);
const ODD_GUILD = String(1_000_000_000_001n << 22n);

let standin: Standin | undefined;
const bots: RunningBot[] = [];
const logLines: string[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  if (standin) expect(standin.violations).toEqual([]);
  await standin?.close();
  standin = undefined;
  logLines.length = 0;
});

async function twoGuildStandin(shards: number): Promise<Standin> {
  const started = await startStandin({
    shards,
    guilds: [
      { id: EVEN_GUILD, name: 'Even desk', channels: [{ name: 'briefings' }] },
      { id: ODD_GUILD, name: 'Odd desk', channels: [{ name: 'briefings' }] },
    ],
  });
  // Global commands, so both guilds offer them.
  await deployCommands(commands, {
    token: started.token,
    apiUrl: started.apiUrl,
    applicationId: started.applicationId,
    guildId: undefined,
  });
  return started;
}

async function start(on: Standin, overrides: Parameters<typeof standinConfig>[1] = {}): Promise<RunningBot> {
  const logger = createLogger({
    level: 'info',
    secrets: [on.token],
    destination: { write: (line: string) => void logLines.push(line) },
  });
  const bot = await startBot({
    config: standinConfig(on, { guildId: undefined, ...overrides }),
    logger,
    pollMs: 0,
  });
  bots.push(bot);
  return bot;
}

const guildsOf = (bot: RunningBot) => [...bot.client.guilds.cache.keys()].sort();
const shardsIdentified = (on: Standin) =>
  on.gateway.identifies.map((d) => (d as { shard?: number[] }).shard ?? [0, 1]);

async function answered(on: Standin, guildId: string): Promise<string> {
  const exchange = await on.invoke(on.chatInput({ name: 'latest', options: { count: 1 }, guildId }));
  expect(exchange.callback?.type).toBe(4);
  return JSON.stringify(exchange.message);
}

async function metricsOf(bot: RunningBot): Promise<string> {
  return (await fetch(`http://127.0.0.1:${bot.ops?.port}/metrics`)).text();
}

const answeredLatest =
  /sitrep_interactions_total\{command="latest",kind="command",outcome="answered"\} (\d+)/;

describe('shards', () => {
  it('runs the shards Discord recommends in one process, and answers in the guilds of each', async () => {
    standin = await twoGuildStandin(2);
    const bot = await start(standin);
    expect(shardsIdentified(standin).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(guildsOf(bot)).toEqual([EVEN_GUILD, ODD_GUILD].sort());
    expect(await answered(standin, EVEN_GUILD)).toContain('Latest incidents');
    expect(await answered(standin, ODD_GUILD)).toContain('Latest incidents');
  });

  it('spreads SHARD_IDS over processes: each guild is answered by the process holding its shard', async () => {
    standin = await twoGuildStandin(2);
    const even = await start(standin, {
      shards: { count: 2, ids: [0] },
      http: { port: 0, host: '127.0.0.1' },
    });
    const odd = await start(standin, {
      shards: { count: 2, ids: [1] },
      http: { port: 0, host: '127.0.0.1' },
    });
    expect(guildsOf(even)).toEqual([EVEN_GUILD]);
    expect(guildsOf(odd)).toEqual([ODD_GUILD]);

    await answered(standin, EVEN_GUILD);
    await answered(standin, EVEN_GUILD);
    await answered(standin, ODD_GUILD);
    // Counted by the process that answered: two on the even shard's, one on the odd one's.
    expect(answeredLatest.exec(await metricsOf(even))?.[1]).toBe('2');
    expect(answeredLatest.exec(await metricsOf(odd))?.[1]).toBe('1');
  });
});

describe('the operator endpoint (HTTP_PORT)', () => {
  it('is ready when the gateway and the store are, counts answers and refusals, and says what is down', async () => {
    standin = await twoGuildStandin(1);
    const bot = await start(standin, { http: { port: 0, host: '127.0.0.1' } });
    const healthz = () => fetch(`http://127.0.0.1:${bot.ops?.port}/healthz`);
    const up = await healthz();
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({
      status: 'ready',
      checks: { gateway: { ok: true }, store: { ok: true } },
    });

    await answered(standin, EVEN_GUILD);
    const refused = await standin.invoke(
      standin.chatInput({ name: 'incident', options: { id: 'no-such-incident' }, guildId: EVEN_GUILD }),
    );
    expect(refused.callback?.type).toBe(4);
    const text = await metricsOf(bot);
    expect(answeredLatest.exec(text)?.[1]).toBe('1');
    expect(text).toContain(
      'sitrep_interactions_total{command="incident",kind="command",outcome="refused"} 1',
    );
    expect(text).toMatch(/sitrep_discord_responses_total\{class="2xx"\} [1-9]/);
    expect(text).toContain('sitrep_discord_rate_limited_total 0');
    expect(logLines.some((line) => line.includes('serving /healthz and /metrics'))).toBe(true);

    // The store gone: not ready, naming it.
    await bot.store.close();
    const down = await healthz();
    expect(down.status).toBe(503);
    const body = (await down.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.store?.ok).toBe(false);
    expect(body.checks.gateway?.ok).toBe(true);
  });
});
