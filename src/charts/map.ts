// The /map picture: a country's outline (Natural Earth), its neighbours in grey, and one circle per
// incident, its area scaled to the largest single casualty claim of people killed for that incident.
// Claims are never added up, across claimants or otherwise. The SVG is built here by hand from
// d3-geo path strings, then drawn to PNG by resvg with the shipped font.
import { type GeoPermissibleObjects, geoPath } from 'd3-geo';
import { UserError } from '../errors.ts';
import { type Catalog, compareNewestFirst, incidentOf, NEWEST_FIRST } from '../incidents/catalog.ts';
import { type Country, countryCondition, resolveCountry, sinceOf } from '../incidents/filters.ts';
import type { Claim, Incident } from '../incidents/schema.ts';
import { formatDate, formatDateRange } from '../render/dates.ts';
import { formatClaimPeriod, formatNumber } from '../render/format.ts';
import { truncate } from '../render/truncate.ts';
import { findCountryOutline, loadAtlas } from './atlas.ts';
import {
  type Box,
  COLOURS,
  DOT_R,
  inside,
  LEGEND_WIDTH,
  legend,
  neighbourLabel,
  placeLabels,
} from './map-draw.ts';
import { fitProjection, mainBody } from './map-layout.ts';
import { layoutFrame, MUTED, num, type Picture, svgDocument, svgText, toPng } from './svg.ts';

export interface MapQuery {
  country: string;
  since?: string;
}

export interface MapSelection {
  country: Country;
  /** YYYY-MM-DD, when the map starts at a date. */
  since: string | undefined;
  /** Newest first. */
  incidents: Incident[];
  /** The country's newest incident, whatever `since`: the hint when none is recent enough. */
  newest: Incident | undefined;
}

/** The incidents of one country (a UserError naming close matches if unknown), ending on or after `since`. */
export function selectMapIncidents(catalog: Catalog, q: MapQuery, now: Date): MapSelection {
  const country = resolveCountry(catalog, q.country);
  const since = sinceOf(q.since, now);
  const { sql, params } = countryCondition(country);
  // incidents_country holds each country's incidents newest first: a range of it, sorted only when the
  // country has more than one key.
  const bodies = catalog
    .statement<unknown[], string>(
      `SELECT body FROM incidents WHERE ${sql}${since === undefined ? '' : ' AND sort_date >= ?'} ORDER BY ${NEWEST_FIRST}`,
    )
    .pluck(true)
    .all(...params, ...(since === undefined ? [] : [since])) as unknown as string[];
  const incidents = bodies.map((body) => incidentOf({ body }));
  let newest = incidents[0];
  if (newest === undefined && since !== undefined) {
    // The newest of each key's: the first entry of its range of the index.
    const first = catalog
      .statement<[string], string>(
        `SELECT body FROM incidents WHERE country_key = ? ORDER BY ${NEWEST_FIRST} LIMIT 1`,
      )
      .pluck(true);
    for (const key of country.keys) {
      const body = first.get(key) as string | undefined;
      const incident = body === undefined ? undefined : incidentOf({ body });
      if (incident && (newest === undefined || compareNewestFirst(incident, newest) < 0)) newest = incident;
    }
  }
  return { country, since, incidents, newest };
}

export interface LargestClaim {
  claimant: string;
  /** The figure sized by: the best estimate, else the stated minimum ("at least 36"). */
  killed: number;
  /** "84" or "at least 36". */
  figure: string;
  period: string;
}

export interface MapPoint {
  incidentId: string;
  place: string;
  lon: number;
  lat: number;
  x: number;
  y: number;
  r: number;
  /** Undefined when no claim gives a number killed: drawn as a small fixed dot. */
  largest: LargestClaim | undefined;
}

export interface IncidentMap extends Picture {
  alt: string;
  title: string;
  points: MapPoint[];
  /** Incidents without coordinates. */
  unplaced: number;
  /** Incidents whose coordinates fall outside the map (far from the country). */
  outside: number;
}

export interface MapOptions {
  width?: number;
  height?: number;
  scale?: number;
}

const MIN_R = 3;
const ALT_MAX = 1024;

/** The largest single claim of people killed in `incident`, by best estimate, else stated minimum. */
export function largestKilledClaim(incident: Incident): LargestClaim | undefined {
  let best: { claim: Claim; killed: number } | undefined;
  for (const claim of incident.casualties) {
    const figure = claim.killed;
    const killed = figure?.best ?? figure?.low;
    if (killed === undefined || (best !== undefined && killed <= best.killed)) continue;
    best = { claim, killed };
  }
  if (best === undefined) return undefined;
  const { claim, killed } = best;
  return {
    claimant: claim.claimant,
    killed,
    figure: claim.killed?.best === undefined ? `at least ${formatNumber(killed)}` : formatNumber(killed),
    period: formatClaimPeriod(claim, incident),
  };
}

