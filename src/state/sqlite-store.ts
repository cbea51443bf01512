// A keyv store adapter over SQLite (better-sqlite3, the project's one SQLite binding). SQLite locks the
// file with POSIX locks, which the kernel drops when a process dies: a SIGKILL leaves nothing locked,
// and processes on one machine can share the file.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import type { RateLimiterSQLite } from 'rate-limiter-flexible';
import type { KeyvEncoding, LeaseBackend } from './leases.ts';
import { CREATE_LEASES, sqliteLeases } from './sqlite-leases.ts';

/** How long a statement waits for another process's lock before failing with "database is locked". */
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export interface SqliteStoreOptions {
  timeoutMs?: number;
  /** Open an existing file read-only; a missing file reads as empty and is not created. */
  readOnly?: boolean;
}

type Row = { value: string; expires: number | null };

export class SqliteStore extends EventEmitter implements KeyvStoreAdapter {
  opts: { file: string; readOnly: boolean };
  namespace?: string | undefined;
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[string, string, number | null]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly removeRange: Database.Statement<[string, string]>;
  private readonly removeAll: Database.Statement<[]>;

  constructor(
    file: string,
    { timeoutMs = DEFAULT_BUSY_TIMEOUT_MS, readOnly = false }: SqliteStoreOptions = {},
  ) {
    super();
    this.opts = { file, readOnly };
    this.db = readOnly ? openReadOnly(file, timeoutMs) : openWritable(file, timeoutMs);
    this.select = this.db.prepare('SELECT value, expires FROM keyv WHERE key = ?');
    this.upsert = this.db.prepare(
      'INSERT INTO keyv (key, value, expires) VALUES (?, ?, ?) ' +
        'ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires',
    );
    this.remove = this.db.prepare('DELETE FROM keyv WHERE key = ?');
    this.removeRange = this.db.prepare('DELETE FROM keyv WHERE key >= ? AND key < ?');
    this.removeAll = this.db.prepare('DELETE FROM keyv');
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.read<Value>(key);
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return keys.map((key) => this.read<Value>(key));
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    this.write(key, value, ttl);
    return true;
  }

  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    // IMMEDIATE takes the write lock up front, so waiting for another process goes through the busy
    // timeout instead of failing when a read lock cannot be upgraded.
    this.db
      .transaction(() => {
        for (const { key, value, ttl } of entries) this.write(key, value, ttl);
      })
      .immediate();
  }

  async delete(key: string): Promise<boolean> {
    return this.remove.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.db
      .transaction(() => keys.reduce((any, key) => this.remove.run(key).changes > 0 || any, false))
      .immediate();
  }

  async has(key: string): Promise<boolean> {
    return this.read(key) !== undefined;
  }

  async clear(): Promise<void> {
    // Keys are `<namespace>:<key>`, and ';' is the character after ':'.
    if (this.namespace) this.removeRange.run(`${this.namespace}:`, `${this.namespace};`);
    else this.removeAll.run();
  }

  /** Leases in this file (writable stores only), writing keys as `encode` says keyv stores them. */
  leases(encode: KeyvEncoding): LeaseBackend {
    return sqliteLeases(this.db, encode);
  }

  /**
   * A rate-limiter-flexible limiter in this file (its own table, `rest_budget`), shared by the processes
   * on it; resolves once the library has created that table, since a consume before fails.
   */
  rateLimiter(
    Limiter: typeof RateLimiterSQLite,
    options: { points: number; duration: number; keyPrefix: string },
  ): Promise<RateLimiterSQLite> {
    return new Promise((resolve, reject) => {
      const limiter: RateLimiterSQLite = new Limiter(
        { ...options, storeClient: this.db, storeType: 'better-sqlite3', tableName: 'rest_budget' },
        (error) => (error ? reject(error) : resolve(limiter)),
      );
    });
  }

  async disconnect(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private read<Value>(key: string): StoredData<Value> | undefined {
    const row = this.select.get(key);
    if (!row) return undefined;
    if (row.expires !== null && row.expires <= Date.now()) {
      if (!this.opts.readOnly) this.remove.run(key);
      return undefined;
    }
    return row.value as StoredData<Value>;
  }

  private write(key: string, value: unknown, ttl: number | undefined): void {
    const expires = typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null;
    this.upsert.run(key, typeof value === 'string' ? value : JSON.stringify(value), expires);
  }
}

const CREATE_TABLE =
  'CREATE TABLE IF NOT EXISTS keyv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER)';

function openWritable(file: string, timeout: number): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // `timeout` is the busy timeout, set by the constructor before any statement runs, so even the
  // first statement of a process started alongside another waits for the lock instead of failing.
  const db = new Database(file, { timeout });
  try {
    if (file !== ':memory:') {
      // WAL: readers never wait for the writer, and a killed writer's half-written transaction is
      // simply ignored by the next opener.
      const mode = whileBusy(timeout, () => db.pragma('journal_mode = WAL', { simple: true }));
      if (mode !== 'wal') {
        throw new Error(`the state store ${file} cannot use WAL (journal_mode is "${String(mode)}")`);
      }
    }
    // NORMAL is durable across process crashes (the case that matters for digest cursors), and much
    // faster than FULL; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    whileBusy(timeout, () => db.exec(`${CREATE_TABLE}; ${CREATE_LEASES}`));
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Runs `step` again while SQLite answers "database is locked" at once, up to `timeout` ms. SQLite
 * skips the busy timeout where waiting could deadlock, as when two processes switch a new file to WAL
 * at the same moment (each holds a read lock and wants to write); one of them must back off and retry.
 */
function whileBusy<T>(timeout: number, step: () => T): T {
  const deadline = Date.now() + timeout;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}

function openReadOnly(file: string, timeout: number): Database.Database {
  if (file !== ':memory:' && existsSync(file)) {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout });
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keyv'").get()) return db;
    db.close();
  }
  // Nothing stored yet: read as empty without creating the file.
  const empty = new Database(':memory:');
  empty.exec(CREATE_TABLE);
  return empty;
}
