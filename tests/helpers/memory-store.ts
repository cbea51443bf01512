import type { StateStore } from '../../src/state/store.ts';

/** An in-memory StateStore; values are JSON round-tripped like a real store. */
export function memoryStore(): StateStore & { data: Map<string, string>; failWrites: boolean } {
  const data = new Map<string, string>();
  const store = {
    data,
    failWrites: false,
    description: 'memory',
    async get<T>(key: string) {
      const raw = data.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set(key: string, value: unknown) {
      if (store.failWrites) throw new Error('store unavailable');
      data.set(key, JSON.stringify(value));
    },
    async setMany(entries: { key: string; value: unknown }[]) {
      for (const { key, value } of entries) await store.set(key, value);
    },
    async delete(key: string) {
      if (store.failWrites) throw new Error('store unavailable');
      data.delete(key);
    },
    async close() {},
  };
  return store;
}
