// Cold builds of the index against their floor, and reloads. Each phase runs in a fresh child process
// (see child.ts), so a build is cold: no earlier build's heap or caches, and a fresh index file.
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Catalog } from '../src/incidents/catalog.ts';
import { LiveCatalog, type Snapshot } from '../src/incidents/live.ts';
import {
  getIncident,
  latest,
  searchIncidents,
  suggestIncidents,
  warmIndexes,
} from '../src/incidents/queries.ts';

export const BENCH_NOW = new Date('2025-01-15T12:00:00Z');

export interface FloorResult {
  ms: number;
  files: number;
  incidents: number;
}

/**
 * The floor: list the files, read them (16 at a time, like the loader) and parse them, with no
 * validation, no catalog and no index.
 */
export async function readAndParseFloor(dir: string): Promise<FloorResult> {
  const started = performance.now();
  const names = (await readdir(dir, { recursive: true }))
    .filter((name) => /\.(ya?ml|json)$/i.test(name))
    .sort();
  let incidents = 0;
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      const text = await readFile(path.join(dir, name), 'utf8');
      const value: unknown = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { schema: 'core' });
      incidents += Array.isArray(value) ? value.length : 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { ms: performance.now() - started, files: names.length, incidents };
}

/** True once the catalog answers what /latest and /incident need. */
function answers(catalog: Catalog): boolean {
  try {
    const newest = latest(catalog, { count: 5 }, BENCH_NOW).items[0];
    return newest !== undefined && getIncident(catalog, newest.id).id === newest.id;
  } catch {
    return false; // an empty index answers with a UserError
  }
}

export interface MemorySample {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  /** False when the process was started without --expose-gc: figures include garbage. */
  gcForced: boolean;
}

export function memorySample(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return {
    heapUsed: m.heapUsed,
    rss: m.rss,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    gcForced: gc !== undefined,
  };
}

export interface BuildResult {
  /**
   * From `LiveCatalog.begin()` (as the bot starts) on a folder without an index to the first /latest
   * answer: from the incidents indexed so far, while the build goes on.
   */
  firstAnswerMs: number;
  /** To the end of the first sync (`ready`: every incident indexed) and a /search answered: the cold build. */
  searchReadyMs: number;
  /** After that, the lists autocomplete and /about keep (warmIndexes). */
  warmMs: number;
  incidents: number;
  problems: number;
  /** The index file (and its WAL) on disk once built. */
  indexBytes: number;
  memory: { baseline: MemorySample; afterBuild: MemorySample };
}

/** Snapshots as they come: a reload waits for the one that shows its edit. */
export class SnapshotFeed {
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  readonly onChange = (snapshot: Snapshot): void => {
    for (const listener of this.listeners) listener(snapshot);
  };

  /** Resolves with the first snapshot (from now on) for which `test` holds. */
  until(test: (snapshot: Snapshot) => boolean, timeoutMs = 120_000): Promise<Snapshot> {
    return new Promise<Snapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no snapshot showed the change within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (snapshot: Snapshot) => {
        let ok = false;
        try {
          ok = test(snapshot);
        } catch {
          ok = false;
        }
        if (!ok) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(snapshot);
      };
      this.listeners.add(listener);
    });
  }
}

