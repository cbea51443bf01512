// A digest's filters (DIGEST_<n>_COUNTRIES, _TYPES, _SUBTYPES, _ACTORS, _KEYWORDS, _MIN_DEATHS,
// _REGIONS, _DATASETS): AND across kinds, OR within a kind. Defined twice on purpose, and held equal by
// tests/digest-filters.property.test.ts: as a pure predicate over an incident (matchesDigestFilter),
// and as one SQL condition over the index (filterScope) that selection and counting both apply, so a
// run over a million incidents never parses their bodies in JavaScript.
import type Database from 'better-sqlite3';
import { type Catalog, countryKeyOf, SEARCH_FIELDS, searchFieldText } from '../incidents/catalog.ts';
import { claimKilledSql } from '../incidents/claimants.ts';
import { countryIndex, typeOfName } from '../incidents/filters.ts';
import type { Incident } from '../incidents/schema.ts';
import { STOP_WORDS } from '../incidents/search.ts';
import { closestNames } from '../incidents/similar.ts';
import { EVENT_TYPES, type EventType, SUB_EVENT_TYPES, type SubEventType } from '../incidents/taxonomy.ts';
import { cutCodePoints, foldKey, tokenize } from '../incidents/text.ts';
import type { DueScope } from './summary.ts';

export const DATASETS = ['hand-written', 'acled', 'ucdp'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The filters besides countries, as DIGEST_<n>_* gave them (config.ts parses them with the parse* functions below). */
export interface DigestFilters {
  types?: readonly EventType[];
  subtypes?: readonly SubEventType[];
  /** Substrings of an actor's name, case- and accent-folded (text.ts foldKey). */
  actors?: readonly string[];
  /** Each a /search query: all its words, as whole words or word starts. */
  keywords?: readonly string[];
  /** The largest single claim's killed figure (best, else lower bound) is at least this. */
  minDeaths?: number;
  /** Admin1 names, compared word for word, case and accents aside. */
  regions?: readonly string[];
  datasets?: readonly DatasetName[];
}

/** Everything a digest selects by: its countries (names or ISO3 codes) and the other filters. */
export interface DigestFilter extends DigestFilters {
  countries?: readonly string[];
}

/** The filter of a digest's configuration. */
export function digestFilter(digest: {
  countries: readonly string[];
  filters?: DigestFilters;
}): DigestFilter {
  return { countries: digest.countries, ...digest.filters };
}

/** A keyword's words as /search reads them: folded, without stop words, each once. */
export function keywordWords(keyword: string): string[] {
  return [...new Set(tokenize(keyword).filter((w) => !STOP_WORDS.has(w)))];
}

/** /search matches a word as a word's start from this many letters, else as a whole word. */
const PREFIX_FROM = 2;

/** A filter resolved against one index: country keys looked up, texts folded. */
export interface CompiledFilter {
  /** Nothing to filter by: every incident passes. */
  empty: boolean;
  /** Only indexed columns (country, type, sub-type): cheap for SQL to evaluate again. */
  indexedOnly: boolean;
  /** The index's country keys (catalog.ts countryKeyOf); empty when none of the countries is in the data. */
  countryKeys?: ReadonlySet<string>;
  types?: ReadonlySet<string>;
  subtypes?: ReadonlySet<string>;
  actors?: readonly string[];
  keywords?: readonly (readonly string[])[];
  minDeaths?: number;
  regions?: ReadonlySet<string>;
  datasets?: ReadonlySet<DatasetName>;
}

/** The digest's filter against `catalog`: a country not in the data (yet) matches nothing. */
export function compileDigestFilter(catalog: Catalog, filter: DigestFilter): CompiledFilter {
  const compiled: CompiledFilter = { empty: true, indexedOnly: true };
  const some = <T>(list: readonly T[] | undefined): list is readonly T[] =>
    list !== undefined && list.length > 0;
  if (some(filter.countries)) {
    const index = countryIndex(catalog);
    const keys = new Set<string>();
    for (const name of filter.countries)
      for (const key of index.byKey.get(foldKey(name))?.keys ?? []) keys.add(key);
    compiled.countryKeys = keys;
  }
  if (some(filter.types)) compiled.types = new Set(filter.types);
  if (some(filter.subtypes)) compiled.subtypes = new Set(filter.subtypes);
  const indexed = compiled.countryKeys ?? compiled.types ?? compiled.subtypes;
  if (some(filter.actors)) compiled.actors = filter.actors.map(foldKey);
  // A keyword or region without words (config.ts refuses them) matches nothing rather than everything.
  if (some(filter.keywords))
    compiled.keywords = filter.keywords.map(keywordWords).filter((words) => words.length > 0);
  if (filter.minDeaths !== undefined) compiled.minDeaths = filter.minDeaths;
  if (some(filter.regions))
    compiled.regions = new Set(filter.regions.map(regionWords).filter((words) => words !== ''));
  if (some(filter.datasets)) compiled.datasets = new Set(filter.datasets);
  const other =
    compiled.actors ?? compiled.keywords ?? compiled.minDeaths ?? compiled.regions ?? compiled.datasets;
  compiled.empty = indexed === undefined && other === undefined;
  compiled.indexedOnly = other === undefined;
  return compiled;
}

/** An admin1 name as regions compare it: its folded words, space-separated ("Rif-Dimashq" → "rif dimashq"). */
export function regionWords(name: string): string {
  return tokenize(name).join(' ');
}

/** The killed figure a claim counts with: its best estimate, else its lower bound (as the summary ranks). */
function claimedKilled(claim: Incident['casualties'][number]): number | undefined {
  return claim.killed?.best ?? claim.killed?.low;
}

/** The filter as a predicate over one incident: the definition the SQL below must agree with. */
export function matchesDigestFilter(filter: CompiledFilter, incident: Incident): boolean {
  const { location, type } = incident;
  if (filter.countryKeys && !filter.countryKeys.has(countryKeyOf(location.country, location.iso3)))
    return false;
  if (filter.types && !filter.types.has(type.event)) return false;
  if (filter.subtypes && (type.sub === undefined || !filter.subtypes.has(type.sub))) return false;
  if (filter.minDeaths !== undefined) {
    const min = filter.minDeaths;
    if (!incident.casualties.some((c) => (claimedKilled(c) ?? -1) >= min)) return false;
  }
  if (filter.keywords) {
    const tokens = SEARCH_FIELDS.flatMap((field) => tokenize(searchFieldText(incident, field)));
    const hit = (word: string) =>
      tokens.some((t) => t === word || ([...word].length >= PREFIX_FROM && t.startsWith(word)));
    if (!filter.keywords.some((words) => words.every(hit))) return false;
  }
  if (filter.regions && (location.admin1 === undefined || !filter.regions.has(regionWords(location.admin1))))
    return false;
  const datasets = filter.datasets;
  if (datasets && !datasetsOf(incident).some((d) => datasets.has(d))) return false;
  if (filter.actors) {
    const names = incident.actors.map((a) => foldKey(a.name));
    if (!filter.actors.some((term) => names.some((name) => name.includes(term)))) return false;
  }
  return true;
}

/**
 * Where an incident came from: the datasets whose event id it carries (external_ids, set by the
 * importers), else written by hand.
 */
export function datasetsOf(incident: Pick<Incident, 'external_ids'>): DatasetName[] {
  const ids = incident.external_ids;
  const of: DatasetName[] = [];
  if (ids?.acled !== undefined) of.push('acled');
  if (ids?.ucdp !== undefined) of.push('ucdp');
  return of.length > 0 ? of : ['hand-written'];
}

/**
 * The filter as SQL over `incidents i`. Indexed columns first (country, type, sub-type), then the
 * claims table (minimum deaths, per incident through its index), the FTS table (keywords, and the words
 * of a region in the place field), and last what only the stored JSON holds, read by SQLite for the
 * rows still in: the exact admin1, the dataset ids, the actors' names (folded by text.ts, registered as
 * SQL functions on the index's connection).
 */
export function filterScope(catalog: Catalog, filter: CompiledFilter): DueScope {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: Iterable<string>) => {
    const list = [...values];
    where.push(list.length === 0 ? '0' : `${column} IN (${list.map(() => '?').join(', ')})`);
    params.push(...list);
  };
  if (filter.countryKeys) inList('i.country_key', filter.countryKeys);
  if (filter.types) inList('i.event', filter.types);
  if (filter.subtypes) inList('i.sub', filter.subtypes);
  if (filter.minDeaths !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM claims dc WHERE dc.incident = i.rowid AND ${claimKilledSql('dc')} >= ?)`,
    );
    params.push(filter.minDeaths);
  }
  if (filter.keywords?.length === 0 || filter.regions?.size === 0) where.push('0');
  if (filter.keywords && filter.keywords.length > 0) {
    where.push('i.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)');
    params.push(filter.keywords.map((words) => `(${words.map(wordTerm).join(' AND ')})`).join(' OR '));
  }
  if (filter.regions || filter.actors) registerFunctions(catalog.db);
  if (filter.regions && filter.regions.size > 0) {
    const regions = [...filter.regions];
    where.push('i.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)');
    params.push(`{place} : (${regions.map(quoteTerm).join(' OR ')})`);
    where.push(
      `sitrep_words(json_extract(i.body, '$.location.admin1')) IN (${regions.map(() => '?').join(', ')})`,
    );
    params.push(...regions);
  }
  if (filter.datasets) {
    const acled = `json_extract(i.body, '$.external_ids.acled') IS NOT NULL`;
    const ucdp = `json_extract(i.body, '$.external_ids.ucdp') IS NOT NULL`;
    const of: Record<DatasetName, string> = { acled, ucdp, 'hand-written': `NOT (${acled} OR ${ucdp})` };
    where.push(`(${[...filter.datasets].map((d) => of[d]).join(' OR ')})`);
  }
  if (filter.actors) {
    const terms = filter.actors.map(() => "instr(sitrep_fold_key(json_extract(da.value, '$.name')), ?) > 0");
    where.push(`EXISTS (SELECT 1 FROM json_each(i.body, '$.actors') da WHERE ${terms.join(' OR ')})`);
    params.push(...filter.actors);
  }
  return { where: where.length === 0 ? '1' : where.join(' AND '), params };
}

/** A query word as /search's FTS expression has it: a word's start from two letters, else the word. */
function wordTerm(word: string): string {
  return [...word].length >= PREFIX_FROM ? `${quoteTerm(word)} *` : quoteTerm(word);
}

/** Quoted, so no configured text is read as FTS5 syntax; several words make a phrase. */
function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

const registered = new WeakSet<Database.Database>();

/** text.ts's folding as SQL functions on this connection, for the checks the index has no column for. */
function registerFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  const text = (fn: (s: string) => string) => (value: unknown) =>
    typeof value === 'string' ? fn(value) : null;
  db.function('sitrep_fold_key', { deterministic: true }, text(foldKey));
  db.function('sitrep_words', { deterministic: true }, text(regionWords));
  registered.add(db);
}

// --- From env: DIGEST_<n>_TYPES … (config.ts). A value that cannot work stops the start, naming it.

export type FilterParse<T> = { value: T } | { problems: string[] };

const shown = (value: string) => `"${cutCodePoints(value.trim(), 60)}"`;

function listOf(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Why one item of a list is refused. */
class Refused {
  constructor(readonly message: string) {}
}

function each<T>(raw: string, what: string, read: (item: string) => T | Refused): FilterParse<T[]> {
  const items = listOf(raw);
  if (items.length === 0) return { problems: [`expected ${what} separated by commas`] };
  const value: T[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const result = read(item);
    if (result instanceof Refused) problems.push(result.message);
    else value.push(result);
  }
  return problems.length > 0 ? { problems } : { value: [...new Set(value)] };
}

/** " (did you mean battles?)": the closest codes, by their codes and labels. */
function didYouMean(input: string, labels: Readonly<Record<string, string>>): string {
  const codeOf = new Map<string, string>();
  for (const [code, label] of Object.entries(labels)) {
    codeOf.set(code, code);
    codeOf.set(label, code);
  }
  const close = [...new Set(closestNames(input, [...codeOf.keys()], 6).map((name) => codeOf.get(name)))];
  return close.length === 0 ? '' : ` (did you mean ${close.slice(0, 3).join(' or ')}?)`;
}

const EVENT_CODES = Object.keys(EVENT_TYPES) as EventType[];

/** DIGEST_<n>_TYPES: event types by code (battles) or ACLED label (Explosions/Remote violence). */
export function parseTypes(raw: string): FilterParse<EventType[]> {
  return each(raw, 'event types', (item) => {
    const type = typeOfName(item);
    if (type && 'event' in type) return type.event;
    if (type) {
      const sub = SUB_EVENT_TYPES[type.sub];
      return new Refused(
        `${shown(item)} is a sub-event type (of ${EVENT_TYPES[sub.event]}): list it in DIGEST_<n>_SUBTYPES`,
      );
    }
    const expected = EVENT_CODES.map((c) => `${c} (${EVENT_TYPES[c]})`).join(', ');
    return new Refused(
      `unknown event type ${shown(item)}${didYouMean(item, EVENT_TYPES)}; expected ${expected}`,
    );
  });
}

/** DIGEST_<n>_SUBTYPES: ACLED sub-event types by code (air_drone_strike) or label (Air/drone strike). */
export function parseSubtypes(raw: string): FilterParse<SubEventType[]> {
  return each(raw, 'sub-event types', (item) => {
    const type = typeOfName(item);
    if (type && 'sub' in type) return type.sub;
    if (type)
      return new Refused(
        `${shown(item)} is an event type, not a sub-event type: list it in DIGEST_<n>_TYPES`,
      );
    const labels = Object.fromEntries(Object.entries(SUB_EVENT_TYPES).map(([code, s]) => [code, s.label]));
    return new Refused(
      `unknown sub-event type ${shown(item)}${didYouMean(item, labels)}; expected an ACLED sub-event type such as air_drone_strike (Air/drone strike) or armed_clash (Armed clash), listed in docs/digests.md#filters`,
    );
  });
}

