// Failover on Redis: two `sitrep start` processes on one Redis; the one running a digest is SIGKILLed
// mid-run, and the other finishes the run within 15 s, nothing POSTed twice or lost
// (tests/helpers/failover.ts). Skipped, and said so, when REDIS_URL is unset or does not answer.
import { expect, it } from 'vitest';
import { failoverDrill, setUpFailover } from './helpers/failover.ts';
import { flushedRedis } from './helpers/redis.ts';

const redisUrl = await flushedRedis(14);
if (!redisUrl)
  console.warn(
    `failover tests: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis failover test is SKIPPED.`,
  );

setUpFailover();

it.skipIf(!redisUrl)(
  'Redis: the process running a digest is SIGKILLed mid-run; the other finishes the run within 15 s, nothing posted twice or lost',
  async () => {
    const { failoverMs } = await failoverDrill('Redis', redisUrl);
    expect(failoverMs).toBeLessThanOrEqual(15_000);
  },
  50_000,
);
