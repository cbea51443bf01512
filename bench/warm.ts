// Warm restarts: a fresh process over an index that is already built, nothing changed in the folder,
// timed whole, from spawning Node to the answer (Node, every import, LiveCatalog.start(), the command),
// running dist/ when it is fresh as bin/sitrep.js does, else the sources through tsx. A first run is not
// timed: it fills the disk cache (and tsx's), as any restart finds them.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxImport } from './phase.ts';
import { type Latency, summarize } from './stats.ts';

const CHILD = fileURLToPath(new URL('./warm-child.mjs', import.meta.url));

/** What warm-child.mjs is asked. */
interface WarmRequest {
  dataDir: string;
  indexPath: string;
  command: 'latest' | 'search';
  query?: string;
  /** Import the compiled dist/ (fresh) rather than the sources through tsx. */
  compiled: boolean;
}

/** What warm-child.mjs prints, on one line. */
interface WarmReport {
  /** From the process's start to the child's first line: Node itself (and tsx's loader when from source). */
  bootMs: number;
  /** From the process's start to the modules imported (the bot's and the commands'). */
  importsMs: number;
  /** LiveCatalog.start(): open the index, list and stat every file, compare. */
  startMs: number;
  /** The command's handler and rendering. */
  answerMs: number;
  /** Incidents in the index. */
  incidents: number;
  /** Files start() read and parsed again (0 when the index was up to date, as it should be). */
  filesParsed: number;
  /** The answer's first page, cut short. */
  answer: string;
  rss: number;
}

export interface WarmCommandResult {
  /** Whole process, spawn to answer, ms. */
  total: Latency;
  /** Medians of the child's own breakdown: Node's boot, to the modules imported, LiveCatalog.start(), the answer. */
  bootMs: number;
  importsMs: number;
  startMs: number;
  answerMs: number;
  /** Resident memory of the process once it answered (the median run's). */
  rss: number;
  /** Files the timed starts parsed again, in all (0: the index was up to date). */
  filesParsed: number;
}

export interface WarmResult {
  /** The processes ran the compiled dist/ (fresh), as bin/sitrep.js would; false: the sources through tsx. */
  compiled: boolean;
  latest: WarmCommandResult;
  /** /search of a word as rare as the data has (ideally found in one incident). */
  search: WarmCommandResult;
  /**
   * The same two through the product's own command, `sitrep run "/latest"` and `sitrep run "/search
   * query:<word>"` (DATA_DIR and INDEX_PATH set), spawn to exit; null when it failed (see the errors).
   */
  cli: { latest: Latency; search: Latency } | null;
  word: string;
  wordIncidents: number;
}

export interface WarmOptions {
  dataDir: string;
  indexPath: string;
  word: string;
  wordIncidents: number;
  /** Incidents the index must serve at once: a warm start answers from the whole index. */
  expected: number;
  repetitions: number;
  cpuProfileDir?: string | undefined;
  /** `sitrep run` could not be timed (the rest of the result stands). */
  onError?: (message: string) => void;
}

export async function measureWarmRestarts(options: WarmOptions): Promise<WarmResult> {
  const { isDistFresh } = (await import(new URL('../bin/dist.js', import.meta.url).href)) as {
    isDistFresh(): boolean;
  };
  const compiled = isDistFresh();
  const run = async (command: WarmRequest['command']): Promise<WarmCommandResult> => {
    const request: WarmRequest = {
      dataDir: options.dataDir,
      indexPath: options.indexPath,
      command,
      query: options.word,
      compiled,
    };
    // Untimed: it fills the disk cache (and tsx's); one per index, and only when several runs are timed.
    if (command === 'latest' && options.repetitions > 1) await warmRun(request, options.cpuProfileDir);
    const runs: { ms: number; report: WarmReport }[] = [];
    for (let i = 0; i < options.repetitions; i++) runs.push(await warmRun(request, options.cpuProfileDir));
    for (const { report } of runs) {
      if (report.incidents !== options.expected)
        throw new Error(`a warm restart served ${report.incidents} of ${options.expected} incidents`);
    }
    const median = <T>(values: T[], key: (v: T) => number) =>
      [...values].sort((a, b) => key(a) - key(b))[Math.floor((values.length - 1) / 2)] as T;
    const byTotal = median(runs, (r) => r.ms);
    return {
      total: summarize(runs.map((r) => r.ms)),
      bootMs: median(runs, (r) => r.report.bootMs).report.bootMs,
      importsMs: median(runs, (r) => r.report.importsMs).report.importsMs,
      startMs: median(runs, (r) => r.report.startMs).report.startMs,
      answerMs: median(runs, (r) => r.report.answerMs).report.answerMs,
      rss: byTotal.report.rss,
      filesParsed: runs.reduce((sum, r) => sum + r.report.filesParsed, 0),
    };
  };
  const latest = await run('latest');
  const search = await run('search');
  let cli: WarmResult['cli'] = null;
  try {
    const line = async (text: string) => {
      const times: number[] = [];
      for (let i = 0; i < options.repetitions; i++) times.push(await sitrepRun(text, options));
      return summarize(times);
    };
    cli = { latest: await line('/latest'), search: await line(`/search query:${options.word}`) };
  } catch (error) {
    options.onError?.(error instanceof Error ? error.message : String(error));
  }
  return { compiled, latest, search, cli, word: options.word, wordIncidents: options.wordIncidents };
}

const BIN = fileURLToPath(new URL('../bin/sitrep.js', import.meta.url));

/** `sitrep run "<line>"` over the index, as a user runs it (dist/ when fresh): spawn to exit, ms. */
async function sitrepRun(line: string, options: WarmOptions): Promise<number> {
  const out = path.join(path.dirname(options.indexPath), 'run-out');
  const started = performance.now();
  // Run outside the repository (its .env is not read), with the folder and its index named.
  const child = spawn(process.execPath, [BIN, 'run', line, '--data', options.dataDir, '--out', out], {
    cwd: path.dirname(options.indexPath),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      DATA_DIR: options.dataDir,
      INDEX_PATH: options.indexPath,
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`sitrep run "${line}" exited with ${code}: ${stderr}`);
  if (/rebuilding the incident index/.test(stderr))
    throw new Error(`sitrep run "${line}" rebuilt the index: ${stderr}`);
  return ms;
}

/** One fresh process: the time to its answer line, and what it reported. */
function warmRun(
  request: WarmRequest,
  cpuProfileDir: string | undefined,
): Promise<{ ms: number; report: WarmReport }> {
  const profile = cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfileDir, `warm-${request.command}-${Date.now()}`)}`]
    : [];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...profile, '--import', tsxImport(), CHILD, JSON.stringify(request)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC' },
    },
  );
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let answered: { ms: number; report: WarmReport } | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (answered || !stdout.includes('\n') || line === undefined) return;
      const ms = performance.now() - started;
      try {
        answered = { ms, report: JSON.parse(line) as WarmReport };
      } catch (error) {
        reject(new Error(`warm restart printed something else: ${line.slice(0, 500)} (${String(error)})`));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && answered) resolve(answered);
      else
        reject(
          new Error(
            `warm restart (${request.command}) exited with ${code}: ${stderr || stdout.slice(0, 500)}`,
          ),
        );
    });
  });
}
