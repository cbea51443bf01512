// `sitrep import acled|ucdp <file.csv> [--out DIR] [--batch N] [--dry-run] [--release X] [--replace]`
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '../cli/io.ts';
import { UserError } from '../errors.ts';
import { acled } from './acled.ts';
import type { Dataset } from './dataset.ts';
import { formatReport, keptFromEarlier } from './report.ts';
import { runImport } from './run.ts';
import { ucdp } from './ucdp.ts';

export const IMPORT_USAGE = `Usage: sitrep import acled|ucdp <file.csv> [options]

  --out DIR       output folder (default: <DATA_DIR>/imports/acled or …/ucdp)
  --batch N       write JSON list files of N incidents instead of one YAML file per incident
  --dry-run       read, map and validate every row; write nothing
  --release X     the UCDP GED release (e.g. 23.1) when the file name does not say it
  --replace       clear what an earlier import holds for a field this file has no column for
                  (fatalities, actors, notes, source, precision); without it, earlier values are
                  kept and the command exits 65

Exit codes: 0 every row imported and the output checks clean; 1 a row was skipped or the output has
a problem; 65 the file lacks a column whose values an earlier import had (kept; see --replace).
`;

/** sysexits EX_DATAERR (as EXIT in errors.ts): the data lack what an earlier import had. */
export const EXIT_MISSING_COLUMN = 65;

const DATASETS: Record<string, Dataset> = { acled, ucdp };

export interface ImportCommandContext {
  dataDir: string;
  io: CliIo;
  /** Options the main command line has already taken out of the arguments (`--out` is shared with run). */
  out?: string | undefined;
  batch?: string | undefined;
  dryRun?: boolean | undefined;
  release?: string | undefined;
  replace?: boolean | undefined;
  /** Rows between progress lines when stderr is not a terminal. */
  progressEvery?: number;
}

/**
 * Exit code 0 when every row was imported and the output checks clean; 65 when the file lacks a
 * column whose values an earlier import had (kept without --replace); 1 otherwise.
 */
export async function importCommand(args: string[], ctx: ImportCommandContext): Promise<number> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}\n\n${IMPORT_USAGE}`);
  }
  const { positionals } = parsed;
  const values = {
    ...parsed.values,
    out: parsed.values.out ?? ctx.out,
    batch: parsed.values.batch ?? ctx.batch,
    'dry-run': parsed.values['dry-run'] ?? ctx.dryRun,
    release: parsed.values.release ?? ctx.release,
    replace: parsed.values.replace ?? ctx.replace,
  };
  if (values.help) {
    ctx.io.out(IMPORT_USAGE);
    return 0;
  }
  const [name, file, ...extra] = positionals;
  const dataset = name === undefined ? undefined : DATASETS[name.toLowerCase()];
  if (dataset === undefined || file === undefined || extra.length > 0) {
    throw new UserError(
      `${dataset === undefined ? `Import what? Give acled or ucdp${name ? `, not "${name}"` : ''}.` : file === undefined ? 'Give the CSV file to import.' : `Unexpected: ${extra.join(' ')}`}\n\n${IMPORT_USAGE}`,
    );
  }
  let batch: number | undefined;
  if (values.batch !== undefined) {
    batch = Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) {
      throw new UserError(`--batch takes a whole number from 1 to 100000, not "${values.batch}".`);
    }
  }
  const report = await runImport({
    dataset,
    file,
    out: values.out ?? path.join(ctx.dataDir, 'imports', dataset.key),
    dataDir: ctx.dataDir,
    ...(batch === undefined ? {} : { batch }),
    dryRun: values['dry-run'] === true,
    ...(values.release === undefined ? {} : { release: values.release }),
    replace: values.replace === true,
    io: ctx.io,
    ...(ctx.progressEvery === undefined ? {} : { progressEvery: ctx.progressEvery }),
  });
  ctx.io.out(formatReport(report));
  if (keptFromEarlier(report) > 0) return EXIT_MISSING_COLUMN;
  return report.skipped.total === 0 && (report.check?.problemCount ?? 0) === 0 ? 0 : 1;
}

function parseImportArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      batch: { type: 'string' },
      'dry-run': { type: 'boolean' },
      release: { type: 'string' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
