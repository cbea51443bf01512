// The data folder kept in step with the incident index (catalog.ts) while the bot runs: files added,
// changed or removed are picked up without a restart, and a bad edit keeps the last good version of that
// file's incidents serving.
//
// The index remembers each file's size, time, inode and hash, so a sync reads only the files whose stat
// changed, and parses only those whose bytes changed: a restart with nothing changed costs a listing and
// a stat per file. Writes go in one transaction per batch of files, with a turn of the event loop between
// batches, so the bot keeps answering while a large folder is indexed; when a sync reads many files they
// are parsed and validated in worker threads (parse-worker.ts) and this thread only writes.
//
// Each folder has its own (non-recursive) watcher, and a sync after file events looks only at the paths
// the watchers reported: at 100,000 files a full rescan stats every file, and Node 20's recursive watch
// on Linux would set up one inotify watch per file. `refresh()` and the poll still rescan everything,
// for events that were missed or a folder that was replaced.
import { type FSWatcher, type Stats, statSync, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Catalog, type FileRecord } from './catalog.ts';
import {
  DEFAULT_MAX_FILE_BYTES,
  displayPath,
  type FileStat,
  type FileVersion,
  isListedName,
  isVisiblePath,
  listIncidentFiles,
} from './loader.ts';
import type { LoadProblem } from './parse.ts';
import { defaultWorkerCount, ParsePool, readHere } from './parse-worker.ts';

export interface Snapshot {
  /** The index: one long-lived Catalog, updated in place by each sync. */
  catalog: Catalog;
  /** Problems of the listing, of each file's version on disk, and duplicate ids. */
  problems: LoadProblem[];
  /** When the index last changed (or was opened). */
  loadedAt: Date;
  /** Incident files in the folder (as of the last sync). */
  files: number;
  /**
   * While the index is built for the first time: files indexed so far, of those listed. Answers then
   * come from the incidents indexed so far: they are partial. Undefined once the index is complete.
   */
  building: { done: number; total: number } | undefined;
}

export interface LiveCatalogOptions {
  maxFileBytes?: number;
  /** The index file (created when missing; see Catalog.open), or ':memory:' (the default). */
  indexPath?: string;
  /** An existing index was discarded and is built again: why (another schema, folder, a damaged file). */
  onRebuild?: (reason: string) => void;
  /** Something to tell the operator that does not stop the load (an index that could not be written). */
  onWarning?: (message: string) => void;
  /** An index file that cannot be written: use one in memory (the default, with a warning), or throw. */
  inMemoryIfUnwritable?: boolean;
  /** After each batch of a sync that reads files: files done of those to read. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called after each sync that changed something (and after the first). `changedFiles` names at most
   * 1,000 files, as shown to users; `changedCount` is how many changed in all.
   */
  onChange?: (snapshot: Snapshot, changedFiles: string[], changedCount: number) => void;
  onError?: (error: unknown) => void;
  /** Wait this long after the last file event before syncing (editors write in bursts). */
  debounceMs?: number;
  /** A full rescan this often, in case file events were missed (or the folder was replaced). */
  pollMs?: number;
  /** Parse in worker threads when a sync reads more than this many files (default 64). */
  workerThreshold?: number;
  /** How many worker threads (default: the cores, at most 4). */
  workers?: number;
  /**
   * Read files on the main thread while the workers start (the default: a pool is never slower than
   * none); false leaves every file to the workers.
   */
  readWhileWorkersStart?: boolean;
}

/** What the syncs did, for tests and the benchmark. */
export interface SyncCounters {
  /** Files whose bytes were read. */
  filesRead: number;
  /** Files parsed and validated (their bytes had changed). */
  filesParsed: number;
  /** Files read (and parsed, when changed) in worker threads. */
  parsedInWorkers: number;
  /** Full rescans and reported-path syncs run. */
  syncs: number;
}

