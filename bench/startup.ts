// Start-up: a fresh process for `sitrep --version`, for `sitrep run "/latest"` on the example data, and
// for `sitrep start` until it is connected to Discord (the local stand-in), each repeated; the median
// is the figure. It measures bin/sitrep.js as a user runs it: dist/ when that is fresh, else tsx.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Standin } from '../tests/discord/standin.ts';
import { startBotProcess } from './bot-process.ts';
import { type Latency, summarize } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'sitrep.js');
const EXAMPLE_DATA = path.join(ROOT, 'data');
const NPM = 'npm';

export interface StartupResult {
  /** bin/sitrep.js ran the compiled dist/ (false: the sources through tsx, as when dist/ is stale). */
  compiled: boolean;
  /** `node -e ""`: the floor, and how fast the machine is at the time. */
  node: Latency;
  /** `sitrep --version`, ms. */
  version: Latency;
  /** `sitrep run "/latest"` on the example data, ms. */
  run: Latency;
  /** `sitrep start` from spawning to its "connected to Discord" log line, ms. */
  start: Latency;
  /** `npm run sitrep -- --version`: with `version`, what npm's own launch adds to `npm start`. */
  npm: Latency;
}

export interface StartupOptions {
  repetitions: number;
  /** Scratch space: the bot's state stores, run's output folder. The processes run here. */
  workDir: string;
  startStandin: () => Promise<Standin>;
}

export async function measureStartup(options: StartupOptions): Promise<StartupResult> {
  const { workDir, repetitions } = options;
  await mkdir(workDir, { recursive: true });
  const { isDistFresh } = (await import(new URL('../bin/dist.js', import.meta.url).href)) as {
    isDistFresh(): boolean;
  };
  const compiled = isDistFresh();
  const out = path.join(workDir, 'out');
  const runLatest = [BIN, 'run', '/latest', '--data', EXAMPLE_DATA, '--out', out];
  // npm runs package scripts from the package's folder.
  const npmVersion = ['run', '--silent', 'sitrep', '--', '--version'];
  // One untimed round first: it fills the disk cache, as any second start finds it.
  await timeCommand(process.execPath, runLatest, workDir);
  await timeCommand(NPM, npmVersion, ROOT);
  const node: number[] = [];
  const version: number[] = [];
  const run: number[] = [];
  const npm: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    node.push(await timeCommand(process.execPath, ['-e', ''], workDir));
    version.push(await timeCommand(process.execPath, [BIN, '--version'], workDir));
    run.push(await timeCommand(process.execPath, runLatest, workDir));
    npm.push(await timeCommand(NPM, npmVersion, ROOT));
  }
  const standin = await options.startStandin();
  const start: number[] = [];
  try {
    await timeStart(standin, workDir, 0);
    for (let i = 1; i <= repetitions; i++) start.push(await timeStart(standin, workDir, i));
  } finally {
    await standin.close();
  }
  return {
    compiled,
    node: summarize(node),
    version: summarize(version),
    run: summarize(run),
    start: summarize(start),
    npm: summarize(npm),
  };
}

/** Wall time of `command …args` to its exit; a failure is an error, not a figure. */
async function timeCommand(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = collect(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr()}`);
  return ms;
}

async function timeStart(standin: Standin, workDir: string, i: number): Promise<number> {
  const bot = await startBotProcess({
    standin,
    dataDir: EXAMPLE_DATA,
    storeUrl: `sqlite://${path.join(workDir, `startup-${i}.sqlite`)}`,
    cwd: workDir,
    env: { LOG_LEVEL: 'info' },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "connected" line in 60 s: ${bot.output()}`)),
        60_000,
      );
      let seen = '';
      bot.child.stdout?.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4000);
        if (seen.includes('"msg":"connected to Discord"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      bot.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sitrep start exited (code ${code}) before connecting: ${bot.output()}`));
      });
    });
    return performance.now() - bot.startedAt;
  } finally {
    await bot.stop();
  }
}

/** No DISCORD_*, DATA_DIR or STORE_URL from the calling shell; the processes run outside the repository, so
 * its .env is not read either. */
function cleanEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC' };
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4000);
  });
  return () => text;
}
