// `sitrep import`: a CSV export → validated incident files, streamed row by row. Memory stays flat:
// rows are never held (a look-ahead of the first 1,000 decides the date order); the only things
// that grow are two sets of id strings (ids read in this run, to catch a repeated id, and ids found
// in the output folder, to count and move them), about 100 bytes per incident.
import path from 'node:path';
import type { CliIo } from '../cli/io.ts';
import { UserError } from '../errors.ts';
import { type IncidentInput, parseIncident } from '../incidents/schema.ts';
import { cellReader, describeHeader, type Header, isHxlTagRow, readHeader } from './columns.ts';
import { type CsvItem, readCsv, sniffFile } from './csv.ts';
import type { Dataset, MapContext, Release } from './dataset.ts';
import { DateFormats, detectDayMonthOrder, readDate } from './dates.ts';
import { type DecodeStats, describeEncoding } from './decode.ts';
import { fitToSchema } from './limits.ts';
import { findMissing, type MissingField, reconcileMissing } from './optional.ts';
import { type IncidentWriter, JsonBatchWriter, type WriteStatus, YamlFileWriter } from './output.ts';
import { createProgress } from './progress.ts';
import { C1_REPAIRED, repairC1 } from './repair.ts';
import { Tally } from './tally.ts';
import { type OutputCheck, verifyOutput } from './verify.ts';

export interface ImportOptions {
  dataset: Dataset;
  file: string;
  /** Output folder; the caller defaults it to `<DATA_DIR>/imports/<dataset>`. */
  out: string;
  /** DATA_DIR, to point the YAML files at `schema.json` when the output is inside it. */
  dataDir: string;
  /** Incidents per JSON list file; one YAML file per incident when absent. */
  batch?: number;
  dryRun?: boolean;
  /** The dataset release ("23.1"), when the file name does not say. */
  release?: string;
  /** Clear what an earlier import holds for a field this file has no column for (else it is kept). */
  replace?: boolean;
  io: CliIo;
  /** Rows between progress lines when stderr is not a terminal. */
  progressEvery?: number;
}

export interface ImportReport {
  dataset: Dataset;
  file: string;
  out: string;
  mode: 'files' | 'batch';
  dryRun: boolean;
  /** What was detected about the file, in order: dataset and columns, dates, encoding, line ends. */
  detected: string[];
  /** Optional columns the file lacks, with how many incidents of an earlier import had them. */
  missing: MissingField[];
  /** Whether --replace cleared those fields (else their earlier values were kept). */
  replace: boolean;
  rows: number;
  blankLines: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: Tally;
  warnings: Tally;
  /** Incidents in the output folder that this export does not contain (left as they are). */
  notInExport: number;
  /** List files of an earlier, longer export removed in batch mode. */
  removedFiles: number;
  check: OutputCheck | undefined;
  seconds: number;
}

const LOOKAHEAD = 1000;
const CONCURRENT_WRITES = 16;

