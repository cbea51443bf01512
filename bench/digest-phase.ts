// Digest work that does not touch Discord: the tracker's first look at the index (the bot waits for it
// before logging in), noting a day's changes, and composing digests from them.
import path from 'node:path';
import type { DigestConfig } from '../src/config.ts';
import { composeDigest, selectDigestItems } from '../src/digest/compose.ts';
import { createDigestInquiry } from '../src/digest/inquiry.ts';
import { createDigestRunner } from '../src/digest/runner.ts';
import { IncidentTracker } from '../src/digest/tracker.ts';
import { Catalog, incidentOf } from '../src/incidents/catalog.ts';
import { type Incident, parseIncident } from '../src/incidents/schema.ts';
import { createLogger } from '../src/logger.ts';
import { createStateStore } from '../src/state/store.ts';
import { generateIncident } from './generate.ts';
import { type MemorySample, memorySample } from './load-phase.ts';
import { type Latency, measureAsync } from './stats.ts';

/** An alert on any incident with 10 or more claimed deaths, and a digest of two countries' battles. */
const ALERT: DigestConfig = {
  id: 'bench-alert',
  channelId: '100000000000000001',
  cron: '* * * * *',
  timezone: 'UTC',
  countries: [],
  filters: { minDeaths: 10 },
  title: 'Deadly',
  whenEmpty: 'quiet',
  mode: 'alert',
  alertCap: 10,
};
const FILTERED: DigestConfig = {
  id: 'bench-filtered',
  channelId: '100000000000000002',
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: ['Syria', 'IRQ'],
  filters: { types: ['battles'] },
  title: 'Battles',
  whenEmpty: 'quiet',
};

export interface DigestResult {
  /** tracker.observe over the whole index on an empty SQLite store (start-up of a new bot). */
  firstObserveMs: number;
  /** Process memory after that first observation (the records are in the store, not the heap). */
  memoryAfterObserve: MemorySample;
  /** Writing a day's changes into the index (one transaction through Catalog.applyFile). */
  writeChangesMs: number;
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
  /**
   * Issue 16's digests through the runner (a stub Discord): an alert's poll when nothing changed (its
   * steady cost, every 20 s), a filtered digest's run over the day's changes that keeps its delivery
   * record (selection, which filters left each candidate out, the record write), and reading the record
   * back for /digest why and /digest status. Absent in results from before them.
   */
  delivery?: {
    alertPoll: Latency;
    filteredRunMs: number;
    filtered: number;
    why: Latency;
    status: Latency;
  };
}

/**
 * A day's changes, written into the index as a watcher's batch would be (one transaction): `added` new
 * incidents in one new file, and `changed` existing ones with one more casualty claim (their files
 * rewritten with the revision).
 */
export function dayOfChanges(catalog: Catalog, seed: number, added: number, changed: number): void {
  const fresh: Incident[] = [];
  for (let k = 0; fresh.length < added; k++) {
    const raw = generateIncident(seed, catalog.size + 1_000_000 + k);
    const id = `${raw.id}-new`;
    if (catalog.has(id) || fresh.some((i) => i.id === id)) continue;
    const parsed = parseIncident({ ...raw, date: { start: '2025-01-14' }, id });
    if (!parsed.ok) throw new Error(`generated an invalid incident: ${JSON.stringify(parsed.problems)}`);
    fresh.push(parsed.incident);
  }
  // Spread over the index: rowids are in build order.
  const maxRow = (catalog.statement('SELECT max(rowid) FROM incidents').pluck().get() as number | null) ?? 0;
  const holderAt = catalog.statement<[number], { id: string; file: string }>(
    'SELECT id, file FROM incidents WHERE rowid >= ? ORDER BY rowid LIMIT 1',
  );
  const revisions = new Map<string, Map<string, number>>();
  for (let i = 0; i < changed && i < catalog.size; i++) {
    const row = holderAt.get(1 + Math.floor((i * maxRow) / changed));
    if (!row) continue;
    const ids = revisions.get(row.file) ?? new Map<string, number>();
    ids.set(row.id, i);
    revisions.set(row.file, ids);
  }
  const fileIncidents = catalog.statement<[string], { body: string }>(
    'SELECT body FROM incidents WHERE file = ? ORDER BY ord',
  );
  catalog.transaction(() => {
    const file = path.join(catalog.meta('data_dir') ?? '.', 'bench-day', 'new-incidents.json');
    catalog.applyFile(
      {
        path: file,
        display: 'bench-day/new-incidents.json',
        size: 0,
        mtimeMs: Date.now(),
        ino: 0,
        hash: 'day',
      },
      { file: 'bench-day/new-incidents.json', incidents: fresh, problems: [] },
    );
    for (const [filePath, ids] of revisions) {
      const record = catalog.fileRecord(filePath);
      if (!record) throw new Error(`the index has incidents of ${filePath} but no record of it`);
      const incidents = fileIncidents.all(filePath).map((row) => {
        const incident = incidentOf(row);
        const n = ids.get(incident.id);
        if (n === undefined) return incident;
        const source = incident.sources[0]?.id ?? '';
        return {
          ...incident,
          casualties: [
            ...incident.casualties,
            { claimant: 'Revised count', killed: { best: 3 + n }, source },
          ],
        };
      });
      catalog.applyFile(
        { ...record, hash: `${record.hash}+day` },
        { file: record.display, incidents, problems: [] },
      );
    }
  });
}

