// /trends: events and claimed deaths per week in one country, per dataset, and how the last 7 and
// 28 days compare with the weeks before. One bounded SQL aggregate over the 16 weeks asked about;
// the comparison itself is pure.
//
// Datasets are told apart by what the importers write into each incident: `external_ids.acled` or
// `external_ids.ucdp` (the ids that make re-imports idempotent; an editor does not remove them), else
// the incident is hand-written. Deaths are the sum of the dataset's own best estimates: the claims the
// index marks as the dataset's (claims.dataset, by claimants.ts datasetOf, as /casualties reads them:
// "ACLED", older imports "ACLED (coded from: …)"; "UCDP GED <release>"). A claim someone added by hand
// to an imported incident is not the dataset's and is left out. Hand-written incidents carry claims by many parties for overlapping periods, so their
// deaths are never added up here; /casualties lists them.
import type { Catalog } from './catalog.ts';
import {
  type Country,
  countryCondition,
  given,
  resolveCountry,
  resolveType,
  type TypeFilter,
  typeCondition,
} from './filters.ts';

/** Weeks read: the last 28 days and the three 28-day periods before them. */
export const TREND_WEEKS = 16;

/**
 * A change is flagged when it is at least `threshold` either way (+50 %, −50 %) and the larger of the
 * two figures is at least `minimum`, so that 1 → 2 is not "+100 %".
 */
export const TREND_RULES = { threshold: 0.5, minimum: 10 } as const;
export type TrendRules = { threshold: number; minimum: number };

export type DatasetKind = 'hand' | 'acled' | 'ucdp';

export interface TrendSeries {
  kind: DatasetKind;
  /** "ACLED", "UCDP GED 19.1", "Hand-written incidents". */
  label: string;
  /** Events per week; index 0 is the 7 days ending on the anchor day, 1 the 7 before, and so on. */
  events: number[];
  /** The dataset's best estimates of people killed added up, per week; undefined for hand-written incidents. */
  deaths: number[] | undefined;
  /** Events per week for which the dataset gives no best estimate (they add nothing to `deaths`). */
  unestimated: number[];
  /** The earliest and newest event date of this series in the weeks read. */
  first: string;
  last: string;
  /**
   * Whether the index holds events of this dataset in the country before the weeks read; undefined when
   * that could not be told within a bounded look (see datasetBefore).
   */
  earlier?: boolean | undefined;
}

export interface TrendData {
  country: Country;
  type: TypeFilter | undefined;
  /** The day of `now` (UTC). */
  today: string;
  /** The last day of the windows: today, or the newest matching event when there is none in the last 28 days. */
  end: string;
  anchor: 'today' | 'newest';
  /** The newest matching event on or before today; undefined when there is none. */
  newest: string | undefined;
  /** Whether the country has any incident (of any type) before the weeks read: the data reach further back. */
  earlierData: boolean;
  /** The first day read: 16 weeks before `end`. */
  start: string;
  series: TrendSeries[];
}

export interface TrendQuery {
  country: string;
  type?: string;
}

const DAY_MS = 86_400_000;

/** `iso` (YYYY-MM-DD) moved by `days`. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The windows end today, unless no matching event falls in the last 28 days: then on the newest one. */
export function anchorDay(
  today: string,
  newest: string | undefined,
): { end: string; anchor: 'today' | 'newest' } {
  if (newest !== undefined && newest < addDays(today, -27)) return { end: newest, anchor: 'newest' };
  return { end: today, anchor: 'today' };
}

/** The first and last day of week `week` before `end` (week 0 ends on `end`). */
export function weekSpan(end: string, week: number): { from: string; to: string } {
  return { from: addDays(end, -7 * week - 6), to: addDays(end, -7 * week) };
}

/** The days the windows and their baselines cover. */
export function trendWindows(end: string) {
  return {
    week: {
      current: weekSpan(end, 0),
      baseline: { from: weekSpan(end, 4).from, to: weekSpan(end, 1).to },
      periods: 4,
    },
    month: {
      current: { from: weekSpan(end, 3).from, to: end },
      baseline: { from: weekSpan(end, 15).from, to: weekSpan(end, 4).to },
      periods: 3,
    },
  } as const;
}

type Row = {
  dataset: DatasetKind;
  label: string;
  week: number;
  events: number;
  deaths: number;
  unestimated: number;
  first: string;
  last: string;
};

/**
 * The weekly counts behind /trends. Reads, per country key, the newest matching event (newestMatching),
 * whether anything older than the 16 weeks exists (one seek), and one aggregate over the incidents of
 * the 16 weeks (the country index's date range; SQLite reads each of those bodies' dataset id, in C,
 * and the dataset's estimates from the claims table). Nothing outside those weeks is read.
 */
