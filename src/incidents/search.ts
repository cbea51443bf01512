// Full-text search over incidents, read from the index's FTS5 table (catalog.ts `search`). Its text is
// folded the way queries are (text.ts tokenize), so case and accents never matter. A query word matches
// as a whole word, as a word's start, or (in longer words) with a typo: the indexed words a typo away
// are found first (see typoForms) and joined to the word in the FTS5 query, which then ranks (bm25) and
// filters (country, date) in SQL. Only the page's incidents are read from the incidents table.
import { UserError } from '../errors.ts';
import { perCatalog } from './cache.ts';
import { type Catalog, incidentOf, SEARCH_FIELDS, searchFieldText } from './catalog.ts';
import { type Country, clampCount, countryCondition, given, resolveCountry, sinceOf } from './filters.ts';
import type { Incident } from './schema.ts';
import { cutCodePoints, tokenize } from './text.ts';
import type { Page, SearchHit, SearchQuery } from './types.ts';

/**
 * bm25 with the fields' weights, in the FTS table's column order (title, summary, quotes, place, actors,
 * tags): a title match counts three times a summary match. bm25 is lower-is-better.
 */
const RANK = 'bm25(search, 3, 1, 1, 1.5, 1.2, 1.5)';

// Words too common to tell incidents apart: a query leaves them out, so "shelling of the market" does
// not match every incident through "of" and "the".
export const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the their this to was were with'.split(
    ' ',
  ),
);

/** At most this many typo forms per word, the most frequent first: enough for a typo, bounded for SQL. */
const MAX_TYPO_FORMS = 20;

/** Typos are forgiven in the first this many words of a query: each costs a few hundred lookups. */
const MAX_TYPO_WORDS = 6;

/**
 * Longer words get no typo forms: each letter adds a hundred lookups, so a pasted run of thousands of
 * letters would cost minutes, and no real word is this long.
 */
const MAX_TYPO_LENGTH = 24;

/** How a query word matches the index. */
interface WordMatch {
  word: string;
  /** Also matches words starting with it. */
  prefix: boolean;
  /** Indexed words within the allowed edits of it (those starting with it are covered by `prefix`). */
  typos: string[];
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
  const kept = [...new Set(words.filter((w) => !STOP_WORDS.has(w)))];
  if (kept.length === 0) {
    throw new UserError(
      `"${cutCodePoints(text, 60)}" is too common to search for: add a name, a place or a word.`,
    );
  }
  const count = clampCount(q.count, 5, 1, 10);
  const countryText = given(q.country);
  const country = countryText === undefined ? undefined : resolveCountry(catalog, countryText);
  const since = sinceOf(q.since, now);

  const matches = kept.map((word, i) =>
    wordMatch(catalog, word, {
      prefixFrom: 2,
      typos: (n) => (i >= MAX_TYPO_WORDS ? 0 : n >= 10 ? 2 : n >= 5 ? 1 : 0),
    }),
  );
  const source = matchSource(country, since);
  const ranked = (expression: string) => rankedMatches(catalog, source, expression, count);

  let expression = matches.map(wordExpression).join(' AND ');
  let top = ranked(expression);
  if (top.length === 0 && matches.length > 1) {
    expression = matches.map(wordExpression).join(' OR ');
    top = ranked(expression);
  }
  const total =
    top.length < count
      ? top.length
      : (catalog
          .statement<unknown[], number>(`SELECT count(*) FROM search WHERE ${source.where}`)
          .pluck()
          .get(expression, ...source.params) as number);
  const body = catalog.statement<[number], { body: string }>('SELECT body FROM incidents WHERE rowid = ?');
  const items = top.flatMap(({ r, score }) => {
    const row = body.get(r);
    if (!row) return [];
    const incident = incidentOf(row);
    return [{ incident, score: -score, fields: matchedFields(incident, matches) }];
  });
  return { total, items };
}

/** Which rows of the FTS table a search reads: WHERE (MATCH first, then the filters' parameters). */
interface MatchSource {
  where: string;
  params: unknown[];
}

/**
 * The SQL that reads the matches with the country and date filters. Only the FTS index is read for
 * each match, and the incidents table for the page alone: its rows are large, and reading one per match
 * would make a common word slow on a large index. The filter is read once, from its index, as the set
 * of incidents each match is checked against (`+` keeps SQLite from turning the check into one FTS
 * query per incident, which would set up every prefix and typo form again for each).
 */
function matchSource(country: Country | undefined, since: string | undefined): MatchSource {
  const where: string[] = [];
  const params: unknown[] = [];
  if (country !== undefined) {
    const c = countryCondition(country);
    where.push(c.sql);
    params.push(...c.params);
  }
  if (since !== undefined) {
    where.push('sort_date >= ?');
    params.push(since);
  }
  if (where.length === 0) return { where: 'search MATCH ?', params };
  return {
    where: `search MATCH ? AND +search.rowid IN (SELECT rowid FROM incidents WHERE ${where.join(' AND ')})`,
    params,
  };
}

