// Latency of every query behind a command and of autocomplete: the query alone, the whole handler
// (query + rendering to Discord pages), and the naive linear scan doing the same job.
import { findCommand } from '../commands/index.ts';
import type { CommandContext, OptionValues } from '../commands/types.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
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
import { BENCH_NOW } from './load-phase.ts';
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

function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4);
}

/** What users type, drawn from the data itself so every size gets hits. */
export function workload(catalog: Catalog, rng: Random) {
  const incidents = catalog.incidents;
  const some = (n: number) => Array.from({ length: n }, () => rng.pick(incidents));
  const sample = some(INPUTS);
  const countries = [...new Set(incidents.map((i) => i.location.country))];
  const isos = [...new Set(incidents.flatMap((i) => (i.location.iso3 ? [i.location.iso3] : [])))];
  const quoted = incidents.flatMap((i) => i.quotes);
  const speakers = quoted.length > 0 ? quoted.map((q) => q.speaker) : ['nobody'];
  const organizations = quoted.flatMap((q) => (q.organization ? [q.organization] : ['nobody']));
  const places = incidents.flatMap((i) =>
    [i.location.place, i.location.admin1].filter((p) => p !== undefined),
  );
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

export function queryCases(catalog: Catalog, seed: number): QueryCase[] {
  const w = workload(catalog, createRandom(seed).fork('queries'));
  const fileOrder: readonly Incident[] = [...catalog.byId.values()].map((e) => e.incident);
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
      naive: () => naiveLatest(fileOrder, { count: 5 }),
    },
    {
      name: 'latest country',
      class: 'instant',
      command: '/latest country',
      query: (i) => latest(catalog, { count: 5, country: at(w.countries, i) }, BENCH_NOW),
      handler: handler('latest', (i) => ({ count: 5, country: at(w.countries, i) })),
      naive: (i) => naiveLatest(fileOrder, { count: 5, country: at(w.countries, i) }),
    },
    {
      name: 'latest type since',
      class: 'instant',
      command: '/latest type since',
      query: (i) => latest(catalog, { count: 5, type: at(w.types, i), since: at(w.since, i) }, BENCH_NOW),
      handler: handler('latest', (i) => ({ count: 5, type: at(w.types, i), since: at(w.since, i) })),
      naive: (i) => naiveLatest(fileOrder, { count: 5, type: at(w.types, i), since: since(i) }),
    },
    {
      name: 'incident',
      class: 'instant',
      command: '/incident',
      query: (i) => getIncident(catalog, at(w.ids, i)),
      handler: handler('incident', (i) => ({ id: at(w.ids, i) })),
      naive: (i) => naiveIncident(fileOrder, at(w.ids, i)),
    },
    {
      name: 'autocomplete incident',
      class: 'instant',
      command: '/incident id:…',
      query: (i) => suggestIncidents(catalog, at(w.typedIncident, i)),
      handler: complete('incident', 'id', (i) => at(w.typedIncident, i)),
      naive: (i) => naiveSuggestIncidents(fileOrder, at(w.typedIncident, i)),
    },
    {
      name: 'autocomplete country',
      class: 'instant',
      command: '/latest country:…',
      query: (i) => suggestCountries(catalog, at(w.typedCountry, i)),
      handler: complete('latest', 'country', (i) => at(w.typedCountry, i)),
      naive: (i) => naiveSuggestCountries(fileOrder, at(w.typedCountry, i)),
    },
    {
      name: 'autocomplete speaker',
      class: 'instant',
      command: '/quotes speaker:…',
      query: (i) => suggestSpeakers(catalog, at(w.typedSpeaker, i)),
      handler: complete('quotes', 'speaker', (i) => at(w.typedSpeaker, i)),
      naive: (i) => naiveSuggestSpeakers(fileOrder, at(w.typedSpeaker, i)),
    },
    {
      name: 'search',
      class: 'search',
      command: '/search',
      query: (i) => searchIncidents(catalog, { query: at(w.search, i) }, BENCH_NOW),
      handler: handler('search', (i) => ({ query: at(w.search, i) })),
      naive: (i) => naiveSearch(fileOrder, { query: at(w.search, i) }),
    },
    {
      name: 'search country',
      class: 'search',
      command: '/search country',
      query: (i) =>
        searchIncidents(catalog, { query: at(w.search, i), country: at(w.countries, i) }, BENCH_NOW),
      handler: handler('search', (i) => ({ query: at(w.search, i), country: at(w.countries, i) })),
      naive: (i) => naiveSearch(fileOrder, { query: at(w.search, i), country: at(w.countries, i) }),
    },
    {
      name: 'quotes speaker',
      class: 'search',
      command: '/quotes speaker',
      query: (i) => findQuotes(catalog, { speaker: at(w.speakers, i) }),
      handler: handler('quotes', (i) => ({ speaker: at(w.speakers, i) })),
      naive: (i) => naiveQuotes(fileOrder, { speaker: at(w.speakers, i), count: 5 }),
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
        naiveQuotes(fileOrder, {
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
      naive: (i) => naiveCasualties(fileOrder, { country: at(w.countries, i), since: since(i) }),
    },
    {
      name: 'casualties all',
      class: 'casualties',
      command: '/casualties (no filter)',
      query: () => casualtyClaims(catalog, {}, BENCH_NOW),
      handler: handler('casualties', () => ({})),
      naive: () => naiveCasualties(fileOrder, {}),
    },
    {
      name: 'about',
      class: 'instant',
      command: '/about',
      query: () => datasetStats(catalog),
      handler: handler('about', () => ({})),
      naive: () => naiveStats(fileOrder),
    },
  ];
}

export interface QueryRunOptions {
  iterations: number;
  /** Per case and kind; the naive scans at 100k can take a second each. */
  budgetMs: number;
}

export async function runQueries(
  catalog: Catalog,
  seed: number,
  options: QueryRunOptions,
  progress: (line: string) => void = () => {},
): Promise<Record<string, QueryResult>> {
  const out: Record<string, QueryResult> = {};
  for (const c of queryCases(catalog, seed)) {
    progress(`query ${c.name}`);
    const opts = { iterations: options.iterations, budgetMs: options.budgetMs };
    const query = measure(c.query, opts);
    // Fewer rounds where one call takes seconds (every claim of 100k incidents, charted).
    const handler = await measureAsync(c.handler, { ...opts, minIterations: 3 });
    const naive = measure(c.naive, { ...opts, warmup: 2, minIterations: 5 });
    out[c.name] = {
      class: c.class,
      command: c.command,
      query,
      handler,
      naive,
      speedup: naive.p50 / Math.max(query.p50, 1e-6),
    };
  }
  return out;
}
