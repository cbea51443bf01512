// The queries behind every command. Pure functions over a Catalog: no I/O, `now` passed in.
// The larger queries live in their own modules (search, quotes, casualties, suggest, lookup) and are
// re-exported from here with their types (types.ts), so commands and renderers import from one place.
import { perCatalog } from './cache.ts';
import { type Catalog, incidentSortDate } from './catalog.ts';
import {
  clampCount,
  countryIndex,
  firstBefore,
  given,
  incidentsOfType,
  matchesType,
  resolveCountry,
  resolveType,
  sinceOf,
} from './filters.ts';
import { quoteEntries } from './quote-index.ts';
import type { Incident } from './schema.ts';
import { warmSearchIndex } from './search.ts';
import { warmSuggestions } from './suggest.ts';
import type { DatasetStats, LatestQuery, Page } from './types.ts';

export { casualtyClaims, claimPeriod } from './casualties.ts';
export { parseSince, parseUntil } from './dates.ts';
export { getIncident } from './lookup.ts';
export { findQuotes } from './quotes.ts';
export { buildSearchIndex, searchIncidents, warmSearchIndex } from './search.ts';
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
 * The newest incidents matching the filters. Works on the smallest ready-made list (the catalog, one
 * country's or one type's incidents, all newest first) and finds the `since` cut by binary search, so an
 * unfiltered call touches only `count` incidents.
 */
export function latest(catalog: Catalog, q: LatestQuery, now: Date): Page<Incident> {
  const count = clampCount(q.count, 5, 1, 10);
  const countryText = given(q.country);
  const typeText = given(q.type);
  const country = countryText === undefined ? undefined : resolveCountry(catalog, countryText);
  const type = typeText === undefined ? undefined : resolveType(typeText);
  const since = sinceOf(q.since, now);

  let pool: readonly Incident[] = country?.incidents ?? catalog.incidents;
  let keep: ((incident: Incident) => boolean) | undefined;
  if (type !== undefined) {
    const ofType = incidentsOfType(catalog, type);
    if (country === undefined) pool = ofType;
    else if (ofType.length < country.incidents.length) {
      const byCountry = countryIndex(catalog).byIncident;
      pool = ofType;
      keep = (incident) => byCountry.get(incident) === country;
    } else keep = (incident) => matchesType(incident, type);
  }
  const end = since === undefined ? pool.length : firstBefore(pool, since);
  if (keep === undefined) return { total: end, items: pool.slice(0, Math.min(count, end)) };

  const items: Incident[] = [];
  let total = 0;
  for (let i = 0; i < end; i++) {
    const incident = pool[i] as Incident;
    if (!keep(incident)) continue;
    total += 1;
    if (items.length < count) items.push(incident);
  }
  return { total, items };
}

const stats = perCatalog((catalog: Catalog): DatasetStats => {
  let quotes = 0;
  let claims = 0;
  let from: string | undefined;
  let to: string | undefined;
  const sources = new Set<string>();
  for (const incident of catalog.incidents) {
    quotes += incident.quotes.length;
    claims += incident.casualties.length;
    for (const source of incident.sources) sources.add(source.id);
    if (from === undefined || incident.date.start < from) from = incident.date.start;
    const end = incidentSortDate(incident);
    if (to === undefined || end > to) to = end;
  }
  return {
    incidents: catalog.size,
    countries: countryIndex(catalog).countries.length,
    quotes,
    claims,
    sources: sources.size,
    newest: catalog.incidents[0],
    span: from === undefined || to === undefined ? undefined : { from, to },
  };
});

/**
 * Counts for /about. `sources` counts distinct source ids: incidents reported by the same article
 * share its id ("presstv-2016-10-31"), and it is one source.
 */
export function datasetStats(catalog: Catalog): DatasetStats {
  return { ...stats(catalog) };
}

/**
 * Builds every lazily built index for `catalog` (countries, quotes, autocomplete, then the search index
 * in chunks), so start-up or a reload can pay for them before the first user does.
 */
export async function warmIndexes(catalog: Catalog): Promise<void> {
  countryIndex(catalog);
  quoteEntries(catalog);
  warmSuggestions(catalog);
  await warmSearchIndex(catalog);
}
