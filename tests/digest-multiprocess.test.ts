// Several processes on one state store (one SQLite file; one Redis when it answers), each with its own
// store connection, index, tracker and leases, firing the same digest slots and posting to the Discord
// stand-in. Counted as raw POSTs the stand-in accepted, not after its nonce de-duplication: exactly one
// process posts each run, and each incident goes out once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { restSender } from '../src/digest/discord-sender.ts';
import { createLeaseKeeper, fencedStore } from '../src/digest/lease.ts';
import {
  createDigestRunner,
  DeliveryError,
  type DigestSender,
  digestKey,
  type PendingRun,
  TRACKER_LEASE,
} from '../src/digest/runner.ts';
import { IncidentTracker } from '../src/digest/tracker.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { createLogger } from '../src/logger.ts';
import type { LeaseBackend } from '../src/state/leases.ts';
import { createStateStore, type StateStore } from '../src/state/store.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';
import { flushedRedis } from './helpers/redis.ts';
import { sleep, until } from './helpers/wait.ts';

const REDIS_DB = 11;

const redisUrl = await flushedRedis(REDIS_DB);
if (!redisUrl)
  console.warn(
    `multi-process digest tests: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis runs are SKIPPED (SQLite runs).`,
  );

const quiet = createLogger({ level: 'silent' });
let standin: Standin;
let work: string;
let channels = 0;
const CHANNELS = Array.from({ length: 8 }, (_, i) => `10000000000000020${i}`);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-multi-'));
  standin = await startStandin({
    guilds: [{ name: 'Desk', channels: CHANNELS.map((id, i) => ({ id, name: `desk-${i}` })) }],
  });
});
afterAll(async () => {
  await standin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The bodies of every channel POST the stand-in accepted (a nonce re-send counts again). */
const rawPosts = (channelId: string) =>
  standin.requests.filter(
    (r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200,
  );
/** How many accepted POSTs carry `title` (titles here are never part of one another). */
const timesPosted = (channelId: string, title: string) =>
  rawPosts(channelId).filter((r) => JSON.stringify(r.body).includes(title)).length;

const syria = (n: number): Incident =>
  makeIncident({ id: `multi-${n}`, title: `Strike ${n} reported`, date: { start: '2026-11-20' } });

/** One bot process: its own store connection, index (catalog), tracker, leases and REST client. */
function process_(
  storeUrl: string,
  name: string,
  options: {
    pollMs?: number;
    backend?: (b: LeaseBackend) => LeaseBackend;
    send?: DigestSender;
    backoffMs?: number;
  } = {},
) {
  const store: StateStore = createStateStore(storeUrl);
  if (!store.leases) throw new Error('no leases');
  const backend = options.backend ? options.backend(store.leases) : store.leases;
  const leases = createLeaseKeeper({ backend, owner: name, pollMs: options.pollMs ?? 50 });
  const tracker = new IncidentTracker(fencedStore(store, leases, TRACKER_LEASE));
  let catalog: Catalog = makeCatalog([]);
  let onDisk: Incident[] = [];
  const rest = new REST({ api: standin.apiUrl }).setToken(standin.token);
  const runner = createDigestRunner({
    store,
    tracker,
    leases,
    logger: quiet,
    catalog: () => catalog,
    refresh: async () => {
      catalog = makeCatalog(onDisk);
    },
    send: options.send ?? restSender(rest),
    attempts: 5,
    backoffMs: options.backoffMs ?? 10,
  });
  return {
    name,
    store,
    leases,
    runner,
    /** The data folder as this process's watcher has (or has not yet) loaded it. */
    load(incidents: Incident[], { indexed = true } = {}) {
      onDisk = incidents;
      if (indexed) catalog = makeCatalog(incidents);
    },
    async close() {
      await runner.stop();
      await store.close();
    },
  };
}

const backends = [
  { name: 'SQLite (one file)', enabled: true },
  { name: 'Redis', enabled: redisUrl !== undefined },
];

describe.each(backends)('digests run by several processes on $name', ({ name, enabled }) => {
  const storeUrl = () =>
    name === 'Redis' ? (redisUrl ?? '') : `sqlite://${path.join(work, `multi-${channels}.sqlite`)}`;
  const digestFor = (channelId: string): DigestConfig => ({
    id: '1',
    channelId,
    cron: '* * * * * *',
    timezone: 'UTC',
    countries: [],
    title: 'Shared briefing',
    whenEmpty: 'quiet',
  });

  it.skipIf(!enabled)(
    'three processes fire the same slots: one posts each run, every incident is POSTed exactly once',
    async () => {
      const channelId = CHANNELS[channels++] ?? '';
      const url = storeUrl();
      const procs = ['A', 'B', 'C'].map((n) => process_(url, n));
      const digest = digestFor(channelId);
      let incidents = [1, 2, 3].map(syria);
      for (const p of procs) p.load(incidents);
      let slot = Math.floor(Date.now() / 1000) * 1000;
      for (let round = 0; round < 6; round++) {
        // Each round another process notes the new files first, and the next one's index has not
        // loaded them yet when the slot fires (a slower watcher); that one fires first, so it usually
        // runs the slot: it must not move the cursor past what it has not loaded.
        const noter = procs[round % 3];
        const lagging = procs[(round + 1) % 3];
        if (round > 0) {
          incidents = [...incidents, syria(10 + round * 2), syria(11 + round * 2)];
          for (const p of procs) p.load(incidents, { indexed: p !== lagging });
          await noter?.runner.observe(makeCatalog(incidents));
        }
        slot += 1000;
        const fire = (p: (typeof procs)[number]) =>
          p.runner.run(digest, { scheduledFor: slot, reason: 'scheduled' });
        const outcomes = await Promise.all(
          procs.map((p) => (p === lagging ? fire(p) : sleep(30).then(() => fire(p)))),
        );
        // One ran the slot; the others found it done (busy), none failed.
        expect(outcomes.filter((o) => o.outcome === 'posted' || o.outcome === 'empty')).toHaveLength(1);
        expect(outcomes.filter((o) => o.outcome === 'busy')).toHaveLength(2);
      }
      for (const incident of incidents) expect(timesPosted(channelId, incident.title)).toBe(1);
      const nonces = rawPosts(channelId).map((r) => (r.body as { nonce: string }).nonce);
      expect(new Set(nonces).size).toBe(nonces.length);
      // A late tick of a slot already run posts nothing.
      const late = await procs[2]?.runner.run(digest, { scheduledFor: slot - 3000, reason: 'scheduled' });
      expect(late?.outcome).toBe('busy');
      expect(await procs[0]?.store.get<PendingRun>(digestKey(digest, 'pending'))).toBeUndefined();
      await Promise.all(procs.map((p) => p.close()));
    },
    30_000,
  );

  it.skipIf(!enabled)(
    'three processes poll the same alert: each new match is POSTed exactly once, nothing from before it',
    async () => {
      const channelId = CHANNELS[channels++] ?? '';
      const url = storeUrl();
      const procs = ['A', 'B', 'C'].map((n) => process_(url, n));
      const alert: DigestConfig = { ...digestFor(channelId), id: '9', mode: 'alert', alertCap: 25 };
      let incidents = [1, 2].map(syria);
      for (const p of procs) p.load(incidents);
      // The alert starts from now: what was there before is not alerted.
      await Promise.all(procs.map((p) => p.runner.run(alert, { reason: 'alert' })));
      for (let round = 0; round < 4; round++) {
        incidents = [...incidents, syria(100 + round * 2), syria(101 + round * 2)];
        for (const p of procs) p.load(incidents);
        await procs[round % 3]?.runner.observe(makeCatalog(incidents));
        // Every process polls at once, as their 20 s timers may coincide.
        await Promise.all(procs.map((p) => p.runner.run(alert, { reason: 'alert' })));
      }
      await Promise.all(procs.map((p) => p.runner.run(alert, { reason: 'alert' })));
      for (const incident of incidents.slice(2)) expect(timesPosted(channelId, incident.title)).toBe(1);
      for (const incident of incidents.slice(0, 2)) expect(timesPosted(channelId, incident.title)).toBe(0);
      expect(rawPosts(channelId)).toHaveLength(8);
      await Promise.all(procs.map((p) => p.close()));
    },
    30_000,
  );

  it.skipIf(!enabled)(
    'an owner that loses its lease mid-run stops before its next message; the next owner posts the rest with the same nonces',
    async () => {
      const channelId = CHANNELS[channels++] ?? '';
      const url = storeUrl();
      const digest = digestFor(channelId);
      // A loses its lease (as when it stalls past the TTL) right after saving its first accepted message.
      let revoke = false;
      const a = process_(url, 'A', {
        backend: (backend) => ({
          ...backend,
          async writeFenced(lease, set, remove) {
            const ok = await backend.writeFenced(lease, set, remove);
            const pending = set.find((e) => e.key === digestKey(digest, 'pending'))?.value as
              | PendingRun
              | undefined;
            if (ok && revoke && pending?.sent[0]) {
              revoke = false;
              await backend.release(lease);
            }
            return ok;
          },
        }),
      });
      const b = process_(url, 'B');
      // A run of four messages, composed and saved (not yet posted) for this slot.
      const slot = Math.floor(Date.now() / 1000) * 1000;
      const run: PendingRun = {
        runId: 'run-of-four',
        asOf: Date.now(),
        scheduledFor: slot,
        messages: [1, 2, 3, 4].map((n) => ({
          content: `Part ${n} of the briefing`,
          embeds: [],
          allowed_mentions: { parse: [] as [] },
        })),
        sent: [null, null, null, null],
        createdAt: Date.now(),
      };
      await a.store.set(digestKey(digest, 'pending'), run);
      await a.store.set(digestKey(digest, 'cursor'), run.asOf - 60_000);
      revoke = true;
      const [outA, outB] = await Promise.all([
        a.runner.run(digest, { scheduledFor: slot, reason: 'scheduled' }),
        // B fires the same slot a moment later and waits on A's lease.
        new Promise((r) => setTimeout(r, 20)).then(() =>
          b.runner.run(digest, { scheduledFor: slot, reason: 'scheduled' }),
        ),
      ]);
      expect(outA.outcome).toBe('busy');
      expect(outB.outcome).toBe('posted');
      const nonces = rawPosts(channelId).map((r) => (r.body as { nonce: string }).nonce);
      // A posted part 1 only; B posted parts 2-4 with the run's own nonces; nothing twice.
      expect(nonces).toEqual(['run-of-four.0', 'run-of-four.1', 'run-of-four.2', 'run-of-four.3']);
      for (const n of [1, 2, 3, 4]) expect(timesPosted(channelId, `Part ${n} of the briefing`)).toBe(1);
      expect(await b.store.get(digestKey(digest, 'pending'))).toBeUndefined();
      expect(await b.store.get(digestKey(digest, 'cursor'))).toBe(run.asOf);
      await Promise.all([a.close(), b.close()]);
    },
    30_000,
  );
  it.skipIf(!enabled)(
    'a process shutting down mid-run hands its lease over at once: a waiting process finishes the run well before the TTL',
    async () => {
      const channelId = CHANNELS[channels++] ?? '';
      const url = storeUrl();
      const digest = digestFor(channelId);
      // A's posts fail (Discord down for A), and A waits 5 s before each retry.
      const failing: DigestSender = {
        async send() {
          throw new DeliveryError('Discord answered 503', false, 503);
        },
      };
      const a = process_(url, 'A', { send: failing, backoffMs: 5000 });
      const b = process_(url, 'B');
      const incidents = [21, 22].map(syria);
      a.load(incidents);
      b.load(incidents);
      const slot = Math.floor(Date.now() / 1000) * 1000;
      const runA = a.runner.run(digest, { scheduledFor: slot, reason: 'scheduled' });
      await until(
        'A to own a pending run',
        async () => (await a.store.get(digestKey(digest, 'pending'))) !== undefined,
      );
      const runB = b.runner.run(digest, { scheduledFor: slot, reason: 'scheduled' });
      await sleep(200);
      const stoppedAt = Date.now();
      await a.runner.stop();
      const outB = await runB;
      const handover = Date.now() - stoppedAt;
      expect((await runA).outcome).toBe('busy');
      expect(outB.outcome).toBe('posted');
      expect(handover).toBeLessThan(1500);
      for (const incident of incidents) expect(timesPosted(channelId, incident.title)).toBe(1);
      await Promise.all([a.close(), b.close()]);
    },
    30_000,
  );
});