/** Files per write transaction; a batch also ends at BATCH_BYTES of files. */
const BATCH_FILES = 500;
const BATCH_BYTES = 32 * 1024 * 1024;
/** Reading and parsing on the main thread, in stretches of about this long between turns of the event loop. */
const SLICE_MS = 10;
/** A write transaction is committed once it has run this long, and the event loop gets a turn. */
const WRITE_SLICE_MS = 200;
/** Stat comparisons between turns of the event loop. */
const COMPARES_BETWEEN_YIELDS = 5000;
/** How many changed files onChange names. */
const MAX_CHANGED_NAMES = 1000;
/** Rounds of re-reading files whose shadowed ids became free, before leaving the rest to the next sync. */
const MAX_REREAD_ROUNDS = 8;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Candidate {
  file: string;
  /** The stat that showed a change (the listing's), when known. */
  size: number;
}

interface FolderWatch {
  watcher: FSWatcher;
  /** The folder's inode when the watch began: a replaced folder gets a new watch. */
  ino: number;
}

/** Changed files as onChange reports them: the first names, and the count. */
class ChangedFiles {
  readonly names: string[] = [];
  count = 0;
  add(file: string): void {
    this.count += 1;
    if (this.names.length < MAX_CHANGED_NAMES) this.names.push(displayPath(file));
  }
}

const UNWRITABLE =
  /^(EACCES|EPERM|EROFS|ENOTDIR|EEXIST|ENOSPC|SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_FULL|SQLITE_IOERR)/;

/** An error that says the index's location cannot be written (a read-only folder or file system). */
export function isUnwritable(error: unknown): boolean {
  return UNWRITABLE.test(String((error as { code?: unknown } | undefined)?.code ?? ''));
}

/**
 * Opens the index at `file` (see Catalog.open). A location that cannot be written (a read-only folder or
 * file system) gives an index in memory instead, with one warning: everything works, but each start
 * reads every file again. With `inMemoryIfUnwritable: false` that error is thrown instead.
 */
export function openIndex(
  file: string,
  options: {
    dataDir?: string;
    onRebuild?: (reason: string) => void;
    onWarning?: (message: string) => void;
    inMemoryIfUnwritable?: boolean;
  } = {},
): Catalog {
  const { dataDir } = options;
  if (file === ':memory:') return Catalog.open(file, dataDir === undefined ? {} : { dataDir });
  try {
    const catalog = Catalog.open(file, {
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(options.onRebuild ? { onRebuild: options.onRebuild } : {}),
    });
    try {
      // SQLite opens a file it may only read without complaint: find out now, not at the first sync.
      catalog.transaction(() => catalog.setMeta('opened_at', new Date().toISOString()));
    } catch (error) {
      catalog.close();
      throw error;
    }
    return catalog;
  } catch (error) {
    if (!isUnwritable(error) || options.inMemoryIfUnwritable === false) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    options.onWarning?.(
      `cannot write the incident index at ${file} (${reason}); using an index in memory instead, so every start reads all files (set INDEX_PATH to a writable place)`,
    );
    return Catalog.open(':memory:', dataDir === undefined ? {} : { dataDir });
  }
}

/** Moves when another connection (another process) commits to the index. */
function dataVersion(catalog: Catalog): number {
  return catalog.db.pragma('data_version', { simple: true }) as number;
}

/** How many files the index records. */
function indexedFiles(catalog: Catalog): number {
  return catalog.statement<[], number>('SELECT count(*) FROM files').pluck().get() as number;
}

/**
 * How long to wait before the next full rescan: `pollMs`, or 20 times the last rescan when that is longer.
 * A rescan stats every file (seconds at a million files), so it never takes more than 5% of the time.
 */
export function pollDelay(pollMs: number, lastFullSyncMs: number): number {
  return Math.max(pollMs, Math.ceil(20 * lastFullSyncMs));
}

