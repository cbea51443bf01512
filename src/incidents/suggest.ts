// Autocomplete choices. Countries, speakers and organisations are short lists (a few hundred to a few
// thousand names), built once per index version from the index's count tables: a keystroke is a binary
// search for names that start with the typed text, then (when those are fewer than asked) a trigram
// lookup for names that contain it. Incidents are read from the index per keystroke, by bounded SQL
// queries: ids and titles that start with the text, then titles with words that start with it.
import { perCatalog } from './cache.ts';
import { type Catalog, compareNewestRows, NEWEST_FIRST } from './catalog.ts';
import { countryIndex } from './filters.ts';
import { cutCodePoints, foldKey, tokenize, truncateWords } from './text.ts';
import type { Choice } from './types.ts';

/** Discord's limits: 25 choices, 100 characters for a choice's name and value. */
const MAX_CHOICES = 25;
const MAX_LENGTH = 100;
const SEPARATOR = '\u0001';

interface Entry {
  choice: Choice;
  /** Folded texts the typed text is matched against. */
  keys: string[];
}

/**
 * Which records contain each three-character sequence, as ascending record numbers in one typed array
 * (CSR layout): a substring search reads the shortest list and checks only those records.
 */
class TrigramIndex {
  private readonly lists = new Map<number, { start: number; count: number; last: number }>();
  private readonly postings: Int32Array;

  constructor(records: readonly string[]) {
    let total = 0;
    this.forEachTrigram(records, (code, record) => {
      const list = this.lists.get(code);
      if (list === undefined) this.lists.set(code, { start: 0, count: 1, last: record });
      else if (list.last !== record) {
        list.count += 1;
        list.last = record;
      } else return;
      total += 1;
    });
    this.postings = new Int32Array(total);
    let offset = 0;
    for (const list of this.lists.values()) {
      list.start = offset;
      offset += list.count;
      list.count = 0;
      list.last = -1;
    }
    this.forEachTrigram(records, (code, record) => {
      const list = this.lists.get(code);
      if (list === undefined || list.last === record) return;
      this.postings[list.start + list.count] = record;
      list.count += 1;
      list.last = record;
    });
  }

  /** The records that may contain `text` (length ≥ 3), ascending: the shortest list among its trigrams. */
  candidates(text: string): Int32Array {
    let best: Int32Array | undefined;
    for (let i = 0; i + 2 < text.length; i++) {
      const list = this.lists.get(trigram(text, i));
      if (list === undefined) return new Int32Array(0);
      if (best === undefined || list.count < best.length) {
        best = this.postings.subarray(list.start, list.start + list.count);
      }
    }
    return best ?? new Int32Array(0);
  }

  private forEachTrigram(records: readonly string[], visit: (code: number, record: number) => void): void {
    records.forEach((text, record) => {
      for (let i = 0; i + 2 < text.length; i++) {
        if (text[i] === SEPARATOR || text[i + 1] === SEPARATOR || text[i + 2] === SEPARATOR) continue;
        visit(trigram(text, i), record);
      }
    });
  }
}

/** Three UTF-16 units as one exact number (48 bits). */
function trigram(text: string, at: number): number {
  return text.charCodeAt(at) * 4_294_967_296 + text.charCodeAt(at + 1) * 65_536 + text.charCodeAt(at + 2);
}

class ChoiceIndex {
  private readonly choices: Choice[];
  private readonly sortedKeys: string[] = [];
  private readonly sortedRanks: Int32Array;
  /** Each entry's keys joined by SEPARATOR, by rank. */
  private readonly records: string[];
  private readonly trigrams: TrigramIndex;

  /** `entries` in the order choices are offered when nothing (or nothing better) decides. */
  constructor(entries: readonly Entry[]) {
    this.choices = entries.map((e) => e.choice);
    this.records = entries.map((e) => e.keys.join(SEPARATOR));
    this.trigrams = new TrigramIndex(this.records);
    const pairs: [string, number][] = [];
    entries.forEach((entry, rank) => {
      for (const key of entry.keys) pairs.push([key, rank]);
    });
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    this.sortedRanks = new Int32Array(pairs.length);
    pairs.forEach(([key, rank], i) => {
      this.sortedKeys.push(key);
      this.sortedRanks[i] = rank;
    });
  }

