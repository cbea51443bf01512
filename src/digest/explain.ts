// Why one incident passes or fails a digest's filter, kind by kind (countries, types, …): for /digest why
// and for the delivery record (record.ts), which notes by which filters a run left incidents out.
// Each kind is the SQL filterScope (filters.ts) makes for a filter of that kind alone; the combined
// filter is exactly those conditions joined by AND, so "every kind passes" is "the digest's filter
// passes", by construction.
import type { DigestConfig } from '../config.ts';
import type { Catalog } from '../incidents/catalog.ts';
import { EVENT_TYPES, SUB_EVENT_TYPES } from '../incidents/taxonomy.ts';
import { compileDigestFilter, type DigestFilter, digestFilter, filterScope } from './filters.ts';

/** The kinds of a digest's filter, in the order /digest why names them. */
export const FILTER_KINDS = [
  'countries',
  'types',
  'subtypes',
  'actors',
  'keywords',
  'minDeaths',
  'regions',
  'datasets',
] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

/** How answers name each kind. */
export const FILTER_KIND_LABELS: Readonly<Record<FilterKind, string>> = {
  countries: 'countries',
  types: 'types',
  subtypes: 'sub-types',
  actors: 'actors',
  keywords: 'keywords',
  minDeaths: 'deaths',
  regions: 'regions',
  datasets: 'datasets',
};

export interface FilterExplanation {
  /** The digest's whole filter lets the incident through (every kind passes). */
  passes: boolean;
  /** Each kind that rejects it, with what that kind wants ("Battles, Explosions/Remote violence"). */
  failed: { kind: FilterKind; wants: string }[];
}

type Filtered = Pick<DigestConfig, 'countries' | 'filters'>;

/**
 * What one kind of the digest's filter wants, in plain words, without the kind's name (a caller writes
 * "types: Battles, Explosions/Remote violence" with FILTER_KIND_LABELS). Empty when the digest does not
 * filter by that kind.
 */
export function describeWants(digest: Filtered, kind: FilterKind): string {
  const filter = digestFilter(digest);
  const list = (values: readonly string[] | undefined) => (values ?? []).join(', ');
  switch (kind) {
    case 'countries':
      return list(filter.countries);
    case 'types':
      return list(filter.types?.map((t) => EVENT_TYPES[t]));
    case 'subtypes':
      return list(filter.subtypes?.map((s) => SUB_EVENT_TYPES[s].label));
    case 'actors':
      return filter.actors?.length ? `an actor whose name contains ${filter.actors.join(' or ')}` : '';
    case 'keywords':
      return filter.keywords?.length
        ? `the words of ${filter.keywords.map((k) => `"${k}"`).join(' or ')}`
        : '';
    case 'minDeaths':
      return filter.minDeaths === undefined ? '' : `at least ${filter.minDeaths} killed by one claimant`;
    case 'regions':
      return list(filter.regions);
    case 'datasets':
      return list(filter.datasets);
  }
}

/** "types: Battles; deaths: at least 10 killed by one claimant" */
export function describeRejection(failed: readonly { kind: FilterKind; wants: string }[]): string {
  return failed.map((f) => `${FILTER_KIND_LABELS[f.kind]}: ${f.wants}`).join('; ');
}

interface KindScope {
  kind: FilterKind;
  where: string;
  params: unknown[];
}

/** One SQL condition over `incidents i` per kind the digest filters by. */
function kindScopes(catalog: Catalog, digest: Filtered): KindScope[] {
  const filter = digestFilter(digest);
  const scopes: KindScope[] = [];
  for (const kind of FILTER_KINDS) {
    if (filter[kind] === undefined) continue;
    const compiled = compileDigestFilter(catalog, { [kind]: filter[kind] } as DigestFilter);
    if (compiled.empty) continue;
    scopes.push({ kind, ...filterScope(catalog, compiled) });
  }
  return scopes;
}

/** "CASE WHEN (…) THEN 1 ELSE 0 END AS k0, …": a NULL (an admin1 that is not there) counts as failing. */
function kindColumns(scopes: readonly KindScope[]): { sql: string; params: unknown[] } {
  return {
    sql: scopes.map((s, n) => `, CASE WHEN (${s.where}) THEN 1 ELSE 0 END AS k${n}`).join(''),
    params: scopes.flatMap((s) => s.params),
  };
}

/**
 * Why incident `incidentId` passes or fails the digest's filter, naming every kind that rejects it;
 * undefined when the index has no such incident. One query, whatever the number of kinds.
 */
export function explainFilter(
  catalog: Catalog,
  digest: Filtered,
  incidentId: string,
): FilterExplanation | undefined {
  const scopes = kindScopes(catalog, digest);
  const columns = kindColumns(scopes);
  const row = catalog
    .statement<unknown[], Record<string, number>>(
      `SELECT i.rowid AS rowid${columns.sql} FROM incidents i WHERE i.id = ?`,
    )
    .get(...columns.params, incidentId);
  if (!row) return undefined;
  const failed = scopes
    .filter((_, n) => row[`k${n}`] !== 1)
    .map((s) => ({ kind: s.kind, wants: describeWants(digest, s.kind) }));
  return { passes: failed.length === 0, failed };
}

/**
 * The kinds that reject each of these incidents (by rowid), in one query for all of them: how a run
 * records by which filters it left its candidates out. Only rejected rowids are in the map (a rowid
 * absent passes, or is not in the index).
 */
export function filterKindsRejecting(
  catalog: Catalog,
  digest: Filtered,
  rowids: readonly number[],
): Map<number, FilterKind[]> {
  const rejected = new Map<number, FilterKind[]>();
  const scopes = kindScopes(catalog, digest);
  if (scopes.length === 0 || rowids.length === 0) return rejected;
  const columns = kindColumns(scopes);
  const rows = catalog
    .statement<unknown[], Record<string, number>>(
      `SELECT i.rowid AS rowid${columns.sql} FROM incidents i WHERE i.rowid IN (SELECT value FROM json_each(?))`,
    )
    .all(...columns.params, JSON.stringify(rowids));
  for (const row of rows) {
    const kinds = scopes.filter((_, n) => row[`k${n}`] !== 1).map((s) => s.kind);
    if (kinds.length > 0) rejected.set(row.rowid as number, kinds);
  }
  return rejected;
}
