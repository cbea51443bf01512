// Latency of every query behind a command and of autocomplete: the query alone, the whole handler
// (query + rendering to Discord pages), and the naive linear scan doing the same job.
import { findCommand } from '../commands/index.ts';
import type { CommandContext, OptionValues } from '../commands/types.ts';
import { type Catalog, incidentOf } from '../src/incidents/catalog.ts';
import {
  casualtyClaims,
  datasetStats,
  findQuotes,
  getIncident,
  latest,
  parseSince,
  searchIncidents,
  suggestCountries,
  suggestIncidents,
  suggestSpeakers,
} from '../src/incidents/queries.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { EVENT_TYPE_SLUGS } from '../src/incidents/taxonomy.ts';
import { foldText } from '../src/incidents/text.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import type { InteractionSample } from './interaction.ts';
import { BENCH_NOW, type MemorySample, memorySample } from './load-phase.ts';
import {
  naiveCasualties,
  naiveIncident,
  naiveLatest,
  naiveQuotes,
  naiveSearch,
  naiveStats,
  naiveSuggestCountries,
  naiveSuggestIncidents,
  naiveSuggestSpeakers,
} from './naive.ts';
import { createRandom, type Random } from './random.ts';
import { type Latency, measure, measureAsync } from './stats.ts';
import { TARGETS, WEAPONS } from './words.ts';

/** Which target a query is held to: 2 ms (latest, incident, autocomplete), 20 ms, 50 ms (casualties). */
export type QueryClass = 'instant' | 'search' | 'casualties';

export interface QueryCase {
  name: string;
  class: QueryClass;
  /** The slash command (or its autocomplete) this query answers. */
  command: string;
  query: (i: number) => unknown;
  handler: (i: number) => unknown;
  naive: (i: number) => unknown;
}

export interface QueryResult {
  class: QueryClass;
  command: string;
  query: Latency;
  handler: Latency;
  naive: Latency;
  /** naive p50 / query p50: how many times faster than the obvious implementation. */
  speedup: number;
}

const INPUTS = 200;
/** Incidents read from the index to draw the inputs from. */
const POOL = 2000;

function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4);
}

/**
 * `n` incidents drawn from the index by seeded rowids (deterministic for a given build, and cheap at a
 * million: no `ORDER BY random()` over every body).
 */
export function sampleIncidents(catalog: Catalog, rng: Random, n: number): Incident[] {
  const max = (catalog.statement('SELECT max(rowid) FROM incidents').pluck().get() as number | null) ?? 0;
  const at = catalog.statement<[number], { body: string }>(
    'SELECT body FROM incidents WHERE rowid >= ? ORDER BY rowid LIMIT 1',
  );
  const out: Incident[] = [];
  for (let i = 0; i < n && max > 0; i++) {
    const row = at.get(rng.int(1, max));
    if (row) out.push(incidentOf(row));
  }
  if (out.length === 0) throw new Error('the index holds no incidents');
  return out;
}

/** Words for the search cases: one most incidents contain, and one as few as possible (ideally one). */
export interface SearchWords {
  common: { word: string; incidents: number };
  rare: { word: string; incidents: number; id: string; country: string };
}

/**
 * From the FTS5 vocabulary (one pass over its terms): words of letters only, four or more, that /search
 * takes (it leaves out words like "were"): the one in most incidents, and one in as few as possible.
 */
export function searchWords(catalog: Catalog): SearchWords {
  const KEEP = 20;
  const common: { word: string; incidents: number }[] = [];
  const rare: { word: string; incidents: number }[] = [];
  const keep = (
    list: typeof common,
    entry: (typeof common)[number],
    before: (a: number, b: number) => boolean,
  ) => {
    if (list.length === KEEP && !before(entry.incidents, (list.at(-1) as (typeof common)[number]).incidents))
      return;
    const at = list.findIndex((e) => before(entry.incidents, e.incidents));
    list.splice(at === -1 ? list.length : at, 0, entry);
    if (list.length > KEEP) list.pop();
  };
  const terms = catalog
    .statement<[], { term: string; doc: number }>(
      "SELECT term, doc FROM search_vocab WHERE length(term) >= 4 AND term NOT GLOB '*[^a-z]*'",
    )
    .iterate() as IterableIterator<{ term: string; doc: number }>;
  for (const { term, doc } of terms) {
    keep(common, { word: term, incidents: doc }, (a, b) => a > b);
    keep(rare, { word: term, incidents: doc }, (a, b) => a < b);
  }
  const answers = (word: string) => {
    try {
      return searchIncidents(catalog, { query: word }, BENCH_NOW).items.length > 0;
    } catch {
      return false; // a word /search leaves out
    }
  };
  const commonWord = common.find((c) => answers(c.word));
  const rareWord = rare.find((c) => answers(c.word));
  if (!commonWord || !rareWord) throw new Error('the search index has no word /search answers for');
  const row = catalog
    .statement<[string], { id: string; country: string }>(
      'SELECT i.id, i.country FROM search s JOIN incidents i ON i.rowid = s.rowid WHERE search MATCH ? LIMIT 1',
    )
    .get(`"${rareWord.word}"`);
  if (!row) throw new Error(`no incident has the word "${rareWord.word}"`);
  return { common: commonWord, rare: { ...rareWord, id: row.id, country: row.country } };
}

