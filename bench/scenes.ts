// What happened, in words: per ACLED sub-event type, who the actors are, a title and a neutral summary.
import type { IncidentInput } from '../src/incidents/schema.ts';
import type { SubEventType } from '../src/incidents/taxonomy.ts';
import type { Admin1, CountryPlaces } from './places.ts';
import type { Random } from './random.ts';
import {
  CASUALTY_SENTENCES,
  CHEMICAL_AGENTS,
  CONTEXT_SENTENCES,
  fill,
  GRIEVANCES,
  TARGETS,
  WEAPONS,
} from './words.ts';

type Actor = NonNullable<IncidentInput['actors']>[number];
type Sides = 'clash' | 'attack' | 'protest' | 'riot' | 'strategic';

export interface Scene {
  rng: Random;
  country: CountryPlaces;
  admin1: Admin1;
  /** The town, or the division when no town is known. */
  place: string;
  start: string;
  end: string | undefined;
}

export interface SubEventSpec {
  /** The id's last part. */
  slug: string;
  /** How likely casualty claims are. */
  lethal: number;
  sides: Sides;
  titles: readonly string[];
  what: readonly string[];
}

const spec = (
  slug: string,
  lethal: number,
  sides: Sides,
  titles: readonly string[],
  what: readonly string[],
): SubEventSpec => ({ slug, lethal, sides, titles, what });

