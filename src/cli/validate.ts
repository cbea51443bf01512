// `sitrep validate [dir]`: every problem with file and field (a syntax error with its line shown), the
// count loaded, exit 1 on any problem.
import { formatProblemWithSource } from '../incidents/parse.ts';
import type { CliIo } from './io.ts';
import { loadForCli } from './load.ts';

/**
 * `indexPath`: the incident index of `dir` (INDEX_PATH, or the folder's default): the files unchanged
 * since it was last brought up to date are not read again; their problems are the ones recorded then.
 * In memory (every file read) when undefined.
 */
export async function validateFolder(
  dir: string,
  io: CliIo,
  options: { indexPath?: string | undefined } = {},
): Promise<number> {
  const started = performance.now();
  const loaded = await loadForCli(dir, io, options.indexPath);
  const count = loaded.catalog.size;
  loaded.catalog.close();
  for (const problem of loaded.problems) io.out(`${formatProblemWithSource(problem)}\n`);
  const ms = Math.round(performance.now() - started);
  const summary = `${count} incident${count === 1 ? '' : 's'} loaded from ${loaded.files} file${loaded.files === 1 ? '' : 's'} in ${dir} (${ms} ms)`;
  if (loaded.problems.length === 0) {
    io.out(`OK: ${summary}.\n`);
    return 0;
  }
  const files = new Set(loaded.problems.map((p) => p.file)).size;
  io.out(
    `FAILED: ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; ${summary}.\n`,
  );
  return 1;
}
