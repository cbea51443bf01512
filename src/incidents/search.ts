// Full-text search over incidents with MiniSearch. The index is built once per catalog, on the first
// search or ahead of it with warmSearchIndex, and folds accents and case on both sides.
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { UserError } from '../errors.ts';
import { perCatalog } from './cache.ts';
import { type Catalog, incidentSortDate } from './catalog.ts';
import { clampCount, countryIndex, given, resolveCountry, sinceOf } from './filters.ts';
import type { Incident } from './schema.ts';
import { cutCodePoints, tokenize } from './text.ts';
import type { Page, SearchHit, SearchQuery } from './types.ts';

/** Searchable fields, in the order SearchHit.fields lists them. */
export const SEARCH_FIELDS = ['title', 'summary', 'quotes', 'place', 'actors', 'tags'] as const;
type SearchField = (typeof SEARCH_FIELDS)[number];

const BOOST: Record<SearchField, number> = {
  title: 3,
  tags: 1.5,
  place: 1.5,
  actors: 1.2,
  summary: 1,
  quotes: 1,
};

// Words too common to tell incidents apart. Leaving them out of the index keeps it small and keeps
// "shelling of the market" from matching every incident through "of" and "the".
const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the their this to was were with'.split(
    ' ',
  ),
);

const processTerm = (term: string): string | null => (STOP_WORDS.has(term) ? null : term);

const SEARCH_OPTIONS: SearchOptions = {
  fields: [...SEARCH_FIELDS],
  boost: BOOST,
  prefix: (term) => term.length >= 2,
  // Mild: one typo from five letters, two from ten.
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
  maxFuzzy: 2,
};

function fieldText(incident: Incident, field: string): string {
  switch (field) {
    case 'id': // MiniSearch reads the document id through this function too
      return incident.id;
    case 'title':
      return incident.title;
    case 'summary':
      return incident.summary;
    case 'quotes':
      return incident.quotes.map((q) => `${q.text} ${q.speaker} ${q.organization ?? ''}`).join(' ');
    case 'place': {
      const { country, iso3, admin1, admin2, admin3, place } = incident.location;
      return [country, iso3, admin1, admin2, admin3, place].filter((v) => v !== undefined).join(' ');
    }
    case 'actors':
      return incident.actors.map((a) => a.name).join(' ');
    case 'tags':
      return incident.tags.join(' ');
    default:
      return '';
  }
}

function createIndex(): MiniSearch<Incident> {
  return new MiniSearch<Incident>({
    idField: 'id',
    fields: [...SEARCH_FIELDS],
    extractField: fieldText,
    tokenize,
    processTerm,
    searchOptions: { tokenize, processTerm },
  });
}

const indexes = new WeakMap<Catalog, MiniSearch<Incident>>();
const warming = new WeakMap<Catalog, Promise<MiniSearch<Incident>>>();

/** The catalog's search index, built now if no search or warm-up has built it yet. */
export function buildSearchIndex(catalog: Catalog): MiniSearch<Incident> {
  let index = indexes.get(catalog);
  if (!index) {
    index = createIndex();
    index.addAll(catalog.incidents);
    indexes.set(catalog, index);
  }
  return index;
}

/**
 * Builds the index in chunks, yielding to the event loop between them, so start-up can warm it without
 * stalling the gateway. A search that arrives meanwhile builds its own; whichever finishes first is kept.
 */
export function warmSearchIndex(catalog: Catalog, chunkSize = 1000): Promise<MiniSearch<Incident>> {
  const ready = indexes.get(catalog);
  if (ready) return Promise.resolve(ready);
  let pending = warming.get(catalog);
  if (!pending) {
    const index = createIndex();
    pending = index
      .addAllAsync(catalog.incidents, { chunkSize })
      .then(() => {
        const existing = indexes.get(catalog);
        if (existing) return existing;
        indexes.set(catalog, index);
        return index;
      })
      .finally(() => warming.delete(catalog));
    warming.set(catalog, pending);
  }
  return pending;
}

