// Failover on Redis: two `sitrep start` processes on one Redis; the one running a digest is SIGKILLed
// mid-run, and the other finishes the run within 15 s, nothing POSTed twice or lost
// (tests/helpers/failover.ts). Skipped, and said so, when no Redis answers at REDIS_URL (else
// 127.0.0.1:6379).
import { expect, it } from 'vitest';
import { failoverDrill, reachableRedis, setUpFailover } from './helpers/failover.ts';

const redisUrl = await reachableRedis(14);
if (!redisUrl)
  console.warn(
    `failover tests: no Redis at ${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}; the Redis failover test is SKIPPED.`,
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