/** A short place name: the place up to its first comma, else the smallest admin unit, else the country. */
function placeName(incident: Incident): string {
  const { place, admin3, admin2, admin1, country } = incident.location;
  return (place?.split(',')[0] ?? admin3 ?? admin2 ?? admin1 ?? country).trim();
}

export async function renderIncidentMap(
  selection: MapSelection,
  options: MapOptions = {},
): Promise<IncidentMap> {
  const width = options.width ?? 1000;
  const height = options.height ?? 720;
  const scale = options.scale ?? 2;
  const { country, since, incidents } = selection;
  const outline = findCountryOutline(country.name, country.iso3);
  if (outline.length === 0) {
    throw new UserError(
      `No map outline for "${country.name}" in the Natural Earth boundaries; /latest and /casualties still answer for it.`,
    );
  }

  const title = mapTitle(country.name, since, incidents);
  const withCoordinates = incidents.filter(
    (i) => i.location.lat !== undefined && i.location.lon !== undefined,
  );
  const unplaced = incidents.length - withCoordinates.length;
  const largest = new Map(withCoordinates.map((i) => [i, largestKilledClaim(i)]));
  const maxKilled = Math.max(0, ...[...largest.values()].map((l) => l?.killed ?? 0));
  const rMax = Math.max(12, Math.round(26 * (width / 1000)));
  const radius = (killed: number) =>
    maxKilled === 0 ? MIN_R : Math.max(MIN_R, rMax * Math.sqrt(killed / maxKilled));

  const notes = [
    'Boundaries: Natural Earth (public domain), via world-atlas. Places as given in the incident files; their precision varies.',
  ];
  const frame = layoutFrame({
    width,
    height,
    title,
    subtitle: `${formatNumber(incidents.length)} ${incidents.length === 1 ? 'incident' : 'incidents'}. Circle area: the largest single claim of people killed for each incident; claims are not added up.`,
    notes,
  });
  // The map on the left, the legend on the right; the 20 px under the map hold the "Not placed" line.
  const body = frame.body;
  const mapBox: Box = [
    [body.x, body.y],
    [body.x + body.width - LEGEND_WIDTH - 16, body.y + body.height - 20],
  ];
  const projection = fitProjection(mainBody(outline), mapBox, 18);
  const path = geoPath(projection).digits(1);

  const points: MapPoint[] = [];
  let outside = 0;
  for (const incident of withCoordinates) {
    const { lat = 0, lon = 0 } = incident.location;
    const xy = projection([lon, lat]);
    if (xy === null || !inside(xy, mapBox)) {
      outside += 1;
      continue;
    }
    const claim = largest.get(incident);
    points.push({
      incidentId: incident.id,
      place: placeName(incident),
      lon,
      lat,
      x: xy[0],
      y: xy[1],
      r: claim === undefined ? DOT_R : radius(claim.killed),
      largest: claim,
    });
  }
  // Largest first, so small circles stay visible on top; ids keep the order stable.
  points.sort((a, b) => rank(b) - rank(a) || (a.incidentId < b.incidentId ? -1 : 1));

  const [[x0, y0], [x1, y1]] = mapBox;
  const parts: string[] = [
    `<clipPath id="map-clip"><rect x="${num(x0)}" y="${num(y0)}" width="${num(x1 - x0)}" height="${num(y1 - y0)}"/></clipPath>`,
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(x1 - x0)}" height="${num(y1 - y0)}" fill="${COLOURS.sea}"/>`,
    '<g clip-path="url(#map-clip)">',
  ];
  const ownIds = new Set(outline);
  const neighbours = loadAtlas().countries.filter((c) => !ownIds.has(c));
  // Place names first: they matter more than the neighbours' names, which give way to them.
  const labels: Box[] = [];
  const places = placeLabels(points, mapBox, labels);
  const neighbourLabels: string[] = [];
  for (const neighbour of neighbours) {
    const d = path(neighbour as GeoPermissibleObjects);
    if (!d) continue;
    parts.push(`<path d="${d}" fill="${COLOURS.land}" stroke="${COLOURS.landEdge}" stroke-width="1"/>`);
    const label = neighbourLabel(
      neighbour.properties.name,
      path,
      neighbour as GeoPermissibleObjects,
      mapBox,
      labels,
    );
    if (label) neighbourLabels.push(label);
  }
  for (const part of outline) {
    const d = path(part as GeoPermissibleObjects);
    if (d)
      parts.push(
        `<path d="${d}" fill="${COLOURS.country}" stroke="${COLOURS.countryEdge}" stroke-width="1.4"/>`,
      );
  }
  parts.push(...neighbourLabels);
  for (const p of points) {
    parts.push(
      p.largest === undefined
        ? `<circle cx="${num(p.x)}" cy="${num(p.y)}" r="${DOT_R}" fill="${COLOURS.dot}" stroke="#ffffff" stroke-width="1"/>`
        : `<circle cx="${num(p.x)}" cy="${num(p.y)}" r="${num(p.r)}" fill="${COLOURS.claim}" fill-opacity="0.45" stroke="${COLOURS.claimEdge}" stroke-width="1.2"/>`,
    );
  }
  parts.push(...places);
  parts.push('</g>');
  parts.push(
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(x1 - x0)}" height="${num(y1 - y0)}" fill="none" stroke="#b8c4ce" stroke-width="1"/>`,
  );
  const missing = missingNote(unplaced, outside);
  if (missing !== '') parts.push(svgText(x0, y1 + 15, missing, { size: 12, fill: MUTED }));
  parts.push(legend(x1 + 16, y0, maxKilled, radius, points));

  const svg = svgDocument(width, height, frame.head + parts.join('') + frame.foot);
  const picture = await toPng(svg, scale);
  return {
    ...picture,
    alt: altText(title, incidents.length, points, unplaced, outside),
    title,
    points,
    unplaced,
    outside,
  };
}