/** What users type, drawn from the data itself so every size gets hits. */
export function workload(catalog: Catalog, rng: Random) {
  const pool = sampleIncidents(catalog, rng, POOL);
  const sample = Array.from({ length: INPUTS }, () => rng.pick(pool));
  const countryRows = catalog
    .statement<[], { country: string; iso3: string }>(
      'SELECT country, iso3 FROM countries ORDER BY country, iso3',
    )
    .all() as { country: string; iso3: string }[];
  const countries = [...new Set(countryRows.map((r) => r.country))];
  const isos = [...new Set(countryRows.flatMap((r) => (r.iso3 ? [r.iso3] : [])))];
  if (isos.length === 0) isos.push(...countries);
  const quoted = pool.flatMap((i) => i.quotes);
  const speakers = quoted.length > 0 ? quoted.map((q) => q.speaker) : ['nobody'];
  const organizations = quoted.flatMap((q) => (q.organization ? [q.organization] : ['nobody']));
  const places = pool.flatMap((i) => [i.location.place, i.location.admin1].filter((p) => p !== undefined));
  const prefix = (text: string) => foldText(text).slice(0, rng.int(1, Math.min(10, text.length)));
  const typo = (word: string) => {
    const at = rng.int(1, word.length - 2);
    return word.slice(0, at) + word.slice(at + 1);
  };
  const searchQuery = (): string => {
    switch (rng.int(0, 6)) {
      case 0:
        return rng.pick(places);
      case 1:
        return rng.pick(TARGETS).replace(/^an? /, '');
      case 2:
        return `${rng.pick(WEAPONS)} ${rng.pick(places)}`;
      case 3:
        return rng.pick(speakers);
      case 4: {
        const w = rng.pick(
          words(rng.pick(sample).summary)
            .filter((x) => x.length >= 6)
            .concat(['hospital']),
        );
        return typo(w);
      }
      case 5:
        return `${rng.pick(TARGETS).replace(/^an? /, '')} ${rng.pick(['civilians', 'children', 'killed'])}`;
      default:
        return words(rng.pick(sample).title).slice(0, 3).join(' ') || 'shelling';
    }
  };
  const typedIncident = () => {
    const incident = rng.pick(sample);
    switch (rng.int(0, 2)) {
      case 0:
        return prefix(incident.title);
      case 1:
        return incident.id.slice(0, rng.int(4, 14));
      default:
        return rng.pick(words(incident.title).concat(['shel']));
    }
  };
  const n = (make: () => string) => Array.from({ length: INPUTS }, make);
  return {
    ids: sample.map((i) => i.id),
    countries: n(() => (rng.chance(0.2) ? rng.pick(isos) : rng.pick(countries))),
    types: n(() => rng.pick(EVENT_TYPE_SLUGS)),
    since: n(() => rng.pick(['30d', '3m', '1y', '2y', '2020', '2023-06'])),
    typedIncident: n(typedIncident),
    typedCountry: n(() => prefix(rng.chance(0.2) ? rng.pick(isos) : rng.pick(countries))),
    typedSpeaker: n(() => {
      const name = rng.pick(speakers);
      const parts = name.split(' ');
      return rng.chance(0.7) ? prefix(name) : foldText(parts.at(-1) ?? name).slice(0, 5);
    }),
    search: n(searchQuery),
    speakers: n(() => rng.pick(speakers)),
    organizations: n(() => rng.pick(organizations)),
    quoteWords: n(() => rng.pick(['hospital', 'civilians must', 'accountable', 'children', 'investigation'])),
  };
}

/** A few of each input for the interactions on the stand-in (run in another process). */
export function interactionSample(catalog: Catalog, seed: number): InteractionSample {
  const w = workload(catalog, createRandom(seed).fork('interactions'));
  return {
    ids: w.ids.slice(0, 50),
    countries: w.countries.slice(0, 50),
    speakers: w.speakers.slice(0, 50),
    search: w.search.slice(0, 50),
    typedIncident: w.typedIncident.slice(0, 50),
  };
}

