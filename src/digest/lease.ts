// One owner at a time for a digest's runs (and for noting incident changes), across every process on
// the state store: this process's side of the leases in src/state/leases.ts. A held lease is renewed
// in the background; it counts as ours only until its last renewal's TTL runs out (minus a margin),
// so a process that cannot renew stops posting before the store gives the lease to another.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import type { Lease, LeaseBackend, StoreEntry } from '../state/leases.ts';
import type { StateStore } from '../state/store.ts';

/**
 * How long a lease lasts without renewal: a process that dies (SIGKILL, power) holds its digests this
 * long, and a waiting process takes over within LEASE_TTL_MS + LEASE_POLL_MS.
 */
export const LEASE_TTL_MS = 5_000;
export const LEASE_RENEW_MS = 1_500;
/** How often a process waiting for a digest's lease tries again. */
export const LEASE_POLL_MS = 1_000;
/** A lease is ours until its TTL minus this, by our clock: room for a slow store answer. */
const MARGIN_MS = 1_500;

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export interface HeldLease {
  readonly name: string;
  readonly owner: string;
  readonly token: number;
  /** Still ours by our own clock (renewed in time, not released, not refused by the store). */
  valid(): boolean;
  /** Asks the store (renewing the lease): throws LeaseLostError when it is no longer ours. */
  confirm(): Promise<void>;
  /** Writes only while the lease is ours in the store (compare-and-set on the token); else throws LeaseLostError. */
  write(set: StoreEntry[], remove?: string[]): Promise<void>;
  release(): Promise<void>;
}

export interface HoldOptions {
  /**
   * Called while another process holds the lease: true to stop waiting (the work was done there).
   * Without it, `hold` gives up at once when the lease is taken.
   */
  keepWaiting?: () => Promise<boolean>;
  pollMs?: number;
}

export interface LeaseKeeperOptions {
  backend: LeaseBackend;
  logger?: Logger;
  owner?: string;
  ttlMs?: number;
  renewMs?: number;
  pollMs?: number;
  /** Told of every change of hands, for metrics: taken (free), taken over (after waiting), lost, released. */
  onChange?: (event: LeaseEvent, name: string) => void;
}

export type LeaseEvent = 'taken' | 'taken-over' | 'lost' | 'released';

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function createLeaseKeeper(options: LeaseKeeperOptions) {
  const { backend, logger } = options;
  const owner = options.owner ?? processOwner();
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const renewMs = options.renewMs ?? LEASE_RENEW_MS;
  const margin = Math.min(MARGIN_MS, ttlMs / 4);
  const held = new Map<string, HeldLease>();
  let stopped = false;
  const wakers = new Set<() => void>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  function keep(lease: Lease, since: number): HeldLease {
    let validUntil = since + ttlMs - margin;
    let lost = false;
    let released = false;
    const lose = () => {
      if (lost || released) return;
      lost = true;
      options.onChange?.('lost', lease.name);
      logger?.warn(
        { lease: lease.name, fence: lease.token },
        'lease lost (lapsed, or taken by another process)',
      );
    };
    const renewing = setInterval(() => {
      const started = Date.now();
      backend.renew(lease, ttlMs).then(
        (ok) => {
          if (ok) validUntil = started + ttlMs - margin;
          else lose();
        },
        (error: unknown) =>
          logger?.warn(
            { lease: lease.name, err: error instanceof Error ? error.message : String(error) },
            'could not renew a lease; it lapses unless a renewal succeeds in time',
          ),
      );
    }, renewMs);
    renewing.unref();
    const handle: HeldLease = {
      name: lease.name,
      owner: lease.owner,
      token: lease.token,
      valid: () => !lost && !released && Date.now() < validUntil,
      async confirm() {
        const started = Date.now();
        if (handle.valid() && (await backend.renew(lease, ttlMs))) {
          validUntil = started + ttlMs - margin;
          return;
        }
        lose();
        throw new LeaseLostError(`the lease ${lease.name} (token ${lease.token}) is no longer ours`);
      },
      async write(set, remove = []) {
        if (!handle.valid() || !(await backend.writeFenced(lease, set, remove))) {
          lose();
          throw new LeaseLostError(`the lease ${lease.name} (token ${lease.token}) is no longer ours`);
        }
      },
      async release() {
        if (released) return;
        released = true;
        options.onChange?.('released', lease.name);
        clearInterval(renewing);
        if (held.get(lease.name) === handle) held.delete(lease.name);
        await backend
          .release(lease)
          .catch((error: unknown) =>
            logger?.warn(
              { lease: lease.name, err: error instanceof Error ? error.message : String(error) },
              'could not release a lease; it lapses by itself',
            ),
          );
      },
    };
    held.set(lease.name, handle);
    return handle;
  }

  /** Takes the lease `name`, waiting while `keepWaiting` says so; undefined when not taken (or stopping). */
  async function hold(
    name: string,
    { keepWaiting, pollMs = options.pollMs ?? LEASE_POLL_MS }: HoldOptions = {},
  ) {
    let waited = false;
    for (;;) {
      if (stopped) return undefined;
      const started = Date.now();
      const lease = await backend.acquire(name, owner, ttlMs);
      if (lease) {
        if (waited) logger?.info({ lease: name, fence: lease.token }, 'took over a lease');
        options.onChange?.(waited ? 'taken-over' : 'taken', name);
        return keep(lease, started);
      }
      if (!keepWaiting || !(await keepWaiting())) return undefined;
      if (!waited && logger) {
        const holder = await backend.holder(name).catch(() => undefined);
        logger.debug({ lease: name, holder: holder?.owner }, 'another process holds the lease; waiting');
      }
      waited = true;
      await pause(pollMs);
    }
  }

  /** Runs `work` while holding `name`, waiting for it as long as needed (short work: noting changes). */
  async function exclusive<T>(name: string, work: (lease: HeldLease) => Promise<T>): Promise<T> {
    const lease = await hold(name, { keepWaiting: async () => true, pollMs: 50 });
    if (!lease) throw new LeaseLostError(`shutting down: ${name} not taken`);
    try {
      return await work(lease);
    } finally {
      await lease.release();
    }
  }

  return {
    owner,
    hold,
    exclusive,
    /** The lease `name` if this process holds it now. */
    current: (name: string) => held.get(name),
    /** Ends the current pauses of waiting `hold`s, so they ask `keepWaiting` again now. */
    wake() {
      for (const wake of wakers) wake();
    },
    /** Stops waiting and hands every lease back at once, so another process takes over now. */
    async stop() {
      stopped = true;
      for (const wake of wakers) wake();
      await Promise.all([...held.values()].map((lease) => lease.release()));
    },
  };
}

export type LeaseKeeper = ReturnType<typeof createLeaseKeeper>;

/**
 * The store as the incident tracker writes it: its batches go through only while this process holds
 * `name` (so two processes never interleave their change logs), as fenced writes.
 */
export function fencedStore(store: StateStore, keeper: LeaseKeeper, name: string): StateStore {
  return {
    description: store.description,
    get: (key) => store.get(key),
    set: (key, value) => fencedWrite([{ key, value }], []),
    setMany: (entries) => fencedWrite(entries, []),
    delete: (key) => fencedWrite([], [key]),
    close: () => store.close(),
  };
  async function fencedWrite(set: StoreEntry[], remove: string[]) {
    const lease = keeper.current(name);
    if (!lease) throw new LeaseLostError(`writing without the lease ${name}`);
    await lease.write(set, remove);
  }
}