export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const { dataset, io } = options;
  const shape = await sniffFile(options.file);
  let decoded: DecodeStats | undefined;
  const items = readCsv(options.file, shape, (stats) => {
    decoded = stats;
  });

  const header = await readHeaderRow(items, dataset, options.file);
  const ahead: CsvItem[] = [];
  for (let next = await items.next(); !next.done; next = await items.next()) {
    ahead.push(next.value);
    if (ahead.length >= LOOKAHEAD) break;
  }
  const detected = [`${dataset.label}, ${describeHeader(header.header).join(', ')}`];
  const fromName = dataset.detectRelease(options.file);
  const release: Release | undefined = options.release
    ? { value: options.release, from: 'given with --release' }
    : fromName
      ? { value: fromName, from: 'from the file name' }
      : undefined;
  detected.push(...dataset.describeColumns(header.header, release));
  const first = ahead[0];
  if (first?.kind === 'record' && isHxlTagRow(first.fields)) {
    ahead.shift();
    detected.push(`HDX #tag row on line ${first.line} skipped`);
  }
  const order = detectDayMonthOrder(sampleDates(ahead, header.header, dataset.dateColumns));
  const formats = new DateFormats();
  const ctx: MapContext = {
    release: release?.value,
    readDate(value, yearHint) {
      const result = readDate(value, order.order, yearHint);
      if (result.ok) formats.note(result.format, value);
      return result;
    },
  };

  const missing = findMissing(dataset.optional, header.header);
  const reconcile = reconcileMissing(missing, options.replace === true);
  const writer: IncidentWriter =
    options.batch === undefined
      ? new YamlFileWriter(options.out, yamlComment(options, dataset), options.dryRun === true, reconcile)
      : new JsonBatchWriter(options.out, dataset.key, options.batch, options.dryRun === true, reconcile);
  await writer.init();

  const counts: Record<WriteStatus, number> = { new: 0, updated: 0, unchanged: 0 };
  const skipped = new Tally();
  const warnings = new Tally();
  const seen = new Set<string>();
  let previousSeen = 0;
  let rows = 0;
  let blankLines = 0;
  const progress = createProgress(io, {
    label: `import ${dataset.key}`,
    totalBytes: shape.size,
    ...(options.progressEvery ? { every: options.progressEvery } : {}),
  });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const concurrency = options.batch === undefined ? CONCURRENT_WRITES : 1;

  const handle = async (item: CsvItem): Promise<void> => {
    if (item.kind === 'unreadable') {
      rows += 1;
      skipped.add(item.fatal ? 'CSV syntax (rest of file unread)' : 'CSV syntax', item.line, item.message);
      return;
    }
    if (item.fields.every((f) => f.trim() === '')) {
      blankLines += 1;
      return;
    }
    rows += 1;
    const extra = item.fields.slice(header.header.width);
    if (item.fields.length < header.header.width || extra.some((f) => f.trim() !== '')) {
      skipped.add(
        'wrong number of cells',
        item.line,
        `${item.fields.length} cells where the header has ${header.header.width}`,
      );
      return;
    }
    const repaired = repairC1(item.fields);
    const result = dataset.mapRow(cellReader(header.header, repaired.fields), ctx);
    if (!result.ok) {
      skipped.add(result.reason, item.line, result.detail);
      return;
    }
    const { incident, cuts } = fitToSchema(result.incident);
    const valid = parseIncident(incident);
    if (!valid.ok) {
      const detail = valid.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      skipped.add('fails the incident schema', item.line, detail);
      return;
    }
    const id = valid.incident.id;
    if (seen.has(id)) {
      skipped.add('repeated id', item.line, `${id} was already read from an earlier row`);
      return;
    }
    seen.add(id);
    if (writer.previousIds.has(id)) previousSeen += 1;
    if (repaired.detail !== undefined) warnings.add(C1_REPAIRED, item.line, repaired.detail);
    for (const w of [...result.warnings, ...cuts]) warnings.add(w.kind, item.line, w.detail);
    if (concurrency === 1) {
      counts[await writer.add(withoutEmptyLists(incident, id))] += 1;
      return;
    }
    const write = writer
      .add(withoutEmptyLists(incident, id))
      .then((status) => {
        counts[status] += 1;
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
  };

  for (const item of ahead.splice(0)) await handle(item);
  for await (const item of items) {
    await handle(item);
    progress.update(rows, decoded?.bytes ?? 0);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  const { removed } = await writer.finish();
  progress.done(rows);

  detected.push(formats.describe());
  if (order.evidence !== 'no slashed dates') detected.push(order.evidence);
  if (decoded) detected.push(describeEncoding(decoded));
  detected.push(shape.lineEnds);
  if (shape.delimiter !== ',')
    detected.push(`delimiter ${shape.delimiter === '\t' ? 'tab' : shape.delimiter}`);

  const notInExport = writer.previousIds.size - previousSeen;
  seen.clear(); // the check below keeps its own set of ids; a million strings need not be held twice
  const check = options.dryRun ? undefined : await verifyOutput(options.out);
  return {
    dataset,
    file: options.file,
    out: options.out,
    mode: options.batch === undefined ? 'files' : 'batch',
    dryRun: options.dryRun === true,
    detected,
    missing,
    replace: options.replace === true,
    rows,
    blankLines,
    created: counts.new,
    updated: counts.updated,
    unchanged: counts.unchanged,
    skipped,
    warnings,
    notInExport,
    removedFiles: removed,
    check,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Empty actors, casualties, quotes or tags are left out of the file (the schema defaults them). */
function withoutEmptyLists(incident: IncidentInput, id: string): IncidentInput & { id: string } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incident)) {
    if (!(Array.isArray(value) && value.length === 0)) out[key] = value;
  }
  return { ...(out as IncidentInput), id };
}

async function readHeaderRow(
  items: AsyncGenerator<CsvItem>,
  dataset: Dataset,
  file: string,
): Promise<{ header: Header; line: number }> {
  for (let next = await items.next(); !next.done; next = await items.next()) {
    const item = next.value;
    if (item.kind === 'unreadable') throw new UserError(`${file}: line ${item.line}: ${item.message}`);
    if (item.fields.every((f) => f.trim() === '')) continue;
    const header = readHeader(item.fields, dataset.columns);
    if (header.missing.length > 0) throw new UserError(missingColumns(file, dataset, header, item.fields));
    return { header, line: item.line };
  }
  throw new UserError(`${file} is empty: no header row.`);
}

function missingColumns(file: string, dataset: Dataset, header: Header, cells: string[]): string {
  const names = new Set(cells.map((c) => c.trim().toLowerCase()));
  const hint =
    dataset.key === 'acled' && names.has('type_of_violence')
      ? ' It looks like a UCDP GED file: use `sitrep import ucdp`.'
      : dataset.key === 'ucdp' && names.has('event_id_cnty')
        ? ' It looks like an ACLED file: use `sitrep import acled`.'
        : '';
  const shown = cells.slice(0, 12).join(', ') + (cells.length > 12 ? ', …' : '');
  return `${file}: not a ${dataset.label} export I can read: no column ${header.missing.join(', ')} (the header has: ${shown}).${hint}`;
}

function* sampleDates(
  items: readonly CsvItem[],
  header: Header,
  columns: readonly string[],
): Generator<string> {
  for (const item of items) {
    if (item.kind !== 'record') continue;
    const cells = cellReader(header, item.fields);
    for (const column of columns) yield cells(column);
  }
}

/** A schema hint for editors when the output is inside DATA_DIR, then the dataset's credit. */
function yamlComment(options: ImportOptions, dataset: Dataset): string[] {
  const schema = path.resolve(options.dataDir, 'schema.json');
  const inside = !path.relative(path.resolve(options.dataDir), path.resolve(options.out)).startsWith('..');
  const relative = path.relative(path.resolve(options.out, '2000'), schema).split(path.sep).join('/');
  return [...(inside ? [`yaml-language-server: $schema=${relative}`] : []), ...dataset.fileComment];
}