  find(typed: string, limit: number): Choice[] {
    const max = Math.min(MAX_CHOICES, Math.max(0, Math.trunc(limit)));
    const text = foldKey(typed);
    if (text === '' || max === 0) return this.choices.slice(0, max);
    const ranks = this.prefixRanks(text, max);
    if (ranks.length < max) this.addContaining(text, ranks, max);
    return ranks.map((rank) => this.choices[rank] as Choice);
  }

  /** Appends, best first, entries with a key containing `text` that are not in `ranks` yet. */
  private addContaining(text: string, ranks: number[], max: number): void {
    const taken = new Set(ranks);
    const consider = (rank: number) => {
      if (!taken.has(rank) && (this.records[rank] as string).includes(text)) ranks.push(rank);
    };
    if (text.length >= 3) {
      for (const rank of this.trigrams.candidates(text)) {
        consider(rank);
        if (ranks.length >= max) return;
      }
    } else {
      for (let rank = 0; rank < this.records.length && ranks.length < max; rank++) consider(rank);
    }
  }

  /** The best-ranked `max` entries with a key starting with `text`, best first. */
  private prefixRanks(text: string, max: number): number[] {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedKeys[mid] as string) < text) lo = mid + 1;
      else hi = mid;
    }
    const best: number[] = [];
    for (let i = lo; i < this.sortedKeys.length && (this.sortedKeys[i] as string).startsWith(text); i++) {
      const rank = this.sortedRanks[i] as number;
      if (best.length === max && rank >= (best[max - 1] as number)) continue;
      const at = insertionPoint(best, rank);
      if (best[at] === rank) continue;
      best.splice(at, 0, rank);
      if (best.length > max) best.pop();
    }
    return best;
  }
}

function insertionPoint(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const countryChoices = perCatalog(
  (catalog: Catalog) =>
    new ChoiceIndex(
      countryIndex(catalog).countries.map((c) => {
        const value = c.name.length <= MAX_LENGTH ? c.name : (c.iso3 ?? cutCodePoints(c.name, MAX_LENGTH));
        const suffix = ` (${c.count})`;
        const keys = [foldKey(c.name)];
        if (c.iso3 !== undefined) keys.push(c.iso3.toLowerCase());
        return {
          choice: { name: `${truncateWords(c.name, MAX_LENGTH - suffix.length)}${suffix}`, value },
          keys,
        };
      }),
    ),
);

/** How many of the newest quotes decide which of two equally quoted names comes first. */
const RECENT_QUOTES = 5000;

/**
 * Distinct names of one kind from the index's `names` counts, most quotes first, then the most recently
 * quoted (among the newest RECENT_QUOTES quotes; names quoted only before those, alphabetically).
 * Spellings that fold alike are one name, shown as the spelling with the most quotes, then the most recent.
 */
function nameChoices(catalog: Catalog, kind: 'speaker' | 'organization'): ChoiceIndex {
  const rows = catalog
    .statement<[string], { name: string; n: number }>('SELECT name, n FROM names WHERE kind = ?')
    .all(kind);
  const column = kind === 'speaker' ? 'speaker' : 'organization';
  const recent = new Map<string, number>();
  const newest = catalog
    .statement<[number], { name: string | null }>(
      `SELECT ${column} AS name FROM quotes
       ORDER BY (date IS NULL), date DESC, sort_date DESC, start_date DESC, id, idx LIMIT ?`,
    )
    .all(RECENT_QUOTES);
  for (const { name } of newest) if (name !== null && !recent.has(name)) recent.set(name, recent.size);
  // Names fold once each, and sort by their folded keys: thousands of names, compared without folding.
  const named = rows
    .map((row) => ({ ...row, key: foldKey(row.name) }))
    .filter((row) => row.key !== '')
    .sort((a, b) => compareCodeUnits(a.key, b.key) || compareCodeUnits(a.name, b.name));
  const byKey = new Map<
    string,
    { name: string; best: number; bestOrder: number; count: number; order: number }
  >();
  for (const { name, n, key } of named) {
    const order = recent.get(name) ?? Number.POSITIVE_INFINITY;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { name: name.trim(), best: n, bestOrder: order, count: n, order });
      continue;
    }
    seen.count += n;
    seen.order = Math.min(seen.order, order);
    if (n > seen.best || (n === seen.best && order < seen.bestOrder)) {
      seen.name = name.trim();
      seen.best = n;
      seen.bestOrder = order;
    }
  }
  // Keys are in folded order already: a stable sort keeps it among names equal in count and recency.
  const sorted = [...byKey.entries()].sort(
    ([, a], [, b]) => b.count - a.count || (a.order === b.order ? 0 : a.order < b.order ? -1 : 1),
  );
  return new ChoiceIndex(
    sorted.map(([key, n]) => ({
      choice: { name: truncateWords(n.name, MAX_LENGTH), value: cutCodePoints(n.name, MAX_LENGTH) },
      keys: [key],
    })),
  );
}

