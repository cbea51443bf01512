// The data folder kept live while the bot runs: files added, changed or removed are picked up without
// a restart, and a bad edit keeps the last good version of that file's incidents serving.
//
// Each folder has its own (non-recursive) watcher, and a reload after file events reads only the
// paths the watchers reported: at 100,000 files a full rescan stats every file (seconds), and Node
// 20's recursive watch on Linux would set up one inotify watch per file. `refresh()` and the poll
// still rescan everything, for events that were missed or a folder that was replaced.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { assembleCatalog, Catalog, type CatalogEntry } from './catalog.ts';
import {
  DEFAULT_MAX_FILE_BYTES,
  displayPath,
  isListedName,
  isVisiblePath,
  listIncidentFiles,
  readIncidentFile,
} from './loader.ts';
import type { LoadProblem, ParsedFile } from './parse.ts';

interface FileState {
  mtimeMs: number;
  size: number;
  /** A file replaced by another (a folder swapped in, an atomic save) is re-read even when its size and
   * time match: timestamps are only as fine as the kernel's clock tick. */
  ino: number;
  /** The last version that loaded without a problem, if any. */
  good: ParsedFile | undefined;
  /** Problems of the version on disk now (empty when it is the good one). */
  problems: LoadProblem[];
}

export interface Snapshot {
  catalog: Catalog;
  problems: LoadProblem[];
  loadedAt: Date;
  files: number;
}

export interface LiveCatalogOptions {
  maxFileBytes?: number;
  /** Called after each refresh that changed something. */
  onChange?: (snapshot: Snapshot, changedFiles: string[]) => void;
  onError?: (error: unknown) => void;
  /** Wait this long after the last file event before reloading (editors write in bursts). */
  debounceMs?: number;
  /** A full rescan this often, in case file events were missed (or the folder was replaced). */
  pollMs?: number;
}

interface FileInfo {
  mtimeMs: number;
  size: number;
  ino: number;
}

const FILES_AT_ONCE = 16;

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface FolderWatch {
  watcher: FSWatcher;
  /** The folder's inode when the watch began: a replaced folder gets a new watch. */
  ino: number;
}

