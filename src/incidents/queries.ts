// The queries behind every command. Pure functions over a Catalog: no I/O, `now` passed in.
// The larger queries live in their own modules (search, quotes, casualties, suggest, lookup) and are
// re-exported from here with their types (types.ts), so commands and renderers import from one place.
import { type Catalog, incidentOf, NEWEST_FIRST } from './catalog.ts';
import {
  clampCount,
  countryCondition,
  countryIndex,
  given,
  resolveCountry,
  resolveType,
  sinceOf,
  typeCondition,
} from './filters.ts';
import type { Incident } from './schema.ts';
import { warmSuggestions } from './suggest.ts';
import type { DatasetStats, LatestQuery, Page } from './types.ts';

export { casualtyClaims, claimPeriod } from './casualties.ts';
export { parseSince, parseUntil } from './dates.ts';
export { getIncident } from './lookup.ts';
export { findQuotes } from './quotes.ts';
export { searchIncidents } from './search.ts';
export { suggestCountries, suggestIncidents, suggestOrganizations, suggestSpeakers } from './suggest.ts';
export { foldText } from './text.ts';
export type {
  CasualtyQuery,
  Choice,
  ClaimGroup,
  ClaimRow,
  DatasetStats,
  LatestQuery,
  Page,
  QuoteHit,
  QuoteQuery,
  SearchHit,
  SearchQuery,
} from './types.ts';

/**
 * The newest incidents matching the filters: one indexed SQL query for the page (the index's order is
 * newest first, so only `count` rows are read) and one for the total.
 */
export function latest(catalog: Catalog, q: LatestQuery, now: Date): Page<Incident> {
  const count = clampCount(q.count, 5, 1, 10);
  const countryText = given(q.country);
  const typeText = given(q.type);
  const country = countryText === undefined ? undefined : resolveCountry(catalog, countryText);
  const type = typeText === undefined ? undefined : resolveType(typeText);
  const since = sinceOf(q.since, now);

  const where: string[] = [];
  const params: string[] = [];
  if (country !== undefined) {
    const c = countryCondition(country);
    where.push(c.sql);
    params.push(...c.params);
  }
  if (type !== undefined) {
    const t = typeCondition(type);
    where.push(t.sql);
    params.push(...t.params);
  }
  if (since !== undefined) {
    where.push('sort_date >= ?');
    params.push(since);
  }
  if (where.length === 0) return { total: catalog.size, items: catalog.newest(count) };
  const clause = `WHERE ${where.join(' AND ')}`;
  const items = catalog
    .statement<unknown[], { body: string }>(
      `SELECT body FROM incidents ${clause} ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    )
    .all(...params, count)
    .map(incidentOf);
  // A country alone: the index keeps its count (counting 300,000 rows of one country takes tens of ms).
  const counted =
    country !== undefined && type === undefined && since === undefined ? country.count : undefined;
  const total =
    items.length < count
      ? items.length
      : (counted ??
        (catalog
          .statement<unknown[], number>(`SELECT count(*) FROM incidents ${clause}`)
          .pluck()
          .get(...params) as number));
  return { total, items };
}

/**
 * Counts for /about, from the index's running totals. `sources` counts distinct source ids: incidents
 * reported by the same article share its id ("presstv-2016-10-31"), and it is one source.
 */
export function datasetStats(catalog: Catalog): DatasetStats {
  const from = catalog.statement<[], string | null>('SELECT min(start_date) FROM incidents').pluck().get() as
    | string
    | null;
  const to = catalog.statement<[], string | null>('SELECT max(sort_date) FROM incidents').pluck().get() as
    | string
    | null;
  return {
    incidents: catalog.size,
    countries: countryIndex(catalog).countries.length,
    quotes: catalog.total('quotes'),
    claims: catalog.total('claims'),
    sources: catalog.total('sources'),
    newest: catalog.newest(1)[0],
    span: from === null || to === null ? undefined : { from, to },
  };
}

/**
 * Builds the few lists derived from the index that the first command would otherwise pay for
 * (countries, autocomplete), so start-up or a reload can pay for them before the first user does.
 */
export async function warmIndexes(catalog: Catalog): Promise<void> {
  countryIndex(catalog);
  warmSuggestions(catalog);
}
