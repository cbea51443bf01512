// Reading, parsing and validating incident files in worker threads, for syncs that read many files: the
// main thread then only writes the index (live.ts) and keeps answering between batches.
//
// This one module is both sides. Imported normally it offers ParsePool; started as a worker (with the
// marker in workerData) it answers read requests with readFileVersionSync. The worker runs the same code
// as the main thread, whichever way that runs:
// - compiled (dist/src/incidents/parse-worker.js): started directly;
// - from the TypeScript sources (tsx, `bin/sitrep.js` on a stale build, vitest): through a small
//   bootstrap that registers tsx's loader in the worker first. Vitest gives workers no TypeScript loader,
//   and Node 20 does not apply `--import` hooks to a worker's entry module, so `execArgv` cannot do it.
// A worker takes a second or so to start (it loads the parser and the schema): until one is ready the
// main thread reads the first files itself, so a pool is never slower than no pool. A worker that cannot
// start (no tsx, a missing file) is reported to `onFallback`, and its files are read on the main thread.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type FileVersion, readFileVersionSync } from './loader.ts';

const MARKER = 'sitrep-parse-worker';

export interface ReadTask {
  file: string;
  display: string;
  maxBytes: number;
  knownHash: string | undefined;
}

type Request = { id: number; tasks: ReadTask[] };
type Reply = { id: number; versions: (FileVersion | undefined)[] } | { ready: true };

/** The default number of workers: one per core, at most 4. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** Files per message: few enough to share the work out evenly, enough to make a message worth it. */
const FILES_PER_MESSAGE = 16;

interface Chunk {
  tasks: ReadTask[];
  resolve: (versions: (FileVersion | undefined)[]) => void;
}

interface PoolWorker {
  worker: Worker;
  /** It has loaded its modules and answers at once. */
  ready: boolean;
  inFlight: Map<number, Chunk>;
  /** Files sent and not answered yet. */
  queued: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ParsePool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  private closed = false;
  /** Files this pool's workers read (not those read on the main thread). */
  readInWorkers = 0;

  constructor(
    size = defaultWorkerCount(),
    private readonly onFallback: (reason: string) => void = () => {},
    /** Read files here until a worker is ready (the default); false: wait for the workers (tests). */
    private readonly readWhileStarting = true,
  ) {
    for (let i = 0; i < size; i++) {
      try {
        this.workers.push(this.spawn());
      } catch (error) {
        this.onFallback(`could not start a parse worker (${describe(error)})`);
        break;
      }
    }
  }

  /** Workers still running. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Reads, hashes and parses these files in the workers, all sent at once so that they stay busy while
   * the main thread writes. Until a worker is ready (or when none can run) files are read here, a few
   * between turns of the event loop. Never rejects.
   */
  async readAll(tasks: readonly ReadTask[]): Promise<(FileVersion | undefined)[]> {
    const chunks: ReadTask[][] = [];
    for (let at = 0; at < tasks.length; at += FILES_PER_MESSAGE)
      chunks.push(tasks.slice(at, at + FILES_PER_MESSAGE));
    const parts: (FileVersion | undefined)[][] = new Array(chunks.length);
    const sent: Promise<void>[] = [];
    let next = 0;
    while (next < chunks.length) {
      if (this.workers.some((w) => w.ready) || (!this.readWhileStarting && this.workers.length > 0)) {
        for (; next < chunks.length; next++) {
          const at = next;
          const chunk = chunks[at] as ReadTask[];
          sent.push(
            new Promise((resolve) =>
              this.send({
                tasks: chunk,
                resolve: (versions) => {
                  parts[at] = versions;
                  resolve();
                },
              }),
            ),
          );
        }
        break;
      }
      parts[next] = (chunks[next] as ReadTask[]).map(readHere);
      next += 1;
      await yieldToLoop(); // a worker's "ready" comes in here
    }
    await Promise.all(sent);
    return parts.flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  private send(chunk: Chunk): void {
    let target: PoolWorker | undefined;
    for (const candidate of this.workers) {
      if (
        !target ||
        (candidate.ready && !target.ready) ||
        (candidate.ready === target.ready && candidate.queued < target.queued)
      )
        target = candidate;
    }
    if (!target) {
      chunk.resolve(chunk.tasks.map(readHere));
      return;
    }
    const id = this.nextId++;
    target.inFlight.set(id, chunk);
    target.queued += chunk.tasks.length;
    target.worker.postMessage({ id, tasks: chunk.tasks } satisfies Request);
  }

  private spawn(): PoolWorker {
    const own = import.meta.url;
    const data = { [MARKER]: true };
    // No flags of the main thread's (`--input-type`, `-e`, a test's loader hooks): the module needs none.
    const worker = own.endsWith('.ts')
      ? new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap(own))}`), {
          workerData: data,
          execArgv: [],
        })
      : new Worker(new URL(own), { workerData: data, execArgv: [] });
    const entry: PoolWorker = { worker, ready: false, inFlight: new Map(), queued: 0 };
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        entry.ready = true;
        return;
      }
      const chunk = entry.inFlight.get(reply.id);
      if (!chunk) return;
      entry.inFlight.delete(reply.id);
      entry.queued -= chunk.tasks.length;
      this.readInWorkers += chunk.tasks.length;
      chunk.resolve(reply.versions);
    });
    const lost = (reason: string) => {
      const at = this.workers.indexOf(entry);
      if (at < 0) return;
      this.workers.splice(at, 1);
      if (!this.closed) this.onFallback(reason);
      // Its files go to another worker, or are read on this thread.
      const chunks = [...entry.inFlight.values()];
      entry.inFlight.clear();
      for (const chunk of chunks) this.send(chunk);
    };
    worker.on('error', (error) => lost(`a parse worker failed (${describe(error)})`));
    worker.on('exit', (code) => lost(`a parse worker stopped (exit code ${code})`));
    return entry;
  }
}

/** Reads a file on this thread; a failure nobody expected becomes the file's problem. */
export function readHere(task: ReadTask): FileVersion | undefined {
  try {
    return readFileVersionSync(task.file, task.display, task);
  } catch (error) {
    const message = `could not be read (${describe(error)})`;
    return {
      stat: { size: -1, mtimeMs: -1, ino: -1 },
      hash: 'error:internal',
      parsed: { file: task.display, incidents: [], problems: [{ file: task.display, message }] },
    };
  }
}

/** An ES module that registers tsx in the worker, then loads this file (TypeScript) in it. */
function bootstrap(moduleUrl: string): string {
  return `const { register } = await import(${JSON.stringify(tsxApiUrl())});
register();
await import(${JSON.stringify(moduleUrl)});
`;
}

/** tsx's ESM API as a file URL (the require condition of its `exports` points at a CommonJS build). */
function tsxApiUrl(): string {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  try {
    if (typeof meta.resolve === 'function') return meta.resolve('tsx/esm/api');
  } catch {
    // resolved below from the package's folder
  }
  const packageJson = createRequire(fileURLToPath(import.meta.url)).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(packageJson), 'dist', 'esm', 'api', 'index.mjs')).href;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The worker side: one message at a time, each a few files read, parsed and validated in turn.
if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[MARKER] === true) {
  const port = parentPort;
  port.on('message', (request: Request) => {
    port.postMessage({ id: request.id, versions: request.tasks.map(readHere) } satisfies Reply);
  });
  port.postMessage({ ready: true } satisfies Reply);
}