export class LiveCatalog {
  readonly dir: string;
  readonly counters: SyncCounters = { filesRead: 0, filesParsed: 0, parsedInWorkers: 0, syncs: 0 };
  /**
   * Resolves with the snapshot after the first full sync that succeeds (the first build, or the check of
   * every file against the index): from then on answers come from every file. Never rejects.
   */
  readonly ready: Promise<Snapshot>;
  /** The first full sync that begin() started: rejects when it fails (then the poll tries again). */
  firstSync: Promise<void> | undefined;
  private resolveReady!: (snapshot: Snapshot) => void;
  private readyDone = false;
  private catalogValue: Catalog | undefined;
  private folders: string[] = [];
  private listProblems: LoadProblem[] = [];
  private fileCount = 0;
  private snapshotValue: Snapshot | undefined;
  /** The first full sync has published (onChange runs after it whatever it found). */
  private published = false;
  /** The index's data_version when last published: it moves when another process writes the index. */
  private seenDataVersion = -1;
  private readonly watches = new Map<string, FolderWatch>();
  private watching = false;
  private closed = false;
  /** Paths the watchers reported since the last sync; undefined when a full rescan is due. */
  private reported: Set<string> | undefined = new Set();
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** How long the last full rescan took: the poll waits at least 20 times that. */
  private lastFullSyncMs = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    dir: string,
    private readonly options: LiveCatalogOptions = {},
  ) {
    this.dir = dir;
    this.ready = new Promise<Snapshot>((resolve) => {
      this.resolveReady = resolve;
    });
  }

  get snapshot(): Snapshot {
    if (!this.snapshotValue) throw new Error('LiveCatalog.open() (or start()) has not run yet');
    return this.snapshotValue;
  }

  /** True once the first full sync is done: answers come from every file. */
  get isReady(): boolean {
    return this.readyDone;
  }

  private get catalog(): Catalog {
    if (!this.catalogValue) throw new Error('LiveCatalog.open() has not run yet');
    return this.catalogValue;
  }

  /**
   * Opens the index and serves what it holds, at once: a complete index from an earlier run answers
   * before any file is looked at; a new one answers as it fills (the snapshot says `building`).
   */
  open(): Snapshot {
    if (this.snapshotValue) return this.snapshotValue;
    if (this.closed) throw new Error('LiveCatalog is closed');
    const catalog = openIndex(this.options.indexPath ?? ':memory:', {
      dataDir: this.dir,
      ...(this.options.onRebuild ? { onRebuild: this.options.onRebuild } : {}),
      ...(this.options.onWarning ? { onWarning: this.options.onWarning } : {}),
      ...(this.options.inMemoryIfUnwritable === false ? { inMemoryIfUnwritable: false } : {}),
    });
    this.catalogValue = catalog;
    this.seenDataVersion = dataVersion(catalog);
    this.fileCount = indexedFiles(catalog);
    this.snapshotValue = {
      catalog,
      problems: catalog.problems(),
      loadedAt: new Date(),
      files: this.fileCount,
      building:
        catalog.meta('complete') === '1' ? undefined : { done: this.fileCount, total: this.fileCount },
    };
    return this.snapshotValue;
  }

  /**
   * Opens the index, starts watching, and starts the first full sync without waiting for it: returns the
   * snapshot of what the index holds now. `ready` resolves when the sync is done.
   */
  begin(): Snapshot {
    const snapshot = this.open();
    this.watch();
    const first = this.refresh();
    first.catch((error: unknown) => this.options.onError?.(error));
    this.firstSync ??= first;
    return snapshot;
  }

  /** Opens the index, syncs it with the folder, and starts watching; returns once the sync is done. */
  async start(): Promise<Snapshot> {
    this.open();
    this.watch();
    await this.refresh();
    return this.snapshot;
  }

  /** Rescans the folder and syncs every file whose stat changed. Calls never overlap. */
  async refresh(): Promise<void> {
    this.open();
    this.reported = undefined;
    return this.update();
  }

  /** Stops watching and polling (a sync under way finishes). The index stays open. */
  stop(): void {
    this.watching = false;
    for (const { watcher } of this.watches.values()) watcher.close();
    this.watches.clear();
    clearTimeout(this.timer);
    clearTimeout(this.poller);
  }

  /** Stops, lets a sync under way end at its next batch, and closes the index. */
  async close(): Promise<void> {
    this.stop();
    this.closed = true;
    await this.running?.catch(() => {});
    this.catalogValue?.close();
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    this.schedulePoll();
  }

  /** The next full rescan, spaced by pollDelay so that rescanning a huge folder stays a small share of the time. */
  private schedulePoll(): void {
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs <= 0 || !this.watching) return;
    this.poller = setTimeout(
      () => {
        this.reported = undefined;
        this.schedule();
        this.schedulePoll();
      },
      pollDelay(pollMs, this.lastFullSyncMs),
    );
    this.poller.unref();
  }

  /** Syncs what the watchers reported, or everything when a full rescan is due. */
  private update(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const reported = this.reported;
        this.reported = new Set();
        if (this.closed) return;
        if (reported === undefined || !this.readyDone) await this.fullSync();
        else if (reported.size > 0) await this.pathSync(reported);
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async fullSync(): Promise<void> {
    const started = performance.now();
    try {
      await this.fullSyncOnce();
    } finally {
      this.lastFullSyncMs = performance.now() - started;
    }
  }

  private async fullSyncOnce(): Promise<void> {
    this.counters.syncs += 1;
    const catalog = this.catalog;
    const listed = await listIncidentFiles(this.dir);
    this.folders = listed.dirs;
    await this.watchFolders();
    const firstBuild = catalog.meta('complete') !== '1';
    // Only files whose size, time or inode differ from the index's record are read.
    const candidates: Candidate[] = [];
    let known = 0;
    for (const [i, file] of listed.files.entries()) {
      const info = listed.stats[i] as FileStat;
      const record = catalog.fileRecord(file);
      if (record) known += 1;
      if (!record || record.size !== info.size || record.mtimeMs !== info.mtimeMs || record.ino !== info.ino)
        candidates.push({ file, size: info.size });
      if (i % COMPARES_BETWEEN_YIELDS === COMPARES_BETWEEN_YIELDS - 1) await yieldToLoop();
    }
    // Every listed file the index knows was counted once: more rows than that are files that went.
    const removed: string[] = [];
    if (indexedFiles(catalog) > known) {
      const present = new Set(listed.files);
      for (const file of catalog.filePaths()) if (!present.has(file)) removed.push(file);
    }
    const total = listed.files.length;
    const building = firstBuild ? { done: total - candidates.length, total } : undefined;
    if (building) this.snapshotValue = { ...this.snapshot, building: { ...building } };
    const changed = await this.apply(candidates, removed, building);
    if (this.closed) return;
    const listChanged = JSON.stringify(listed.problems) !== JSON.stringify(this.listProblems);
    this.listProblems = listed.problems;
    this.fileCount = total;
    if (firstBuild || changed.count > 0) {
      catalog.transaction(() => {
        if (firstBuild) catalog.setMeta('complete', '1');
        if (changed.count > 0) catalog.setMeta('built_at', new Date().toISOString());
      });
    }
    if (!this.published || changed.count > 0 || listChanged || firstBuild || this.othersWrote())
      this.publish(changed);
    if (!this.readyDone) {
      this.readyDone = true;
      this.resolveReady(this.snapshot);
    }
  }

  /** Syncs the reported paths only; a folder that appeared or went away means a full rescan. */
  private async pathSync(paths: ReadonlySet<string>): Promise<void> {
    this.counters.syncs += 1;
    const catalog = this.catalog;
    const candidates: Candidate[] = [];
    const removed: string[] = [];
    for (const file of paths) {
      if (!isVisiblePath(this.dir, file)) continue;
      let info: Stats;
      try {
        info = statSync(file);
      } catch {
        if (catalog.fileRecord(file)) removed.push(file);
        else if (this.folders.includes(file)) return this.fullSync();
        continue;
      }
      if (info.isDirectory()) return this.fullSync();
      if (!info.isFile() || !isListedName(this.dir, file)) continue;
      const record = catalog.fileRecord(file);
      if (record && record.size === info.size && record.mtimeMs === info.mtimeMs && record.ino === info.ino)
        continue;
      candidates.push({ file, size: info.size });
    }
    const changed =
      candidates.length === 0 && removed.length === 0
        ? new ChangedFiles()
        : await this.apply(candidates, removed, undefined);
    if (this.closed) return;
    if (changed.count > 0) catalog.transaction(() => catalog.setMeta('built_at', new Date().toISOString()));
    if (changed.count > 0 || this.othersWrote()) this.publish(changed);
  }

  /**
   * Removes `removed` and reads `candidates` into the index, a batch per transaction, then reads again
   * the files whose copies of an id became free. Returns what changed.
   */
  private async apply(
    candidates: Candidate[],
    removed: string[],
    building: { done: number; total: number } | undefined,
  ): Promise<ChangedFiles> {
    const catalog = this.catalog;
    const changed = new ChangedFiles();
    const reread = new Set<string>();
    for (let at = 0; at < removed.length; at += BATCH_FILES) {
      if (this.closed) return changed;
      catalog.transaction(() => {
        for (const file of removed.slice(at, at + BATCH_FILES)) {
          for (const again of catalog.removeFile(file)) reread.add(again);
          this.fileCount -= 1;
          changed.add(file);
        }
      });
      await yieldToLoop();
    }
    let round = candidates;
    const progress = building ? { ...building } : undefined;
    for (let pass = 0; round.length > 0 && pass < MAX_REREAD_ROUNDS; pass++) {
      await this.readAndWrite(round, changed, reread, progress);
      if (this.closed) return changed;
      round = [];
      for (const file of reread) {
        try {
          round.push({ file, size: (await stat(file)).size });
        } catch {
          // Gone: read it anyway, so its record goes.
          round.push({ file, size: 0 });
        }
      }
      reread.clear();
    }
    return changed;
  }

  /** One round: reads (in workers when there are many), then writes batch by batch. */
  private async readAndWrite(
    candidates: Candidate[],
    changed: ChangedFiles,
    reread: Set<string>,
    progress: { done: number; total: number } | undefined,
  ): Promise<void> {
    const catalog = this.catalog;
    const batches: Candidate[][] = [];
    let batch: Candidate[] = [];
    let bytes = 0;
    for (const candidate of candidates) {
      if (batch.length > 0 && (batch.length >= BATCH_FILES || bytes + candidate.size > BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(candidate);
      bytes += Math.max(candidate.size, 0);
    }
    if (batch.length > 0) batches.push(batch);

    const threshold = this.options.workerThreshold ?? 64;
    const pool =
      candidates.length > threshold
        ? new ParsePool(
            this.options.workers ?? defaultWorkerCount(),
            (reason) => this.options.onWarning?.(`${reason}; reading the files on the main thread instead`),
            this.options.readWhileWorkersStart ?? true,
          )
        : undefined;
    let done = 0;
    // Batch n+1 is read (in the workers) while batch n is written here.
    let next: Promise<(FileVersion | undefined)[]> | undefined = this.readBatch(batches[0] ?? [], pool);
    try {
      for (let i = 0; i < batches.length; i++) {
        const versions = await (next as Promise<(FileVersion | undefined)[]>);
        next = i + 1 < batches.length ? this.readBatch(batches[i + 1] as Candidate[], pool) : undefined;
        if (this.closed) {
          await next;
          return;
        }
        const current = batches[i] as Candidate[];
        // One transaction per batch, cut short when it runs long (files of many incidents), so a reader
        // of the index and the event loop never wait long.
        for (let j = 0; j < current.length; ) {
          const began = performance.now();
          catalog.transaction(() => {
            while (j < current.length) {
              this.write((current[j] as Candidate).file, versions[j], changed, reread);
              j += 1;
              if (performance.now() - began > WRITE_SLICE_MS) break;
            }
          });
          if (j < current.length) await yieldToLoop();
        }
        done += current.length;
        if (progress) {
          progress.done += current.length;
          this.snapshotValue = { ...this.snapshot, building: { ...progress } };
        }
        this.options.onProgress?.(done, candidates.length);
        await yieldToLoop();
      }
    } finally {
      await next?.catch(() => {}); // a write failed: the reads under way end before the pool does
      if (pool) {
        this.counters.parsedInWorkers += pool.readInWorkers;
        await pool.close();
      }
    }
  }

  private async readBatch(
    batch: Candidate[],
    pool: ParsePool | undefined,
  ): Promise<(FileVersion | undefined)[]> {
    const catalog = this.catalog;
    const maxBytes = this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const tasks = batch.map(({ file }) => ({
      file,
      display: displayPath(file),
      maxBytes,
      // Unchanged bytes under a new stat (a touch, a copy) are not parsed again.
      knownHash: catalog.fileRecord(file)?.hash,
    }));
    let versions: (FileVersion | undefined)[];
    if (pool) versions = await pool.readAll(tasks);
    else {
      // On this thread: a few milliseconds of reading and parsing between turns of the event loop.
      versions = [];
      let slice = performance.now();
      for (const task of tasks) {
        versions.push(readHere(task));
        if (performance.now() - slice > SLICE_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
      }
    }
    for (const version of versions) {
      if (version) this.counters.filesRead += 1;
      if (version?.parsed) this.counters.filesParsed += 1;
    }
    return versions;
  }

  /** Records one file's version. Inside a transaction. */
  private write(
    file: string,
    version: FileVersion | undefined,
    changed: ChangedFiles,
    reread: Set<string>,
  ): void {
    const catalog = this.catalog;
    const before = catalog.fileRecord(file);
    if (version === undefined) {
      // Gone since it was listed.
      if (before) {
        for (const again of catalog.removeFile(file)) reread.add(again);
        this.fileCount -= 1;
        changed.add(file);
      }
      return;
    }
    const record: FileRecord = {
      path: file,
      display: displayPath(file),
      ...version.stat,
      hash: version.hash,
    };
    if (before?.hash === version.hash) {
      catalog.touchFile(record);
      return;
    }
    if (version.parsed === undefined) {
      // Read against a hash that has changed since (the file was marked to be read again): once more.
      reread.add(file);
      return;
    }
    if (!before) this.fileCount += 1;
    for (const again of catalog.applyFile(record, version.parsed)) reread.add(again);
    changed.add(file);
  }

  /**
   * Another process (`sitrep run`, `sitrep index` on the same INDEX_PATH) brought the index up to date
   * first: this sync then finds nothing to do, but the snapshot and onChange must still follow.
   */
  private othersWrote(): boolean {
    return dataVersion(this.catalog) !== this.seenDataVersion;
  }

  private publish(changed: ChangedFiles): void {
    const catalog = this.catalog;
    this.published = true;
    this.seenDataVersion = dataVersion(catalog);
    this.snapshotValue = {
      catalog,
      problems: [...this.listProblems, ...catalog.problems()],
      loadedAt: new Date(),
      files: this.fileCount,
      building: catalog.meta('complete') === '1' ? undefined : this.snapshot.building,
    };
    this.options.onChange?.(this.snapshotValue, changed.names, changed.count);
  }

  /** One watcher per folder of the last listing; a folder replaced by another of the same name is rewatched. */
  private async watchFolders(): Promise<void> {
    if (!this.watching) return;
    const wanted = new Set(this.folders);
    for (const [folder, { watcher }] of this.watches) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.watches.delete(folder);
      }
    }
    for (const folder of this.folders) {
      let ino: number;
      try {
        ino = (await stat(folder)).ino;
      } catch {
        continue; // gone since the listing: the next scan drops it
      }
      const existing = this.watches.get(folder);
      if (existing?.ino === ino || !this.watching) continue;
      existing?.watcher.close();
      try {
        const watcher = watch(folder, (_event, name) => {
          if (name === null) this.reported = undefined;
          else this.reported?.add(path.join(folder, name.toString()));
          this.schedule();
        });
        watcher.on('error', () => {
          // The folder was removed or replaced: a full rescan finds out, and watches again.
          watcher.close();
          if (this.watches.get(folder)?.watcher === watcher) this.watches.delete(folder);
          this.reported = undefined;
          this.schedule();
        });
        this.watches.set(folder, { watcher, ino });
      } catch {
        // Out of watches (or an odd file system): the poll's rescans still find every change.
        this.watches.delete(folder);
      }
    }
  }

  private schedule(): void {
    if (!this.watching) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.update().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.debounceMs ?? 250);
    this.timer.unref();
  }
}
