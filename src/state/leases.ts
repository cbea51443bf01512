// Leases with fencing tokens in the state store: one owner at a time for a named piece of work (a
// digest's runs), across every process that shares the store. The well-known pattern: acquire only if
// free (Redis `SET NX PX`, or a row in one IMMEDIATE SQLite transaction), a token from a counter that
// only rises, renew and release only while the value is still ours, and writes that the store accepts
// only while the token is the current holder's (compare-and-set), so a process that lost its lease
// cannot move anything.

export interface Lease {
  name: string;
  owner: string;
  /** Rises with every acquisition of this name: a later holder always has a larger token. */
  token: number;
}

export interface LeaseHolder {
  owner: string;
  token: number;
  /** ms since epoch, by the store's clock where it has one (Redis), else the writer's. */
  expiresAt: number;
}

export interface StoreEntry {
  key: string;
  value: unknown;
}

export interface LeaseBackend {
  /** Takes `name` for `ttlMs` if nobody holds it; undefined when someone does. */
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the lease by `ttlMs` from now; false when it is no longer ours (expired or taken). */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives it up at once if it is still ours. */
  release(lease: Lease): Promise<void>;
  /**
   * Writes `set` and deletes `remove` (StateStore keys) in one step, only while `lease` is held:
   * false, with nothing written, when it is not.
   */
  writeFenced(lease: Lease, set: StoreEntry[], remove: string[]): Promise<boolean>;
  holder(name: string): Promise<LeaseHolder | undefined>;
}

/** Encodes a StateStore key and value as the backend stores them (keyv's prefix and serialization). */
export interface KeyvEncoding {
  key(key: string): string;
  value(value: unknown): Promise<string>;
}

/**
 * Leases for a store only this process uses (in memory, `sqlite://:memory:`, tests): a map, and
 * writes through the store itself.
 */
export function localLeases(store: {
  set(key: string, value: unknown): Promise<void>;
  setMany(entries: StoreEntry[]): Promise<void>;
  delete(key: string): Promise<void>;
}): LeaseBackend {
  const held = new Map<string, LeaseHolder>();
  let counter = 0;
  const current = (name: string) => {
    const holder = held.get(name);
    if (holder && holder.expiresAt <= Date.now()) {
      held.delete(name);
      return undefined;
    }
    return holder;
  };
  const mine = (lease: Lease) => {
    const holder = current(lease.name);
    return holder?.owner === lease.owner && holder.token === lease.token ? holder : undefined;
  };
  return {
    async acquire(name, owner, ttlMs) {
      if (current(name)) return undefined;
      counter += 1;
      held.set(name, { owner, token: counter, expiresAt: Date.now() + ttlMs });
      return { name, owner, token: counter };
    },
    async renew(lease, ttlMs) {
      const holder = mine(lease);
      if (holder) holder.expiresAt = Date.now() + ttlMs;
      return holder !== undefined;
    },
    async release(lease) {
      if (mine(lease)) held.delete(lease.name);
    },
    async writeFenced(lease, set, remove) {
      if (!mine(lease)) return false;
      if (set.length > 0) await store.setMany(set);
      for (const key of remove) await store.delete(key);
      return true;
    },
    async holder(name) {
      return current(name);
    },
  };
}
