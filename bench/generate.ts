// Deterministic, realistic incidents for the benchmarks: incident i depends only on the seed and i, so
// the first 1,000 of a 100,000 run are the 1,000 of a 1,000 run, and a seed always gives the same data.
import type { IncidentInput } from '../src/incidents/schema.ts';
import { SUB_EVENT_TYPES, type SubEventType } from '../src/incidents/taxonomy.ts';
import { type Admin1, COUNTRIES, type CountryPlaces, WIRE_OUTLETS } from './places.ts';
import { createRandom, type Random } from './random.ts';
import { type IncidentText, incidentText, type Scene, subEventSpec } from './scenes.ts';
import {
  CLAIM_NOTES,
  CLAIMANTS,
  FIRST_NAMES,
  fill,
  LAST_NAMES,
  ORGANIZATIONS,
  QUOTE_CLOSINGS,
  QUOTE_OPENINGS,
  TAGS,
  WORDED_FIGURES,
} from './words.ts';

type Claim = NonNullable<IncidentInput['casualties']>[number];
type Figure = NonNullable<Claim['killed']>;
type Quote = NonNullable<IncidentInput['quotes']>[number];
type Source = IncidentInput['sources'][number];

const FIRST_DAY = Date.UTC(2012, 0, 1);
const DAYS = 4749; // to 2024-12-31
const DAY_MS = 86_400_000;

/** The sub-event types, weighted roughly as they occur in ACLED's data for active conflicts. */
const SUB_WEIGHTS: readonly (readonly [SubEventType, number])[] = [
  ['armed_clash', 22],
  ['shelling_artillery_missile_attack', 16],
  ['air_drone_strike', 12],
  ['attack', 10],
  ['peaceful_protest', 8],
  ['remote_explosive_landmine_ied', 5],
  ['abduction_forced_disappearance', 3],
  ['violent_demonstration', 3],
  ['protest_with_intervention', 2],
  ['mob_violence', 2],
  ['government_regains_territory', 2],
  ['non_state_actor_overtakes_territory', 2],
  ['arrests', 2],
  ['looting_property_destruction', 1.5],
  ['disrupted_weapons_use', 1.5],
  ['excessive_force_against_protesters', 1],
  ['suicide_bomb', 1],
  ['grenade', 1],
  ['change_to_group_activity', 1],
  ['sexual_violence', 0.7],
  ['agreement', 0.5],
  ['headquarters_or_base_established', 0.5],
  ['non_violent_transfer_of_territory', 0.5],
  ['other', 0.5],
  ['chemical_weapon', 0.3],
];

const COUNTRY_WEIGHTS = COUNTRIES.map((c) => [c, c.weight] as const);

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function slugify(text: string, max = 40): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

interface Speaker {
  speaker: string;
  role?: string;
  organization?: string;
}

/** Each country's quoted people: a few hundred names, the first ones quoted far more often. */
const speakerPools = new Map<string, Speaker[]>();

function speakersOf(seed: number, country: CountryPlaces): Speaker[] {
  const key = `${seed}:${country.iso3}`;
  let pool = speakerPools.get(key);
  if (pool) return pool;
  const rng = createRandom(seed).fork(`speakers:${country.iso3}`);
  const seen = new Set<string>();
  pool = [];
  while (pool.length < 160) {
    const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const [org, roles] = rng.pick(ORGANIZATIONS);
    const admin1 = rng.pick(country.admin1);
    const slots = { country: country.name, admin1: admin1.name, place: rng.pick(admin1.places) };
    pool.push({ speaker: name, role: fill(rng.pick(roles), slots), organization: fill(org, slots) });
  }
  speakerPools.set(key, pool);
  return pool;
}

export interface GenerateOptions {
  seed: number;
  count: number;
}

/** Generates `count` valid incidents; ids are unique (a suffix separates same-day, same-place events). */
export function generateIncidents({ seed, count }: GenerateOptions): IncidentInput[] {
  return [...streamIncidents({ seed, count })];
}

