// Quotes across incidents, newest first, filtered by speaker, organisation, incident and words.
//
// One incident's quotes are few: they are filtered here, from its parsed body. Otherwise each filter
// narrows the quotes table through an index: the folded speaker or organisation names that contain the
// typed text (quotes_speaker, quotes_organization; the few distinct names are matched here, from the
// `names` table, which also counts their quotes), or the words (quote_words, an FTS5 prefix match). The
// most selective filter leads and the others are checked on its rows; when the matches are a large share
// of all quotes, the page is instead read along quotes_newest, the answer's order, until it is full.
// Only the incidents of the page are parsed.
import { perCatalog } from './cache.ts';
import { type Catalog, incidentOf } from './catalog.ts';
import { clampCount, given } from './filters.ts';
import { getIncident } from './lookup.ts';
import type { Incident } from './schema.ts';
import { foldKey, tokenize } from './text.ts';
import type { Page, QuoteHit, QuoteQuery } from './types.ts';

/** Newest first by quote date (undated last), then in catalog order, then file order: quotes_newest. */
const QUOTE_ORDER = 'q.date IS NULL, q.date DESC, q.sort_date DESC, q.start_date DESC, q.id, q.idx';

/**
 * Matches that are at least 1/WALK_SHARE of all quotes are read along quotes_newest: the page's first
 * rows come after about WALK_SHARE × count rows, and never after more than all quotes (WALK_SHARE times
 * the matches that leading by a filter would read and sort).
 */
const WALK_SHARE = 8;

/** A name filter keeping at most this many quotes leads without counting the words' matches first. */
const WORDS_UNCOUNTED = 50_000;

type NameKind = 'speaker' | 'organization';

/** One filter as SQL over `quotes q`: how it leads (through its index) and how it checks another's rows. */
interface Condition {
  /** Uses the filter's index. */
  lead: string;
  /** Lets another index lead; the filter is tested on its rows. */
  check: string;
  /** The table and index clause when this filter leads. */
  from: string;
  params: unknown[];
  /** How many quotes it keeps on its own; Infinity when not counted. */
  rows: number;
}

interface QuoteRow {
  incident: number;
  idx: number;
}

/** Quotes matching every filter given; `query` words must each start a word of the quote. */
export function findQuotes(catalog: Catalog, q: QuoteQuery): Page<QuoteHit> {
  const count = clampCount(q.count, 5, 1, 25);
  const speaker = optionalKey(q.speaker);
  const organization = optionalKey(q.organization);
  const incidentId = given(q.incident);
  const words = given(q.query) === undefined ? [] : tokenize(q.query ?? '');
  if (incidentId !== undefined) {
    return quotesOf(getIncident(catalog, incidentId), { speaker, organization, words }, count);
  }

  const conditions: Condition[] = [];
  for (const [kind, key] of [
    ['speaker', speaker],
    ['organization', organization],
  ] as const) {
    if (key === undefined) continue;
    const names = matchingNames(catalog, kind, key);
    if (names.folds.length === 0) return { total: 0, items: [] };
    const column = `q.${kind}_fold`;
    // One JSON parameter, whatever the number of names: one cached statement, no limit on variables.
    const list = '(SELECT value FROM json_each(?))';
    conditions.push({
      lead: `${column} IN ${list}`,
      check: `+${column} IN ${list}`,
      from: `quotes q INDEXED BY quotes_${kind}`,
      params: [JSON.stringify(names.folds)],
      rows: names.quotes,
    });
  }
  if (words.length > 0) {
    const match = words.map((w) => `"${w.replaceAll('"', '""')}" *`).join(' ');
    const narrowest = Math.min(...conditions.map((c) => c.rows));
    // Counting the matches costs about as much as reading them: only when they might lead.
    const rows =
      narrowest <= WORDS_UNCOUNTED
        ? Number.POSITIVE_INFINITY
        : (catalog
            .statement<[string], number>('SELECT count(*) FROM quote_words WHERE quote_words MATCH ?')
            .pluck(true)
            .get(match) as number);
    if (rows === 0) return { total: 0, items: [] };
    // The matching rowids are read once into a temporary index, whether they lead or are checked.
    const inWords = 'q.rowid IN (SELECT rowid FROM quote_words WHERE quote_words MATCH ?)';
    conditions.push({
      lead: inWords,
      check: `+${inWords}`,
      from: 'quotes q NOT INDEXED',
      params: [match],
      rows,
    });
  }

  const all = catalog.total('quotes');
  if (conditions.length === 0) return { total: all, items: hitsOf(catalog, walk(catalog, [], count)) };

  conditions.sort((a, b) => a.rows - b.rows);
  const [leader, ...others] = conditions as [Condition, ...Condition[]];
  const where = [leader.lead, ...others.map((c) => c.check)].join(' AND ');
  const params = [...leader.params, ...others.flatMap((c) => c.params)];
  const lead = (limit: string) =>
    catalog.statement<unknown[], QuoteRow>(
      `SELECT q.incident, q.idx FROM ${leader.from} WHERE ${where} ORDER BY ${QUOTE_ORDER}${limit}`,
    );

  // How many match, were the filters independent: few, and the page will be read through the leader.
  const expected = conditions.reduce((n, c) => n * Math.min(1, c.rows / all), all);
  if (others.length > 0 && expected * WALK_SHARE < all) {
    // Counting reads the leader's rows anyway: one pass counts the matches and keeps the page.
    const items: QuoteRow[] = [];
    let total = 0;
    for (const row of lead('').iterate(...params)) {
      total += 1;
      if (items.length < count) items.push(row);
    }
    return { total, items: hitsOf(catalog, items) };
  }
  // Each filter's own count is exact, so one filter alone needs no counting.
  const total =
    others.length === 0
      ? leader.rows
      : (catalog
          .statement<unknown[], number>(`SELECT count(*) FROM ${leader.from} WHERE ${where}`)
          .pluck(true)
          .get(...params) as number);
  if (total === 0) return { total, items: [] };
  const rows =
    total * WALK_SHARE >= all ? walk(catalog, conditions, count) : lead(' LIMIT ?').all(...params, count);
  return { total, items: hitsOf(catalog, rows) };
}

