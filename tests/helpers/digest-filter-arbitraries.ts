// Property-test generators for digest filters: incidents from small vocabularies and filter sets over
// the same words, so that filters often hit and often miss (digest-filters.property, digest-explain).
import fc from 'fast-check';
import type { DatasetName, DigestFilter } from '../../src/digest/filters.ts';
import type { Incident, IncidentInput } from '../../src/incidents/schema.ts';
import {
  EVENT_TYPES,
  type EventType,
  SUB_EVENT_TYPES,
  type SubEventType,
} from '../../src/incidents/taxonomy.ts';
import { makeIncident } from './incidents.ts';

const PLACES = [
  { country: 'Syria', iso3: 'SYR' },
  { country: 'Iraq', iso3: 'IRQ' },
  { country: 'Yemen' },
  { country: "Côte d'Ivoire", iso3: 'CIV' },
];
const ADMIN1 = ['Aleppo', 'Alep', 'Rif Dimashq', 'Rif-Dimashq', 'Ḥalab', 'Idlib', 'Halab Province'];
const ACTORS = [
  'Hezbollah',
  'Syrian Arab Army',
  'Forces armées',
  'Islamic State',
  'Civilians (Syria)',
  'HÉZBOLLAH',
];
const WORDS = [
  'chemical',
  'chemicals',
  'toxic',
  'gas',
  'gasoline',
  'market',
  'the',
  'of',
  'über',
  'uber',
  'hospital',
  'strike',
  'x',
  'xylophone',
];
const CLAIMANTS = ['ACLED', 'UCDP GED 24.1', 'Syrian military', 'Civil defence'];
const SUBS = Object.keys(SUB_EVENT_TYPES) as SubEventType[];
const EVENTS = Object.keys(EVENT_TYPES) as EventType[];

const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));

const figure = fc
  .record({
    best: fc.option(fc.nat(60), { nil: undefined }),
    below: fc.option(fc.nat(20), { nil: undefined }),
    above: fc.option(fc.nat(20), { nil: undefined }),
    text: fc.constantFrom(undefined, 'at least', 'up to', 'scores'),
  })
  .map(({ best, below, above, text }) => {
    const base = best ?? 30;
    const f: { best?: number; low?: number; high?: number; text?: string } = {};
    if (best !== undefined) f.best = best;
    if (below !== undefined) f.low = Math.max(0, base - below);
    if (above !== undefined) f.high = base + above;
    if (text !== undefined) f.text = text === 'scores' ? text : `${text} ${f.best ?? f.low ?? f.high ?? ''}`;
    if (f.best === undefined && f.low === undefined && f.high === undefined && f.text === undefined)
      f.text = 'scores';
    return f;
  });

const claim = fc.record({
  claimant: fc.constantFrom(...CLAIMANTS),
  killed: figure,
  source: fc.constant('src-1'),
});

export const incidentInput = fc.record({
  place: fc.constantFrom(...PLACES),
  admin1: fc.option(fc.constantFrom(...ADMIN1), { nil: undefined }),
  type: fc.oneof(
    fc.constantFrom(...SUBS).map((sub) => ({ event: SUB_EVENT_TYPES[sub].event as EventType, sub })),
    fc.constantFrom(...EVENTS).map((event) => ({ event })),
  ),
  actors: fc.uniqueArray(fc.constantFrom(...ACTORS), { maxLength: 3 }),
  title: sentence,
  summary: sentence,
  quote: fc.option(sentence, { nil: undefined }),
  tags: fc.uniqueArray(fc.constantFrom(...WORDS), { maxLength: 2 }),
  casualties: fc.array(claim, { maxLength: 3 }),
  ids: fc.constantFrom<IncidentInput['external_ids']>(
    undefined,
    { acled: '1' },
    { ucdp: '2' },
    { acled: '3', ucdp: '4' },
  ),
  day: fc.integer({ min: 0, max: 60 }),
  days: fc.integer({ min: 0, max: 3 }),
});

export type Generated = typeof incidentInput extends fc.Arbitrary<infer T> ? T : never;

export function toIncident(g: Generated, i: number): Incident {
  const start = new Date(Date.UTC(2024, 0, 1) + g.day * 86_400_000).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(2024, 0, 1) + (g.day + g.days) * 86_400_000).toISOString().slice(0, 10);
  return makeIncident({
    id: `p-${i}`,
    title: g.title,
    summary: g.summary,
    date: g.days > 0 ? { start, end } : { start },
    location: { ...g.place, ...(g.admin1 === undefined ? {} : { admin1: g.admin1 }), place: 'somewhere' },
    type: g.type,
    actors: g.actors.map((name) => ({ name, side: 'side_a' as const })),
    quotes: g.quote === undefined ? [] : [{ speaker: 'A spokesperson', text: g.quote, source: 'src-1' }],
    tags: g.tags,
    casualties: g.casualties,
    ...(g.ids === undefined ? {} : { external_ids: g.ids }),
  });
}

/** A kind is left out three times in four, so that a few kinds combine and something still passes. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
const some = <T>(values: readonly T[], max = 2) =>
  sometimes(fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: max }));

export const filterArb: fc.Arbitrary<DigestFilter> = fc
  .record({
    countries: some(['Syria', 'irq', 'YEMEN', 'cote d’ivoire', 'Atlantis']),
    types: some(EVENTS),
    subtypes: some(SUBS, 3),
    actors: some(['hezb', 'ARMY', 'armees', 'state', 'syria)', 'zz']),
    keywords: some(['chemical', 'toxic gas', 'hosp', 'Über', 'the market', 'x', 'gas xylo']),
    minDeaths: sometimes(fc.integer({ min: 1, max: 70 })),
    regions: some(['aleppo', 'Rif Dimashq', 'halab', 'HALAB province']),
    datasets: some<DatasetName>(['hand-written', 'acled', 'ucdp']),
  })
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as DigestFilter);