/**
 * The incidents of generateIncidents one at a time: a dataset of 1,000,000 is written without holding
 * them all (only their ids are kept, to keep them unique).
 */
export function* streamIncidents({ seed, count }: GenerateOptions): Generator<IncidentInput> {
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) {
    const incident = generateIncident(seed, i);
    let id = incident.id;
    for (let n = 2; ids.has(id); n++) id = `${incident.id}-${n}`;
    ids.add(id);
    yield id === incident.id ? incident : { ...incident, id };
  }
}

export function generateIncident(seed: number, index: number): IncidentInput {
  const rng = createRandom(seed).fork(`incident:${index}`);
  const country = rng.weighted(COUNTRY_WEIGHTS);
  const admin1 = rng.skewed(country.admin1, 1.5);
  const place = rng.chance(0.9) ? rng.skewed(admin1.places, 1.5) : undefined;
  const sub = rng.weighted(SUB_WEIGHTS);
  const spec = subEventSpec(sub);
  const startMs = FIRST_DAY + Math.floor(rng.next() ** 0.7 * DAYS) * DAY_MS; // more incidents in later years
  const multiDay = rng.chance(0.2);
  const start = isoDay(startMs);
  const end = multiDay ? isoDay(startMs + rng.int(1, 6) * DAY_MS) : undefined;
  const scene: Scene = { rng, country, admin1, place: place ?? admin1.name, start, end };
  const text = incidentText(spec, scene);
  const sources = makeSources(rng, country, end ?? start);
  const sourceIds = sources.map((s) => s.id);
  const lethal = rng.chance(spec.lethal);
  const casualties = lethal ? makeClaims(rng, scene, text.perpetrator, sourceIds) : [];
  const quotes = makeQuotes(rng, seed, scene, text, sources);
  const tags = new Set<string>();
  for (let n = rng.int(0, 3); n > 0; n--) tags.add(rng.pick(TAGS));
  if (rng.chance(0.3)) tags.add(slugify(admin1.name, 50).replace(/-/g, ' '));

  const incident: IncidentInput = {
    id: `${start}-${slugify(place ?? admin1.name, 30)}-${spec.slug}`,
    title: text.title,
    date: {
      start,
      ...(end ? { end } : {}),
      precision: rng.weighted([
        ['day', 90],
        ['week', 6],
        ['month', 4],
      ] as const),
    },
    location: makeLocation(rng, country, admin1, place),
    type: rng.chance(0.95)
      ? { event: SUB_EVENT_TYPES[sub].event, sub }
      : { event: SUB_EVENT_TYPES[sub].event },
    actors: text.actors,
    summary: text.summary,
    casualties,
    quotes,
    sources,
    tags: [...tags],
  };
  if (rng.chance(0.3)) incident.external_ids = { acled: `${country.iso3}${100_000 + index}` };
  return incident;
}

