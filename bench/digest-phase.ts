// Digest work that does not touch Discord: the tracker's first look at the data (the bot waits for it
// before logging in), noting a day's changes, and composing digests from them.
import path from 'node:path';
import { composeDigest, selectDigestItems } from '../src/digest/compose.ts';
import { IncidentTracker } from '../src/digest/tracker.ts';
import { Catalog, type CatalogEntry } from '../src/incidents/catalog.ts';
import { type Incident, parseIncident } from '../src/incidents/schema.ts';
import { createStateStore } from '../src/state/store.ts';
import { generateIncident } from './generate.ts';
import { type MemorySample, memorySample } from './load-phase.ts';
import { type Latency, measure } from './stats.ts';

export interface DigestResult {
  /** tracker.observe over the whole catalog on an empty SQLite store (start-up of a new bot). */
  firstObserveMs: number;
  /** Process memory once the tracker holds a record of every incident (the bot keeps it). */
  memoryAfterObserve: MemorySample;
  /** tracker.observe after a day's changes: `added` new incidents and `changed` revised ones. */
  observeChangesMs: number;
  added: number;
  changed: number;
  /** selectDigestItems + composeDigest for one channel. */
  compose: {
    /** The usual run: what is new or changed since the last digest, all countries. */
    regular: Latency;
    /** The same, limited to two countries. */
    regularCountries: Latency;
    /** A channel's first digest: the current picture. */
    first: Latency;
  };
  /** Messages of one regular digest. */
  messages: number;
}

/** A day's changes: `added` new incidents, and `changed` existing ones with one more casualty claim. */
export function dayOfChanges(catalog: Catalog, seed: number, added: number, changed: number): Catalog {
  const entries: CatalogEntry[] = [...catalog.byId.values()];
  for (let k = 0, made = 0; made < added; k++) {
    const raw = generateIncident(seed, catalog.size + 1_000_000 + k);
    if (catalog.byId.has(raw.id)) continue;
    const parsed = parseIncident({ ...raw, date: { start: '2025-01-14' }, id: `${raw.id}-new` });
    if (!parsed.ok) throw new Error(`generated an invalid incident: ${JSON.stringify(parsed.problems)}`);
    entries.push({ incident: parsed.incident, file: `new/${parsed.incident.id}.yaml` });
    made += 1;
  }
  for (let i = 0; i < changed && i < catalog.size; i++) {
    const at = Math.floor((i * catalog.size) / changed);
    const incident = catalog.incidents[at] as Incident;
    const source = incident.sources[0]?.id ?? '';
    const revised: Incident = {
      ...incident,
      casualties: [...incident.casualties, { claimant: 'Revised count', killed: { best: 3 + i }, source }],
    };
    const index = entries.findIndex((e) => e.incident.id === incident.id);
    entries[index] = { incident: revised, file: entries[index]?.file ?? 'x.yaml' };
  }
  return new Catalog(entries);
}

export async function measureDigests(catalog: Catalog, seed: number, workDir: string): Promise<DigestResult> {
  const store = createStateStore(`sqlite://${path.join(workDir, `tracker-${catalog.size}.sqlite`)}`);
  try {
    const tracker = new IncidentTracker(store);
    const t0 = performance.now();
    await tracker.observe(catalog);
    const firstObserveMs = performance.now() - t0;
    const memoryAfterObserve = memorySample();
    const cursor = tracker.lastObservedAt;
    const added = Math.min(50, Math.max(1, Math.floor(catalog.size / 20)));
    const changed = Math.min(10, Math.max(1, Math.floor(catalog.size / 100)));
    const next = dayOfChanges(catalog, seed, added, changed);
    const t1 = performance.now();
    await tracker.observe(next);
    const observeChangesMs = performance.now() - t1;
    const asOf = tracker.lastObservedAt;
    const record = (id: string) => tracker.record(id);
    const compose = (since: number | undefined, countries: string[]) => () =>
      composeDigest({
        title: 'Morning briefing',
        timezone: 'Europe/Berlin',
        items: selectDigestItems(next, record, since, asOf, countries, (from, to) =>
          tracker.changedSince(from, to),
        ),
        since,
        asOf,
        whenEmpty: 'quiet',
      });
    const options = { iterations: 100, budgetMs: 3000, minIterations: 5 };
    const messages = compose(cursor, [])()?.messages.length ?? 0;
    return {
      firstObserveMs,
      memoryAfterObserve,
      observeChangesMs,
      added,
      changed,
      messages,
      compose: {
        regular: measure(compose(cursor, []), options),
        regularCountries: measure(compose(cursor, ['Syria', 'IRQ']), options),
        first: measure(compose(undefined, []), options),
      },
    };
  } finally {
    await store.close();
  }
}
