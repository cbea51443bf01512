// A bulk digest's summary, counted in SQL over the incidents due (never by parsing them): counts by
// country and event type, the deadliest new incidents by their largest single claimed killed figure,
// the /latest filters that list what the digest does not show, and (for the chart) counts per period.
import type { Catalog } from '../incidents/catalog.ts';
import { claimKilledSql } from '../incidents/claimants.ts';
import { countryIndex } from '../incidents/filters.ts';
import type { Claim, Incident } from '../incidents/schema.ts';
import { EVENT_TYPES, type EventType } from '../incidents/taxonomy.ts';

/** Which incidents of the index a digest run covers, as SQL over `incidents` aliased `i`. */
export interface DueScope {
  where: string;
  params: unknown[];
}

/** The due rows by rowid: a JSON array bound once, whatever its length. */
export function rowidScope(rowids: readonly number[]): DueScope {
  return { where: 'i.rowid IN (SELECT value FROM json_each(?))', params: [JSON.stringify(rowids)] };
}

/** Every incident filed under one of these country keys (undefined: every incident). */
export function countryScope(keys: readonly string[] | undefined): DueScope {
  if (keys === undefined) return { where: '1', params: [] };
  return { where: `i.country_key IN (${keys.map(() => '?').join(', ') || 'NULL'})`, params: [...keys] };
}

export interface CountryCount {
  name: string;
  count: number;
  /**
   * The earliest and latest incident date (its last day) among them; for the incidents not shown, the
   * latest is that of their whole group (only the earliest is used: it is the /latest filter's since).
   */
  first: string;
  last: string;
  /** The event types among them, most first. */
  types: { type: EventType; count: number }[];
}

export interface Deadliest {
  /** Read whole: only these few incidents are parsed. */
  incident: Incident;
  /** The claim with the incident's largest killed figure, and the number it was ranked by. */
  claim: Claim;
  killed: number;
}

export type Bucket = 'day' | 'week' | 'month';

export interface TimelineRow {
  /** The first day of the period (YYYY-MM-DD). */
  period: string;
  country: string;
  count: number;
}

export interface DigestSummary {
  /** Every due incident, most first; the counts add up to the run's total. */
  countries: CountryCount[];
  /** The due incidents the digest does not show, by country: what the "n more" lines list. */
  hidden: CountryCount[];
  types: { type: EventType; count: number }[];
  /** The deadliest new incidents, largest single claimed killed figure first. */
  deadliest: Deadliest[];
  /** Incidents per period and country, for the chart: only when asked for. */
  timeline?: { bucket: Bucket; first: string; last: string; rows: TimelineRow[] };
}

export const SUMMARY_CAPS = { deadliest: 3, countries: 8, typesPerCountry: 6 } as const;

/** The incident date as the index sorts it, moved to the start of its period. */
const BUCKET_SQL: Record<Bucket, string> = {
  day: 'i.sort_date',
  week: `date(i.sort_date, '-6 days', 'weekday 1')`,
  month: `substr(i.sort_date, 1, 7) || '-01'`,
};

export interface SummaryOptions {
  /** The new incidents among the due ones (an update is not new): the deadliest are chosen from them. */
  fresh: DueScope;
  /** The rowids of the incidents the digest shows: the rest are counted as not shown. */
  shown: readonly number[];
  timeline?: boolean;
}

/** The summary of the incidents in `due`: a few grouped queries, and only the deadliest few parsed. */
export function summarizeDue(catalog: Catalog, due: DueScope, options: SummaryOptions): DigestSummary {
  const index = countryIndex(catalog);
  const nameOf = (row: { key: string; country: string }) =>
    index.byCountryKey.get(row.key)?.name ?? row.country;
  const groups = groupRows(catalog, due);
  // The rest is the due groups less the few shown. The shown are the newest of the due, so any group
  // with incidents not shown has its earliest one among those: its first date is theirs as well.
  const shown = new Map(
    groupRows(catalog, rowidScope(options.shown)).map((row) => [`${row.key}\u0000${row.event}`, row.n]),
  );
  const rest = groups
    .map((row) => ({ ...row, n: row.n - (shown.get(`${row.key}\u0000${row.event}`) ?? 0) }))
    .filter((row) => row.n > 0);
  const all = countByCountry(groups, nameOf);
  const summary: DigestSummary = {
    countries: all.countries,
    types: all.types,
    hidden: countByCountry(rest, nameOf).countries,
    deadliest: deadliestOf(catalog, options.fresh),
  };
  if (options.timeline && all.countries.length > 0) {
    const first = all.countries.map((c) => c.first).sort()[0] ?? '';
    const last =
      all.countries
        .map((c) => c.last)
        .sort()
        .at(-1) ?? '';
    const bucket = bucketFor(first, last);
    const rows = catalog
      .statement<unknown[], { key: string; country: string; period: string; n: number }>(
        `SELECT i.country_key AS key, min(i.country) AS country, ${BUCKET_SQL[bucket]} AS period, count(*) AS n
         FROM incidents i WHERE ${due.where} GROUP BY i.country_key, period ORDER BY period`,
      )
      .all(...due.params);
    const merged = new Map<string, TimelineRow>();
    for (const row of rows) {
      const country = nameOf(row);
      const key = `${row.period}\u0000${country}`;
      const entry = merged.get(key);
      if (entry) entry.count += row.n;
      else merged.set(key, { period: row.period, country, count: row.n });
    }
    summary.timeline = { bucket, first, last, rows: [...merged.values()] };
  }
  return summary;
}

type GroupRow = { key: string; country: string; event: string; n: number; first: string; last: string };