const speakerChoices = perCatalog((catalog: Catalog) => nameChoices(catalog, 'speaker'));

const organizationChoices = perCatalog((catalog: Catalog) => nameChoices(catalog, 'organization'));

/** Countries with their incident counts, "Syria (2)"; the value is the country's name. */
export function suggestCountries(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return countryChoices(catalog).find(typed, limit);
}

/** Quoted speakers, most quoted first. */
export function suggestSpeakers(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return speakerChoices(catalog).find(typed, limit);
}

/** Organisations of quoted speakers, most quoted first. */
export function suggestOrganizations(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return organizationChoices(catalog).find(typed, limit);
}

/** Builds the short autocomplete lists now, so the first keystroke after a load is as fast as the rest. */
export function warmSuggestions(catalog: Catalog): void {
  countryChoices(catalog);
  speakerChoices(catalog);
  organizationChoices(catalog);
}

// Incidents. Each step reads a bounded number of rows, whatever the index's size: a range of the id or
// title index holding more than RANGE_ROWS incidents is a broad prefix ("a", "2016"), and then the
// newest NEWEST_ROWS incidents are checked too, so the choices are the newest of the matches read; the
// title-word step reads at most WORD_ROWS matches from the FTS index. Below those bounds the choices are
// exactly the newest matches.

/** Rows read from one range of the id or title index. */
const RANGE_ROWS = 100;
/** Newest incidents checked when a prefix is broad. */
const NEWEST_ROWS = 500;
/** Title-word matches read from the FTS index, the most recently indexed first. */
const WORD_ROWS = 100;

interface Candidate {
  r: number;
  sort_date: string;
  start_date: string;
  id: string;
}

/**
 * Incidents by id or title, newest first: "Title — 2016-10-30"; the value is the id. Those whose id or
 * title starts with the typed text come first, then those whose title has words starting with it.
 */
export function suggestIncidents(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  const max = Math.min(MAX_CHOICES, Math.max(0, Math.trunc(limit)));
  if (max === 0) return [];
  const text = foldKey(typed);
  if (text === '') {
    return catalog
      .statement<[number], ChoiceRow>(
        `SELECT id, sort_date, json_extract(body, '$.title') AS title FROM incidents ORDER BY ${NEWEST_FIRST} LIMIT ?`,
      )
      .all(max)
      .map(incidentChoice);
  }
  const chosen = startingWith(catalog, text, max).slice(0, max);
  if (chosen.length < max) {
    const taken = new Set(chosen.map((c) => c.r));
    for (const candidate of withWordsStartingWith(catalog, text)) {
      if (chosen.length >= max) break;
      if (!taken.has(candidate.r)) chosen.push(candidate);
    }
  }
  const select = catalog.statement<[number], ChoiceRow>(
    `SELECT id, sort_date, json_extract(body, '$.title') AS title FROM incidents WHERE rowid = ?`,
  );
  return chosen.flatMap((c) => {
    const row = select.get(c.r);
    return row ? [incidentChoice(row)] : [];
  });
}