const SPECS: Record<SubEventType, SubEventSpec> = {
  armed_clash: spec(
    'clashes',
    0.75,
    'clash',
    ['Clashes between {A} and {B} near {place}', 'Fighting in {place}, {admin1}', 'Armed clash near {place}'],
    [
      '{A} and {B} clashed in and around {place}, {admin1}, using {weapons}.',
      'Fighting between {A} and {B} was reported on the outskirts of {place} in {admin1}.',
      '{A} attacked positions of {B} near {place}; the fighting lasted several hours.',
    ],
  ),
  government_regains_territory: spec(
    'retaken',
    0.4,
    'clash',
    ['{A} retake {place}', 'Government forces regain control of {place}'],
    ['{A} regained control of {place} in {admin1} from {B} after several days of fighting.'],
  ),
  non_state_actor_overtakes_territory: spec(
    'captured',
    0.5,
    'clash',
    ['{A} take control of {place}', 'Capture of {place} by {A}'],
    ['{A} took control of {place} in {admin1} after {B} withdrew from the town.'],
  ),
  chemical_weapon: spec(
    'chemical-attack',
    0.9,
    'attack',
    ['Alleged {agent} attack on {place}', 'Reported use of {agent} in {place}, {admin1}'],
    [
      'Shells reportedly containing {agent} struck {target} in {place}, {admin1}; {A} was accused of the attack.',
    ],
  ),
  air_drone_strike: spec(
    'air-strike',
    0.8,
    'attack',
    ['Air strike on {target} in {place}', 'Drone strike in {place}, {admin1}', 'Air strikes on {place}'],
    [
      'Aircraft struck {target} in {place}, {admin1}; {A} was reported to be responsible.',
      'A drone operated by {A} hit {target} in {place} in {admin1}.',
      'Several air strikes hit {place}, {admin1}, including {target}.',
    ],
  ),
  suicide_bomb: spec(
    'suicide-bombing',
    0.95,
    'attack',
    ['Suicide bombing at {target} in {place}', 'Suicide attack in {place}'],
    ['A suicide bomber detonated explosives at {target} in {place}, {admin1}; {A} claimed the attack.'],
  ),
  shelling_artillery_missile_attack: spec(
    'shelling',
    0.75,
    'attack',
    ['Shelling of {target} in {place}', 'Shelling of {place}, {admin1}', 'Missile strike on {place}'],
    [
      '{A} shelled {target} in {place}, {admin1}, with {weapons}.',
      '{weapons} fired by {A} hit {target} and nearby houses in {place}.',
      'A missile struck {target} in {place}, {admin1}; {A} was blamed for the strike.',
    ],
  ),
  remote_explosive_landmine_ied: spec(
    'explosion',
    0.8,
    'attack',
    ['Roadside bomb near {place}', 'Explosion at {target} in {place}', 'Landmine blast near {place}'],
    [
      'An improvised explosive device went off near {target} in {place}, {admin1}.',
      'A vehicle hit a landmine on a road outside {place} in {admin1}.',
    ],
  ),
  grenade: spec(
    'grenade',
    0.7,
    'attack',
    ['Grenade attack in {place}'],
    ['A grenade was thrown at {target} in {place}, {admin1}.'],
  ),
  sexual_violence: spec(
    'sexual-violence',
    0.3,
    'attack',
    ['Reports of sexual violence in {place}'],
    ['Women in {place}, {admin1}, reported sexual violence by {A} during a raid on the town.'],
  ),
  attack: spec(
    'attack-on-civilians',
    0.85,
    'attack',
    ['Attack on civilians in {place}', 'Killing of civilians near {place}', 'Raid on {place}, {admin1}'],
    [
      '{A} attacked civilians in {place}, {admin1}, and set fire to several houses.',
      'Gunmen identified as {A} opened fire on civilians near {target} in {place}.',
    ],
  ),
  abduction_forced_disappearance: spec(
    'abduction',
    0.2,
    'attack',
    ['Abduction of civilians near {place}', 'Disappearance of residents of {place}'],
    ['{A} abducted {n} civilians on a road near {place}, {admin1}.'],
  ),
  peaceful_protest: spec(
    'protest',
    0.02,
    'protest',
    ['Protest against {grievance} in {place}', 'Demonstration in {place}, {admin1}'],
    ['Several hundred residents of {place} protested peacefully against {grievance}.'],
  ),
  protest_with_intervention: spec(
    'protest-dispersed',
    0.2,
    'protest',
    ['Protest dispersed in {place}'],
    ['Security forces dispersed a protest against {grievance} in {place}, {admin1}, and made arrests.'],
  ),
  excessive_force_against_protesters: spec(
    'protesters-shot',
    0.9,
    'protest',
    ['Security forces fire on protesters in {place}'],
    ['Security forces opened fire on protesters demonstrating against {grievance} in {place}, {admin1}.'],
  ),
  violent_demonstration: spec(
    'riot',
    0.3,
    'riot',
    ['Violent demonstration in {place}'],
    ['Demonstrators set fire to tyres and {target} in {place} during protests against {grievance}.'],
  ),
  mob_violence: spec(
    'mob-violence',
    0.5,
    'riot',
    ['Mob violence in {place}'],
    ['A mob attacked {target} in {place}, {admin1}, after rumours spread in the town.'],
  ),
  agreement: spec(
    'agreement',
    0,
    'strategic',
    ['Local truce agreed for {place}', 'Agreement between {A} and {B} on {place}'],
    ['{A} and {B} agreed to a local ceasefire covering {place} and the surrounding villages.'],
  ),
  arrests: spec(
    'arrests',
    0,
    'strategic',
    ['Arrests in {place}'],
    ['{A} arrested {n} people in {place}, {admin1}, accusing them of links with {B}.'],
  ),
  change_to_group_activity: spec(
    'group-change',
    0,
    'strategic',
    ['{A} announce changes in {admin1}'],
    ['{A} announced the withdrawal of units from {place} and their redeployment elsewhere in {admin1}.'],
  ),
  disrupted_weapons_use: spec(
    'device-defused',
    0,
    'strategic',
    ['Explosive device defused in {place}'],
    ['{A} defused an explosive device placed near {target} in {place}, {admin1}.'],
  ),
  headquarters_or_base_established: spec(
    'base-established',
    0,
    'strategic',
    ['{A} establish a base near {place}'],
    ['{A} established a new base on the outskirts of {place} in {admin1}.'],
  ),
  looting_property_destruction: spec(
    'looting',
    0,
    'strategic',
    ['Looting in {place}'],
    ['{A} looted shops and homes in {place}, {admin1}, after taking the town.'],
  ),
  non_violent_transfer_of_territory: spec(
    'handover',
    0,
    'strategic',
    ['Handover of {place} to {A}'],
    ['{B} handed over positions in {place} to {A} without fighting.'],
  ),
  other: spec(
    'incident',
    0.1,
    'strategic',
    ['Incident in {place}, {admin1}'],
    ['An incident involving {A} was reported in {place}, {admin1}.'],
  ),
};