export function trendData(catalog: Catalog, q: TrendQuery, now: Date): TrendData {
  const country = resolveCountry(catalog, q.country);
  const typeText = given(q.type);
  const type = typeText === undefined ? undefined : resolveType(typeText);
  const today = now.toISOString().slice(0, 10);
  const typed = type === undefined ? undefined : typeCondition(type);

  const newest = newestMatching(catalog, country, typed, today);
  const { end, anchor } = anchorDay(today, newest);
  const start = weekSpan(end, TREND_WEEKS - 1).from;

  const older = catalog
    .statement<string[], number>('SELECT 1 FROM incidents WHERE country_key = ? AND sort_date < ? LIMIT 1')
    .pluck(true);
  const earlierData = country.keys.some((key) => older.get(key, start) !== undefined);

  // The country's date range leads (the type filter's `+` keeps SQLite off the type index, whose range
  // would hold every country's events of that type).
  const where = countryCondition(country);
  const rows = catalog
    .statement<string[], Row>(
      `WITH picked AS (
         SELECT rowid, sort_date, body,
           CASE WHEN body ->> '$.external_ids.acled' IS NOT NULL THEN 'acled'
                WHEN body ->> '$.external_ids.ucdp' IS NOT NULL THEN 'ucdp' ELSE 'hand' END AS dataset
         FROM incidents
         WHERE ${where.sql} ${typed ? `AND +${typed.sql}` : ''} AND sort_date >= ? AND sort_date <= ?
       ), scored AS (
         SELECT p.rowid, p.sort_date, p.dataset,
           min(c.dataset) AS claimant,
           sum(CASE WHEN c.killed_kind = 'best' THEN c.killed END) AS deaths,
           count(CASE WHEN c.killed_kind = 'best' THEN 1 END) AS estimates
         FROM picked p LEFT JOIN claims c ON c.incident = p.rowid
           AND ((p.dataset = 'acled' AND c.dataset = 'ACLED') OR (p.dataset = 'ucdp' AND c.dataset LIKE 'UCDP GED%'))
         GROUP BY p.rowid
       )
       SELECT dataset,
         CASE dataset WHEN 'acled' THEN 'ACLED' WHEN 'ucdp' THEN coalesce(claimant, 'UCDP GED') ELSE '' END AS label,
         CAST((julianday(?) - julianday(sort_date)) / 7 AS INTEGER) AS week,
         count(*) AS events, total(deaths) AS deaths, sum(estimates = 0) AS unestimated,
         min(sort_date) AS first, max(sort_date) AS last
       FROM scored GROUP BY 1, 2, 3`,
    )
    .all(...where.params, ...(typed?.params ?? []), start, end, end);

  const series = seriesOf(rows).map((s) => ({
    ...s,
    earlier: s.kind === 'hand' ? earlierData : earlierData && datasetBefore(catalog, country, s.kind, start),
  }));
  return { country, type, today, end, anchor, newest, earlierData, start, series };
}

/** How many of the country's newest incidents are looked at for the newest of a type, before the type's index. */
const NEWEST_LOOK = 20_000;

/**
 * The newest matching event on or before `today`. Without a type, one seek in the country index. With
 * one, the country's newest NEWEST_LOOK incidents are looked at first (a type the country has at all
 * is almost always among them); only past those does the type's index (event or sub, by date) lead.
 */
function newestMatching(
  catalog: Catalog,
  country: Country,
  typed: { sql: string; params: string[] } | undefined,
  today: string,
): string | undefined {
  let newest: string | undefined;
  const keep = (day: string | null | undefined) => {
    if (day != null && (newest === undefined || day > newest)) newest = day;
  };
  const latest = catalog
    .statement<string[], string>(
      'SELECT sort_date FROM incidents WHERE country_key = ? AND sort_date <= ? ORDER BY sort_date DESC LIMIT 1',
    )
    .pluck(true);
  if (typed === undefined) {
    for (const key of country.keys) keep(latest.get(key, today) as string | undefined);
    return newest;
  }
  const near = catalog.statement<unknown[], { n: number; day: string | null }>(
    `SELECT count(*) AS n, max(CASE WHEN ${typed.sql} THEN sort_date END) AS day FROM
     (SELECT sort_date, event, sub FROM incidents WHERE country_key = ? AND sort_date <= ?
      ORDER BY sort_date DESC LIMIT ?)`,
  );
  const far = catalog
    .statement<unknown[], string>(
      `SELECT sort_date FROM incidents WHERE +country_key = ? AND ${typed.sql} AND sort_date <= ?
       ORDER BY sort_date DESC LIMIT 1`,
    )
    .pluck(true);
  for (const key of country.keys) {
    const row = near.get(...typed.params, key, today, NEWEST_LOOK);
    if (row?.day != null) keep(row.day);
    else if ((row?.n ?? 0) >= NEWEST_LOOK) keep(far.get(key, ...typed.params, today) as string | undefined);
  }
  return newest;
}

/** How many of the country's claims just before the weeks read are looked at for a dataset's own. */
const LOOK_BACK = 2000;

/**
 * Whether a dataset's own claims (see the module comment) exist in the country before `start`: through
 * the claims table's (country, period) index, over at most LOOK_BACK claims. Undefined when those were
 * all another claimant's: the dataset may or may not reach back further.
 */
