// Progress on stderr: one line rewritten in place on a terminal (at most every 200 ms), plain lines
// every N rows elsewhere (CI logs), so a long import shows it is alive without flooding a log.
import type { CliIo } from '../cli/io.ts';
import { formatCount } from './text.ts';

export interface Progress {
  update(rows: number, bytes: number): void;
  done(rows: number): void;
}

export interface ProgressOptions {
  label: string;
  totalBytes: number;
  /** Rows between plain lines when stderr is not a terminal. */
  every?: number;
  now?: () => number;
}

export function createProgress(io: CliIo, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const every = options.every ?? 100_000;
  const started = now();
  let lastDraw = -Infinity;
  let nextLine = every;
  let drawn = false;

  const describe = (rows: number, bytes: number): string => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const percent =
      options.totalBytes > 0 ? Math.min(100, Math.floor((bytes / options.totalBytes) * 100)) : 0;
    return `${options.label}: ${formatCount(rows)} rows, ${percent}% of the file, ${formatCount(rate)} rows/s`;
  };

  return {
    update(rows, bytes) {
      if (io.interactive) {
        const t = now();
        if (t - lastDraw < 200) return;
        lastDraw = t;
        drawn = true;
        io.err(`\r${bar(bytes, options.totalBytes)} ${describe(rows, bytes)}\u001b[K`);
      } else if (rows >= nextLine) {
        nextLine = (Math.floor(rows / every) + 1) * every;
        io.err(`${describe(rows, bytes)}\n`);
      }
    },
    done(rows) {
      if (io.interactive && drawn) io.err(`\r${bar(1, 1)} ${describe(rows, options.totalBytes)}\u001b[K\n`);
    },
  };
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
