// The offline commands' load of the data folder: through the incident index at INDEX_PATH (or in memory
// when none is given), with a line on stderr when the index is rebuilt or cannot be written, and progress
// for large builds.
import { type LoadResult, loadCatalog } from '../incidents/load.ts';
import type { CliIo } from './io.ts';

/** Progress on stderr for large reads: every 5% or 10,000 files, whichever comes first. */
export function progressPrinter(io: CliIo, label = 'indexing'): (done: number, total: number) => void {
  let next = 0;
  let last = 0;
  return (done, total) => {
    // Interactive: from 1,000 files, on one line; in a log: from 10,000, a line each step.
    if (total < (io.interactive ? 1000 : 10_000)) return;
    if (done < last) next = 0; // a new round (files read again)
    last = done;
    if (done < next && done !== total) return;
    const step = Math.max(1, Math.min(10_000, Math.ceil(total / 20)));
    next = (Math.floor(done / step) + 1) * step;
    const line = `${label} ${done}/${total} files (${Math.floor((done * 100) / total)}%)`;
    if (io.interactive) io.err(`\r${line}${done === total ? '\n' : ''}`);
    else io.err(`${line}\n`);
  };
}

/** What the offline commands print while they load (rebuilds, warnings, progress). */
export function loadReporting(io: CliIo, indexPath: string | undefined) {
  return {
    onRebuild: (reason: string) => io.err(`rebuilding the incident index ${indexPath ?? ''}: ${reason}\n`),
    onWarning: (message: string) => io.err(`warning: ${message}\n`),
    onProgress: progressPrinter(io),
  };
}

/** Loads `dataDir` through the index at `indexPath` (in memory when undefined). */
export async function loadForCli(
  dataDir: string,
  io: CliIo,
  indexPath: string | undefined,
): Promise<LoadResult> {
  const { onRebuild, onWarning, onProgress } = loadReporting(io, indexPath);
  return loadCatalog(dataDir, {
    ...(indexPath !== undefined ? { indexPath } : {}),
    onRebuild,
    onWarning,
    onFile: onProgress,
  });
}
