// ACLED's event types and sub-event types, as snake_case slugs with their display labels.
// Kept in one place so the schema, the importers and the renderers agree.

export const EVENT_TYPES = {
  battles: 'Battles',
  explosions_remote_violence: 'Explosions/Remote violence',
  violence_against_civilians: 'Violence against civilians',
  protests: 'Protests',
  riots: 'Riots',
  strategic_developments: 'Strategic developments',
} as const;

export type EventType = keyof typeof EVENT_TYPES;

/** Each ACLED sub-event type with its label and the event type it belongs to. */
export const SUB_EVENT_TYPES = {
  armed_clash: { label: 'Armed clash', event: 'battles' },
  government_regains_territory: { label: 'Government regains territory', event: 'battles' },
  non_state_actor_overtakes_territory: { label: 'Non-state actor overtakes territory', event: 'battles' },
  chemical_weapon: { label: 'Chemical weapon', event: 'explosions_remote_violence' },
  air_drone_strike: { label: 'Air/drone strike', event: 'explosions_remote_violence' },
  suicide_bomb: { label: 'Suicide bomb', event: 'explosions_remote_violence' },
  shelling_artillery_missile_attack: {
    label: 'Shelling/artillery/missile attack',
    event: 'explosions_remote_violence',
  },
  remote_explosive_landmine_ied: {
    label: 'Remote explosive/landmine/IED',
    event: 'explosions_remote_violence',
  },
  grenade: { label: 'Grenade', event: 'explosions_remote_violence' },
  sexual_violence: { label: 'Sexual violence', event: 'violence_against_civilians' },
  attack: { label: 'Attack', event: 'violence_against_civilians' },
  abduction_forced_disappearance: {
    label: 'Abduction/forced disappearance',
    event: 'violence_against_civilians',
  },
  peaceful_protest: { label: 'Peaceful protest', event: 'protests' },
  protest_with_intervention: { label: 'Protest with intervention', event: 'protests' },
  excessive_force_against_protesters: { label: 'Excessive force against protesters', event: 'protests' },
  violent_demonstration: { label: 'Violent demonstration', event: 'riots' },
  mob_violence: { label: 'Mob violence', event: 'riots' },
  agreement: { label: 'Agreement', event: 'strategic_developments' },
  arrests: { label: 'Arrests', event: 'strategic_developments' },
  change_to_group_activity: { label: 'Change to group/activity', event: 'strategic_developments' },
  disrupted_weapons_use: { label: 'Disrupted weapons use', event: 'strategic_developments' },
  headquarters_or_base_established: {
    label: 'Headquarters or base established',
    event: 'strategic_developments',
  },
  looting_property_destruction: { label: 'Looting/property destruction', event: 'strategic_developments' },
  non_violent_transfer_of_territory: {
    label: 'Non-violent transfer of territory',
    event: 'strategic_developments',
  },
  other: { label: 'Other', event: 'strategic_developments' },
} as const satisfies Record<string, { label: string; event: EventType }>;

export type SubEventType = keyof typeof SUB_EVENT_TYPES;

export const EVENT_TYPE_SLUGS = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];
export const SUB_EVENT_TYPE_SLUGS = Object.keys(SUB_EVENT_TYPES) as [SubEventType, ...SubEventType[]];

/** ACLED's own wording ("Explosions/Remote violence") → our slug, case-insensitively. */
export function slugifyLabel(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