/** DIGEST_<n>_ACTORS: parts of actors' names. */
export function parseActors(raw: string): FilterParse<string[]> {
  return each(raw, 'actor names', (item) =>
    tokenize(item).length === 0
      ? new Refused(`${shown(item)} has no letters or digits to look for in actors' names`)
      : item,
  );
}

/** DIGEST_<n>_KEYWORDS: words /search would find; each keyword needs all its words. */
export function parseKeywords(raw: string): FilterParse<string[]> {
  return each(raw, 'keywords', (item) => {
    if (tokenize(item).length === 0)
      return new Refused(`${shown(item)} has no letters or digits to search for`);
    if (keywordWords(item).length === 0)
      return new Refused(`${shown(item)} is too common to search for: add a name, a place or a word`);
    return item;
  });
}

/** DIGEST_<n>_REGIONS: admin1 names. */
export function parseRegions(raw: string): FilterParse<string[]> {
  return each(raw, 'admin1 regions', (item) =>
    regionWords(item) === '' ? new Refused(`${shown(item)} has no letters or digits to name a region`) : item,
  );
}

const DATASET_SPELLINGS: Record<string, DatasetName> = {
  handwritten: 'hand-written',
  hand: 'hand-written',
  acled: 'acled',
  ucdp: 'ucdp',
  ucdpged: 'ucdp',
};