/**
 * The cases, each with the query, its handler and the naive scan. The naive scans read every incident
 * into an array once (`catalog.all()`), on their first call: that is the baseline's point, and why
 * runQueries times them last, after the memory figures.
 */
export function queryCases(catalog: Catalog, seed: number, searchWords: SearchWords): QueryCase[] {
  const w = workload(catalog, createRandom(seed).fork('queries'));
  let all: Incident[] | undefined;
  const fileOrder = (): readonly Incident[] => {
    all ??= [...catalog.all()];
    return all;
  };
  const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;
  const context: CommandContext = { catalog, now: BENCH_NOW, version: 'bench', loadedAt: BENCH_NOW };
  const handler = (name: string, options: (i: number) => OptionValues) => (i: number) => {
    const command = findCommand(name);
    if (!command) throw new Error(`no /${name}`);
    const answer = command.execute(options(i), context);
    if (answer instanceof Promise) return answer.then(toDiscordPages);
    return toDiscordPages(answer);
  };
  const complete = (name: string, option: string, typed: (i: number) => string) => (i: number) =>
    findCommand(name)?.autocomplete?.({ name: option, value: typed(i) }, {}, context);
  const since = (i: number) => parseSince(at(w.since, i), BENCH_NOW);

  return [
    {
      name: 'latest',
      class: 'instant',
      command: '/latest',
      query: () => latest(catalog, { count: 5 }, BENCH_NOW),
      handler: handler('latest', () => ({ count: 5 })),
      naive: () => naiveLatest(fileOrder(), { count: 5 }),
    },
    {
      name: 'latest country',
      class: 'instant',
      command: '/latest country',
      query: (i) => latest(catalog, { count: 5, country: at(w.countries, i) }, BENCH_NOW),
      handler: handler('latest', (i) => ({ count: 5, country: at(w.countries, i) })),
      naive: (i) => naiveLatest(fileOrder(), { count: 5, country: at(w.countries, i) }),
    },
    {
      name: 'latest type since',
      class: 'instant',
      command: '/latest type since',
      query: (i) => latest(catalog, { count: 5, type: at(w.types, i), since: at(w.since, i) }, BENCH_NOW),
      handler: handler('latest', (i) => ({ count: 5, type: at(w.types, i), since: at(w.since, i) })),
      naive: (i) => naiveLatest(fileOrder(), { count: 5, type: at(w.types, i), since: since(i) }),
    },
    {
      name: 'incident',
      class: 'instant',
      command: '/incident',
      query: (i) => getIncident(catalog, at(w.ids, i)),
      handler: handler('incident', (i) => ({ id: at(w.ids, i) })),
      naive: (i) => naiveIncident(fileOrder(), at(w.ids, i)),
    },
    {
      name: 'autocomplete incident',
      class: 'instant',
      command: '/incident id:…',
      query: (i) => suggestIncidents(catalog, at(w.typedIncident, i)),
      handler: complete('incident', 'id', (i) => at(w.typedIncident, i)),
      naive: (i) => naiveSuggestIncidents(fileOrder(), at(w.typedIncident, i)),
    },
    {
      name: 'autocomplete country',
      class: 'instant',
      command: '/latest country:…',
      query: (i) => suggestCountries(catalog, at(w.typedCountry, i)),
      handler: complete('latest', 'country', (i) => at(w.typedCountry, i)),
      naive: (i) => naiveSuggestCountries(fileOrder(), at(w.typedCountry, i)),
    },
    {
      name: 'autocomplete speaker',
      class: 'instant',
      command: '/quotes speaker:…',
      query: (i) => suggestSpeakers(catalog, at(w.typedSpeaker, i)),
      handler: complete('quotes', 'speaker', (i) => at(w.typedSpeaker, i)),
      naive: (i) => naiveSuggestSpeakers(fileOrder(), at(w.typedSpeaker, i)),
    },
    {
      name: 'search',
      class: 'search',
      command: '/search',
      query: (i) => searchIncidents(catalog, { query: at(w.search, i) }, BENCH_NOW),
      handler: handler('search', (i) => ({ query: at(w.search, i) })),
      naive: (i) => naiveSearch(fileOrder(), { query: at(w.search, i) }),
    },
    {
      name: 'search country',
      class: 'search',
      command: '/search country',
      query: (i) =>
        searchIncidents(catalog, { query: at(w.search, i), country: at(w.countries, i) }, BENCH_NOW),
      handler: handler('search', (i) => ({ query: at(w.search, i), country: at(w.countries, i) })),
      naive: (i) => naiveSearch(fileOrder(), { query: at(w.search, i), country: at(w.countries, i) }),
    },
    ...(
      [
        ['search common word', searchWords.common.word, undefined],
        ['search common word country', searchWords.common.word, (i: number) => at(w.countries, i)],
        ['search rare word', searchWords.rare.word, undefined],
        ['search rare word country', searchWords.rare.word, () => searchWords.rare.country],
      ] as const
    ).map(([name, word, country]): QueryCase => {
      const q = (i: number) => (country ? { query: word, country: country(i) } : { query: word });
      return {
        name,
        class: 'search',
        command: country ? '/search country' : '/search',
        query: (i) => searchIncidents(catalog, q(i), BENCH_NOW),
        handler: handler('search', q),
        naive: (i) => naiveSearch(fileOrder(), q(i)),
      };
    }),
    {
      name: 'quotes speaker',
      class: 'search',
      command: '/quotes speaker',
      query: (i) => findQuotes(catalog, { speaker: at(w.speakers, i) }),
      handler: handler('quotes', (i) => ({ speaker: at(w.speakers, i) })),
      naive: (i) => naiveQuotes(fileOrder(), { speaker: at(w.speakers, i), count: 5 }),
    },
    {
      name: 'quotes words',
      class: 'search',
      command: '/quotes query organization',
      query: (i) => findQuotes(catalog, { query: at(w.quoteWords, i), organization: at(w.organizations, i) }),
      handler: handler('quotes', (i) => ({
        query: at(w.quoteWords, i),
        organization: at(w.organizations, i),
      })),
      naive: (i) =>
        naiveQuotes(fileOrder(), {
          query: at(w.quoteWords, i),
          organization: at(w.organizations, i),
          count: 5,
        }),
    },
    {
      name: 'casualties country since',
      class: 'casualties',
      command: '/casualties country since',
      query: (i) =>
        casualtyClaims(catalog, { country: at(w.countries, i), since: at(w.since, i) }, BENCH_NOW),
      handler: handler('casualties', (i) => ({ country: at(w.countries, i), since: at(w.since, i) })),
      naive: (i) => naiveCasualties(fileOrder(), { country: at(w.countries, i), since: since(i) }),
    },
    {
      name: 'casualties all',
      class: 'casualties',
      command: '/casualties (no filter)',
      query: () => casualtyClaims(catalog, {}, BENCH_NOW),
      handler: handler('casualties', () => ({})),
      naive: () => naiveCasualties(fileOrder(), {}),
    },
    {
      name: 'about',
      class: 'instant',
      command: '/about',
      query: () => datasetStats(catalog),
      handler: handler('about', () => ({})),
      naive: () => naiveStats(fileOrder()),
    },
  ];
}

