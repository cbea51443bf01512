// A keyv store adapter over SQLite compiled to WebAssembly (node-sqlite3-wasm): an embedded, durable
// store that installs without a native build on any machine Node runs on.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import sqlite from 'node-sqlite3-wasm';

export class SqliteWasmStore extends EventEmitter implements KeyvStoreAdapter {
  opts: { file: string };
  namespace?: string | undefined;
  private readonly db: InstanceType<typeof sqlite.Database>;

  constructor(file: string) {
    super();
    this.opts = { file };
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new sqlite.Database(file);
    // WAL keeps readers and the single writer out of each other's way; NORMAL sync is durable across
    // process crashes (the case that matters for the digest cursor), and much faster than FULL.
    this.db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;' +
        'CREATE TABLE IF NOT EXISTS keyv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER)',
    );
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const row = this.db.get('SELECT value, expires FROM keyv WHERE key = ?', [key]) as {
      value: string;
      expires: number | null;
    } | null;
    if (!row) return undefined;
    if (row.expires !== null && row.expires <= Date.now()) {
      this.db.run('DELETE FROM keyv WHERE key = ?', [key]);
      return undefined;
    }
    return row.value as StoredData<Value>;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return Promise.all(keys.map((key) => this.get<Value>(key)));
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const expires = typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null;
    this.db.run(
      'INSERT INTO keyv (key, value, expires) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires',
      [key, typeof value === 'string' ? value : JSON.stringify(value), expires],
    );
    return true;
  }

  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    this.db.exec('BEGIN');
    try {
      for (const { key, value, ttl } of entries) await this.set(key, value, ttl);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.db.run('DELETE FROM keyv WHERE key = ?', [key]).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let any = false;
    for (const key of keys) any = (await this.delete(key)) || any;
    return any;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    if (this.namespace) this.db.run('DELETE FROM keyv WHERE key LIKE ?', [`${this.namespace}:%`]);
    else this.db.run('DELETE FROM keyv');
  }

  async disconnect(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
