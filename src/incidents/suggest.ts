// Autocomplete choices. Each list is built once per catalog; a keystroke is a binary search for names
// that start with the typed text, then (when those are fewer than asked) a trigram lookup for names that
// contain it. Both keep the list's own order: most frequent or newest first.
import { perCatalog } from './cache.ts';
import { type Catalog, incidentSortDate } from './catalog.ts';
import { countryIndex } from './filters.ts';
import { quoteEntries } from './quote-index.ts';
import { cutCodePoints, foldKey, truncateWords } from './text.ts';
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
        const suffix = ` (${c.incidents.length})`;
        const keys = [foldKey(c.name)];
        if (c.iso3 !== undefined) keys.push(c.iso3.toLowerCase());
        return {
          choice: { name: `${truncateWords(c.name, MAX_LENGTH - suffix.length)}${suffix}`, value },
          keys,
        };
      }),
    ),
);

export const incidentChoices = perCatalog(
  (catalog: Catalog) =>
    new ChoiceIndex(
      catalog.incidents.map((incident) => {
        const suffix = ` — ${incidentSortDate(incident)}`;
        return {
          choice: {
            name: `${truncateWords(incident.title, MAX_LENGTH - suffix.length)}${suffix}`,
            value: incident.id,
          },
          keys: [incident.id, foldKey(incident.title)],
        };
      }),
    ),
);

/** Distinct names, most quotes first, then the most recently quoted; spellings that fold alike are one. */
function nameChoices(names: Iterable<string | undefined>): ChoiceIndex {
  const byKey = new Map<string, { name: string; key: string; count: number; order: number }>();
  let order = 0;
  for (const name of names) {
    if (name === undefined) continue;
    const key = foldKey(name);
    const seen = byKey.get(key);
    if (seen) seen.count += 1;
    else byKey.set(key, { name: name.trim(), key, count: 1, order: order++ });
  }
  const sorted = [...byKey.values()].sort((a, b) => b.count - a.count || a.order - b.order);
  return new ChoiceIndex(
    sorted.map((n) => ({
      choice: { name: truncateWords(n.name, MAX_LENGTH), value: cutCodePoints(n.name, MAX_LENGTH) },
      keys: [n.key],
    })),
  );
}

const speakerChoices = perCatalog((catalog: Catalog) =>
  nameChoices(quoteEntries(catalog).map((e) => e.hit.quote.speaker)),
);

const organizationChoices = perCatalog((catalog: Catalog) =>
  nameChoices(quoteEntries(catalog).map((e) => e.hit.quote.organization)),
);

/** Countries with their incident counts, "Syria (2)"; the value is the country's name. */
export function suggestCountries(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return countryChoices(catalog).find(typed, limit);
}

/** Incidents by id or title, newest first: "Title — 2016-10-30"; the value is the id. */
export function suggestIncidents(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return incidentChoices(catalog).find(typed, limit);
}

/** Quoted speakers, most quoted first. */
export function suggestSpeakers(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return speakerChoices(catalog).find(typed, limit);
}

/** Organisations of quoted speakers, most quoted first. */
export function suggestOrganizations(catalog: Catalog, typed: string, limit = MAX_CHOICES): Choice[] {
  return organizationChoices(catalog).find(typed, limit);
}

/** Builds every autocomplete list now, so the first keystroke after a load is as fast as the rest. */
export function warmSuggestions(catalog: Catalog): void {
  countryChoices(catalog);
  incidentChoices(catalog);
  speakerChoices(catalog);
  organizationChoices(catalog);
}
