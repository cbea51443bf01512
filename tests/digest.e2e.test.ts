// Scheduled digests end to end: the real bot, a schedule with seconds, the local Discord stand-in, and
// the state store (SQLite always; Redis too when REDIS_URL points at a reachable server).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { BotConfig, DigestConfig } from '../src/config.ts';
import { type DigestSender, digestKey } from '../src/digest/runner.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger } from '../src/logger.ts';
import { createStateStore } from '../src/state/store.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { testIndexPath } from './helpers/bot-config.ts';
import { flushedRedis } from './helpers/redis.ts';
import { sleep, until } from './helpers/wait.ts';

const REDIS_DB = 9;

const redisUrl = await flushedRedis(REDIS_DB);
if (!redisUrl) {
  console.warn(
    process.env.REDIS_URL
      ? `digest e2e: Redis at REDIS_URL=${process.env.REDIS_URL} is not reachable; the Redis runs are SKIPPED (SQLite runs).`
      : 'digest e2e: REDIS_URL is not set; the Redis runs are SKIPPED (SQLite runs). .ci/run sets it.',
  );
}

const backends = [
  { name: 'SQLite', url: (dir: string) => `sqlite://${path.join(dir, 'state.sqlite')}`, enabled: true },
  { name: 'Redis', url: () => redisUrl ?? '', enabled: redisUrl !== undefined },
];

