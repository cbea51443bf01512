// Header cells → column positions, by name: case-insensitively, with the names older exports used
// ("ALLY_ACTOR_1" for assoc_actor_1, "best_est" for best), past blank cells and an index column.

export interface ColumnDef {
  /** The current name in the dataset's codebook. */
  name: string;
  /** Names older releases or re-publications used, normalised (lower case, "_" for spaces). */
  aliases?: readonly string[];
  required?: boolean;
}

export interface Header {
  /** Canonical name → position of its cell. */
  positions: ReadonlyMap<string, number>;
  /** Cells in the header row, blank ones included. */
  width: number;
  /** Non-blank header cells. */
  named: number;
  /** "ALLY_ACTOR_1 → assoc_actor_1" for each column read under an older name. */
  renamed: string[];
  /** Header cells the importer does not know (kept out of the incidents). */
  unknown: string[];
  /** Blank header cells, the index column aside. */
  blank: number;
  /** A first column without a name (pandas, R) or named like "index" / "Unnamed: 0". */
  indexColumn: boolean;
  letterCase: 'lower' | 'upper' | 'mixed';
  /** Names that occur twice; the first one is read. */
  duplicates: string[];
  /** Required columns not found. */
  missing: string[];
}

/** "Event Date", "EVENT_DATE", "event-date" → "event_date". */
export function normalizeName(cell: string): string {
  return cell
    .replace(/^(\uFEFF|ï»¿)/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

const INDEX_NAMES = new Set(['', 'unnamed:_0', 'index', 'x', '_1', 'rownames', 'row', 'row_id', 'fid']);

export function readHeader(cells: readonly string[], defs: readonly ColumnDef[]): Header {
  const byName = new Map<string, ColumnDef>();
  for (const def of defs) {
    byName.set(def.name, def);
    for (const alias of def.aliases ?? []) byName.set(alias, def);
  }
  const positions = new Map<string, number>();
  const renamed: string[] = [];
  const unknown: string[] = [];
  const duplicates: string[] = [];
  let blank = 0;
  let named = 0;
  const first = normalizeName(cells[0] ?? '');
  const indexColumn = cells.length > 1 && INDEX_NAMES.has(first) && !byName.has(first);
  cells.forEach((cell, position) => {
    const name = normalizeName(cell);
    if (name === '') {
      if (!(indexColumn && position === 0)) blank += 1;
      return;
    }
    if (indexColumn && position === 0) return;
    named += 1;
    const def = byName.get(name);
    if (def === undefined) {
      unknown.push(cell.trim());
      return;
    }
    if (positions.has(def.name)) {
      duplicates.push(cell.trim());
      return;
    }
    positions.set(def.name, position);
    if (name !== def.name) renamed.push(`${cell.trim()} → ${def.name}`);
  });
  const letters = cells.join('').replace(/[^A-Za-z]/g, '');
  const letterCase =
    letters === letters.toLowerCase() ? 'lower' : letters === letters.toUpperCase() ? 'upper' : 'mixed';
  const missing = defs.filter((d) => d.required && !positions.has(d.name)).map((d) => d.name);
  return {
    positions,
    width: cells.length,
    named,
    renamed,
    unknown,
    blank,
    indexColumn,
    letterCase,
    duplicates,
    missing,
  };
}

/** HDX puts a row of HXL hashtags ("#date", "#adm1+name") under the header. */
export function isHxlTagRow(cells: readonly string[]): boolean {
  const filled = cells.map((c) => c.trim()).filter((c) => c !== '');
  if (filled.length === 0) return false;
  const tags = filled.filter((c) => /^#[a-z]/i.test(c)).length;
  return tags * 2 >= filled.length;
}

/** A row's cells by canonical column name; a column the file lacks reads as "". */
export type Cells = (name: string) => string;

export function cellReader(header: Header, fields: readonly string[]): Cells {
  return (name) => {
    const position = header.positions.get(name);
    return position === undefined ? '' : (fields[position] ?? '');
  };
}

/** What the header says about the file, for the "Detected:" line. */
export function describeHeader(header: Header): string[] {
  const parts = [`${header.named} columns`];
  if (header.letterCase === 'upper') parts.push('upper-case column names');
  if (header.indexColumn) parts.push('an index column (ignored)');
  if (header.blank > 0) parts.push(`${header.blank} blank header cell${header.blank === 1 ? '' : 's'}`);
  if (header.renamed.length > 0) parts.push(`read by older names: ${header.renamed.join(', ')}`);
  if (header.unknown.length > 0) parts.push(`columns not used: ${header.unknown.join(', ')}`);
  if (header.duplicates.length > 0)
    parts.push(`repeated columns (first one read): ${header.duplicates.join(', ')}`);
  return parts;
}
