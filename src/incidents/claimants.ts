// Who claims a casualty figure, and what kind of figure it is. Shared by the index (its claims table)
// and /casualties, so that the SQL totals and the rendered figures read a claim the same way.
import type { Claim, Figure, Incident, Source } from './schema.ts';

/** The importer's old spelling: "ACLED (coded from: New York Times)". */
const ACLED_CODED_FROM = /^ACLED\s*\(coded from:\s*([\s\S]*?)\)?\s*$/i;
const ACLED = /^ACLED$/i;
const UCDP_GED = /^UCDP GED(?:\s+(\S+))?$/i;

/**
 * The dataset that claims this figure ("ACLED", "UCDP GED 19.1") when the incident was imported from
 * it (it carries the dataset's event id), else undefined: a hand-written claim. Imports made before
 * datasets were claimants spelled ACLED's claimant "ACLED (coded from: …)"; that is ACLED too.
 */
export function datasetOf(
  claim: Pick<Claim, 'claimant'>,
  incident: Pick<Incident, 'external_ids'>,
): string | undefined {
  const claimant = claim.claimant.trim();
  if (incident.external_ids?.acled !== undefined) {
    if (ACLED.test(claimant) || ACLED_CODED_FROM.test(claimant)) return 'ACLED';
  }
  if (incident.external_ids?.ucdp !== undefined) {
    const m = UCDP_GED.exec(claimant);
    if (m) return m[1] === undefined ? 'UCDP GED' : `UCDP GED ${m[1]}`;
  }
  return undefined;
}

/**
 * The reports a dataset's event was coded from, as detail: the old claimant spelling's "(coded from:
 * …)", else the dataset source's "reports from: …" (ACLED's importer writes it into the affiliation).
 */
export function codedFrom(claim: Claim, incident: Pick<Incident, 'sources'>): string | undefined {
  const old = ACLED_CODED_FROM.exec(claim.claimant.trim());
  if (old?.[1]) return old[1].trim();
  const source: Source | undefined = incident.sources.find((s) => s.id === claim.source);
  const reports = /reports from:\s*(.+)$/i.exec(source?.affiliation ?? '');
  return reports?.[1]?.trim() || undefined;
}

/**
 * How a figure can be drawn and counted: its best estimate; a lower bound ("at least 84", or a low
 * alone); an upper bound ("up to 90", or a high alone); a range without a best estimate; or words
 * alone ("scores"), which have no number.
 */
export type FigureKind = 'best' | 'at least' | 'up to' | 'range' | 'worded';

/** Wording that makes a number a minimum: "at least 84", "more than 80", "over 100". */
const LOWER_BOUND_WORDS =
  /^\s*(?:at least|more than|over|no fewer than|no less than|upwards of|in excess of|≥|>)/i;
/** Wording that makes a number a maximum: "up to 90", "as many as 90", "fewer than 100". */
const UPPER_BOUND_WORDS = /^\s*(?:up to|as many as|at most|fewer than|less than|no more than|≤|<)/i;

/**
 * The figure's kind and the number it is drawn at (undefined for a range alone and for words). A
 * best estimate worded as a bound ("at least 84" with best 84) is that bound, never a best estimate.
 */
export function figureKind(f: Figure): { kind: FigureKind; value: number | undefined } {
  const text = f.text ?? '';
  if (LOWER_BOUND_WORDS.test(text) && (f.best ?? f.low) !== undefined)
    return { kind: 'at least', value: f.best ?? f.low };
  if (UPPER_BOUND_WORDS.test(text) && (f.best ?? f.high) !== undefined)
    return { kind: 'up to', value: f.best ?? f.high };
  if (f.best !== undefined) return { kind: 'best', value: f.best };
  if (f.low !== undefined && f.high !== undefined) return { kind: 'range', value: undefined };
  if (f.low !== undefined) return { kind: 'at least', value: f.low };
  if (f.high !== undefined) return { kind: 'up to', value: f.high };
  return { kind: 'worded', value: undefined };
}

/**
 * The killed figure a claim is ranked by (digest filters, the deadliest in a digest): best else lower
 * bound, never an upper bound alone or a worded figure. SQL over the claims row `c` (catalog.ts) of the
 * incident `i`, from the row's columns. The row keeps
 * figureKind's number: the best estimate for 'best' and 'at least' (or the lower bound without one),
 * the lower bound for a range; for 'up to' the best estimate, or the upper bound when there is none. Only
 * when those two could be the same number is the claim itself read, inside SQLite.
 */
export function claimKilledSql(c: string): string {
  return `CASE ${c}.killed_kind
  WHEN 'best' THEN ${c}.killed WHEN 'at least' THEN ${c}.killed WHEN 'range' THEN ${c}.killed_low
  WHEN 'up to' THEN CASE WHEN ${c}.killed_high IS NULL OR ${c}.killed <> ${c}.killed_high THEN ${c}.killed
    ELSE coalesce(json_extract(i.body, '$.casualties[' || ${c}.idx || '].killed.best'), ${c}.killed_low) END
  END`;
}
