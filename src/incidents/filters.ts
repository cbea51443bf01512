// Resolving what users type for the shared filters (country, type, count) against the catalog.
import { UserError } from '../errors.ts';
import { perCatalog } from './cache.ts';
import { type Catalog, countryKeyOf } from './catalog.ts';
import { parseSince, parseUntil } from './dates.ts';
import type { Incident } from './schema.ts';
import { closestNames } from './similar.ts';
import { EVENT_TYPES, type EventType, SUB_EVENT_TYPES, type SubEventType, slugifyLabel } from './taxonomy.ts';
import { cutCodePoints, foldKey } from './text.ts';

export interface Country {
  /** The spelling most incidents use. */
  name: string;
  iso3: string | undefined;
  /** The index's country keys (catalog.ts countryKeyOf) this country covers: usually one. */
  keys: string[];
  /** How many incidents. */
  count: number;
}

export interface CountryIndex {
  /** Most incidents first, then by name. */
  countries: Country[];
  /** Folded names and lower-case ISO3 codes → country. */
  byKey: Map<string, Country>;
  /** The index's country keys → country. */
  byCountryKey: Map<string, Country>;
}

/**
 * One entry per country, from the index's per-spelling counts (a few hundred rows, whatever the data's
 * size). Spellings that fold alike ("Côte d'Ivoire", "Cote d'Ivoire") are one country, and so are names
 * that share an ISO3 code anywhere in the data.
 */
export const countryIndex = perCatalog((catalog: Catalog): CountryIndex => {
  const rows = catalog
    .statement<[], { country: string; iso3: string; n: number }>('SELECT country, iso3, n FROM countries')
    .all();
  const isoOfName = new Map<string, string>();
  for (const { country, iso3 } of rows) if (iso3 !== '') isoOfName.set(foldKey(country), iso3);
  const groups = new Map<string, { country: Country; spellings: Map<string, number> }>();
  const byCountryKey = new Map<string, Country>();
  for (const { country: name, iso3: stored, n } of rows) {
    const iso3 = stored === '' ? undefined : stored;
    const folded = foldKey(name);
    const code = iso3 ?? isoOfName.get(folded);
    const key = code ?? `name:${folded}`;
    let group = groups.get(key);
    if (!group) {
      group = { country: { name, iso3: code, keys: [], count: 0 }, spellings: new Map() };
      groups.set(key, group);
    }
    group.country.count += n;
    group.spellings.set(name, (group.spellings.get(name) ?? 0) + n);
    const indexKey = countryKeyOf(name, iso3);
    if (!group.country.keys.includes(indexKey)) group.country.keys.push(indexKey);
    byCountryKey.set(indexKey, group.country);
  }
  const byKey = new Map<string, Country>();
  for (const { country, spellings } of groups.values()) {
    let best = 0;
    for (const [spelling, n] of [...spellings].sort(([a], [b]) => compareText(a, b))) {
      if (n > best) {
        best = n;
        country.name = spelling;
      }
      byKey.set(foldKey(spelling), country);
    }
    country.keys.sort();
    if (country.iso3 !== undefined) byKey.set(country.iso3.toLowerCase(), country);
  }
  const countries = [...groups.values()]
    .map((g) => g.country)
    .sort((a, b) => b.count - a.count || compareText(a.name, b.name));
  return { countries, byKey, byCountryKey };
});

/** The country an incident belongs to, as countryIndex groups them. */
export function countryOf(catalog: Catalog, incident: Incident): Country | undefined {
  const { country, iso3 } = incident.location;
  return countryIndex(catalog).byCountryKey.get(countryKeyOf(country, iso3));
}

/**
 * SQL for "in this country" over a table with a `country_key` column (incidents, claims), with its
 * parameters: `column = ?` for the usual one key, so an index on (country_key, …) keeps its order.
 */
export function countryCondition(
  country: Country,
  column = 'country_key',
): { sql: string; params: string[] } {
  if (country.keys.length === 1) return { sql: `${column} = ?`, params: [...country.keys] };
  return { sql: `${column} IN (${country.keys.map(() => '?').join(', ')})`, params: [...country.keys] };
}

