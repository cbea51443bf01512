// Leases on one SQLite file, for bot processes on one machine sharing it. Each operation is one
// IMMEDIATE transaction (the write lock first, so two processes never both see a free lease), and a
// lease is a row: its owner, its token and when it expires. The row is kept when released (expired
// at once), so its token is the counter: the next holder's token is one more.
import type Database from 'better-sqlite3';
import type { KeyvEncoding, Lease, LeaseBackend, LeaseHolder } from './leases.ts';

export const CREATE_LEASES =
  'CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires INTEGER NOT NULL)';

type LeaseRow = { owner: string; token: number; expires: number };

/** `db` must have the table (CREATE_LEASES, run when a writable store opens). */
export function sqliteLeases(db: Database.Database, encode: KeyvEncoding): LeaseBackend {
  const select = db.prepare<[string], LeaseRow>('SELECT owner, token, expires FROM leases WHERE name = ?');
  const upsert = db.prepare<[string, string, number, number]>(
    'INSERT INTO leases (name, owner, token, expires) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, token = excluded.token, expires = excluded.expires',
  );
  const extend = db.prepare<[number, string, string, number]>(
    'UPDATE leases SET expires = ? WHERE name = ? AND owner = ? AND token = ?',
  );
  const put = db.prepare<[string, string]>(
    'INSERT INTO keyv (key, value, expires) VALUES (?, ?, NULL) ' +
      'ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = NULL',
  );
  const remove = db.prepare<[string]>('DELETE FROM keyv WHERE key = ?');

  const live = (name: string, now: number) => {
    const row = select.get(name);
    return row && row.expires > now ? row : undefined;
  };
  const holds = (lease: Lease, now: number) => {
    const row = live(lease.name, now);
    return row?.owner === lease.owner && row.token === lease.token;
  };

  const acquire = db.transaction((name: string, owner: string, ttlMs: number): Lease | undefined => {
    const now = Date.now();
    if (live(name, now)) return undefined;
    const token = (select.get(name)?.token ?? 0) + 1;
    upsert.run(name, owner, token, now + ttlMs);
    return { name, owner, token };
  });
  const renew = db.transaction((lease: Lease, ttlMs: number): boolean => {
    const now = Date.now();
    if (!holds(lease, now)) return false;
    extend.run(now + ttlMs, lease.name, lease.owner, lease.token);
    return true;
  });
  const release = db.transaction((lease: Lease) => {
    extend.run(0, lease.name, lease.owner, lease.token);
  });
  const write = db.transaction((lease: Lease, set: [string, string][], keys: string[]): boolean => {
    if (!holds(lease, Date.now())) return false;
    for (const [key, value] of set) put.run(key, value);
    for (const key of keys) remove.run(key);
    return true;
  });

  return {
    async acquire(name, owner, ttlMs) {
      return acquire.immediate(name, owner, ttlMs);
    },
    async renew(lease, ttlMs) {
      return renew.immediate(lease, ttlMs);
    },
    async release(lease) {
      release.immediate(lease);
    },
    async writeFenced(lease, set, remove) {
      const encoded = await Promise.all(
        set.map(async ({ key, value }) => [encode.key(key), await encode.value(value)] as [string, string]),
      );
      return write.immediate(lease, encoded, remove.map(encode.key));
    },
    async holder(name): Promise<LeaseHolder | undefined> {
      const row = live(name, Date.now());
      return row && { owner: row.owner, token: row.token, expiresAt: row.expires };
    },
  };
}