function newIncident(id: string, title: string, date: string): string {
  return JSON.stringify({
    id,
    title,
    date: { start: date },
    location: { country: 'Syria', iso3: 'SYR', admin1: 'Idlib' },
    type: { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
    summary: 'A neutral summary written for the test.',
    casualties: [{ claimant: 'Civil defence', killed: { best: 3 }, source: 's1' }],
    sources: [{ id: 's1', name: 'Wire', affiliation: 'independent' }],
  });
}

describe.each(backends)('digests with $name state', ({ name, url, enabled }) => {
  let standin: Standin;
  let dataDir: string;
  let work: string;
  let bot: RunningBot | undefined;
  let config: BotConfig;
  const logLines: string[] = [];
  const [ch1, ch2, ch3] = ['100000000000000001', '100000000000000002', '100000000000000003'];
  const every2s = (id: string, channelId: string, title: string): DigestConfig => ({
    id,
    channelId,
    cron: '*/2 * * * * *',
    timezone: 'Europe/Berlin',
    countries: [],
    title,
    whenEmpty: 'quiet',
  });

  const start = async (
    overrides: Partial<BotConfig> = {},
    wrapSender?: (s: DigestSender) => DigestSender,
  ) => {
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void logLines.push(l) },
    });
    bot = await startBot({
      config: { ...config, ...overrides },
      logger,
      pollMs: 0,
      digestRetry: { attempts: 3, backoffMs: 20 },
      ...(wrapSender ? { wrapSender } : {}),
    });
    return bot;
  };
  const stop = async () => {
    await bot?.stop();
    bot = undefined;
  };
  const messagesIn = (channelId: string) =>
    standin.messages.filter((m) => m.channelId === channelId && !m.deleted);
  const textIn = (channelId: string, from = 0) =>
    JSON.stringify(
      messagesIn(channelId)
        .slice(from)
        .map((m) => m.body),
    );
  const addFile = async (file: string, content: string) => {
    await writeFile(path.join(dataDir, file), content);
    await bot?.live.refresh();
    await bot?.settled();
  };

  beforeAll(async () => {
    if (!enabled) return;
    work = await mkdtemp(path.join(tmpdir(), `sitrep-digest-${name.toLowerCase()}-`));
    dataDir = path.join(work, 'data');
    await cp('data', dataDir, { recursive: true });
    standin = await startStandin({
      guilds: [
        {
          name: 'Desk',
          channels: [
            { id: ch1, name: 'briefings' },
            { id: ch2, name: 'iraq-desk' },
            { id: ch3, name: 'locked' },
          ],
        },
      ],
      interactionAckTimeoutMs: 0,
    });
    config = {
      dataDir,
      indexPath: testIndexPath(dataDir),
      logLevel: 'info',
      token: standin.token,
      applicationId: standin.applicationId,
      guildId: standin.guildId,
      apiUrl: standin.apiUrl,
      storeUrl: url(work),
      digests: [
        every2s('1', ch1, 'Morning briefing'),
        every2s('2', ch2, 'Second desk'),
        every2s('3', ch3, 'Locked channel'),
      ],
      access: { roleIds: [], channelIds: [] },
    };
    await deployCommands(commands, config);
    // The third channel forbids the bot.
    standin.failNext({ method: 'POST', path: `/channels/${ch3}/messages`, status: 403, times: 10_000 });
  });

  afterAll(async () => {
    if (!enabled) return;
    await stop();
    await standin.close();
    await rm(work, { recursive: true, force: true });
  });

  it.skipIf(!enabled)(
    'first run posts the current incidents to each channel; a 403 channel is reported and does not block',
    async () => {
      await start();
      await until('first digests', () => messagesIn(ch1).length >= 1 && messagesIn(ch2).length >= 1);
      expect(textIn(ch1)).toContain('Shelling of government-held west Aleppo');
      expect(textIn(ch1)).toContain('first digest in this channel');
      expect(textIn(ch2)).toContain('Alleged toxic-gas shelling');
      const body = messagesIn(ch1)[0]?.body as {
        nonce?: string;
        enforce_nonce?: boolean;
        allowed_mentions?: unknown;
      };
      expect(body.enforce_nonce).toBe(true);
      expect(body.allowed_mentions).toEqual({ parse: [] });

      await until(
        'the 403 to be recorded',
        async () => (await bot?.digests.state(config.digests[2] as DigestConfig))?.last?.outcome === 'failed',
      );
      const status = await standin.invoke(standin.chatInput({ name: 'digest-admin status', admin: true }));
      const statusText = JSON.stringify(status.callback?.data);
      expect(statusText).toContain('FAILED (needs an admin)');
      expect(statusText).toContain('403');
      expect(status.callback?.data?.flags).toBe(64);
      expect(messagesIn(ch3)).toHaveLength(0);
    },
  );

  it.skipIf(!enabled)('a new file appears in the next run, and only there', async () => {
    const before = messagesIn(ch1).length;
    await addFile(
      'fresh.json',
      newIncident('2026-11-20-idlib-strike', 'Air strike on Idlib market', '2026-11-20'),
    );
    await until('the next digest', () => messagesIn(ch1).length > before);
    await sleep(2500); // another scheduled run passes
    const after = messagesIn(ch1).slice(before);
    expect(JSON.stringify(after.map((m) => m.body))).toContain('Air strike on Idlib market');
    expect(JSON.stringify(after.map((m) => m.body))).not.toContain('Shelling of government-held west Aleppo');
    expect(
      JSON.stringify(messagesIn(ch1).map((m) => m.body)).split('Air strike on Idlib market').length - 1,
    ).toBe(1);
  });

  it.skipIf(!enabled)('a changed incident is posted again, marked as changed', async () => {
    const before = messagesIn(ch1).length;
    const file = path.join(dataDir, 'fresh.json');
    const incident = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    incident.quotes = [
      { speaker: 'Civil defence spokesperson', text: 'We are still searching.', source: 's1' },
    ];
    await addFile('fresh.json', JSON.stringify(incident));
    await until('the update digest', () => messagesIn(ch1).length > before);
    const text = textIn(ch1, before);
    expect(text).toContain('Updated: new quote (Civil defence spokesperson)');
    expect(text).toContain('1 updated incident');
  });

  it.skipIf(!enabled)('a restart does not repost', async () => {
    await stop();
    const before = messagesIn(ch1).length;
    await start();
    await sleep(4500);
    expect(messagesIn(ch1)).toHaveLength(before);
  });

  it.skipIf(!enabled)('a 502 then success posts exactly once', async () => {
    const fault = standin.failNext({
      method: 'POST',
      path: `/channels/${ch1}/messages`,
      status: 502,
      times: 1,
    });
    const before = messagesIn(ch1).length;
    await addFile(
      'after-502.json',
      newIncident('2026-11-21-aleppo-clash', 'Clashes on the Aleppo front line', '2026-11-21'),
    );
    await until('the digest after a 502', () => messagesIn(ch1).length > before);
    await sleep(2500);
    expect(fault.hits).toBe(1);
    expect(textIn(ch1).split('Clashes on the Aleppo front line').length - 1).toBe(1);
  });

  it.skipIf(!enabled)('a 429 on a digest post is waited out and posts exactly once', async () => {
    const fault = standin.failNext({
      method: 'POST',
      path: `/channels/${ch1}/messages`,
      status: 429,
      retryAfterSeconds: 0.2,
      times: 2,
    });
    const before = messagesIn(ch1).length;
    await addFile(
      'after-429.json',
      newIncident('2026-11-21-homs-strike', 'Strike on a Homs checkpoint', '2026-11-21'),
    );
    await until('the digest after two 429s', () => messagesIn(ch1).length > before);
    await sleep(2500);
    expect(fault.hits).toBe(2);
    expect(textIn(ch1).split('Strike on a Homs checkpoint').length - 1).toBe(1);
  });

  it.skipIf(!enabled)('a crash between the post and the cursor write does not double the post', async () => {
    await stop();
    let crashed = false;
    await start({}, (real) => ({
      async send(channelId, message) {
        const result = await real.send(channelId, message);
        if (channelId === ch1 && JSON.stringify(message).includes('Ambush near Deir ez-Zor')) {
          crashed = true;
          return new Promise(() => {}); // Discord accepted it; the process "dies" before recording it
        }
        return result;
      },
    }));
    await addFile(
      'crash.json',
      newIncident('2026-11-22-deir-ambush', 'Ambush near Deir ez-Zor', '2026-11-22'),
    );
    await until('the post before the crash', () => crashed);
    await stop();
    await start();
    await sleep(4500);
    expect(textIn(ch1).split('Ambush near Deir ez-Zor').length - 1).toBe(1);
    const state = await bot?.digests.state(config.digests[0] as DigestConfig);
    expect(state?.pending).toBeUndefined();
  });

  it.skipIf(!enabled)('a run missed during downtime is caught up once at start-up', async () => {
    await stop();
    const daily: DigestConfig = { ...every2s('1', ch1, 'Morning briefing'), cron: '0 0 7 * * *' };
    // The last scheduled run we handled was two days ago: this morning's 07:00 (at least) was missed.
    const store = createStateStore(config.storeUrl);
    await store.set(digestKey(daily, 'scheduled'), Date.now() - 2 * 86_400_000);
    await store.close();
    const before = messagesIn(ch1).length;
    await writeFile(
      path.join(dataDir, 'while-down.json'),
      newIncident('2026-11-23-hama-shelling', 'Shelling in Hama countryside', '2026-11-23'),
    );
    await start({ digests: [daily] });
    expect(messagesIn(ch1).length).toBe(before + 1);
    expect(textIn(ch1, before)).toContain('Shelling in Hama countryside');
    await sleep(2500);
    expect(messagesIn(ch1).length).toBe(before + 1);
    expect(logLines.some((l) => l.includes('catching up a digest run missed'))).toBe(true);
    expect(standin.violations).toEqual([]);
  });

  it.skipIf(!enabled)(
    'a run resumed at start-up does not swallow the run composed after it (its own run id)',
    async () => {
      // A post answers 503 until the process is stopped with its run pending.
      await stop();
      await start();
      const fault = standin.failNext({
        method: 'POST',
        path: `/channels/${ch1}/messages`,
        status: 503,
        times: 10_000,
      });
      await addFile(
        'pending.json',
        newIncident('2026-11-24-maarat-strike', 'Strike on Maarat al-Numan', '2026-11-24'),
      );
      await until(
        'a pending run',
        async () => (await bot?.digests.state(config.digests[0] as DigestConfig))?.pending !== undefined,
      );
      await stop();
      fault.remaining = 0;
      // An incident is added while the bot is down, and it restarts as a daily digest before its next
      // due time: no slot was missed, so the pending run is resumed and a new run composed after it.
      await writeFile(
        path.join(dataDir, 'while-down-2.json'),
        newIncident('2026-11-25-ariha-shelling', 'Shelling of Ariha', '2026-11-25'),
      );
      const daily: DigestConfig = { ...every2s('1', ch1, 'Morning briefing'), cron: '0 0 7 * * *' };
      const store = createStateStore(config.storeUrl);
      await store.set(digestKey(daily, 'scheduled'), Date.now());
      await store.close();
      const before = messagesIn(ch1).length;
      await start({ digests: [daily] });
      await until('the resumed run and the run after it', () => messagesIn(ch1).length >= before + 2);
      const all = textIn(ch1);
      expect(all.split('Strike on Maarat al-Numan').length - 1).toBe(1);
      expect(all.split('Shelling of Ariha').length - 1).toBe(1);
      const nonces = messagesIn(ch1).map((m) => (m.body as { nonce?: string }).nonce);
      expect(new Set(nonces).size).toBe(nonces.length);
      const state = await bot?.digests.state(daily);
      expect(state?.pending).toBeUndefined();
      expect(standin.violations).toEqual([]);
    },
  );
});