/** Counts by the index's country key and event type, with the earliest and latest date of each. */
function groupRows(catalog: Catalog, scope: DueScope): GroupRow[] {
  return catalog
    .statement<unknown[], GroupRow>(
      `SELECT i.country_key AS key, min(i.country) AS country, i.event AS event, count(*) AS n,
         min(i.sort_date) AS first, max(i.sort_date) AS last
       FROM incidents i WHERE ${scope.where} GROUP BY i.country_key, i.event`,
    )
    .all(...scope.params);
}

/** Counts by country (as the country index groups the index's keys) and by event type. */
function countByCountry(
  groups: readonly GroupRow[],
  nameOf: (row: GroupRow) => string,
): { countries: CountryCount[]; types: { type: EventType; count: number }[] } {
  const byCountry = new Map<string, CountryCount & { typeCounts: Map<EventType, number> }>();
  const byType = new Map<EventType, number>();
  for (const row of groups) {
    const name = nameOf(row);
    const event = row.event as EventType;
    let entry = byCountry.get(name);
    if (!entry) {
      entry = { name, count: 0, first: row.first, last: row.last, types: [], typeCounts: new Map() };
      byCountry.set(name, entry);
    }
    entry.count += row.n;
    if (row.first < entry.first) entry.first = row.first;
    if (row.last > entry.last) entry.last = row.last;
    entry.typeCounts.set(event, (entry.typeCounts.get(event) ?? 0) + row.n);
    byType.set(event, (byType.get(event) ?? 0) + row.n);
  }
  return { countries: finishCountries(byCountry), types: sortCounts(byType) };
}

function finishCountries(
  byCountry: Map<string, CountryCount & { typeCounts: Map<EventType, number> }>,
): CountryCount[] {
  return [...byCountry.values()]
    .map(({ typeCounts, ...country }) => ({ ...country, types: sortCounts(typeCounts) }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'en'));
}

/** A claim's killed figure as digests rank it (claimants.ts): read from the claims table, not the bodies. */
const KILLED = claimKilledSql('c');

function deadliestOf(catalog: Catalog, fresh: DueScope): Deadliest[] {
  // One row per incident: SQLite takes the bare column (the claim's index) from the row of max().
  const ranked = catalog
    .statement<unknown[], { id: string; idx: number; killed: number }>(
      `SELECT i.id AS id, c.idx AS idx, max(${KILLED}) AS killed
       FROM incidents i JOIN claims c ON c.incident = i.rowid
       WHERE ${fresh.where} AND ${KILLED} IS NOT NULL
       GROUP BY i.rowid ORDER BY killed DESC, i.sort_date DESC, i.id LIMIT ?`,
    )
    .all(...fresh.params, SUMMARY_CAPS.deadliest);
  const deadliest: Deadliest[] = [];
  for (const row of ranked) {
    const incident = catalog.get(row.id);
    const claim = incident?.casualties[row.idx];
    if (incident && claim) deadliest.push({ incident, claim, killed: row.killed });
  }
  return deadliest;
}

/** Days for a month or so, weeks up to two years, months beyond: a few dozen bars at most. */
export function bucketFor(first: string, last: string): Bucket {
  const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000;
  if (!(days > 35)) return 'day';
  return days <= 2 * 366 ? 'week' : 'month';
}

function sortCounts<K extends string>(counts: Map<K, number>): { type: K; count: number }[] {
  return [...counts]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type, 'en'));
}

/**
 * The same summary from incidents already in memory (a digest composed from a plain list of items,
 * as tests and small runs do): the counts are of the list itself.
 */
export function summarizeIncidents(
  incidents: readonly Incident[],
  fresh: readonly Incident[],
  shown: number,
): DigestSummary {
  const all = countIncidents(incidents);
  const ranked: Deadliest[] = [];
  for (const incident of fresh) {
    let best: Deadliest | undefined;
    for (const claim of incident.casualties) {
      const killed = claim.killed?.best ?? claim.killed?.low;
      if (killed !== undefined && (best === undefined || killed > best.killed))
        best = { incident, claim, killed };
    }
    if (best) ranked.push(best);
  }
  ranked.sort(
    (a, b) =>
      b.killed - a.killed ||
      sortDate(b.incident).localeCompare(sortDate(a.incident)) ||
      (a.incident.id < b.incident.id ? -1 : 1),
  );
  return {
    ...all,
    hidden: countIncidents(incidents.slice(shown)).countries,
    deadliest: ranked.slice(0, SUMMARY_CAPS.deadliest),
  };
}

function countIncidents(incidents: readonly Incident[]): Pick<DigestSummary, 'countries' | 'types'> {
  const byCountry = new Map<string, CountryCount & { typeCounts: Map<EventType, number> }>();
  const byType = new Map<EventType, number>();
  for (const incident of incidents) {
    const name = incident.location.country;
    const date = incident.date.end ?? incident.date.start;
    let entry = byCountry.get(name);
    if (!entry) {
      entry = { name, count: 0, first: date, last: date, types: [], typeCounts: new Map() };
      byCountry.set(name, entry);
    }
    entry.count += 1;
    if (date < entry.first) entry.first = date;
    if (date > entry.last) entry.last = date;
    const event = incident.type.event;
    entry.typeCounts.set(event, (entry.typeCounts.get(event) ?? 0) + 1);
    byType.set(event, (byType.get(event) ?? 0) + 1);
  }
  return { countries: finishCountries(byCountry), types: sortCounts(byType) };
}

function sortDate(incident: Incident): string {
  return incident.date.end ?? incident.date.start;
}

export function eventLabel(type: EventType): string {
  return EVENT_TYPES[type];
}