/**
 * Ranked matches: every word must match (as a word, a word's start, or with a typo in longer words) in
 * some field; when no incident has them all, incidents matching any word. Ties go to the newer.
 */
export function searchIncidents(catalog: Catalog, q: SearchQuery, now: Date): Page<SearchHit> {
  const text = q.query.trim();
  const words = tokenize(text);
  if (words.length === 0) {
    throw new UserError('Type what to search for: a word or a name, e.g. "Aleppo" or "toxic gas".');
  }
  if (words.every((w) => STOP_WORDS.has(w))) {
    throw new UserError(
      `"${cutCodePoints(text, 60)}" is too common to search for: add a name, a place or a word.`,
    );
  }
  const count = clampCount(q.count, 5, 1, 10);
  const countryText = given(q.country);
  const country = countryText === undefined ? undefined : resolveCountry(catalog, countryText);
  const since = sinceOf(q.since, now);
  const byCountry = countryIndex(catalog).byIncident;
  const index = buildSearchIndex(catalog);
  const positions = catalogPositions(catalog);

  // MiniSearch returns results by score, best first: keep the first `count`, plus any that tie with the
  // last of them (so ties can go to the newer), and only count the rest.
  // With a country or a date, MiniSearch drops the other incidents before it sorts its results (it
  // keeps their order), so it sorts the few that count rather than, say, 60,000 matches of "civilians".
  const filter =
    country === undefined && since === undefined
      ? undefined
      : (result: SearchResult) => {
          const incident = catalog.incidents[positions.get(result.id as string) ?? -1];
          return (
            incident !== undefined &&
            (country === undefined || byCountry.get(incident) === country) &&
            (since === undefined || incidentSortDate(incident) >= since)
          );
        };
  const run = (combineWith: 'AND' | 'OR'): { total: number; top: Ranked[] } => {
    const top: Ranked[] = [];
    let total = 0;
    for (const result of index.search(text, {
      ...SEARCH_OPTIONS,
      combineWith,
      ...(filter ? { filter } : {}),
    })) {
      const position = positions.get(result.id as string);
      const incident = position === undefined ? undefined : catalog.incidents[position];
      if (position === undefined || incident === undefined) continue;
      if (country && byCountry.get(incident) !== country) continue;
      if (since !== undefined && incidentSortDate(incident) < since) continue;
      total += 1;
      const last = top[top.length - 1];
      if (top.length < count || result.score === last?.result.score) top.push({ result, incident, position });
    }
    return { total, top };
  };
  let found = run('AND');
  if (found.total === 0) found = run('OR');
  const items = found.top
    .sort((a, b) => b.result.score - a.result.score || a.position - b.position)
    .slice(0, count)
    .map(({ result, incident }) => ({ incident, score: result.score, fields: matchedFields(result) }));
  return { total: found.total, items };
}

interface Ranked {
  result: SearchResult;
  incident: Incident;
  /** In the catalog, newest first. */
  position: number;
}

/** Each incident's place in the catalog, which is newest first: ties in score go to the lower. */
const catalogPositions = perCatalog(
  (catalog: Catalog) => new Map(catalog.incidents.map((incident, i) => [incident.id, i])),
);

function matchedFields(result: SearchResult): string[] {
  const found = new Set<string>();
  for (const fields of Object.values(result.match)) for (const field of fields) found.add(field);
  return SEARCH_FIELDS.filter((f) => found.has(f));
}

/** Incidents whose title shares words with `input` (typed text or a mistyped id), best match first. */
export function incidentsWithTitleLike(catalog: Catalog, input: string, limit: number): Incident[] {
  if (!tokenize(input).some((w) => !STOP_WORDS.has(w))) return [];
  const results = buildSearchIndex(catalog).search(input, {
    fields: ['title'],
    prefix: (term) => term.length >= 3,
    fuzzy: (term) => (term.length >= 4 ? 0.25 : false),
    maxFuzzy: 2,
    combineWith: 'OR',
  });
  const out: Incident[] = [];
  for (const result of results) {
    const incident = catalog.byId.get(result.id as string)?.incident;
    if (incident) out.push(incident);
    if (out.length >= limit) break;
  }
  return out;
}
