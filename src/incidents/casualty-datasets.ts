// /casualties for datasets' events (ACLED, UCDP GED x): each dataset is one claimant, whose events'
// figures are added up within it, per week or month, in SQL over the index's claims table (covering
// indexes on the dataset rows). Only the deadliest events' files are read. Nothing is ever added up
// across claimants.
import { type Catalog, incidentOf } from './catalog.ts';
import { codedFrom } from './claimants.ts';
import type {
  DatasetSummary,
  DeadlyEvent,
  KilledTotals,
  PeriodTotal,
  PeriodUnit,
  PlaceTotal,
} from './types.ts';

/** Largest events and provinces given per dataset. */
export const DEADLIEST = 5;
/** Spans up to this many days are totalled per week, longer ones per month. */
export const WEEKLY_UP_TO_DAYS = 91;

/** Weeks for a span of up to WEEKLY_UP_TO_DAYS days (first to last day), else months. */
export function periodFor(span: { from: string; to: string }): PeriodUnit {
  return daysBetween(span.from, span.to) <= WEEKLY_UP_TO_DAYS ? 'week' : 'month';
}

/** The first day of the week (Monday) or month holding `date`. */
export function periodStart(date: string, unit: PeriodUnit): string {
  if (unit === 'month') return `${date.slice(0, 7)}-01`;
  const day = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((day + 6) % 7));
}

