// The real bot (`sitrep start`, the production entry point) in its own process, pointed at the local
// Discord stand-in, so the bot and the stand-in do not share an event loop or a heap.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../commands/index.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import type { Standin } from '../tests/discord/standin.ts';

const BIN = fileURLToPath(new URL('../bin/sitrep.js', import.meta.url));

export interface BotProcess {
  child: ChildProcess;
  startedAt: number;
  /** Resident memory of the bot process now, in bytes (0 where /proc is not available). */
  rss(): number;
  /** The last lines the bot wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface BotProcessOptions {
  standin: Standin;
  dataDir: string;
  storeUrl: string;
  /** The bot runs here, so no .env of the repository is read. */
  cwd: string;
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the bot to a folder under this one, named by `label`. */
  cpuProfileDir?: string | undefined;
  label?: string;
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const { standin } = options;
  const config = {
    token: standin.token,
    apiUrl: standin.apiUrl,
    applicationId: standin.applicationId,
    guildId: standin.guildId,
  };
  await deployCommands(commands, config);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISCORD_TOKEN: standin.token,
    DISCORD_API_URL: standin.apiUrl,
    DISCORD_APPLICATION_ID: standin.applicationId,
    DISCORD_GUILD_ID: standin.guildId,
    DATA_DIR: options.dataDir,
    STORE_URL: options.storeUrl,
    LOG_LEVEL: 'warn',
    TZ: 'UTC',
    ...options.env,
  };
  let output = '';
  const startedAt = performance.now();
  const profile = options.cpuProfileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${path.join(options.cpuProfileDir, `bot-${options.label ?? 'run'}-${Date.now()}`)}`,
      ]
    : [];
  const child = spawn(process.execPath, ['--max-old-space-size=8192', ...profile, BIN, 'start'], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    startedAt,
    rss() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
        return kb === undefined ? 0 : Number(kb) * 1024;
      } catch {
        return 0;
      }
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