function makeLocation(
  rng: Random,
  country: CountryPlaces,
  admin1: Admin1,
  place: string | undefined,
): IncidentInput['location'] {
  const location: IncidentInput['location'] = {
    country: country.name,
    iso3: country.iso3,
    admin1: admin1.name,
  };
  if (rng.chance(0.8)) location.admin2 = rng.pick(admin1.admin2);
  if (place !== undefined) location.place = place;
  if (rng.chance(0.85)) {
    location.lat = round(admin1.lat + (rng.next() - 0.5) * 0.3, 4);
    location.lon = round(admin1.lon + (rng.next() - 0.5) * 0.3, 4);
    location.precision =
      place === undefined ? 'admin1' : rng.pick(['exact', 'near', 'near', 'admin2'] as const);
  }
  return location;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function makeSources(rng: Random, country: CountryPlaces, lastDay: string): Source[] {
  const count = rng.weighted([
    [1, 50],
    [2, 35],
    [3, 15],
  ] as const);
  const sources: Source[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const [name, affiliation] = rng.chance(0.5) ? rng.pick(country.outlets) : rng.pick(WIRE_OUTLETS);
    if (used.has(name)) continue;
    used.add(name);
    const published = isoDay(Date.parse(lastDay) + rng.int(0, 3) * DAY_MS);
    const id = `${slugify(name, 30)}-${published}`;
    const source: Source = { id, name, published };
    if (affiliation !== undefined) source.affiliation = affiliation;
    if (rng.chance(0.6))
      source.url = `https://news.example.org/${slugify(name, 30)}/${published}/${rng.int(1000, 999_999)}`;
    sources.push(source);
  }
  // A state outlet's report as carried by a wire (the founding example: SANA via Press TV).
  const [first, second] = sources;
  if (first && second && rng.chance(0.3)) first.via = second.id;
  return sources;
}

function figure(rng: Random, scale: number): Figure {
  const best = Math.max(1, Math.floor(rng.next() ** 3 * scale));
  const form = rng.int(0, 9);
  if (form <= 4) return { best };
  if (form <= 6)
    return { low: Math.max(0, best - rng.int(0, best)), best, high: best + rng.int(1, best + 5) };
  const text = fill(rng.pick(WORDED_FIGURES), { n: String(best) });
  return text.includes(String(best)) ? { best, text } : { text };
}

function makeClaims(
  rng: Random,
  scene: Scene,
  perpetrator: string | undefined,
  sourceIds: string[],
): Claim[] {
  const count = rng.weighted([
    [1, 55],
    [2, 30],
    [3, 15],
  ] as const);
  const slots = { country: scene.country.name, admin1: scene.admin1.name, place: scene.place };
  const claimants = new Set<string>();
  const claims: Claim[] = [];
  for (let i = 0; i < count; i++) {
    const claimant =
      perpetrator !== undefined && i === 1 && rng.chance(0.5)
        ? perpetrator
        : fill(rng.pick(CLAIMANTS), slots);
    if (claimants.has(claimant)) continue;
    claimants.add(claimant);
    const claim: Claim = { claimant, source: rng.pick(sourceIds) };
    const kind = rng.int(0, 9);
    if (kind <= 6) claim.killed = figure(rng, 120);
    if (kind >= 4) claim.injured = figure(rng, 300);
    if (rng.chance(0.25)) claim.note = fill(rng.pick(CLAIM_NOTES), { n: String(rng.int(2, 20)) });
    if (rng.chance(0.1) && claim.killed?.best !== undefined) {
      const civilians = rng.int(0, claim.killed.best);
      claim.breakdown = { civilians, unknown: claim.killed.best - civilians };
    }
    if (rng.chance(0.2)) claim.period = { from: scene.start, ...(scene.end ? { to: scene.end } : {}) };
    claims.push(claim);
  }
  return claims;
}

function makeQuotes(
  rng: Random,
  seed: number,
  scene: Scene,
  text: IncidentText,
  sources: readonly Source[],
): Quote[] {
  const count = rng.weighted([
    [0, 45],
    [1, 30],
    [2, 15],
    [3, 10],
  ] as const);
  const quotes: Quote[] = [];
  const pool = speakersOf(seed, scene.country);
  const slots = {
    country: scene.country.name,
    admin1: scene.admin1.name,
    place: scene.place,
    enemy: text.enemy,
    weapons: text.weapons,
    target: text.target,
    agent: text.agent,
  };
  for (let i = 0; i < count; i++) {
    const who: Speaker = rng.chance(0.1)
      ? { speaker: `A resident of ${scene.place}` }
      : rng.skewed(pool, 2.5);
    const n = String(rng.int(3, 90));
    const opening = rng.pick(QUOTE_OPENINGS);
    let said = fill(opening, { ...slots, n });
    const more = rng.pick(QUOTE_OPENINGS);
    if (more !== opening && rng.chance(0.5)) said += ` ${fill(more, { ...slots, n })}`;
    said += ` ${rng.pick(QUOTE_CLOSINGS)}`;
    const source = rng.pick(sources);
    const quote: Quote = { ...who, text: said, source: source.id };
    if (rng.chance(0.4)) quote.date = scene.end ?? scene.start;
    quotes.push(quote);
  }
  return quotes;
}
