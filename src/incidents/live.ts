// The data folder kept live while the bot runs: files added, changed or removed are picked up without
// a restart, and a bad edit keeps the last good version of that file's incidents serving.
import { type FSWatcher, statSync, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { assembleCatalog, type Catalog } from './catalog.ts';
import { DEFAULT_MAX_FILE_BYTES, displayPath, listIncidentFiles, readIncidentFile } from './loader.ts';
import type { LoadProblem, ParsedFile } from './parse.ts';

interface FileState {
  mtimeMs: number;
  size: number;
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

export class LiveCatalog {
  readonly dir: string;
  private readonly files = new Map<string, FileState>();
  private listProblems: LoadProblem[] = [];
  private snapshotValue: Snapshot | undefined;
  private watcher: FSWatcher | undefined;
  /** The folder the watcher watches (device and inode): a replaced folder needs a new watcher. */
  private watchedId: string | undefined;
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
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.scan();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async scan(): Promise<void> {
    const listed = await listIncidentFiles(this.dir);
    const changed: string[] = [];
    const present = new Set(listed.files);
    for (const file of [...this.files.keys()]) {
      if (!present.has(file)) {
        this.files.delete(file);
        changed.push(displayPath(file));
      }
    }
    await Promise.all(
      listed.files.map(async (file) => {
        let info: { mtimeMs: number; size: number };
        try {
          info = await stat(file);
        } catch {
          return; // gone between listing and stat: the next scan drops it
        }
        const previous = this.files.get(file);
        if (previous && previous.mtimeMs === info.mtimeMs && previous.size === info.size) return;
        const parsed = await readIncidentFile(
          file,
          displayPath(file),
          this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
        );
        const ok = parsed.problems.length === 0;
        this.files.set(file, {
          mtimeMs: info.mtimeMs,
          size: info.size,
          good: ok ? parsed : previous?.good,
          problems: ok
            ? []
            : parsed.problems.map((p) =>
                previous?.good ? { ...p, message: `${p.message} (the last good version keeps serving)` } : p,
              ),
        });
        changed.push(displayPath(file));
      }),
    );
    const listChanged = JSON.stringify(listed.problems) !== JSON.stringify(this.listProblems);
    this.listProblems = listed.problems;
    if (this.snapshotValue && changed.length === 0 && !listChanged) return;

    const ordered = [...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const good = ordered.flatMap(([, s]) => (s.good ? [s.good] : []));
    const fileProblems = ordered.flatMap(([, s]) => s.problems);
    const { catalog, problems } = assembleCatalog(good, [...this.listProblems, ...fileProblems]);
    this.snapshotValue = { catalog, problems, loadedAt: new Date(), files: this.files.size };
    this.options.onChange?.(this.snapshotValue, changed);
  }

  /** Starts watching the folder; returns once the first load is done. */
  async start(): Promise<Snapshot> {
    await this.refresh();
    this.watchFolder();
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs > 0) {
      this.poller = setInterval(() => {
        if (!this.watcher || this.folderId() !== this.watchedId) {
          this.watcher?.close();
          this.watchFolder();
        }
        this.schedule();
      }, pollMs);
      this.poller.unref();
    }
    return this.snapshot;
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.timer);
    clearInterval(this.poller);
  }

  private folderId(): string | undefined {
    try {
      const info = statSync(this.dir);
      return `${info.dev}:${info.ino}`;
    } catch {
      return undefined;
    }
  }

  private watchFolder(): void {
    this.watchedId = this.folderId();
    try {
      this.watcher = watch(this.dir, { recursive: true }, () => this.schedule());
      this.watcher.on('error', () => {
        // The folder was removed or replaced: watch again at the next poll.
        this.watcher?.close();
        this.watcher = undefined;
        this.schedule();
      });
    } catch {
      this.watcher = undefined;
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.debounceMs ?? 250);
    this.timer.unref();
  }
}
