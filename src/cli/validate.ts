// `sitrep validate [dir]`: every problem with file and field (a syntax error with its line shown), the
// count loaded, exit 1 on any problem.
import { loadCatalog } from '../incidents/load.ts';
import { formatProblemWithSource } from '../incidents/parse.ts';
import type { CliIo } from './io.ts';

export async function validateFolder(dir: string, io: CliIo): Promise<number> {
  const started = performance.now();
  const loaded = await loadCatalog(dir, {
    onFile: (done, total) => {
      if (io.interactive && total >= 1000 && (done % 500 === 0 || done === total)) {
        io.err(`\rreading ${done}/${total} files`);
        if (done === total) io.err('\n');
      }
    },
  });
  for (const problem of loaded.problems) io.out(`${formatProblemWithSource(problem)}\n`);
  const ms = Math.round(performance.now() - started);
  const count = loaded.catalog.size;
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
