// Pictures into answers: the chart joins the /casualties answer, and the map makes the /map answer.
// Every image carries its text alternative as the attachment's description.
import type { Answer } from '../render/answer.ts';
import { formatDate } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import type { CasualtyChart } from './casualties.ts';
import type { IncidentMap, MapSelection } from './map.ts';

export const CHART_FILE = 'casualties.png';
const MAP_COLOR = 0x2c7fb8;
/** Largest claims listed under the map. */
const LISTED = 5;

/** `answer` with the chart attached and shown in its first section; unchanged without a chart. */
export function withCasualtyChart(answer: Answer, chart: CasualtyChart | undefined): Answer {
  const [first, ...rest] = answer.sections;
  if (chart === undefined || first === undefined) return answer;
  return {
    ...answer,
    sections: [{ ...first, image: CHART_FILE }, ...rest],
    attachments: [
      ...(answer.attachments ?? []),
      { name: CHART_FILE, data: chart.png, description: chart.alt },
    ],
  };
}

/** "map-syria.png", "trends-syria.png": a file name Discord accepts, from the country's name. */
export function chartFileName(kind: string, country: string): string {
  const slug = country
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug === '' ? `${kind}.png` : `${kind}-${slug.slice(0, 60)}.png`;
}

export const mapFileName = (country: string): string => chartFileName('map', country);

/** The answer when the country has no incidents in the period asked. */
export function presentEmptyMap(selection: MapSelection): Answer {
  const { country, since, newest } = selection;
  const hint =
    newest === undefined
      ? ''
      : ` The newest incident there is from ${formatDate(newest.date.end ?? newest.date.start)}; try an earlier since.`;
  return {
    content: `No incidents in ${country.name}${since === undefined ? '' : ` since ${formatDate(since)}`}, so there is nothing to map.${hint}`,
    sections: [],
  };
}

export function presentMap(selection: MapSelection, map: IncidentMap): Answer {
  const name = mapFileName(selection.country.name);
  const listed = map.points.filter((p) => p.largest !== undefined).slice(0, LISTED);
  const lines = listed.map((p) => {
    const l = p.largest;
    return l === undefined
      ? ''
      : `• ${p.place}: ${l.figure} killed — ${l.claimant}, ${l.period} (id: ${p.incidentId})`;
  });
  const notPlaced: string[] = [];
  if (map.unplaced > 0) notPlaced.push(`${formatNumber(map.unplaced)} without coordinates`);
  if (map.outside > 0) notPlaced.push(`${formatNumber(map.outside)} outside the map area`);
  const description = [
    'Circle area: the largest single claim of people killed for each incident. Claims are not added up, across claimants or otherwise.',
    ...(lines.length > 0 ? ['', 'Largest claims on the map:', ...lines] : []),
    ...(notPlaced.length > 0 ? ['', `Not placed: ${notPlaced.join('; ')}.`] : []),
  ].join('\n');
  const total = selection.incidents.length;
  return {
    content: `${formatNumber(total)} ${total === 1 ? 'incident' : 'incidents'} on the map: /latest and /incident give the briefings.`,
    sections: [
      {
        title: map.title,
        description,
        image: name,
        footer: 'Boundaries: Natural Earth. Places as given in the incident files.',
        color: MAP_COLOR,
      },
    ],
    attachments: [{ name, data: map.png, description: map.alt }],
  };
}