/**
 * The country a user means: its name or ISO3 code, case- and accent-insensitively, or the start of
 * exactly one country's name. Unknown → a UserError with the closest names in the data.
 */
export function resolveCountry(catalog: Catalog, input: string): Country {
  const index = countryIndex(catalog);
  const typed = foldKey(input);
  const exact = index.byKey.get(typed);
  if (exact) return exact;
  if (typed.length >= 3) {
    const starts = index.countries.filter((c) => foldKey(c.name).startsWith(typed));
    if (starts.length === 1 && starts[0]) return starts[0];
  }
  const names = index.countries.map((c) => c.name);
  const close = closestNames(input, names, 5);
  const shown = cutCodePoints(input.trim(), 60);
  if (names.length === 0) throw new UserError(`No incidents in "${shown}": there are no incidents loaded.`);
  if (close.length > 0) throw new UserError(`No incidents in "${shown}". Did you mean ${listOr(close)}?`);
  throw new UserError(
    `No incidents in "${shown}". Countries with the most incidents: ${names.slice(0, 5).join(', ')}.`,
  );
}

export type TypeFilter = { event: EventType } | { sub: SubEventType };

/** An event type or sub-event type, as slug ("explosions_remote_violence") or ACLED label, any case. */
/** An event or sub-event type by its code (battles) or label (Explosions/Remote violence), any case. */
export function typeOfName(input: string): TypeFilter | undefined {
  const slug = slugifyLabel(foldKey(input));
  if (Object.hasOwn(EVENT_TYPES, slug)) return { event: slug as EventType };
  if (Object.hasOwn(SUB_EVENT_TYPES, slug)) return { sub: slug as SubEventType };
  return undefined;
}

export function resolveType(input: string): TypeFilter {
  const found = typeOfName(input);
  if (found) return found;
  const labels = [...Object.values(EVENT_TYPES), ...Object.values(SUB_EVENT_TYPES).map((s) => s.label)];
  const close = closestNames(input, labels, 3);
  const shown = cutCodePoints(input.trim(), 60);
  throw new UserError(
    `Unknown type "${shown}".${close.length > 0 ? ` Did you mean ${listOr(close)}?` : ''} ` +
      `Event types: ${Object.values(EVENT_TYPES).join(', ')}; or an ACLED sub-event type such as ` +
      `${SUB_EVENT_TYPES.shelling_artillery_missile_attack.label} or ${SUB_EVENT_TYPES.armed_clash.label}.`,
  );
}

export function matchesType(incident: Incident, filter: TypeFilter): boolean {
  return 'event' in filter ? incident.type.event === filter.event : incident.type.sub === filter.sub;
}

/** SQL for "of this type" over the incidents table, with its parameter. */
export function typeCondition(filter: TypeFilter): { sql: string; params: string[] } {
  return 'event' in filter
    ? { sql: 'event = ?', params: [filter.event] }
    : { sql: 'sub = ?', params: [filter.sub] };
}

/** A whole number in [min, max]; `fallback` when absent or not a number. */
export function clampCount(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** Blank options count as not given. */
export function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The `since` option as YYYY-MM-DD, or undefined when not given. */
export function sinceOf(value: string | undefined, now: Date): string | undefined {
  const text = given(value);
  return text === undefined ? undefined : parseSince(text, now);
}

/** The `until` option as YYYY-MM-DD, or undefined when not given. */
export function untilOf(value: string | undefined, now: Date): string | undefined {
  const text = given(value);
  return text === undefined ? undefined : parseUntil(text, now);
}

/** `fn` remembering its answers, for the few distinct names repeated across a catalog. */
export function memoized(fn: (text: string) => string): (text: string) => string {
  const known = new Map<string, string>();
  return (text) => {
    let value = known.get(text);
    if (value === undefined) {
      value = fn(text);
      known.set(text, value);
    }
    return value;
  };
}

export function compareText(a: string, b: string): number {
  const fa = foldKey(a);
  const fb = foldKey(b);
  return fa < fb ? -1 : fa > fb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function listOr(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