/** DIGEST_<n>_DATASETS: hand-written, acled, ucdp. */
export function parseDatasets(raw: string): FilterParse<DatasetName[]> {
  return each(raw, 'datasets', (item) => {
    const known = DATASET_SPELLINGS[item.toLowerCase().replace(/[^a-z]/g, '')];
    return known ?? new Refused(`unknown dataset ${shown(item)}; expected hand-written, acled or ucdp`);
  });
}

/** DIGEST_<n>_MIN_DEATHS: a whole number, 1 or more. */
export function parseMinDeaths(raw: string): FilterParse<number> {
  const text = raw.trim();
  const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1))
    return {
      problems: [
        `expected a whole number of deaths, 1 or more (got ${shown(raw)}); leave it unset for no minimum`,
      ],
    };
  return { value: n };
}

/** Filters that each parse but together can match nothing: a sub-event type outside the event types. */
export function filterConflicts(filters: DigestFilters): { key: 'SUBTYPES'; message: string }[] {
  const { types, subtypes } = filters;
  if (!types || !subtypes) return [];
  return subtypes
    .filter((sub) => !types.includes(SUB_EVENT_TYPES[sub].event))
    .map((sub) => ({
      key: 'SUBTYPES' as const,
      message: `${SUB_EVENT_TYPES[sub].label} is a sub-event type of ${EVENT_TYPES[SUB_EVENT_TYPES[sub].event]}, which DIGEST_<n>_TYPES leaves out: it would never match`,
    }));
}

/** "types: Battles; actors: hezbollah; at least 10 killed by one claimant": for /digest-admin status. */
export function describeFilters(filters: DigestFilters | undefined): string | undefined {
  if (!filters) return undefined;
  const parts: string[] = [];
  const list = (name: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) parts.push(`${name}: ${values.join(', ')}`);
  };
  list(
    'types',
    filters.types?.map((t) => EVENT_TYPES[t]),
  );
  list(
    'sub-types',
    filters.subtypes?.map((s) => SUB_EVENT_TYPES[s].label),
  );
  list('actors', filters.actors);
  list('keywords', filters.keywords);
  if (filters.minDeaths !== undefined) parts.push(`at least ${filters.minDeaths} killed by one claimant`);
  list('regions', filters.regions);
  list('datasets', filters.datasets);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
