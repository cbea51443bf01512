// State that must survive a restart (digest cursors, pending runs, when incidents were first seen),
// in keyv: embedded SQLite by default, Redis when several processes share state.
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { SqliteStore } from './sqlite-store.ts';

export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  setMany(entries: { key: string; value: unknown }[]): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  /** What the store is, for logs and /digest status (never includes a password). */
  readonly description: string;
}

export const DEFAULT_STORE_URL = 'sqlite://./var/sitrep.sqlite';

export interface StateStoreOptions {
  /** SQLite only: open without writing or creating the file (offline `sitrep digest …`). */
  readOnly?: boolean;
  /** SQLite only: how long to wait for another process's lock. */
  timeoutMs?: number;
}

/** `sqlite://./var/x.sqlite`, `sqlite:///abs/path.sqlite`, `sqlite://:memory:`, `redis://…`, `rediss://…`. */
export function createStateStore(
  url: string = DEFAULT_STORE_URL,
  options: StateStoreOptions = {},
): StateStore {
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length) || './var/sitrep.sqlite';
    const store = new SqliteStore(file, options);
    return wrap(new Keyv({ store, namespace: 'sitrep', throwOnErrors: true }), `SQLite ${file}`);
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') {
    const redis = new KeyvRedis(url, {
      throwOnConnectError: true,
      throwOnErrors: true,
      connectionTimeout: 5000,
    });
    const safe = `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
    return wrap(new Keyv({ store: redis, namespace: 'sitrep', throwOnErrors: true }), `Redis ${safe}`);
  }
  throw new Error(`unsupported store "${parsed.protocol}//": use sqlite:// or redis://`);
}

function wrap(keyv: Keyv, description: string): StateStore {
  // Errors must reach the caller (a digest must not move its cursor on a failed write), not just an event.
  keyv.on('error', () => undefined);
  return {
    description,
    async get<T>(key: string) {
      return (await keyv.get<T>(key)) ?? undefined;
    },
    async set(key, value) {
      const ok = await keyv.set(key, value);
      if (ok === false) throw new Error(`the state store did not save ${key}`);
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      await keyv.setMany(entries.map(({ key, value }) => ({ key, value })));
    },
    async delete(key) {
      await keyv.delete(key);
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
