// Small text helpers for turning dataset cells into incident fields.
/**
 * Two white-space characters in a row, one that is not a plain space, a control character or a
 * bidirectional control.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const MESSY = /\s\s|[^\S ]|[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
const SPACE_RUN = /[\s\u0000-\u001f\u007f-\u009f]+/g;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * A cell as text: runs of white space (line breaks inside quoted notes too) become one space, and so
 * do control characters (the schema refuses them; in exports they are debris of re-encoding).
 * Bidirectional embeddings, overrides and isolates, which the schema refuses too, are dropped.
 */
export function squash(value: string): string {
  return MESSY.test(value) ? value.replace(BIDI_CONTROL, '').replace(SPACE_RUN, ' ').trim() : value.trim();
}

/**
 * A cell as text, whole (see `squash`); `undefined` for an empty cell. Values longer than the schema
 * allows are cut in one place, after mapping, where the cut is reported (limits.ts).
 */
export function cellText(value: string): string | undefined {
  const text = squash(value);
  return text === '' ? undefined : text;
}

/** A lower-case, id-safe fragment: "SYR78126" → "syr78126", "AP / Reuters" → "ap-reuters". */
export function slugPart(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/** ACLED and UCDP separate several values in one cell with ";". */
export function splitList(value: string): string[] {
  return value
    .split(';')
    .map(squash)
    .filter((v) => v !== '');
}

/** A whole number ≥ 0, or undefined for an empty cell; NaN for anything else. */
export function readCount(value: string): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  return /^\d+(\.0+)?$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
}

/** A decimal number (latitude, longitude), or undefined for an empty or unreadable cell. */
export function readDecimal(value: string): number | undefined {
  const text = value.trim();
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** "1,234" for counts in reports. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 row", "3 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