export class LiveCatalog {
  readonly dir: string;
  private readonly files = new Map<string, FileState>();
  /** The files' paths, sorted; dropped when a file comes or goes. */
  private order: string[] | undefined;
  private folders: string[] = [];
  private listProblems: LoadProblem[] = [];
  private snapshotValue: Snapshot | undefined;
  private readonly watches = new Map<string, FolderWatch>();
  private watching = false;
  /** Paths the watchers reported since the last reload; undefined when a full rescan is due. */
  private reported: Set<string> | undefined = new Set();
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    dir: string,
    private readonly options: LiveCatalogOptions = {},
  ) {
    this.dir = dir;
  }

  get snapshot(): Snapshot {
    if (!this.snapshotValue) throw new Error('LiveCatalog.refresh() has not run yet');
    return this.snapshotValue;
  }

  /** Rescans the folder and re-reads files whose size or time changed. Calls never overlap. */
  async refresh(): Promise<void> {
    this.reported = undefined;
    return this.update();
  }

  /** Reloads what the watchers reported, or everything when a full rescan is due. */
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
        if (reported === undefined || this.snapshotValue === undefined) await this.scan([]);
        else if (reported.size > 0) await this.scanPaths(reported);
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async scan(changed: string[]): Promise<void> {
    const listed = await listIncidentFiles(this.dir);
    const present = new Set(listed.files);
    for (const file of [...this.files.keys()]) {
      if (!present.has(file)) {
        this.files.delete(file);
        this.order = undefined;
        changed.push(displayPath(file));
      }
    }
    // A few files at a time: opening all 100,000 at once runs out of file descriptors (EMFILE).
    await forEachConcurrently(listed.files, FILES_AT_ONCE, async (file) => {
      let info: FileInfo;
      try {
        info = await stat(file);
      } catch {
        return; // gone between listing and stat: the next scan drops it
      }
      if (await this.readIfChanged(file, info)) changed.push(displayPath(file));
    });
    this.folders = listed.dirs;
    await this.watchFolders();
    const listChanged = JSON.stringify(listed.problems) !== JSON.stringify(this.listProblems);
    this.listProblems = listed.problems;
    if (this.snapshotValue && changed.length === 0 && !listChanged) return;
    this.publish(changed);
  }

  /** Re-reads the reported paths only; a folder that appeared or went away means a full rescan. */
  private async scanPaths(paths: ReadonlySet<string>): Promise<void> {
    const changed: string[] = [];
    /** Files re-read, with their state before: an edit that keeps the ids needs no full assembly. */
    const edits: { before: FileState | undefined; after: FileState | undefined }[] = [];
    let removed = false;
    for (const file of paths) {
      if (!isVisiblePath(this.dir, file)) continue;
      let info: Awaited<ReturnType<typeof stat>>;
      try {
        info = await stat(file);
      } catch {
        if (this.files.delete(file)) {
          this.order = undefined;
          removed = true;
          changed.push(displayPath(file));
        } else if (this.folders.includes(file)) return this.scan(changed);
        continue;
      }
      if (info.isDirectory()) return this.scan(changed);
      if (!info.isFile() || !isListedName(this.dir, file)) continue;
      const before = this.files.get(file);
      if (await this.readIfChanged(file, info)) {
        changed.push(displayPath(file));
        edits.push({ before, after: this.files.get(file) });
      }
    }
    if (changed.length === 0) return;
    if (removed || !this.publishEdits(changed, edits)) this.publish(changed);
  }

  /**
   * The usual reload: files edited in place, still good, with the same incident ids. Then only those
   * incidents change: the catalog is the previous one with them replaced (Catalog.replacing), with the
   * same problems, and not rebuilt from 100,000 files. Returns false when that does not apply.
   */
  private publishEdits(
    changed: string[],
    edits: readonly { before: FileState | undefined; after: FileState | undefined }[],
  ): boolean {
    const previous = this.snapshotValue;
    if (!previous) return false;
    const replacements = new Map<string, CatalogEntry>();
    for (const { before, after } of edits) {
      const old = before?.good;
      const now = after?.good;
      if (!old || !now || before.problems.length > 0 || after.problems.length > 0) return false;
      if (old === now) continue;
      if (old.incidents.length !== now.incidents.length) return false;
      for (const [i, incident] of now.incidents.entries()) {
        const was = old.incidents[i];
        if (was?.id !== incident.id) return false;
        // Of two files with an id, the one that sorts first serves it; file order has not changed.
        if (previous.catalog.byId.get(incident.id)?.incident === was)
          replacements.set(incident.id, { incident, file: now.file });
      }
    }
    const catalog = Catalog.replacing(previous.catalog, replacements);
    this.snapshotValue = {
      catalog,
      problems: previous.problems,
      loadedAt: new Date(),
      files: this.files.size,
    };
    this.options.onChange?.(this.snapshotValue, changed);
    return true;
  }

  /** Reads `file` unless its size and time are those of the version already read. */
  private async readIfChanged(file: string, info: FileInfo): Promise<boolean> {
    const previous = this.files.get(file);
    if (
      previous &&
      previous.mtimeMs === info.mtimeMs &&
      previous.size === info.size &&
      previous.ino === info.ino
    )
      return false;
    const parsed = await readIncidentFile(
      file,
      displayPath(file),
      this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    );
    const ok = parsed.problems.length === 0;
    if (!previous) this.order = undefined;
    this.files.set(file, {
      mtimeMs: info.mtimeMs,
      size: info.size,
      ino: info.ino,
      good: ok ? parsed : previous?.good,
      problems: ok
        ? []
        : parsed.problems.map((p) =>
            previous?.good ? { ...p, message: `${p.message} (the last good version keeps serving)` } : p,
          ),
    });
    return true;
  }

  private publish(changed: string[]): void {
    this.order ??= [...this.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const good: ParsedFile[] = [];
    const fileProblems: LoadProblem[] = [];
    for (const file of this.order) {
      const state = this.files.get(file);
      if (state?.good) good.push(state.good);
      if (state) fileProblems.push(...state.problems);
    }
    const { catalog, problems } = assembleCatalog(
      good,
      [...this.listProblems, ...fileProblems],
      this.snapshotValue?.catalog,
    );
    this.snapshotValue = { catalog, problems, loadedAt: new Date(), files: this.files.size };
    this.options.onChange?.(this.snapshotValue, changed);
  }

  /** Starts watching the folder; returns once the first load is done. */
  async start(): Promise<Snapshot> {
    await this.refresh();
    this.watching = true;
    await this.watchFolders();
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs > 0) {
      this.poller = setInterval(() => {
        this.reported = undefined;
        this.schedule();
      }, pollMs);
      this.poller.unref();
    }
    return this.snapshot;
  }

  stop(): void {
    this.watching = false;
    for (const { watcher } of this.watches.values()) watcher.close();
    this.watches.clear();
    clearTimeout(this.timer);
    clearInterval(this.poller);
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
