// `sitrep digest preview [n]` and `sitrep digest status`, and /digest and /digest-admin in `sitrep run`
// and the console: the digest commands, offline. They read the state store (STORE_URL) but never
// write to it or post anything.

import { loadDigestSettings } from '../config.ts';
import { createDigestRunner } from '../digest/runner.ts';
import { createDigestService, type DigestService } from '../digest/service.ts';
import { IncidentTracker } from '../digest/tracker.ts';
import { UserError } from '../errors.ts';
import type { Catalog } from '../incidents/catalog.ts';
import { createLogger } from '../logger.ts';
import { toText } from '../render/text.ts';
import type { StateStore } from '../state/store.ts';
import { createStateStore } from '../state/store.ts';
import type { CliIo } from './io.ts';
import { loadForCli } from './load.ts';

/** A store that reads through and keeps writes in memory, so a preview changes nothing on disk
 * (an SQLite file is also opened read-only, and not created when missing). */
function readOnly(store: StateStore): StateStore {
  const written = new Map<string, unknown>();
  return {
    description: `${store.description} (read-only)`,
    async get<T>(key: string) {
      return (written.has(key) ? written.get(key) : await store.get<T>(key)) as T | undefined;
    },
    async set(key, value) {
      written.set(key, value);
    },
    async setMany(entries) {
      for (const { key, value } of entries) written.set(key, value);
    },
    async delete(key) {
      written.set(key, undefined);
    },
    close: () => store.close(),
  };
}

/**
 * Runs `use` with the digest service the environment configures (DIGEST_<n>_* keys, as the bot reads
 * them) over the state store opened read-only, then closes the store. Nothing is posted or saved.
 */
export async function withOfflineDigests<T>(
  catalog: Catalog,
  use: (digests: DigestService) => Promise<T>,
): Promise<T> {
  const settings = loadDigestSettings();
  const store = readOnly(createStateStore(settings.storeUrl, { readOnly: true }));
  try {
    const tracker = new IncidentTracker(store);
    await tracker.observe(catalog);
    const runner = createDigestRunner({
      store,
      tracker,
      catalog: () => catalog,
      logger: createLogger({ level: 'silent' }),
      send: {
        send: () => Promise.reject(new Error('the offline preview never posts')),
      },
    });
    return await use(createDigestService(settings.digests, runner));
  } finally {
    await store.close();
  }
}

export async function digestCommand(
  args: string[],
  options: { dataDir: string; io: CliIo; indexPath?: string | undefined },
): Promise<number> {
  const [verb, id] = args;
  if (verb !== 'preview' && verb !== 'status') {
    throw new UserError('Usage: sitrep digest preview [n] | sitrep digest status');
  }
  const loaded = await loadForCli(options.dataDir, options.io, options.indexPath);
  try {
    const answer = await withOfflineDigests(loaded.catalog, (service) =>
      verb === 'preview' ? service.preview(id) : service.status(),
    );
    options.io.out(`${toText(answer)}\n`);
    return 0;
  } finally {
    loaded.catalog.close();
  }
}
