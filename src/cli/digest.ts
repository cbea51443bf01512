// `sitrep digest preview [n]`, `sitrep digest status [n]` and `sitrep digest why <id> [n]`, and /digest and /digest-admin in `sitrep run`
// and the console: the digest commands, offline. They read the state store (STORE_URL) but never
// write to it or post anything. The digests are the env file's and those subscribed from Discord (read
// from the store); /digest-admin list shows them, and subscribe, edit, pause, resume and remove answer
// that subscriptions are changed from Discord only.

import { loadDigestSettings } from '../config.ts';
import { createDigestInquiry } from '../digest/inquiry.ts';
import { createDigestRunner } from '../digest/runner.ts';
import { createDigestService, type DigestService } from '../digest/service.ts';
import { createSubscriptions, defaultZoneOf } from '../digest/subscriptions.ts';
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
  const base = createStateStore(settings.storeUrl, { readOnly: true });
  const store = readOnly(base);
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
    // Read-only: without leases, the subscriptions cannot be changed from here.
    const subscriptions = createSubscriptions({
      store,
      envDigests: settings.digests,
      defaultZone: defaultZoneOf(settings),
    });
    await subscriptions.load();
    // /digest why reads what the bot itself has seen: a tracker over the store as it is, never observing.
    const inquiry = createDigestInquiry({
      record: runner.record,
      tracker: new IncidentTracker(base),
      catalog: () => catalog,
      state: runner.state,
    });
    return await use(
      createDigestService(() => subscriptions.digests(), runner, Date.now, subscriptions, inquiry),
    );
  } finally {
    await store.close();
  }
}

const DIGEST_USAGE =
  'Usage: sitrep digest preview [n] | sitrep digest status [n] | sitrep digest why <incident-id> [n]';

export async function digestCommand(
  args: string[],
  options: { dataDir: string; io: CliIo; indexPath?: string | undefined },
): Promise<number> {
  const [verb, first, second] = args;
  if (verb !== 'preview' && verb !== 'status' && verb !== 'why') throw new UserError(DIGEST_USAGE);
  if (verb === 'why' && (first === undefined || first.trim() === ''))
    throw new UserError(`Which incident? ${DIGEST_USAGE}`);
  const loaded = await loadForCli(options.dataDir, options.io, options.indexPath);
  try {
    const answer = await withOfflineDigests(loaded.catalog, async (service) => {
      if (verb === 'preview') return service.preview(first);
      if (verb === 'why') return service.why(first ?? '', second);
      // Each digest's schedule and last outcome, then its last runs (of digest `first` alone, if named).
      const overview = first === undefined ? await service.status() : undefined;
      const runs = await service.runs(first);
      return { sections: [...(overview?.sections ?? []), ...runs.sections], ephemeral: true };
    });
    options.io.out(`${toText(answer)}\n`);
    return 0;
  } finally {
    loaded.catalog.close();
  }
}