interface ChoiceRow {
  id: string;
  sort_date: string;
  title: string;
}

function incidentChoice(row: ChoiceRow): Choice {
  const suffix = ` — ${row.sort_date}`;
  return { name: `${truncateWords(row.title, MAX_LENGTH - suffix.length)}${suffix}`, value: row.id };
}

/** Incidents whose id or folded title starts with `text`, newest first. */
function startingWith(catalog: Catalog, text: string, max: number): Candidate[] {
  const upper = prefixEnd(text);
  const found = new Map<number, Candidate>();
  for (const column of ['id', 'title_fold'] as const) {
    const rows = catalog
      .statement<[string, string, number], Candidate>(
        `SELECT rowid AS r, sort_date, start_date, id FROM incidents WHERE ${column} >= ? AND ${column} < ?
         ORDER BY ${column} DESC LIMIT ?`,
      )
      .all(text, upper, RANGE_ROWS + 1);
    for (const row of rows.slice(0, RANGE_ROWS)) found.set(row.r, row);
    if (rows.length <= RANGE_ROWS) continue;
    // A broad prefix: its newest matches are likely among the newest incidents (for ids, the newest
    // index holds the id, so this reads no incident rows).
    const newest = catalog
      .statement<[number, string, string, number], Candidate>(
        `SELECT r, sort_date, start_date, id FROM (
           SELECT rowid AS r, sort_date, start_date, id${column === 'id' ? '' : ', title_fold'} FROM incidents
           ORDER BY ${NEWEST_FIRST} LIMIT ?
         ) WHERE ${column} >= ? AND ${column} < ? LIMIT ?`,
      )
      .all(NEWEST_ROWS, text, upper, max);
    for (const row of newest) found.set(row.r, row);
  }
  return [...found.values()].sort(compareNewestRows);
}

/**
 * Incidents whose title has the typed words in a row, the last as a word's start ("west alep" →
 * "Shelling of west Aleppo"), newest first, among the WORD_ROWS most recently indexed candidates.
 *
 * FTS5 reads a prefix of two or three letters from its prefix index as it goes, but gathers every word
 * of a longer prefix before it can start. So the candidates are titles with the words as typed (the
 * last as a whole word) or with the last word's first three letters starting a word (the words before
 * a one-letter last word, alone); each candidate's title is then checked for the whole prefix.
 */
function withWordsStartingWith(catalog: Catalog, text: string): Candidate[] {
  const words = tokenize(text);
  const last = words.at(-1);
  if (last === undefined) return [];
  const before = words.slice(0, -1);
  const letters = [...last];
  const phrases: string[] = [];
  if (letters.length > 3) phrases.push(phrase(words));
  if (letters.length >= 2) phrases.push(`${phrase([...before, letters.slice(0, 3).join('')])} *`);
  else if (before.length > 0) phrases.push(phrase(before));
  if (phrases.length === 0) return [];
  const wanted = ` ${words.join(' ')}`;
  const found = catalog
    .statement<[string, number], Candidate & { title_fold: string }>(
      `SELECT i.rowid AS r, i.sort_date, i.start_date, i.id, i.title_fold FROM search
       JOIN incidents i ON i.rowid = search.rowid WHERE search MATCH ? ORDER BY search.rowid DESC LIMIT ?`,
    )
    .all(`{title} : (${phrases.join(' OR ')})`, WORD_ROWS);
  return found
    .filter((row) => ` ${tokenize(row.title_fold).join(' ')}`.includes(wanted))
    .sort(compareNewestRows);
}

/** Words as one FTS5 phrase, quoted so that nothing typed is read as query syntax. */
function phrase(words: readonly string[]): string {
  return `"${words.join(' ').replaceAll('"', '""')}"`;
}

/** The least string above every string that starts with `prefix` (for `column >= prefix AND column < end`). */
function prefixEnd(prefix: string): string {
  const chars = Array.from(prefix, (c) => c.codePointAt(0) as number);
  while (chars.length > 0) {
    const last = chars.pop() as number;
    if (last < 0x10ffff) {
      chars.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...chars);
    }
  }
  return '\u{10ffff}\u{10ffff}';
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
