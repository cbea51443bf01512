// Faults: the state store unreachable mid-run, Discord answering 5xx for a while, SIGTERM in the middle
// of a digest. In each case nothing is lost and nothing is posted twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { BotConfig, DigestConfig } from '../src/config.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { testIndexPath } from './helpers/bot-config.ts';
import { flushedRedis } from './helpers/redis.ts';
import { sleep, until } from './helpers/wait.ts';

const CHANNEL = '100000000000000011';
const everySecond: DigestConfig = {
  id: '1',
  channelId: CHANNEL,
  cron: '* * * * * *',
  timezone: 'UTC',
  countries: [],
  title: 'Fault drill',
  whenEmpty: 'quiet',
};

function incident(id: string, title: string): string {
  return JSON.stringify({
    id,
    title,
    date: { start: '2026-11-24' },
    location: { country: 'Syria', iso3: 'SYR' },
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Written for the fault tests.',
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

/** A TCP proxy that can be cut (every connection dropped, new ones refused) and restored. */
async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      // close() waits for open connections, so drop them first.
      const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    restore: listen,
    async close() {
      const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

const REDIS_DB = 10;
const redisUrl = await flushedRedis(REDIS_DB);
const redis =
  redisUrl === undefined
    ? undefined
    : { host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port || 6379) };
if (!redis)
  console.warn('fault tests: no reachable Redis at REDIS_URL; the "store unreachable" test is SKIPPED.');

let standin: Standin;
let work: string;
let dataDir: string;
let bot: RunningBot | undefined;
const logLines: string[] = [];
const messages = () => standin.messages.filter((m) => m.channelId === CHANNEL && !m.deleted);
const count = (title: string) => JSON.stringify(messages().map((m) => m.body)).split(title).length - 1;

function baseConfig(storeUrl: string): BotConfig {
  return {
    dataDir,
    indexPath: testIndexPath(dataDir),
    logLevel: 'info',
    token: standin.token,
    applicationId: standin.applicationId,
    guildId: standin.guildId,
    apiUrl: standin.apiUrl,
    storeUrl,
    digests: [everySecond],
    access: { roleIds: [], channelIds: [] },
  };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-faults-'));
  dataDir = path.join(work, 'data');
  await cp('data', dataDir, { recursive: true });
  standin = await startStandin({ guilds: [{ name: 'Desk', channels: [{ id: CHANNEL, name: 'drill' }] }] });
  await deployCommands(commands, baseConfig('sqlite://:memory:'));
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  standin.clearFaults();
});

afterAll(async () => {
  await standin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const logger = () =>
  createLogger({ level: 'info', destination: { write: (l: string) => void logLines.push(l) } });

describe('faults', () => {
  it.skipIf(!redis)(
    'store unreachable: commands still answer; digests wait, then resume without loss or duplicate',
    async () => {
      if (!redis) return;
      const proxy = await startProxy(redis);
      try {
        bot = await startBot({
          config: baseConfig(`redis://127.0.0.1:${proxy.port}/${REDIS_DB}`),
          logger: logger(),
          pollMs: 0,
          digestRetry: { attempts: 2, backoffMs: 20 },
        });
        await until('the first digest', () => messages().length >= 1);
        const before = messages().length;

        await proxy.cut();
        const about = await standin.invoke(standin.chatInput({ name: 'about' }));
        expect(about.callback?.type).toBe(4);
        await writeFile(
          path.join(dataDir, 'during-outage.json'),
          incident('2026-11-24-outage', 'Shelling during the store outage'),
        );
        await bot.live.refresh();
        await sleep(2500);
        expect(messages().length).toBe(before);

        await proxy.restore();
        await until('the digest after the outage', () => count('Shelling during the store outage') >= 1);
        await sleep(2500);
        expect(count('Shelling during the store outage')).toBe(1);
      } finally {
        await bot?.stop();
        bot = undefined;
        await proxy.close();
      }
    },
    60_000,
  );

  it('Discord answering 5xx for a while: the digest is delivered once it recovers, exactly once', async () => {
    bot = await startBot({
      config: baseConfig(`sqlite://${path.join(work, 'five-xx.sqlite')}`),
      logger: logger(),
      pollMs: 0,
      digestRetry: { attempts: 2, backoffMs: 20 },
    });
    await until('the first digest', () => messages().length >= 1);
    const fault = standin.failNext({
      method: 'POST',
      path: `/channels/${CHANNEL}/messages`,
      status: 503,
      times: 16,
    });
    await writeFile(
      path.join(dataDir, 'during-5xx.json'),
      incident('2026-11-24-five-xx', 'Clashes while Discord was failing'),
    );
    await bot.live.refresh();
    await until('the 5xx spell to pass', () => fault.remaining === 0, 30_000);
    await until('the digest after the 5xx spell', () => count('Clashes while Discord was failing') >= 1);
    await sleep(2000);
    expect(count('Clashes while Discord was failing')).toBe(1);
    expect(logLines.some((l) => l.includes('digest run failed; it will be retried at the next run'))).toBe(
      true,
    );
  }, 60_000);

  /** The real `sitrep start` as a child process, configured by env only, with its output collected. */
  const startChild = (storeFile: string, cron: string, data = dataDir) => {
    let output = '';
    const child: ChildProcess = spawn(process.execPath, [path.resolve('bin/sitrep.js'), 'start'], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: standin.token,
        DISCORD_API_URL: standin.apiUrl,
        DATA_DIR: data,
        INDEX_PATH: testIndexPath(data),
        STORE_URL: `sqlite://${path.join(work, storeFile)}`,
        DIGEST_1_CHANNEL: CHANNEL,
        DIGEST_1_CRON: cron,
        DIGEST_1_TIMEZONE: 'UTC',
        DIGEST_1_TITLE: 'Fault drill',
        LOG_LEVEL: 'info',
      },
    });
    const collect = (c: Buffer) => {
      output += c.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return { child, output: () => output };
  };

  /**
   * A first life of `sitrep start` that posts the current incidents; then Discord answers 503 to every
   * post, an incident arrives, and the run carrying it is pending (its first post was tried).
   */
  const lifeWithPendingRun = async (
    life: ReturnType<typeof startChild>,
    file: string,
    id: string,
    title: string,
  ) => {
    await until('the first life to post', () => life.output().includes('digest run finished'), 30_000);
    const fault = standin.failNext({
      method: 'POST',
      path: `/channels/${CHANNEL}/messages`,
      status: 503,
      times: 1000,
    });
    await writeFile(path.join(dataDir, file), incident(id, title));
    await until('a post attempt of the pending run', () => fault.hits >= 1, 30_000);
  };

  it('SIGTERM in the middle of a digest: nothing lost, nothing doubled after the restart', async () => {
    const run = () => startChild('sigterm.sqlite', '* * * * * *');
    // First life: the channel catches up on the current incidents, then we add one and make Discord fail.
    let life = run();
    await lifeWithPendingRun(life, 'at-sigterm.json', '2026-11-24-sigterm', 'Strike reported at shutdown');
    life.child.kill('SIGTERM');
    const [code] = (await once(life.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(count('Strike reported at shutdown')).toBe(0);

    // Second life: Discord works again; the unfinished run is finished once.
    standin.clearFaults();
    life = run();
    await until('the digest after the restart', () => count('Strike reported at shutdown') >= 1, 30_000);
    await sleep(2500);
    expect(count('Strike reported at shutdown')).toBe(1);
    life.child.kill('SIGTERM');
    await once(life.child, 'exit');
  }, 90_000);

  it('SIGKILL at random points of a large first start: every restart opens the state at once; one first digest', async () => {
    // 5,000 incidents in one list: the first start records each as first seen, in many store writes.
    const bigData = path.join(work, 'big-data');
    await mkdir(bigData, { recursive: true });
    const many = Array.from({ length: 5000 }, (_, i) =>
      JSON.parse(incident(`2026-11-24-bulk-${i}`, `Bulk incident number ${i}`)),
    );
    await writeFile(path.join(bigData, 'bulk.json'), JSON.stringify(many));
    const firstDigests = () => count('first digest in this channel');
    const before = firstDigests();
    const outputs: string[] = [];
    for (let kill = 0; kill < 4; kill++) {
      const life = startChild('big.sqlite', '* * * * * *', bigData);
      await sleep(300 + Math.floor(Math.random() * 2500));
      life.child.kill('SIGKILL');
      await once(life.child, 'exit');
      outputs.push(life.output());
    }
    const last = startChild('big.sqlite', '* * * * * *', bigData);
    await until('the first digest after the kills', () => firstDigests() > before, 60_000);
    await until('the run to be recorded', () => last.output().includes('digest run finished'), 30_000);
    await sleep(1500);
    outputs.push(last.output());
    last.child.kill('SIGTERM');
    await once(last.child, 'exit');
    expect(outputs.join('\n')).not.toMatch(/database is locked|SQLITE_BUSY/);
    expect(firstDigests() - before).toBe(1);
  }, 120_000);

  it('SIGKILL with a run pending, an incident added while down, a restart before the next due time: both posted once', async () => {
    const run = (cron: string) => startChild('sigkill.sqlite', cron);
    // First life: a digest every second catches up on the current incidents; then its post answers 503
    // and the process is killed outright while its run is pending.
    let life = run('* * * * * *');
    await lifeWithPendingRun(life, 'at-sigkill.json', '2026-11-25-sigkill', 'Strike pending at the kill');
    life.child.kill('SIGKILL');
    await once(life.child, 'exit');
    standin.clearFaults();
    // While it is down, another incident arrives. It restarts as a daily digest whose next time is hours
    // away: the pending run is finished, and the new incident goes out in a run of its own.
    await writeFile(
      path.join(dataDir, 'while-killed.json'),
      incident('2026-11-25-while-down', 'Shelling while the bot was down'),
    );
    const hour = (new Date().getUTCHours() + 12) % 24;
    life = run(`0 ${hour} * * *`);
    await until(
      'both incidents after the restart',
      () => count('Strike pending at the kill') >= 1 && count('Shelling while the bot was down') >= 1,
      30_000,
    );
    await sleep(1500);
    expect(count('Strike pending at the kill')).toBe(1);
    expect(count('Shelling while the bot was down')).toBe(1);
    expect(life.output()).not.toContain('database is locked');
    life.child.kill('SIGTERM');
    await once(life.child, 'exit');
  }, 90_000);
});
