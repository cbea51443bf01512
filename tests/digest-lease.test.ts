// Leases with fencing tokens, as two processes see them: two StateStore instances on one SQLite file,
// and two on one Redis (REDIS_URL; skipped, and said so, when it is unset or does not answer).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLeaseKeeper, LeaseLostError } from '../src/digest/lease.ts';
import type { LeaseBackend } from '../src/state/leases.ts';
import { createStateStore, type StateStore } from '../src/state/store.ts';
import { flushedRedis } from './helpers/redis.ts';
import { sleep } from './helpers/wait.ts';

const REDIS_DB = 12;

const redisUrl = await flushedRedis(REDIS_DB);
if (!redisUrl)
  console.warn(
    `lease tests: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis lease tests are SKIPPED (SQLite runs).`,
  );

const work = await mkdtemp(path.join(tmpdir(), 'sitrep-lease-'));
afterAll(() => rm(work, { recursive: true, force: true }));

let files = 0;
const backends = [
  {
    name: 'SQLite (one file)',
    url: () => `sqlite://${path.join(work, `lease-${++files}.sqlite`)}`,
    enabled: true,
  },
  { name: 'Redis', url: () => redisUrl ?? '', enabled: redisUrl !== undefined },
];

describe.each(backends)('leases on $name, two processes', ({ url, enabled }) => {
  /** Two stores on one place, as two processes have them; the lease name is new for each test. */
  const pair = async (): Promise<[StateStore, StateStore, LeaseBackend, LeaseBackend, string]> => {
    const where = url();
    const a = createStateStore(where);
    const b = createStateStore(where);
    if (!a.leases || !b.leases) throw new Error('no leases');
    return [a, b, a.leases, b.leases, `test:${Math.random().toString(36).slice(2)}`];
  };
  const close = (...stores: StateStore[]) => Promise.all(stores.map((s) => s.close()));

  it.skipIf(!enabled)(
    'only one holds a lease; the other gets it once it is released, with a larger token',
    async () => {
      const [a, b, la, lb, name] = await pair();
      const first = await la.acquire(name, 'A', 5000);
      expect(first).toBeDefined();
      expect(await lb.acquire(name, 'B', 5000)).toBeUndefined();
      expect((await lb.holder(name))?.owner).toBe('A');
      if (first) await la.release(first);
      const second = await lb.acquire(name, 'B', 5000);
      expect(second?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY);
      await close(a, b);
    },
  );

  it.skipIf(!enabled)('two stores racing for a free lease: exactly one wins, every time', async () => {
    const [a, b, la, lb, name] = await pair();
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([la.acquire(name, 'A', 5000), lb.acquire(name, 'B', 5000)]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      const won = x ?? y;
      if (won) await (x ? la : lb).release(won);
    }
    await close(a, b);
  });

  it.skipIf(!enabled)(
    'a lapsed lease goes to the other; the old holder can neither renew, release nor write',
    async () => {
      const [a, b, la, lb, name] = await pair();
      const old = await la.acquire(name, 'A', 150);
      if (!old) throw new Error('not acquired');
      expect(await la.writeFenced(old, [{ key: `${name}:cursor`, value: 1 }], [])).toBe(true);
      await sleep(250);
      const next = await lb.acquire(name, 'B', 5000);
      expect(next?.token).toBeGreaterThan(old.token);
      expect(await la.renew(old, 5000)).toBe(false);
      expect(await la.writeFenced(old, [{ key: `${name}:cursor`, value: 2 }], [])).toBe(false);
      await la.release(old);
      expect((await lb.holder(name))?.owner).toBe('B');
      // Fenced writes read back through the ordinary store, on either side.
      if (next) expect(await lb.writeFenced(next, [{ key: `${name}:cursor`, value: 3 }], [])).toBe(true);
      expect(await a.get(`${name}:cursor`)).toBe(3);
      if (next) expect(await lb.writeFenced(next, [], [`${name}:cursor`])).toBe(true);
      expect(await a.get(`${name}:cursor`)).toBeUndefined();
      await close(a, b);
    },
  );

  it.skipIf(!enabled)(
    'a graceful stop hands the lease to a waiting process at once, and the old holder is fenced out',
    async () => {
      const [a, b, la, lb, name] = await pair();
      const holder = createLeaseKeeper({ backend: la, owner: 'A', ttlMs: 400, renewMs: 100 });
      const waiter = createLeaseKeeper({ backend: lb, owner: 'B', ttlMs: 400, renewMs: 100, pollMs: 50 });
      const held = await holder.hold(name);
      if (!held) throw new Error('not acquired');
      // While A renews, B waits.
      const taking = waiter.hold(name, { keepWaiting: async () => true });
      await sleep(700);
      expect((await lb.holder(name))?.owner).toBe('A');
      await held.confirm();
      // A stalls: no renewal (as a process that froze or died).
      await holder.stop().catch(() => undefined);
      const started = Date.now();
      // stop() released it: B takes over at its next poll.
      const took = await taking;
      expect(took?.owner).toBe('B');
      expect(Date.now() - started).toBeLessThan(400);
      await expect(held.write([{ key: `${name}:x`, value: 1 }])).rejects.toBeInstanceOf(LeaseLostError);
      await expect(held.confirm()).rejects.toBeInstanceOf(LeaseLostError);
      await waiter.stop();
      await close(a, b);
    },
  );

  it.skipIf(!enabled)(
    'a holder that dies (no release, no renewal) is replaced once its TTL runs out',
    async () => {
      const [a, b, la, lb, name] = await pair();
      const dead = await la.acquire(name, 'A', 500);
      if (!dead) throw new Error('not acquired');
      const waiter = createLeaseKeeper({ backend: lb, owner: 'B', ttlMs: 500, pollMs: 50 });
      const started = Date.now();
      const took = await waiter.hold(name, { keepWaiting: async () => true });
      const waited = Date.now() - started;
      expect(took?.token).toBeGreaterThan(dead.token);
      expect(waited).toBeGreaterThanOrEqual(400);
      expect(waited).toBeLessThan(1500);
      await waiter.stop();
      await close(a, b);
    },
  );
});
