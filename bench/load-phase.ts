// Cold loads against their floor. Each phase runs in a fresh child process (see child.ts), so a load
// is cold: no earlier load's heap, caches or indexes.
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Catalog } from '../src/incidents/catalog.ts';
import { LiveCatalog } from '../src/incidents/live.ts';
import { loadCatalog } from '../src/incidents/load.ts';
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
  const newest = latest(catalog, { count: 5 }, BENCH_NOW).items[0];
  return newest !== undefined && getIncident(catalog, newest.id) === newest;
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

export interface JsonLoadResult {
  firstAnswerMs: number;
  searchReadyMs: number;
  incidents: number;
  problems: number;
  memory: { baseline: MemorySample; afterLoad: MemorySample; afterIndexes: MemorySample };
}

/** `loadCatalog` (what `sitrep validate` and `run` use) over the JSON list files, then every index. */
export async function loadJson(dir: string): Promise<{ result: JsonLoadResult; catalog: Catalog }> {
  const baseline = memorySample();
  const started = performance.now();
  const loaded = await loadCatalog(dir);
  if (!answers(loaded.catalog)) throw new Error('the loaded catalog does not answer /latest');
  const firstAnswerMs = performance.now() - started;
  const afterLoad = memorySample();
  const warmStarted = performance.now();
  await warmIndexes(loaded.catalog);
  const searchReadyMs = firstAnswerMs + (performance.now() - warmStarted);
  const afterIndexes = memorySample();
  return {
    catalog: loaded.catalog,
    result: {
      firstAnswerMs,
      searchReadyMs,
      incidents: loaded.catalog.size,
      problems: loaded.problems.length,
      memory: { baseline, afterLoad, afterIndexes },
    },
  };
}

export interface ReloadResult {
  /** From writing the file to the new snapshot, through the folder watcher (no debounce). */
  watchMs: number;
  /** An explicit `refresh()` (full rescan) after one file changed. */
  refreshMs: number;
  /** `refresh()` when nothing changed: the cost of noticing nothing. */
  noopRefreshMs: number;
  /** The first call of each query on the reloaded catalog (lazy indexes are rebuilt by it). */
  firstQueryMs: { latest: number; incident: number; autocomplete: number; search: number };
  /** After another reload, building every index of the new catalog (warmIndexes). */
  rewarmMs: number;
}

export interface YamlLoadResult {
  /** `LiveCatalog.start()`, what the bot awaits before it logs in: load, validate, catalog, watcher. */
  firstAnswerMs: number;
  searchReadyMs: number;
  incidents: number;
  problems: number;
  reload: ReloadResult;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes like an editor's safe save (a temporary file renamed into place): never seen half-written. */
async function saveAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.bench.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** The bot's own path over one file per incident, then the reload of one edited file. */
export async function loadYamlLive(dir: string, sampleFile: string): Promise<YamlLoadResult> {
  let waiter: { file: string; resolve: (catalog: Catalog) => void } | undefined;
  const file = path.join(dir, sampleFile);
  const live = new LiveCatalog(dir, {
    pollMs: 0,
    debounceMs: 0,
    onChange: (snapshot, changed) => {
      if (waiter && changed.some((c) => path.resolve(c) === waiter?.file)) waiter.resolve(snapshot.catalog);
    },
  });
  const started = performance.now();
  const first = await live.start();
  if (!answers(first.catalog)) throw new Error('the live catalog does not answer /latest');
  const firstAnswerMs = performance.now() - started;
  const warmStarted = performance.now();
  await warmIndexes(first.catalog);
  const searchReadyMs = firstAnswerMs + (performance.now() - warmStarted);
  // The watcher may report the files it found when it started: let that settle first.
  await sleep(100);
  await live.refresh();

  const original = await readFile(file, 'utf8');
  const edited = (n: number) => original.replace(/^summary: >-\n/m, `summary: >-\n  Revised (${n}).\n`);
  const reload = async (n: number): Promise<{ catalog: Catalog; ms: number }> => {
    const changed = new Promise<Catalog>((resolve) => {
      waiter = { file, resolve };
    });
    const t0 = performance.now();
    await saveAtomically(file, edited(n));
    const catalog = await changed;
    const ms = performance.now() - t0;
    waiter = undefined;
    return { catalog, ms };
  };
  try {
    const { catalog: reloaded, ms: watchMs } = await reload(1);

    const time = (fn: () => unknown) => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    };
    const newest = reloaded.incidents[0];
    const firstQueryMs = {
      latest: time(() => latest(reloaded, { count: 5 }, BENCH_NOW)),
      incident: time(() => getIncident(reloaded, newest?.id ?? '')),
      autocomplete: time(() => suggestIncidents(reloaded, 'shel')),
      search: time(() => searchIncidents(reloaded, { query: 'hospital' }, BENCH_NOW)),
    };
    const { catalog: again } = await reload(2);
    const rewarmStarted = performance.now();
    await warmIndexes(again);
    const rewarmMs = performance.now() - rewarmStarted;

    live.stop();
    await sleep(50);
    await saveAtomically(file, edited(3));
    const r0 = performance.now();
    await live.refresh();
    const refreshMs = performance.now() - r0;
    const n0 = performance.now();
    await live.refresh();
    const noopRefreshMs = performance.now() - n0;
    return {
      firstAnswerMs,
      searchReadyMs,
      incidents: first.catalog.size,
      problems: first.problems.length,
      reload: { watchMs, refreshMs, noopRefreshMs, firstQueryMs, rewarmMs },
    };
  } finally {
    live.stop();
    await saveAtomically(file, original);
  }
}
