// What the runner needs from each dataset's importer (ACLED, UCDP GED).
import type { IncidentInput } from '../incidents/schema.ts';
import type { Cells, ColumnDef, Header } from './columns.ts';
import type { DateResult } from './dates.ts';
import type { OptionalField } from './optional.ts';

/** A change the importer made to fit the schema (coordinates left out, a text cut to its limit). */
export interface Warning {
  kind: string;
  detail: string;
}

export type RowResult =
  | { ok: true; incident: IncidentInput; warnings: Warning[] }
  | { ok: false; reason: string; detail: string };

/** A dataset release and where it was learnt ("from the file name", "given with --release"). */
export interface Release {
  value: string;
  from: string;
}

export interface MapContext {
  /** Reads a date cell in the file's detected form; `yearHint` resolves two-digit years. */
  readDate(value: string, yearHint?: number): DateResult;
  /** The dataset release ("19.1") when known. */
  release: string | undefined;
}

export interface Dataset {
  key: 'acled' | 'ucdp';
  /** "ACLED", "UCDP GED". */
  label: string;
  columns: readonly ColumnDef[];
  /** Optional columns whose absence leaves a field empty (warned; kept from an earlier import). */
  optional: readonly OptionalField[];
  /** Columns holding dates, sampled to detect day-first or month-first slashed dates. */
  dateColumns: readonly string[];
  /** The release, from the file name or a column, when the dataset has releases. */
  detectRelease(file: string): string | undefined;
  /** What the header shows about the export's vintage ("older column set without disorder_type"). */
  describeColumns(header: Header, release: Release | undefined): string[];
  mapRow(cells: Cells, ctx: MapContext): RowResult;
  /** Comment lines at the top of each YAML file written. */
  fileComment: readonly string[];
  /** How the data are to be credited, printed with every import report. */
  credit: readonly string[];
}

export function skip(reason: string, detail: string): RowResult {
  return { ok: false, reason, detail };
}
