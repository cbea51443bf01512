// Running a phase in a child process: a cold process per load, --expose-gc for memory figures.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { QueryRunOptions } from './query-phase.ts';

export type PhaseRequest =
  | { phase: 'floor'; yamlDir: string | undefined; jsonDir: string }
  | {
      phase: 'yaml';
      yamlDir: string;
      indexPath: string;
      expected: number;
      sampleFile: string;
      sampleId: string;
    }
  | {
      phase: 'json';
      jsonDir: string;
      indexPath: string;
      expected: number;
      /** The list file holding `sampleId`, relative to jsonDir: the reload edits it. */
      sampleFile: string;
      sampleId: string;
      seed: number;
      queries: QueryRunOptions;
    }
  | { phase: 'digest'; jsonDir: string; indexPath: string; seed: number; storePath: string };

export type PhaseResponse = { ok: true; result: unknown } | { ok: false; error: string };

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** The tsx loader as a URL for --import, so a child runs TypeScript like bin/sitrep.js does. */
export function tsxImport(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export interface PhaseOptions {
  /** Write a V8 CPU profile of the child here (node --cpu-prof). */
  cpuProfileDir?: string | undefined;
  /** Heap limit of the child, in MiB. */
  maxOldSpaceMb?: number;
  /** Progress lines the child writes (to its stderr). */
  log?: (line: string) => void;
}

export function runPhase<T>(request: PhaseRequest, options: PhaseOptions = {}): Promise<T> {
  const execArgv = [
    '--expose-gc',
    `--max-old-space-size=${options.maxOldSpaceMb ?? 8192}`,
    '--import',
    tsxImport(),
    // One folder per phase: the main thread's profile is the largest file in it (tsx's loader thread
    // writes one too).
    ...(options.cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, `${request.phase}-${Date.now()}`)}`]
      : []),
  ];
  return new Promise<T>((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let stderr = '';
    let partial = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-4000);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('[bench] ')) options.log?.(line.slice(8));
    });
    let response: PhaseResponse | undefined;
    child.on('message', (message) => {
      response = message as PhaseResponse;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (response?.ok) resolve(response.result as T);
      else
        reject(
          new Error(
            `bench phase "${request.phase}" failed (exit ${code}): ${response && !response.ok ? response.error : stderr}`,
          ),
        );
    });
    child.send(request);
  });
}