/** The first `count` quotes in answer order that pass every condition, read along quotes_newest. */
function walk(catalog: Catalog, conditions: readonly Condition[], count: number): QuoteRow[] {
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.map((c) => c.check).join(' AND ')}`;
  return catalog
    .statement<unknown[], QuoteRow>(
      `SELECT q.incident, q.idx FROM quotes q INDEXED BY quotes_newest ${where} ORDER BY ${QUOTE_ORDER} LIMIT ?`,
    )
    .all(...conditions.flatMap((c) => c.params), count);
}

/** The page's quotes, each incident parsed once. */
function hitsOf(catalog: Catalog, rows: readonly QuoteRow[]): QuoteHit[] {
  // Statements are shared through the catalog's cache: pluck(true) sets the mode this code reads.
  const bodyOf = catalog
    .statement<[number], string>('SELECT body FROM incidents WHERE rowid = ?')
    .pluck(true);
  const incidents = new Map<number, Incident>();
  const hits: QuoteHit[] = [];
  for (const { incident: rowid, idx } of rows) {
    let incident = incidents.get(rowid);
    if (incident === undefined) {
      const body = bodyOf.get(rowid) as string | undefined;
      if (body === undefined) continue;
      incident = incidentOf({ body });
      incidents.set(rowid, incident);
    }
    const hit = hitOf(incident, idx);
    if (hit) hits.push(hit);
  }
  return hits;
}

function hitOf(incident: Incident, idx: number): QuoteHit | undefined {
  const quote = incident.quotes[idx];
  if (quote === undefined) return undefined;
  const source = incident.sources.find((s) => s.id === quote.source);
  return { quote, incident, source, date: quote.date ?? source?.published };
}

/** One incident's quotes matching the filters, in answer order (by date, undated last, then file order). */
function quotesOf(
  incident: Incident,
  filters: { speaker: string | undefined; organization: string | undefined; words: readonly string[] },
  count: number,
): Page<QuoteHit> {
  const { speaker, organization, words } = filters;
  const hits = incident.quotes
    .map((_, idx) => hitOf(incident, idx))
    .filter((hit): hit is QuoteHit => {
      if (hit === undefined) return false;
      const { quote } = hit;
      if (speaker !== undefined && !foldKey(quote.speaker).includes(speaker)) return false;
      if (organization !== undefined) {
        if (quote.organization === undefined || !foldKey(quote.organization).includes(organization))
          return false;
      }
      if (words.length === 0) return true;
      const text = ` ${tokenize(quote.text).join(' ')}`;
      return words.every((w) => text.includes(` ${w}`));
    })
    // Array.prototype.sort is stable: equal dates keep file order.
    .sort((a, b) => {
      if (a.date === b.date) return 0;
      if (a.date === undefined) return 1;
      if (b.date === undefined) return -1;
      return a.date < b.date ? 1 : -1;
    });
  return { total: hits.length, items: hits.slice(0, count) };
}

/**
 * Distinct folded speaker and organisation names with their quote counts, from the index's per-name
 * counts: a few thousand names however many quotes, folded once per index version.
 */
const foldedNames = perCatalog((catalog: Catalog): Record<NameKind, Map<string, number>> => {
  const out: Record<NameKind, Map<string, number>> = { speaker: new Map(), organization: new Map() };
  const rows = catalog
    .statement<[], { kind: NameKind; name: string; n: number }>(
      "SELECT kind, name, n FROM names WHERE kind IN ('speaker', 'organization')",
    )
    .all();
  for (const { kind, name, n } of rows) {
    const names = out[kind];
    const folded = foldKey(name);
    names.set(folded, (names.get(folded) ?? 0) + n);
  }
  return out;
});

/** The folded names of `kind` that contain `key`, and how many quotes they have. */
function matchingNames(catalog: Catalog, kind: NameKind, key: string): { folds: string[]; quotes: number } {
  const folds: string[] = [];
  let quotes = 0;
  for (const [folded, n] of foldedNames(catalog)[kind]) {
    if (!folded.includes(key)) continue;
    folds.push(folded);
    quotes += n;
  }
  return { folds, quotes };
}

function optionalKey(value: string | undefined): string | undefined {
  const text = given(value);
  return text === undefined ? undefined : foldKey(text);
}