/** Matches fetched beyond the page, so that ties in score at its end are seen in one query. */
const TIE_ROOM = 20;

interface Ranked {
  r: number;
  /** bm25: lower is better. */
  score: number;
}

/**
 * The best `count` matches of `expression`, by bm25 and then newest first. Ranking reads the FTS index
 * alone; the dates that break ties are read for the page and the matches tied with its last.
 */
function rankedMatches(catalog: Catalog, source: MatchSource, expression: string, count: number): Ranked[] {
  // `score`, not `rank`: that name is FTS5's own column, which would sort by FTS5's default ranking.
  const select = `SELECT rowid AS r, ${RANK} AS score FROM search WHERE ${source.where}`;
  let rows = catalog
    .statement<unknown[], Ranked>(`${select} ORDER BY score LIMIT ?`)
    .all(expression, ...source.params, count + TIE_ROOM);
  const last = rows[count - 1]?.score;
  if (last !== undefined) {
    if (rows.length === count + TIE_ROOM && rows.at(-1)?.score === last) {
      // More ties than fetched: all of them.
      rows = catalog
        .statement<unknown[], Ranked>(`SELECT * FROM (${select}) WHERE score <= ?`)
        .all(expression, ...source.params, last);
    }
    rows = rows.filter((row) => row.score <= last);
  }
  const keys = catalog.statement<[number], { sort_date: string; start_date: string; id: string }>(
    'SELECT sort_date, start_date, id FROM incidents WHERE rowid = ?',
  );
  return rows
    .flatMap((row) => {
      const key = keys.get(row.r);
      return key ? [{ ...row, ...key }] : [];
    })
    .sort(
      (a, b) =>
        a.score - b.score ||
        (a.sort_date !== b.sort_date ? (a.sort_date < b.sort_date ? 1 : -1) : 0) ||
        (a.start_date !== b.start_date ? (a.start_date < b.start_date ? 1 : -1) : 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, count)
    .map(({ r, score }) => ({ r, score }));
}

/** The fields of `incident` holding a word that one of `matches` matches, in SEARCH_FIELDS order. */
function matchedFields(incident: Incident, matches: readonly WordMatch[]): string[] {
  const typos = new Set(matches.flatMap((m) => m.typos));
  const hits = (token: string) =>
    typos.has(token) || matches.some((m) => token === m.word || (m.prefix && token.startsWith(m.word)));
  return SEARCH_FIELDS.filter((field) => tokenize(searchFieldText(incident, field)).some(hits));
}

/**
 * Incidents whose title shares words with `input` (typed text or a mistyped id), best match first: any
 * word, as a word, a word's start (from three letters) or with typos (from four).
 */
export function incidentsWithTitleLike(catalog: Catalog, input: string, limit: number): Incident[] {
  const words = [...new Set(tokenize(input).filter((w) => !STOP_WORDS.has(w)))];
  if (words.length === 0 || limit <= 0) return [];
  const matches = words.map((word, i) =>
    wordMatch(catalog, word, {
      prefixFrom: 3,
      typos: (n) => (i >= MAX_TYPO_WORDS || n < 4 ? 0 : Math.min(2, Math.round(n / 4))),
    }),
  );
  const expression = `{title} : (${matches.map(wordExpression).join(' OR ')})`;
  const source = { where: 'search MATCH ?', params: [] };
  const body = catalog.statement<[number], { body: string }>('SELECT body FROM incidents WHERE rowid = ?');
  return rankedMatches(catalog, source, expression, limit).flatMap(({ r }) => {
    const row = body.get(r);
    return row ? [incidentOf(row)] : [];
  });
}

function wordMatch(
  catalog: Catalog,
  word: string,
  rules: { prefixFrom: number; typos: (length: number) => number },
): WordMatch {
  const length = [...word].length;
  const edits = length > MAX_TYPO_LENGTH ? 0 : rules.typos(length);
  return {
    word,
    prefix: length >= rules.prefixFrom,
    typos: edits > 0 ? typoForms(catalog, word, edits) : [],
  };
}

/** `"word" *` or `"word"`, OR its typo forms: every term quoted, so no typed text is read as syntax. */
function wordExpression(match: WordMatch): string {
  const terms = [
    match.prefix ? `${quoteTerm(match.word)} *` : quoteTerm(match.word),
    ...match.typos.map(quoteTerm),
  ];
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
}

function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Typo forms already looked up, per index version: a repeated query skips the lookups. */
const knownTypos = perCatalog(() => new Map<string, string[]>());

/**
 * Indexed words within `edits` edits (insert, delete or replace a letter) of `word` that do not start
 * with it, most frequent first, at most MAX_TYPO_FORMS.
 *
 * The index's vocabulary can only be read in ranges, and reading a range counts every incident of every
 * word in it (fts5vocab), so a wide range is slow on a large index. Instead, every form one edit away
 * is written out (deletions, and replacements and insertions from the word's alphabet: see alphabetOf)
 * and looked up; a few hundred lookups, each a seek in the FTS index. The second edit of a long word is
 * looked for in the narrow range of words sharing its first four letters.
 */
function typoForms(catalog: Catalog, word: string, edits: number): string[] {
  const key = `${edits}:${word}`;
  const known = knownTypos(catalog);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const chars = Array.from(word);
  const found = new Map<string, number | undefined>();
  const exists = catalog
    .statement<[string], number>('SELECT rowid FROM search WHERE search MATCH ? LIMIT 1')
    .pluck();
  for (const form of oneEditForms(chars, alphabetOf(chars))) {
    if (!form.startsWith(word) && exists.get(quoteTerm(form)) !== undefined) found.set(form, undefined);
  }
  if (edits >= 2 && chars.length > TWO_EDIT_HEAD) {
    const head = chars.slice(0, TWO_EDIT_HEAD).join('');
    const codes = codePoints(word);
    const rows = catalog
      .statement<[string, string, number, number], { term: string; doc: number }>(
        'SELECT term, doc FROM search_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?',
      )
      .all(head, prefixEnd(head), chars.length - edits, chars.length + edits);
    for (const { term, doc } of rows) {
      if (!term.startsWith(word) && withinEdits(codes, codePoints(term), edits)) found.set(term, doc);
    }
  }
  let forms = [...found.keys()];
  if (forms.length > MAX_TYPO_FORMS) {
    const docs = catalog.statement<[string], number>('SELECT doc FROM search_vocab WHERE term = ?').pluck();
    const count = (term: string) => found.get(term) ?? (docs.get(term) as number | undefined) ?? 0;
    const counted = new Map(forms.map((term) => [term, count(term)]));
    forms = forms
      .sort((a, b) => (counted.get(b) as number) - (counted.get(a) as number) || (a < b ? -1 : 1))
      .slice(0, MAX_TYPO_FORMS);
  }
  if (known.size >= 1000) known.clear();
  known.set(key, forms);
  return forms;
}

/** A long word's second typo is looked for among words sharing this many first letters with it. */
const TWO_EDIT_HEAD = 4;

/** Every string one deletion, replacement (from `alphabet`) or insertion (from `alphabet`) from `chars`. */
function oneEditForms(chars: readonly string[], alphabet: readonly string[]): Set<string> {
  const forms = new Set<string>();
  for (let i = 0; i <= chars.length; i++) {
    const before = chars.slice(0, i).join('');
    const after = chars.slice(i).join('');
    const rest = chars.slice(i + 1).join('');
    if (i < chars.length) forms.add(before + rest);
    for (const letter of alphabet) {
      forms.add(before + letter + after);
      if (i < chars.length && letter !== chars[i]) forms.add(before + letter + rest);
    }
  }
  forms.delete(chars.join(''));
  return forms;
}

const LATIN_ALPHABET = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

/**
 * The letters a typo in `chars` may have put in or replaced: a–z and 0–9, the word's own letters, and
 * for a letter of another script the letters of its Unicode block (128 code points) as the index folds
 * them, when there are not too many of them (Arabic, Cyrillic, Greek, Hebrew; not CJK).
 */
function alphabetOf(chars: readonly string[]): string[] {
  const letters = new Set(LATIN_ALPHABET);
  for (const char of chars) {
    letters.add(char);
    const code = char.codePointAt(0) as number;
    if (code >= 0x80) for (const letter of blockLetters(code - (code % 128))) letters.add(letter);
  }
  return [...letters];
}

const blocks = new Map<number, string[]>();
const LETTER = /^[\p{L}\p{N}]$/u;

function blockLetters(start: number): string[] {
  let letters = blocks.get(start);
  if (letters === undefined) {
    letters = [];
    for (let code = start; code < start + 128; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      if (LETTER.test(char) && tokenize(char).join('') === char) letters.push(char);
    }
    if (letters.length > 96) letters = [];
    blocks.set(start, letters);
  }
  return letters;
}

/** The least string above every string that starts with `prefix` (for `term >= prefix AND term < end`). */
function prefixEnd(prefix: string): string {
  const codes = codePoints(prefix);
  while (codes.length > 0) {
    const last = codes.pop() as number;
    if (last < 0x10ffff) {
      codes.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...codes);
    }
  }
  return '\u{10ffff}\u{10ffff}';
}

function codePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0) as number);
}

/** Whether the Levenshtein distance between `a` and `b` is at most `max` (banded, stops early). */
export function withinEdits(a: readonly number[], b: readonly number[], max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(max + 1);
    current[0] = i;
    let best = current[0];
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return false;
    previous = current;
  }
  return (previous[b.length] as number) <= max;
}