/**
 * The tracker over the index the json phase built (opened as the bot opens it: nothing rebuilt), on an
 * empty state store: its first look at every incident, a day's changes, and digests composed from them.
 */
export async function measureDigests(
  indexPath: string,
  dataDir: string,
  seed: number,
  /** A new SQLite state store; the interactions' bot starts over it afterwards, as a restarted bot. */
  storePath: string,
): Promise<DigestResult> {
  const catalog = Catalog.open(indexPath, {
    dataDir,
    onRebuild: (reason) => {
      throw new Error(`the digest phase would rebuild the index: ${reason}`);
    },
  });
  const store = createStateStore(`sqlite://${storePath}`);
  try {
    const tracker = new IncidentTracker(store);
    const t0 = performance.now();
    await tracker.observe(catalog);
    const firstObserveMs = performance.now() - t0;
    const runner = createDigestRunner({
      store,
      tracker,
      catalog: () => catalog,
      send: { send: async () => ({ id: String(++posts) }) },
      logger: createLogger({ level: 'silent' }),
    });
    let posts = 0;
    // Each starts here: the alert from now, the filtered digest with its first run (the current picture).
    await runner.run(ALERT, { reason: 'alert' });
    await runner.run(FILTERED, { reason: 'manual' });
    const memoryAfterObserve = memorySample();
    const cursor = tracker.lastObservedAt;
    const added = Math.min(50, Math.max(1, Math.floor(catalog.size / 20)));
    const changed = Math.min(10, Math.max(1, Math.floor(catalog.size / 100)));
    const w0 = performance.now();
    dayOfChanges(catalog, seed, added, changed);
    const writeChangesMs = performance.now() - w0;
    const t1 = performance.now();
    await tracker.observe(catalog);
    const observeChangesMs = performance.now() - t1;
    const asOf = tracker.lastObservedAt;
    const compose = (since: number | undefined, countries: string[]) => async () => {
      const ids = since === undefined ? [] : await tracker.changedSince(since, asOf);
      const records = await tracker.records(ids);
      const selection = selectDigestItems(catalog, records, since, asOf, countries, ids);
      return composeDigest({
        title: 'Morning briefing',
        timezone: 'Europe/Berlin',
        ...selection,
        since,
        asOf,
        whenEmpty: 'quiet',
      });
    };
    const options = { iterations: 100, budgetMs: 3000, minIterations: 5 };
    const regular = await compose(cursor, [])();
    const messages = regular?.messages.length ?? 0;
    const r0 = performance.now();
    await runner.run(FILTERED, { reason: 'manual' });
    const filteredRunMs = performance.now() - r0;
    const [latest] = await runner.record.runs(FILTERED, 1);
    const inquiry = createDigestInquiry({
      record: runner.record,
      tracker,
      catalog: () => catalog,
      state: runner.state,
    });
    const someId = Object.keys(latest?.incidents ?? {})[0] ?? 'no-such-incident';
    // The alert's first poll after the day notes it (and posts); the polls measured see nothing new.
    await runner.run(ALERT, { reason: 'alert' });
    const delivery = {
      alertPoll: await measureAsync(() => runner.run(ALERT, { reason: 'alert' }), options),
      filteredRunMs,
      filtered: latest?.counts.filtered ?? 0,
      why: await measureAsync(() => inquiry.why(FILTERED, someId), options),
      status: await measureAsync(() => inquiry.runs(FILTERED), options),
    };
    return {
      firstObserveMs,
      memoryAfterObserve,
      writeChangesMs,
      observeChangesMs,
      added,
      changed,
      messages,
      delivery,
      compose: {
        regular: await measureAsync(compose(cursor, []), options),
        regularCountries: await measureAsync(compose(cursor, ['Syria', 'IRQ']), options),
        first: await measureAsync(compose(undefined, []), options),
      },
    };
  } finally {
    await store.close();
    catalog.close();
  }
}