function rank(p: MapPoint): number {
  return p.largest === undefined ? -1 : p.largest.killed;
}

function mapTitle(name: string, since: string | undefined, incidents: readonly Incident[]): string {
  if (since !== undefined) return `Incidents in ${name} since ${formatDate(since)}`;
  if (incidents.length === 0) return `Incidents in ${name}`;
  let from = incidents[0]?.date.start ?? '';
  let to = from;
  for (const i of incidents) {
    if (i.date.start < from) from = i.date.start;
    const end = i.date.end ?? i.date.start;
    if (end > to) to = end;
  }
  return `Incidents in ${name}, ${formatDateRange(from, to)}`;
}

function missingNote(unplaced: number, outside: number): string {
  const parts: string[] = [];
  if (unplaced > 0)
    parts.push(
      `${formatNumber(unplaced)} ${unplaced === 1 ? 'incident has' : 'incidents have'} no coordinates`,
    );
  if (outside > 0)
    parts.push(`${formatNumber(outside)} ${outside === 1 ? 'lies' : 'lie'} outside the map area`);
  return parts.length === 0 ? '' : `Not placed: ${parts.join('; ')}.`;
}

/** "Map of 2 incidents in Syria since 28 Oct 2016: largest claims at Aleppo city (84 killed — …)." */
function altText(
  title: string,
  total: number,
  points: readonly MapPoint[],
  unplaced: number,
  outside: number,
): string {
  const subject = title.replace(/^Incidents in /, '');
  const head = `Map of ${formatNumber(total)} ${total === 1 ? 'incident' : 'incidents'} in ${subject}`;
  const claimed = points.filter((p) => p.largest !== undefined);
  const seen = new Set<string>();
  const top: string[] = [];
  for (const p of claimed) {
    if (top.length >= 5 || p.largest === undefined || seen.has(p.place)) continue;
    seen.add(p.place);
    const l = p.largest;
    top.push(`${p.place} (${l.figure} killed — ${l.claimant}, ${l.period})`);
  }
  const parts = [
    top.length > 0
      ? `${head}: largest claims at ${top.join('; ')}.`
      : `${head}: no incident on the map has a claimed number of people killed.`,
  ];
  const dots = points.length - claimed.length;
  if (dots > 0 && claimed.length > 0) {
    parts.push(
      dots === 1
        ? '1 incident without a number killed is shown as a small dot.'
        : `${formatNumber(dots)} incidents without a number killed are shown as small dots.`,
    );
  }
  const missing = missingNote(unplaced, outside);
  if (missing !== '') parts.push(missing);
  parts.push(
    'Circle area is the largest single claim per incident; claims are not added up. Boundaries: Natural Earth.',
  );
  return truncate(parts.join(' '), ALT_MAX);
}
