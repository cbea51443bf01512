// ACLED's event and sub-event labels → our slugs, including the event types ACLED used before 2019.
import type { IncidentInput } from '../incidents/schema.ts';
import {
  EVENT_TYPES,
  type EventType,
  SUB_EVENT_TYPES,
  type SubEventType,
  slugifyLabel,
} from '../incidents/taxonomy.ts';
import { cellText, squash } from './text.ts';

type EventTypeInput = IncidentInput['type'];

/**
 * Event types of ACLED releases before 2019, which had no sub-event types. "Riots/Protests" covered
 * both; it is split by the actor codes as ACLED recoded it (see `splitRiotsProtests`), and the
 * original label is kept as a tag.
 */
const LEGACY: Record<string, { event: EventType; sub?: SubEventType }> = {
  battle_no_change_of_territory: { event: 'battles', sub: 'armed_clash' },
  battle_government_regains_territory: { event: 'battles', sub: 'government_regains_territory' },
  battle_non_state_actor_overtakes_territory: {
    event: 'battles',
    sub: 'non_state_actor_overtakes_territory',
  },
  remote_violence: { event: 'explosions_remote_violence' },
  riots_protests: { event: 'protests' },
  strategic_development: { event: 'strategic_developments' },
  headquarters_or_base_established: {
    event: 'strategic_developments',
    sub: 'headquarters_or_base_established',
  },
  non_violent_transfer_of_territory: {
    event: 'strategic_developments',
    sub: 'non_violent_transfer_of_territory',
  },
};

export type MappedType =
  | { ok: true; type: EventTypeInput; label: string; tags: string[]; warning?: string; note?: string }
  | { ok: false; detail: string };

/** ACLED's actor (inter) codes: 5 rioters, 6 protesters. */
const RIOTERS = '5';
const PROTESTERS = '6';

/**
 * Old "Riots/Protests" by its actor codes, as ACLED recoded its history: rioters on either side make
 * it riots, else protesters make it protests. With neither it stays protests, and `note` says so.
 */
function splitRiotsProtests(inter: readonly string[]): { event: EventType; note?: string } {
  const codes = inter.map((code) => code.trim().replace(/\.0+$/, ''));
  if (codes.includes(RIOTERS)) return { event: 'riots' };
  if (codes.includes(PROTESTERS)) return { event: 'protests' };
  const shown = codes.map((code) => (code === '' ? 'empty' : code)).join(' and ');
  return {
    event: 'protests',
    note: `"Riots/Protests" with inter1/inter2 ${shown} (neither 5 rioters nor 6 protesters); kept as protests`,
  };
}

function isEventType(slug: string): slug is EventType {
  return Object.hasOwn(EVENT_TYPES, slug);
}

function isSubEventType(slug: string): slug is SubEventType {
  return Object.hasOwn(SUB_EVENT_TYPES, slug);
}

/**
 * An unknown sub-event type is left out and kept as a tag; an unknown event type cannot be mapped.
 * `inter` (inter1, inter2) splits the pre-2019 "Riots/Protests".
 */
export function mapAcledType(
  eventLabel: string,
  subLabel: string,
  inter: readonly string[] = [],
): MappedType {
  const eventText = squash(eventLabel);
  const subText = squash(subLabel);
  const eventSlug = slugifyLabel(eventText);
  const tags: string[] = [];
  let event: EventType;
  let legacySub: SubEventType | undefined;
  let note: string | undefined;
  if (isEventType(eventSlug)) event = eventSlug;
  else {
    const legacy = LEGACY[eventSlug];
    if (legacy === undefined) {
      return {
        ok: false,
        detail:
          eventText === ''
            ? 'event_type is empty'
            : `event_type "${eventText}" is not an ACLED event type (${Object.values(EVENT_TYPES).join(', ')})`,
      };
    }
    event = legacy.event;
    legacySub = legacy.sub;
    if (eventSlug === 'riots_protests') ({ event, note } = splitRiotsProtests(inter));
    tags.push(cellText(`acled: ${eventText}`) ?? eventText);
  }

  const withNote = note === undefined ? {} : { note };
  const subSlug = slugifyLabel(subText);
  if (subText !== '' && isSubEventType(subSlug) && SUB_EVENT_TYPES[subSlug].event === event) {
    return {
      ok: true,
      type: { event, sub: subSlug },
      label: SUB_EVENT_TYPES[subSlug].label,
      tags,
      ...withNote,
    };
  }
  if (subText !== '') {
    tags.push(cellText(`acled sub-event: ${subText}`) ?? subText);
    return {
      ok: true,
      type: legacySub ? { event, sub: legacySub } : { event },
      label: subText,
      tags,
      warning: `sub_event_type "${subText}" is not an ACLED sub-event type of ${EVENT_TYPES[event]}; kept as a tag`,
      ...withNote,
    };
  }
  if (legacySub)
    return {
      ok: true,
      type: { event, sub: legacySub },
      label: SUB_EVENT_TYPES[legacySub].label,
      tags,
      ...withNote,
    };
  return { ok: true, type: { event }, label: EVENT_TYPES[event], tags, ...withNote };
}
