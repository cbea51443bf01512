// `sitrep index` and `sitrep index --rebuild`: the incident index of the data folder brought up to date
// (or deleted and built again, with progress), then what it holds.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, EXIT } from '../errors.ts';
import { isUnwritable, LiveCatalog } from '../incidents/live.ts';
import type { CliIo } from './io.ts';
import { loadReporting } from './load.ts';

export const INDEX_HELP = `sitrep index [--rebuild] [--data DIR]

The incident index: an SQLite file derived from the data folder (INDEX_PATH, by default one per folder
under var/), so that a start or a command reads only the files that changed since the last one.

  sitrep index              bring the index up to date, then show it: its file, the data folder, files,
                            incidents, files with problems, last build, size on disk, schema version
  sitrep index --rebuild    delete it and build it again from every file (with progress)

Deleting the index is always safe: the files in the data folder are the source of truth. A bot that
is running keeps the index it opened until it restarts.

Exit codes: 0 done; 66 no data folder; 77 the index cannot be written at INDEX_PATH.
`;

export async function indexCommand(options: {
  dataDir: string;
  indexPath: string;
  rebuild: boolean;
  io: CliIo;
}): Promise<number> {
  const { dataDir, indexPath, io } = options;
  const onDisk = indexPath !== ':memory:';
  if (options.rebuild && onDisk) {
    try {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${indexPath}${suffix}`, { force: true });
    } catch (error) {
      throw unwritable(indexPath, error);
    }
    io.err(`rebuilding the incident index ${indexPath} from every file in ${dataDir}\n`);
  }
  const live = new LiveCatalog(dataDir, {
    indexPath,
    inMemoryIfUnwritable: false,
    ...loadReporting(io, indexPath),
  });
  try {
    const started = performance.now();
    try {
      live.open();
    } catch (error) {
      throw isUnwritable(error) ? unwritable(indexPath, error) : error;
    }
    await live.refresh();
    const ms = Math.round(performance.now() - started);
    const info = live.snapshot.catalog.info();
    const rows: [string, string][] = [
      [
        'Index',
        onDisk
          ? `${indexPath}${path.resolve(indexPath) === indexPath ? '' : ` (${path.resolve(indexPath)})`}`
          : 'in memory',
      ],
      ['Data folder', info.dataDir ?? path.resolve(dataDir)],
      [
        'Files',
        `${info.files} (${info.filesWithProblems} with problems${info.filesWithProblems > 0 ? `: sitrep validate ${dataDir}` : ''})`,
      ],
      ['Incidents', String(info.incidents)],
      ['Last build', info.builtAt ?? 'never'],
      ['Size on disk', onDisk ? formatBytes(sizeOnDisk(indexPath)) : '-'],
      ['Schema version', String(info.schemaVersion)],
      [
        'Brought up to date in',
        `${ms} ms (${live.counters.filesRead} file${live.counters.filesRead === 1 ? '' : 's'} read)`,
      ],
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    io.out(rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join(''));
    return 0;
  } finally {
    await live.close();
  }
}

function unwritable(indexPath: string, cause: unknown): EnvironmentError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EnvironmentError(
    'INDEX_PATH',
    `cannot write the incident index at ${indexPath} (${reason}); point INDEX_PATH at a writable file`,
    EXIT.noPermission,
  );
}

/** The index file and its write-ahead log. */
function sizeOnDisk(file: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal'])
    bytes += statSync(`${file}${suffix}`, { throwIfNoEntry: false })?.size ?? 0;
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
