// The cluster drill, short (bench/cluster.ts; `sitrep bench --cluster-only` runs the long one): three
// `sitrep start` processes on one store, eight digests every 5 s, a new incident file every second,
// and the process holding the most leases of due runs SIGKILLed as a slot begins, then restarted.
// Every incident is counted in every channel from the raw POSTs the stand-in accepted (its nonce
// memory off). On Redis (REDIS_URL; skipped, and said so, when it is unset or does not answer),
// then on one SQLite file.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  type ClusterResult,
  deliveries,
  formatCluster,
  NONCE_GRACE_MS,
  runCluster,
} from '../bench/cluster.ts';
import type { RecordedRequest } from './discord/standin.ts';
import { flushedRedis } from './helpers/redis.ts';

const redisUrl = await flushedRedis(13);
if (!redisUrl)
  console.warn(
    `cluster test: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis cluster test is SKIPPED.`,
  );

const drill = (label: string, storeUrl: string) =>
  runCluster({
    label,
    storeUrl,
    workDir: tmpdir(),
    digests: 8,
    everySeconds: 5,
    addForMs: 18_000,
    killEveryMs: 9_000,
  });

function expectExactlyOnce(result: ClusterResult): void {
  console.info(formatCluster([result]));
  expect(result.incidents).toBeGreaterThanOrEqual(15);
  expect(result.kills).toHaveLength(1);
  // The kill hit a process that held the lease of a run not yet posted.
  expect(result.kills[0]?.due).toBeGreaterThan(0);
  expect({ twice: result.postedTwice, lost: result.lost, examples: result.examples }).toEqual({
    twice: 0,
    lost: 0,
    examples: { twice: [], lost: [] },
  });
  // Short runs never cover more than a digest lists: every incident is listed by id.
  expect(result.listed).toBe(result.expected);
  expect(result.misrouted).toBe(0);
  expect(result.maxFailoverMs).toBeLessThanOrEqual(15_000);
  expect(result.otherStatuses).toEqual({});
}

it.skipIf(!redisUrl)(
  'Redis: three processes, eight digests every 5 s, an incident a second, the busiest owner SIGKILLed and restarted: every incident once in every matching channel, failover within 15 s',
  async () => {
    expectExactlyOnce(await drill('Redis', redisUrl ?? ''));
  },
  90_000,
);

it('SQLite: the same on one file shared by the three processes', async () => {
  const file = path.join(tmpdir(), `sitrep-cluster-${process.pid}-${Date.now()}.sqlite`);
  try {
    expectExactlyOnce(await drill('SQLite (one file)', `sqlite://${file}`));
  } finally {
    for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
  }
}, 90_000);

it('the count: a second message with an incident is a duplicate, a re-send with its nonce within the grace is not', () => {
  const post = (seq: number, at: number, nonce: string, ids: number[]): RecordedRequest => ({
    seq,
    at,
    method: 'POST',
    path: '/channels/7/messages',
    route: '/channels/:channelId/messages',
    query: {},
    headers: {},
    body: {
      nonce,
      embeds: ids.map((n) => ({ description: `id: 2026-11-26-cluster-s-${String(n).padStart(5, '0')}` })),
    },
    files: [],
    status: 200,
    response: {},
    injected: false,
  });
  const counted = deliveries(
    [
      post(1, 0, 'a.0', [1, 2]),
      post(2, 5000, 'a.0', [1, 2]), // the same message re-sent by the next owner: Discord drops it
      post(3, 6000, 'b.0', [2, 3]), // another run with incident 2 again: a duplicate
      post(4, NONCE_GRACE_MS + 10, 'a.0', [1, 2]), // after Discord forgot the nonce: duplicates
    ],
    's',
  );
  expect(counted.nonceResends).toBe(1);
  expect(counted.twice.sort()).toEqual([
    '7 2026-11-26-cluster-s-00001 ×2',
    '7 2026-11-26-cluster-s-00002 ×3',
  ]);
  expect([...counted.seen].sort()).toEqual([1, 2, 3].map((n) => `7 2026-11-26-cluster-s-0000${n}`));
});