/** The index file and the files SQLite keeps beside it. */
export async function removeIndex(indexPath: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${indexPath}${suffix}`, { force: true });
}

async function indexBytes(indexPath: string): Promise<number> {
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      bytes += (await stat(`${indexPath}${suffix}`)).size;
    } catch {
      // no WAL (checkpointed)
    }
  }
  return bytes;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The bot's own path over `dir` with no index yet: `LiveCatalog.begin()` builds it at `indexPath`. Times
 * the first /latest answer (partial, during the build) and the moment the whole folder is in the index
 * and /search answers.
 */
export async function coldBuild(
  dir: string,
  indexPath: string,
  expected: number,
): Promise<{ result: BuildResult; live: LiveCatalog; feed: SnapshotFeed }> {
  await removeIndex(indexPath);
  const baseline = memorySample();
  const feed = new SnapshotFeed();
  const live = new LiveCatalog(dir, { indexPath, pollMs: 0, debounceMs: 0, onChange: feed.onChange });
  const started = performance.now();
  // As the bot starts: begin() serves the index at once and builds it in the background, answering from
  // what is indexed so far (the snapshot says `building`); `ready` is the end of the build.
  live.begin();
  let firstAnswerMs: number | undefined;
  const built = live.ready.then(() => {
    firstAnswerMs ??= performance.now() - started;
  });
  while (firstAnswerMs === undefined) {
    if (answers(live.snapshot.catalog)) firstAnswerMs = performance.now() - started;
    else await Promise.race([sleep(5), built]);
  }
  await built;
  const catalog = live.snapshot.catalog;
  if (catalog.size !== expected) throw new Error(`the index holds ${catalog.size} of ${expected} incidents`);
  if (live.snapshot.building) throw new Error('the index still says it is building after the first sync');
  if (searchIncidents(catalog, { query: 'hospital' }, BENCH_NOW).items.length === 0) {
    throw new Error('the index does not answer /search');
  }
  const searchReadyMs = performance.now() - started;
  const warmStarted = performance.now();
  await warmIndexes(catalog);
  const warmMs = performance.now() - warmStarted;
  const afterBuild = memorySample();
  return {
    live,
    feed,
    result: {
      firstAnswerMs,
      searchReadyMs,
      warmMs,
      incidents: catalog.size,
      problems: live.snapshot.problems.length,
      indexBytes: await indexBytes(indexPath),
      memory: { baseline, afterBuild },
    },
  };
}

export interface ReloadResult {
  /** Which file was edited: one incident's YAML file, or a JSON list of 1,000. */
  file: 'yaml' | 'json';
  /** From writing the file (an atomic save) to /incident showing the edit, through the folder watcher. */
  watchMs: number;
  /** An explicit `refresh()` (full rescan: list and stat every file) after one file changed. */
  refreshMs: number;
  /** `refresh()` when nothing changed: the cost of noticing nothing. */
  noopRefreshMs: number;
  /** The first call of each query after the reload. */
  firstQueryMs: { latest: number; incident: number; autocomplete: number; search: number };
  /** After another reload, warmIndexes (the lists autocomplete and /about keep). */
  rewarmMs: number;
}

/** Writes like an editor's safe save (a temporary file renamed into place): never seen half-written. */
async function saveAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.bench.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/**
 * Edits the incident `id` in `file` (its summary starts with "Revised (n).") and times until answers show
 * it; then a full refresh, a refresh with nothing changed, and the file put back (the index follows, so a
 * warm restart afterwards finds nothing changed).
 */
export async function measureReload(
  live: LiveCatalog,
  feed: SnapshotFeed,
  file: string,
  id: string,
): Promise<ReloadResult> {
  const kind = file.endsWith('.json') ? 'json' : 'yaml';
  const original = await readFile(file, 'utf8');
  const edited = (n: number) => {
    const text =
      kind === 'json'
        ? original.replace('"summary":"', `"summary":"Revised (${n}). `)
        : original.replace(/^summary: >-\n/m, `summary: >-\n  Revised (${n}).\n`);
    if (text === original) throw new Error(`could not edit the summary in ${file}`);
    return text;
  };
  const shows = (n: number) => (snapshot: Snapshot) =>
    getIncident(snapshot.catalog, id).summary.startsWith(`Revised (${n}).`);
  // The watcher may report the files it found when it started: let that settle first.
  await sleep(100);
  await live.refresh();
  const reload = async (n: number): Promise<{ catalog: Catalog; ms: number }> => {
    const changed = feed.until(shows(n));
    const t0 = performance.now();
    await saveAtomically(file, edited(n));
    const snapshot = await changed;
    return { catalog: snapshot.catalog, ms: performance.now() - t0 };
  };
  try {
    const { catalog: reloaded, ms: watchMs } = await reload(1);
    const time = (fn: () => unknown) => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    };
    const firstQueryMs = {
      latest: time(() => latest(reloaded, { count: 5 }, BENCH_NOW)),
      incident: time(() => getIncident(reloaded, id)),
      autocomplete: time(() => suggestIncidents(reloaded, 'shel')),
      search: time(() => searchIncidents(reloaded, { query: 'hospital' }, BENCH_NOW)),
    };
    const { catalog: again } = await reload(2);
    const rewarmStarted = performance.now();
    await warmIndexes(again);
    const rewarmMs = performance.now() - rewarmStarted;

    // An explicit refresh: the watcher must not pick the edit up first, so it is written while the
    // refresh is the next thing to run (debounce 0 still waits for a timer).
    await saveAtomically(file, edited(3));
    const r0 = performance.now();
    await live.refresh();
    const refreshMs = performance.now() - r0;
    if (!shows(3)(live.snapshot)) throw new Error('refresh() did not pick up the edit');
    await sleep(50);
    await live.refresh();
    const n0 = performance.now();
    await live.refresh();
    const noopRefreshMs = performance.now() - n0;
    return { file: kind, watchMs, refreshMs, noopRefreshMs, firstQueryMs, rewarmMs };
  } finally {
    await saveAtomically(file, original);
    await sleep(50);
    await live.refresh();
  }
}

export interface YamlLoadResult {
  build: BuildResult;
  reload: ReloadResult;
}

/** The YAML folder: cold build, then the reload of one edited incident file. */
export async function loadYamlLive(
  dir: string,
  indexPath: string,
  expected: number,
  sampleFile: string,
  sampleId: string,
): Promise<YamlLoadResult> {
  const { result, live, feed } = await coldBuild(dir, indexPath, expected);
  try {
    const reload = await measureReload(live, feed, path.join(dir, sampleFile), sampleId);
    return { build: result, reload };
  } finally {
    await live.close();
  }
}
