// Building blocks shared by the presenters: filter wording, labels, and packing many lines into
// fields and descriptions that stay within Discord's limits after markdown escaping.
import type { Incident } from '../incidents/schema.ts';
import { EVENT_TYPES, SUB_EVENT_TYPES } from '../incidents/taxonomy.ts';
import type { AnswerField } from './answer.ts';
import { DISCORD_LIMITS } from './limits.ts';
import { escapeMarkdown } from './markdown.ts';

/** What a command was asked, as its handler passes it on (the query object). */
export interface Filters {
  country?: string | undefined;
  type?: string | undefined;
  speaker?: string | undefined;
  organization?: string | undefined;
  incident?: string | undefined;
  query?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** How many were asked for; the count line says how many came back. */
  count?: number | undefined;
}

/** "country Syria, type Battles since 2020-01-01"; '' when nothing narrows the answer. */
export function describeFilters(filters: Filters): string {
  const named: string[] = [];
  if (filters.country) named.push(`country ${filters.country}`);
  if (filters.type) named.push(`type ${typeLabel(filters.type)}`);
  if (filters.speaker) named.push(`speaker ${filters.speaker}`);
  if (filters.organization) named.push(`organization ${filters.organization}`);
  if (filters.incident) named.push(`incident ${filters.incident}`);
  if (filters.query) named.push(`words “${filters.query}”`);
  const dates: string[] = [];
  if (filters.since) dates.push(`since ${filters.since}`);
  if (filters.until) dates.push(`until ${filters.until}`);
  return [named.join(', '), ...dates].filter((p) => p !== '').join(' ');
}

/** An event or sub-event type slug as ACLED words it; anything else as given. */
export function typeLabel(value: string): string {
  if (value in EVENT_TYPES) return EVENT_TYPES[value as keyof typeof EVENT_TYPES];
  if (value in SUB_EVENT_TYPES) return SUB_EVENT_TYPES[value as keyof typeof SUB_EVENT_TYPES].label;
  return value;
}

/** "Explosions/Remote violence › Shelling/artillery/missile attack". */
export function formatEventType(incident: Incident): string {
  const event = EVENT_TYPES[incident.type.event];
  return incident.type.sub === undefined ? event : `${event} › ${SUB_EVENT_TYPES[incident.type.sub].label}`;
}

/** "Aleppo city, government-held western districts, Aleppo, Syria": place, province, country. */
export function formatPlaceShort(incident: Incident): string {
  const { place, admin1, country } = incident.location;
  return [place, admin1, country].filter((p, i, all) => p !== undefined && all.indexOf(p) === i).join(', ');
}

const EVENT_COLORS: Record<Incident['type']['event'], number> = {
  battles: 0xc0392b,
  explosions_remote_violence: 0xd35400,
  violence_against_civilians: 0x8e44ad,
  protests: 0x2980b9,
  riots: 0xf39c12,
  strategic_developments: 0x7f8c8d,
};

export const COLORS = { list: 0x34495e, note: 0x95a5a6, error: 0xe74c3c } as const;

export function eventColor(incident: Incident): number {
  return EVENT_COLORS[incident.type.event];
}

/** Length on Discord, where the renderer escapes markdown. */
export function discordLength(text: string): number {
  return escapeMarkdown(text).length;
}

/**
 * Lines under one heading as as many fields as they need ("Heading (cont.)"), so that nothing is lost
 * to the 1024-character field limit. A single over-long line is left for the renderer to shorten.
 */
/** "• " before each line when there are several; a single line needs no bullet. */
export function bullets(lines: readonly string[]): string[] {
  return lines.length > 1 ? lines.map((line) => `• ${line}`) : [...lines];
}

export function packLines(
  name: string,
  lines: readonly string[],
  max: number = DISCORD_LIMITS.fieldValue,
): AnswerField[] {
  return packBlocks(lines, max, '\n').map((value, i) => ({
    name: i === 0 ? name : `${name} (cont.)`,
    value,
  }));
}

/**
 * Joins blocks with `separator` (a line break) into as few strings of at most `max` (on Discord) as
 * possible. Escaping never reaches across a line break, so lengths add up block by block.
 */
export function packBlocks(blocks: readonly string[], max: number, separator = '\n\n'): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let length = 0;
  for (const block of blocks) {
    const size = discordLength(block);
    if (current !== undefined && length + separator.length + size <= max) {
      current = `${current}${separator}${block}`;
      length += separator.length + size;
    } else {
      if (current !== undefined) out.push(current);
      current = block;
      length = size;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}