export interface QueryRunOptions {
  iterations: number;
  /** Per case and kind; the naive scans at 100k can take a second each. */
  budgetMs: number;
}

export interface QueryRun {
  results: Record<string, QueryResult>;
  /** The process after every query ran (no rendering yet). */
  afterQueries: MemorySample;
  /** After every handler too (rendering, charts): what the bot holds. Both before the naive scans. */
  afterHandlers: MemorySample;
}

export async function runQueries(
  catalog: Catalog,
  seed: number,
  searchWords: SearchWords,
  options: QueryRunOptions,
  progress: (line: string) => void = () => {},
): Promise<QueryRun> {
  const cases = queryCases(catalog, seed, searchWords);
  const opts = { iterations: options.iterations, budgetMs: options.budgetMs };
  const query = new Map<string, Latency>();
  for (const c of cases) {
    progress(`query ${c.name}`);
    query.set(c.name, measure(c.query, opts));
  }
  const afterQueries = memorySample();
  const handler = new Map<string, Latency>();
  for (const c of cases) {
    progress(`handler ${c.name}`);
    // Fewer rounds where one call takes long (every claim of a million incidents, charted): where the
    // query alone takes longer than the budget, one call of the handler, without a warm-up.
    const slow = (query.get(c.name)?.p50 ?? 0) > options.budgetMs;
    const handlerOptions = slow ? { ...opts, warmup: 0, minIterations: 1 } : { ...opts, minIterations: 3 };
    handler.set(c.name, await measureAsync(c.handler, handlerOptions));
  }
  const afterHandlers = memorySample();
  progress('naive scans (every incident read into an array once)');
  const results: Record<string, QueryResult> = {};
  for (const c of cases) {
    const q = query.get(c.name) as Latency;
    const naive = measure(c.naive, { ...opts, warmup: 2, minIterations: 5 });
    results[c.name] = {
      class: c.class,
      command: c.command,
      query: q,
      handler: handler.get(c.name) as Latency,
      naive,
      speedup: naive.p50 / Math.max(q.p50, 1e-6),
    };
  }
  return { results, afterQueries, afterHandlers };
}