function datasetBefore(
  catalog: Catalog,
  country: Country,
  kind: Exclude<DatasetKind, 'hand'>,
  start: string,
): boolean | undefined {
  const match = kind === 'acled' ? "dataset = 'ACLED'" : "dataset LIKE 'UCDP GED%'";
  const look = catalog.statement<[string, string, number], { n: number; found: number | null }>(
    `SELECT count(*) AS n, max(coalesce(${match}, 0)) AS found FROM
     (SELECT dataset FROM claims WHERE country_key = ? AND period_to < ? ORDER BY period_to DESC LIMIT ?)`,
  );
  let unsure = false;
  for (const key of country.keys) {
    const row = look.get(key, start, LOOK_BACK);
    if (row?.found === 1) return true;
    if ((row?.n ?? 0) >= LOOK_BACK) unsure = true;
  }
  return unsure ? undefined : false;
}

const KIND_ORDER: Record<DatasetKind, number> = { hand: 0, acled: 1, ucdp: 2 };

/** Aggregate rows (one per dataset, label and week) → one series per dataset and label. */
export function seriesOf(rows: readonly Row[]): TrendSeries[] {
  const byKey = new Map<string, TrendSeries>();
  for (const row of rows) {
    if (row.week < 0 || row.week >= TREND_WEEKS) continue;
    const key = `${row.dataset}\u0000${row.label}`;
    let series = byKey.get(key);
    if (!series) {
      series = {
        kind: row.dataset,
        label: row.dataset === 'hand' ? 'Hand-written incidents' : row.label,
        events: new Array<number>(TREND_WEEKS).fill(0),
        deaths: row.dataset === 'hand' ? undefined : new Array<number>(TREND_WEEKS).fill(0),
        unestimated: new Array<number>(TREND_WEEKS).fill(0),
        first: row.first,
        last: row.last,
      };
      byKey.set(key, series);
    }
    series.events[row.week] = (series.events[row.week] ?? 0) + row.events;
    if (series.deaths) series.deaths[row.week] = (series.deaths[row.week] ?? 0) + row.deaths;
    if (series.kind !== 'hand')
      series.unestimated[row.week] = (series.unestimated[row.week] ?? 0) + row.unestimated;
    if (row.first < series.first) series.first = row.first;
    if (row.last > series.last) series.last = row.last;
  }
  return [...byKey.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
}

export interface Comparison {
  current: number;
  /** The baseline's mean per period (per week, or per 28 days). */
  baseline: number;
  /** (current − baseline) / baseline; undefined when both are below the minimum or the baseline is 0. */
  change: number | undefined;
  flag: 'rise' | 'fall' | undefined;
  /** Both figures are below the minimum: too few to call a change. */
  few: boolean;
}

/** `current` against the mean `baseline`, flagged by `rules` (see TREND_RULES). */
export function compareCounts(
  current: number,
  baseline: number,
  rules: TrendRules = TREND_RULES,
): Comparison {
  if (Math.max(current, baseline) < rules.minimum) {
    return { current, baseline, change: undefined, flag: undefined, few: true };
  }
  if (baseline === 0) return { current, baseline, change: undefined, flag: 'rise', few: false };
  const change = (current - baseline) / baseline;
  // A hair of tolerance, so +50 % computed as 0.49999… still counts as +50 %.
  const flag =
    change >= rules.threshold - 1e-9 ? 'rise' : change <= -rules.threshold + 1e-9 ? 'fall' : undefined;
  return { current, baseline, change, flag, few: false };
}

export interface WindowTrend {
  events: Comparison;
  /** Undefined for hand-written incidents, whose claims are not added up. */
  deaths: Comparison | undefined;
  /** Events in the current window without a dataset estimate. */
  unestimated: number;
}

export interface SeriesTrend {
  series: TrendSeries;
  /** The last 7 days against the weekly mean of the 4 weeks before. */
  week: WindowTrend;
  /** The last 28 days against the 28-day mean of the 12 weeks (3 periods) before. */
  month: WindowTrend;
}

function sum(values: readonly number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i] ?? 0;
  return total;
}

function windowTrend(
  series: TrendSeries,
  current: [number, number],
  baseline: [number, number],
  periods: number,
  rules: TrendRules,
): WindowTrend {
  const compare = (values: readonly number[]) =>
    compareCounts(sum(values, ...current), sum(values, ...baseline) / periods, rules);
  return {
    events: compare(series.events),
    deaths: series.deaths === undefined ? undefined : compare(series.deaths),
    unestimated: sum(series.unestimated, ...current),
  };
}

/** The two comparisons of one series (week 0 against weeks 1–4; weeks 0–3 against weeks 4–15). */
export function compareSeries(series: TrendSeries, rules: TrendRules = TREND_RULES): SeriesTrend {
  return {
    series,
    week: windowTrend(series, [0, 1], [1, 5], 4, rules),
    month: windowTrend(series, [0, 4], [4, TREND_WEEKS], 3, rules),
  };
}
