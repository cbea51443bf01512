// The full briefing on one incident (/incident): summary, place, dates, type, actors, every casualty
// claim on its own line, quotes verbatim, sources with affiliation.
import type { Actor, Incident } from '../incidents/schema.ts';
import type { Answer, AnswerField, Section } from './answer.ts';
import { bullets, eventColor, formatEventType, packBlocks, packLines } from './blocks.ts';
import {
  describePrecision,
  formatBreakdown,
  formatClaimHeadline,
  formatIncidentDate,
  formatQuote,
  formatSource,
  formatSourceRef,
  quoteHit,
} from './format.ts';
import { DISCORD_LIMITS } from './limits.ts';

const SIDES: Record<Actor['side'], string> = {
  perpetrator: 'perpetrator',
  target: 'target',
  side_a: 'side A',
  side_b: 'side B',
  other: 'other',
};

const PLACE_PRECISION: Record<NonNullable<Incident['location']['precision']>, string> = {
  exact: 'exact location',
  near: 'near the named place',
  admin2: 'somewhere in the district (admin2)',
  admin1: 'somewhere in the province (admin1)',
  country: 'somewhere in the country',
  other: 'approximate',
};

export function presentIncident(incident: Incident): Answer {
  const color = eventColor(incident);
  const fields: AnswerField[] = [
    {
      name: 'Date',
      value: `${formatIncidentDate(incident)} (${describePrecision(incident.date.precision)})`,
      inline: true,
    },
    { name: 'Type', value: formatEventType(incident), inline: true },
    { name: 'Place', value: formatPlace(incident) },
    {
      name: 'Actors',
      value: incident.actors.length > 0 ? incident.actors.map(formatActor).join('\n') : 'None recorded.',
    },
    ...claimFields(incident),
  ];
  if (incident.tags.length > 0) fields.push({ name: 'Tags', value: incident.tags.join(' · ') });

  const sections: Section[] = [
    { title: incident.title, description: incident.summary, fields, footer: footerFor(incident), color },
  ];
  const quotes = incident.quotes.map((q) => formatQuote(quoteHit(q, incident)));
  packBlocks(quotes, DISCORD_LIMITS.embedDescription).forEach((description, i) => {
    sections.push({ title: i === 0 ? `Quotes (${quotes.length})` : 'Quotes (cont.)', description, color });
  });
  const sources = incident.sources.map((s) => `• ${formatSource(s, incident.sources)}`);
  packBlocks(sources, DISCORD_LIMITS.embedDescription, '\n').forEach((description, i) => {
    sections.push({ title: i === 0 ? 'Sources' : 'Sources (cont.)', description, color });
  });
  return { sections };
}

/** Place, admin levels top-down, coordinates with precision and a map link. */
export function formatPlace(incident: Incident): string {
  const { place, admin1, admin2, admin3, country, iso3, lat, lon, precision } = incident.location;
  const lines: string[] = [];
  if (place !== undefined) lines.push(place);
  const levels = [iso3 === undefined ? country : `${country} (${iso3})`];
  if (admin1 !== undefined) levels.push(`${admin1} (admin1)`);
  if (admin2 !== undefined) levels.push(`${admin2} (admin2)`);
  if (admin3 !== undefined) levels.push(`${admin3} (admin3)`);
  lines.push(levels.join(' › '));
  const how = precision === undefined ? 'precision not given' : PLACE_PRECISION[precision];
  if (lat !== undefined && lon !== undefined) {
    lines.push(`${formatCoordinates(lat, lon)} · ${how}`);
    lines.push(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=12/${lat}/${lon}`);
  } else if (precision !== undefined) {
    lines.push(how);
  }
  return lines.join('\n');
}

/** "36.2°N, 37.13°E". */
export function formatCoordinates(lat: number, lon: number): string {
  return `${Math.abs(lat)}°${lat < 0 ? 'S' : 'N'}, ${Math.abs(lon)}°${lon < 0 ? 'W' : 'E'}`;
}

function formatActor(actor: Actor): string {
  return `${actor.name} — ${SIDES[actor.side]}${actor.alleged ? ' (alleged)' : ''}`;
}

/** Every claim on its own line, attributed and sourced; claims are never added together. */
function claimFields(incident: Incident): AnswerField[] {
  if (incident.casualties.length === 0)
    return [{ name: 'Casualty claims', value: 'No casualty figures reported.' }];
  const lines = incident.casualties.map((claim) => {
    const breakdown = formatBreakdown(claim.breakdown);
    return [
      formatClaimHeadline(claim, incident),
      breakdown === undefined ? '' : ` (${breakdown})`,
      ` · source: ${formatSourceRef(claim.source, incident)}`,
    ].join('');
  });
  const name =
    incident.casualties.length === 1
      ? 'Casualty claim'
      : `Casualty claims (${incident.casualties.length}, not summed)`;
  return packLines(name, bullets(lines));
}

function footerFor(incident: Incident): string {
  const parts = [`id: ${incident.id}`];
  if (incident.external_ids?.acled !== undefined) parts.push(`ACLED ${incident.external_ids.acled}`);
  if (incident.external_ids?.ucdp !== undefined) parts.push(`UCDP GED ${incident.external_ids.ucdp}`);
  return parts.join(' · ');
}