export function subEventSpec(sub: SubEventType): SubEventSpec {
  return SPECS[sub];
}

export interface IncidentText {
  title: string;
  summary: string;
  actors: Actor[];
  /** The party a claim may come from (the attacker or the first side). */
  perpetrator: string | undefined;
  /** The other side, as a quoted party would call it. */
  enemy: string;
  weapons: string;
  target: string;
  agent: string;
}

export function incidentText(s: SubEventSpec, scene: Scene): IncidentText {
  const { rng, country } = scene;
  const armed = [country.state, ...country.groups];
  const a = rng.pick(armed);
  let b = rng.pick(armed);
  if (b === a) b = armed.find((x) => x !== a) ?? `Unidentified armed group (${country.name})`;
  const civilians = `Civilians (${country.name})`;
  const police = `Police Forces of ${country.name}`;
  let actors: Actor[];
  let A = a;
  let B = b;
  switch (s.sides) {
    case 'clash':
      actors = [
        { name: a, side: 'side_a' },
        { name: b, side: 'side_b' },
      ];
      break;
    case 'attack':
      actors = [
        { name: a, side: 'perpetrator', ...(rng.chance(0.25) ? { alleged: true } : {}) },
        { name: rng.chance(0.8) ? civilians : b, side: 'target' },
      ];
      break;
    case 'protest':
      A = `Protesters (${country.name})`;
      B = police;
      actors =
        s.slug === 'protest'
          ? [{ name: A, side: 'side_a' }]
          : [
              { name: A, side: 'side_a' },
              { name: B, side: 'side_b' },
            ];
      break;
    case 'riot':
      A = `Rioters (${country.name})`;
      B = police;
      actors = [
        { name: A, side: 'side_a' },
        ...(rng.chance(0.5) ? [{ name: B, side: 'side_b' as const }] : []),
      ];
      break;
    default:
      actors = [
        { name: a, side: 'other' },
        ...(rng.chance(0.5) ? [{ name: b, side: 'other' as const }] : []),
      ];
  }
  const slots = {
    A,
    B,
    place: scene.place,
    // "Strike on Saada, Saada" reads badly: name the country when the town is the division.
    admin1: scene.place === scene.admin1.name ? country.name : scene.admin1.name,
    country: country.name,
    weapons: rng.pick(WEAPONS),
    target: rng.pick(TARGETS),
    grievance: rng.pick(GRIEVANCES),
    agent: rng.pick(CHEMICAL_AGENTS),
    n: String(rng.int(2, 40)),
  };
  const sentences = [capitalise(fill(rng.pick(s.what), slots))];
  if (s.lethal > 0.3) sentences.push(rng.pick(CASUALTY_SENTENCES));
  for (let n = rng.int(0, 2); n > 0; n--) sentences.push(rng.pick(CONTEXT_SENTENCES));
  return {
    title: capitalise(fill(rng.pick(s.titles), slots)).slice(0, 200),
    summary: sentences.join(' '),
    actors,
    perpetrator: s.sides === 'clash' || s.sides === 'attack' ? a : undefined,
    enemy: B,
    weapons: slots.weapons,
    target: slots.target,
    agent: slots.agent,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