/** The last day of the period starting `start`. */
function periodEnd(start: string, unit: PeriodUnit): string {
  if (unit === 'week') return addDays(start, 6);
  const d = new Date(`${start}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** SQL: KilledTotals over the claims in the group. */
const TOTALS_SQL = `COUNT(*) AS events,
  COALESCE(SUM(CASE WHEN c.killed_kind = 'best' THEN c.killed END), 0) AS best,
  COALESCE(SUM(c.killed_kind = 'best'), 0) AS bestEvents,
  COALESCE(SUM(CASE WHEN c.killed_kind = 'best' THEN COALESCE(c.killed_low, c.killed) END), 0) AS bestLow,
  COALESCE(SUM(CASE WHEN c.killed_kind = 'best' THEN COALESCE(c.killed_high, c.killed) END), 0) AS bestHigh,
  COALESCE(SUM(CASE WHEN c.killed_kind = 'at least' THEN c.killed END), 0) AS atLeast,
  COALESCE(SUM(c.killed_kind = 'at least'), 0) AS atLeastEvents,
  COALESCE(SUM(c.killed_kind = 'up to'), 0) AS upToEvents,
  COALESCE(SUM(c.killed_kind = 'range'), 0) AS rangeEvents,
  COALESCE(SUM(c.killed_kind = 'worded'), 0) AS wordedEvents,
  COALESCE(SUM(c.killed_kind IS NULL), 0) AS noFigureEvents`;

const TOTAL_KEYS = [
  'events',
  'best',
  'bestEvents',
  'bestLow',
  'bestHigh',
  'atLeast',
  'atLeastEvents',
  'upToEvents',
  'rangeEvents',
  'wordedEvents',
  'noFigureEvents',
] as const satisfies readonly (keyof KilledTotals)[];

function totalsOf(row: Record<string, unknown>): KilledTotals {
  return Object.fromEntries(TOTAL_KEYS.map((k) => [k, Number(row[k] ?? 0)])) as unknown as KilledTotals;
}

function emptyTotals(): KilledTotals {
  return totalsOf({});
}

export function whereSql(where: readonly string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}

/** The dataset claimants in the index, by seeks on its dataset index (a handful, never a scan). */
function datasetNames(catalog: Catalog): string[] {
  return catalog
    .statement<[], string>(
      `WITH RECURSIVE names(name) AS (
         SELECT MIN(dataset) FROM claims WHERE dataset IS NOT NULL
         UNION ALL
         SELECT (SELECT MIN(dataset) FROM claims WHERE dataset > names.name) FROM names WHERE name IS NOT NULL)
       SELECT name FROM names WHERE name IS NOT NULL`,
    )
    .pluck(true)
    .all();
}

/** Each dataset's summary over the claims matching `where` (its dataset rows only). */
export function datasetSummaries(
  catalog: Catalog,
  where: readonly string[],
  params: readonly string[],
): { summaries: DatasetSummary[]; unit: PeriodUnit } {
  // One dataset at a time, so that its index narrows by dataset, then country or period.
  const own = whereSql([...where, 'c.dataset = ?']);
  // One pass over the dataset's matched events (a covering index, no table rows): totals per day,
  // rolled up here into the dataset's totals and its weeks or months.
  type DayRow = Record<string, unknown> & { day: string; first: string };
  const dayStatement = catalog.statement<string[], DayRow>(
    `SELECT c.period_to AS day, MIN(c.period_from) AS first, ${TOTALS_SQL}
     FROM claims c ${own} GROUP BY c.period_to`,
  );
  const byDataset = new Map<string, DayRow[]>();
  for (const name of datasetNames(catalog)) {
    const rows = dayStatement.all(...params, name);
    if (rows.length > 0) byDataset.set(name, rows);
  }
  if (byDataset.size === 0) return { summaries: [], unit: 'week' };
  // One unit for every dataset, so their periods line up; each event counts by the day its period ends.
  const ends = [...byDataset.values()].flat().map((r) => r.day);
  const unit = periodFor({
    from: ends.reduce(earlier),
    to: ends.reduce(later),
  });

  const placesOf = catalog.statement<
    string[],
    { place: string | null; country: string; events: number; best: number }
  >(
    `SELECT place, events, best, (SELECT country FROM incidents WHERE rowid = any_incident) AS country FROM (
       SELECT c.place AS place, COUNT(*) AS events, MIN(c.incident) AS any_incident,
         SUM(CASE WHEN c.killed_kind = 'best' THEN c.killed END) AS best
       FROM claims c ${own} GROUP BY c.country_key, c.place)
     WHERE best > 0 ORDER BY best DESC, events DESC, place LIMIT ${DEADLIEST}`,
  );
  const deadliestOf = catalog.statement<string[], { incident: number; idx: number }>(
    `SELECT c.incident AS incident, c.idx AS idx FROM claims c
     ${whereSql([...where, `c.killed_kind IN ('best', 'at least')`, 'c.killed > 0', 'c.dataset = ?'])}
     ORDER BY c.killed DESC, c.period_to DESC, c.incident DESC LIMIT ${DEADLIEST}`,
  );
  // Only the deadliest events' files are read: a handful per dataset, however many events match.
  const bodyOf = catalog
    .statement<[number], string>('SELECT body FROM incidents WHERE rowid = ?')
    .pluck(true);

  const summaries = [...byDataset].map(([claimant, rows]): DatasetSummary => {
    const totals = emptyTotals();
    const periods = new Map<string, KilledTotals>();
    let first = rows[0]?.first ?? '';
    let from = rows[0]?.day ?? '';
    let to = from;
    for (const row of rows) {
      const day = totalsOf(row);
      addTotals(totals, day);
      const start = periodStart(row.day, unit);
      const period = periods.get(start) ?? emptyTotals();
      addTotals(period, day);
      periods.set(start, period);
      if (row.first < first) first = row.first;
      if (row.day < from) from = row.day;
      if (row.day > to) to = row.day;
    }
    const deadliest = deadliestOf.all(...params, claimant).flatMap((r): DeadlyEvent[] => {
      const body = bodyOf.get(r.incident);
      const incident = body === undefined ? undefined : incidentOf({ body });
      const claim = incident?.casualties[r.idx];
      return incident && claim ? [{ incident, claim, codedFrom: codedFrom(claim, incident) }] : [];
    });
    const places = placesOf.all(...params, claimant).map(
      (r): PlaceTotal => ({
        place: r.place ?? undefined,
        country: r.country,
        events: Number(r.events),
        best: Number(r.best),
      }),
    );
    return {
      claimant,
      span: { from: first, to },
      totals,
      periods: fillPeriods(periods, { from, to }, unit),
      deadliest,
      places,
    };
  });
  summaries.sort((a, b) => b.totals.events - a.totals.events || compareAsc(a.claimant, b.claimant));
  return { summaries, unit };
}

function addTotals(into: KilledTotals, add: KilledTotals): void {
  for (const key of TOTAL_KEYS) into[key] += add[key];
}

/** Every period from the one holding `span.from` to the one holding `span.to`, newest first, cut to the span. */
function fillPeriods(
  totals: ReadonlyMap<string, KilledTotals>,
  span: { from: string; to: string },
  unit: PeriodUnit,
): PeriodTotal[] {
  const out: PeriodTotal[] = [];
  let start = periodStart(span.from, unit);
  while (start <= span.to) {
    const end = periodEnd(start, unit);
    out.push({
      ...(totals.get(start) ?? emptyTotals()),
      from: later(start, span.from),
      to: earlier(end, span.to),
    });
    start = addDays(end, 1);
  }
  return out.reverse();
}

/** The earlier and the later of two YYYY-MM-DD dates. */
function earlier(a: string, b: string): string {
  return compareAsc(a, b) <= 0 ? a : b;
}

function later(a: string, b: string): string {
  return compareAsc(a, b) >= 0 ? a : b;
}

function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
