// One REST budget per bot: three processes on one store (one SQLite file; one Redis when it answers),
// each with its own discord.js REST client and its own pacing, fan out digests at once against a
// stand-in that enforces Discord's global 50 requests per second. Each alone stays under 50; together,
// without the shared budget, they send nearly three times that.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { busiestSecond } from '../bench/fanout-cluster.ts';
import { restSender } from '../src/digest/discord-sender.ts';
import { pacedSender } from '../src/digest/pacer.ts';
import type { DigestSender, OutgoingMessage } from '../src/digest/runner.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { createStateStore } from '../src/state/store.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { flushedRedis } from './helpers/redis.ts';

const redisUrl = await flushedRedis(7);
if (!redisUrl)
  console.warn(
    `REST budget tests: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis run is SKIPPED (SQLite runs).`,
  );

const DIGESTS = 150;
const CHANNELS = Array.from({ length: DIGESTS }, (_, i) => String(300_000_000_000_000_000n + BigInt(i)));
const quiet = createLogger({ level: 'silent' });
let standin: Standin;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-pacer-'));
  standin = await startStandin({
    guilds: [{ name: 'Desks', channels: CHANNELS.map((id, i) => ({ id, name: `desk-${i}` })) }],
    globalRateLimit: { perSecond: 50 },
  });
});
afterAll(async () => {
  await standin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** One bot process's digest sender: its own store connection, discord.js REST client and pacing. */
function botProcess(storeUrl: string) {
  const store = createStateStore(storeUrl);
  const rest = new REST({ api: standin.apiUrl }).setToken(standin.token);
  const sender = pacedSender(restSender(rest), {
    budget: store.restBudget,
    key: () => standin.applicationId,
    logger: quiet,
  });
  return { sender, close: () => store.close() };
}

const message = (n: number): OutgoingMessage => ({
  content: `Desk ${n} briefing — nothing new.`,
  embeds: [],
  allowed_mentions: { parse: [] },
  nonce: `fanout.${n}`,
  enforce_nonce: true as const,
});

const backends = [
  { name: 'one SQLite file', url: () => `sqlite://${path.join(work, 'budget.sqlite')}`, enabled: true },
  { name: 'Redis', url: () => redisUrl ?? '', enabled: redisUrl !== undefined },
];

describe.each(backends)('digest posts from three processes on $name', ({ url, enabled }) => {
  it.skipIf(!enabled)(
    `share one budget: ${DIGESTS} posts due at once, 0 × 429 and at most 50 requests in any second`,
    async () => {
      const since = standin.requests.at(-1)?.seq ?? 0;
      const procs = [0, 1, 2].map(() => botProcess(url()));
      try {
        await Promise.all(CHANNELS.map((channelId, n) => procs[n % 3]?.sender.send(channelId, message(n))));
      } finally {
        await Promise.all(procs.map((p) => p.close()));
      }
      const requests = standin.requests.filter((r) => r.seq > since);
      expect(requests.filter((r) => r.status === 200)).toHaveLength(DIGESTS);
      expect(requests.filter((r) => r.status === 429)).toHaveLength(0);
      expect(busiestSecond(requests.map((r) => r.at))).toBeLessThanOrEqual(50);
    },
    20_000,
  );
});

describe('the pacer when the shared budget fails', () => {
  it('posts every message, paced within the process, and says so once', async () => {
    const sent: string[] = [];
    const sender: DigestSender = {
      async send(channelId) {
        sent.push(channelId);
        return { id: String(sent.length) };
      },
    };
    const logger = createLogger({ level: 'silent' }) as Logger;
    const warn = vi.spyOn(logger, 'warn');
    const paced = pacedSender(sender, {
      budget: {
        take: async () => {
          throw new Error('connection refused');
        },
      },
      key: () => 'app',
      logger,
    });
    const started = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => paced.send(`c${i}`, message(i))));
    expect(sent).toHaveLength(25);
    // 20 in the first window, the rest in the next.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
