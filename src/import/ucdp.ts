// One UCDP GED row → one incident. GED has no notes, so the summary is composed from its fields in
// neutral words; the death estimates become a claim by UCDP. Mapping tables: docs/imports.md.
import path from 'node:path';
import { formatDateRange } from '../render/dates.ts';
import type { Cells, ColumnDef, Header } from './columns.ts';
import {
  type Dataset,
  type MapContext,
  type Release,
  type RowResult,
  skip,
  type Warning,
} from './dataset.ts';
import { actorList, coordinates, uniqueTags } from './fields.ts';
import { countryIso3 } from './iso3.ts';
import { cellText, slugPart, squash } from './text.ts';
import { deathEstimates, sourceArticles } from './ucdp-fields.ts';
import { UCDP_OPTIONAL } from './ucdp-optional.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', aliases: ['event_id', 'ged_id'], required: true },
  { name: 'relid' },
  { name: 'year' },
  { name: 'active_year' },
  { name: 'code_status' },
  { name: 'type_of_violence', aliases: ['type_of_vi'], required: true },
  { name: 'conflict_dset_id' },
  { name: 'conflict_new_id' },
  { name: 'conflict_name' },
  { name: 'dyad_dset_id' },
  { name: 'dyad_new_id' },
  { name: 'dyad_name' },
  { name: 'side_a_dset_id' },
  { name: 'side_a_new_id' },
  { name: 'side_a' },
  { name: 'side_b_dset_id' },
  { name: 'side_b_new_id' },
  { name: 'side_b' },
  { name: 'number_of_sources' },
  { name: 'source_article' },
  { name: 'source_office' },
  { name: 'source_date' },
  { name: 'source_headline' },
  { name: 'source_original' },
  { name: 'where_prec' },
  { name: 'where_coordinates' },
  { name: 'where_description' },
  { name: 'adm_1', aliases: ['adm1'] },
  { name: 'adm_2', aliases: ['adm2'] },
  { name: 'latitude', aliases: ['lat'] },
  { name: 'longitude', aliases: ['lon', 'long'] },
  { name: 'geom_wkt' },
  { name: 'priogrid_gid' },
  { name: 'country', required: true },
  { name: 'country_id' },
  { name: 'region' },
  { name: 'event_clarity' },
  { name: 'date_prec' },
  { name: 'date_start', required: true },
  { name: 'date_end' },
  { name: 'deaths_a' },
  { name: 'deaths_b' },
  { name: 'deaths_civilians' },
  { name: 'deaths_unknown' },
  { name: 'best', aliases: ['best_est'], required: true },
  { name: 'high', aliases: ['high_est'] },
  { name: 'low', aliases: ['low_est'] },
  { name: 'gwnoa' },
  { name: 'gwnob' },
];

/** type_of_violence: 1 state-based and 2 non-state conflict are fighting; 3 one-sided violence. */
const VIOLENCE = {
  '1': { tag: 'state-based conflict', type: { event: 'battles', sub: 'armed_clash' } },
  '2': { tag: 'non-state conflict', type: { event: 'battles', sub: 'armed_clash' } },
  '3': { tag: 'one-sided violence', type: { event: 'violence_against_civilians', sub: 'attack' } },
} as const;

/**
 * date_prec as the GED codebook defines it: 1 the exact day; 2 a 2–6 day range; 3 the week; 4 an
 * 8–30 day range or the month; 5 a range of up to a year. date_start–date_end keep the range itself;
 * the word is the coarsest unit the codebook promises, never finer (2 is "week", not "day").
 */
const DATE_PREC: Record<string, 'day' | 'week' | 'month' | 'year'> = {
  '1': 'day',
  '2': 'week',
  '3': 'week',
  '4': 'month',
  '5': 'year',
};

/**
 * where_prec 1 exact place, 2 within ~25 km, 3 second-order administrative division, 4 first-order,
 * 5 a linear feature or an area that is no division (a road, a river, a region), 6 the country
 * only, 7 international waters or airspace.
 */
const WHERE_PREC = {
  '1': 'exact',
  '2': 'near',
  '3': 'admin2',
  '4': 'admin1',
  '5': 'other',
  '6': 'country',
  '7': 'other',
} as const satisfies Record<string, string>;

export function mapUcdpRow(cells: Cells, ctx: MapContext): RowResult {
  const warnings: Warning[] = [];
  const eventId = squash(cells('id'));
  if (eventId === '') return skip('no event id', 'id is empty');
  const violenceCode = cells('type_of_violence').trim();
  const violence = Object.hasOwn(VIOLENCE, violenceCode)
    ? VIOLENCE[violenceCode as keyof typeof VIOLENCE]
    : undefined;
  if (violence === undefined) {
    return skip('unknown type of violence', `type_of_violence "${violenceCode}" is not 1, 2 or 3`);
  }
  const country = cellText(cells('country'));
  if (country === undefined) return skip('no country', 'country is empty');

  const start = ctx.readDate(cells('date_start'));
  if (!start.ok) return skip('unreadable date', `date_start: ${start.message}`);
  const end = cells('date_end').trim() === '' ? start : ctx.readDate(cells('date_end'));
  if (!end.ok) return skip('unreadable date', `date_end: ${end.message}`);
  if (end.iso < start.iso)
    return skip('end before start', `date_end ${end.iso} is before date_start ${start.iso}`);
  const precCode = cells('date_prec').trim();
  const precision = DATE_PREC[precCode];
  if (precCode !== '' && precision === undefined) {
    return skip('unknown date precision', `date_prec "${precCode}" is not 1 to 5`);
  }

  const estimates = deathEstimates(cells);
  if (!estimates.ok) return skip('unreadable death estimate', estimates.detail);
  if (estimates.warning) warnings.push({ kind: 'estimates out of order', detail: estimates.warning });

  const sideA = cellText(cells('side_a'));
  const sideB = cellText(cells('side_b'));
  const adm1 = cellText(cells('adm_1'));
  const adm2 = cellText(cells('adm_2'));
  const place = cellText(cells('where_coordinates'));
  const where = placeName(place, adm1) ?? country;
  const coords =
    cells('latitude').trim() === '' && cells('longitude').trim() === ''
      ? pointCoordinates(cells('geom_wkt'), warnings)
      : coordinates(cells('latitude'), cells('longitude'), warnings);
  const wherePrec = WHERE_PREC[cells('where_prec').trim() as keyof typeof WHERE_PREC] as
    | (typeof WHERE_PREC)[keyof typeof WHERE_PREC]
    | undefined;
  const articles = sourceArticles(cells('source_article'));
  const claimant = `UCDP GED${ctx.release ? ` ${ctx.release}` : ''}`;
  const endIso = end.iso === start.iso ? undefined : end.iso;

  const incident = {
    id: `ucdp-${slugPart(eventId)}`,
    title:
      violenceCode === '3'
        ? `One-sided violence against civilians by ${sideA ?? 'an unnamed actor'} in ${where}`
        : `Armed clash between ${sideA ?? 'an unnamed side'} and ${sideB ?? 'an unnamed side'} in ${where}`,
    date: { start: start.iso, ...(endIso ? { end: endIso } : {}), ...(precision ? { precision } : {}) },
    location: {
      country,
      ...optionalIso3(countryIso3({ name: country, gw: cells('country_id'), date: start.iso })),
      ...(adm1 ? { admin1: adm1 } : {}),
      ...(adm2 ? { admin2: adm2 } : {}),
      ...(place ? { place } : {}),
      ...coords,
      ...(wherePrec ? { precision: wherePrec } : {}),
    },
    type: violence.type,
    actors: actorList([
      [cells('side_a'), 'side_a'],
      [cells('side_b'), 'side_b'],
    ]),
    summary: composeSummary(cells, {
      violenceCode,
      sideA,
      sideB,
      place: [place, adm2, adm1, country]
        .filter((p, i, all) => p !== undefined && all.indexOf(p) === i)
        .join(', '),
      dates: formatDateRange(start.iso, endIso, precision),
      articles: articles.total,
      listed: articles.sources.length,
    }),
    casualties: [
      {
        claimant,
        killed: estimates.killed,
        ...(estimates.note ? { note: estimates.note } : {}),
        ...(estimates.breakdown ? { breakdown: estimates.breakdown } : {}),
        period: { from: start.iso, ...(endIso ? { to: endIso } : {}) },
        source: 'ucdp-ged',
      },
    ],
    sources: [
      {
        id: 'ucdp-ged',
        name: 'UCDP GED',
        url: 'https://ucdp.uu.se',
        affiliation: 'Uppsala Conflict Data Program dataset',
      },
      ...articles.sources,
    ],
    tags: uniqueTags([
      violence.tag,
      cells('conflict_name'),
      cells('event_clarity').trim() === '2' ? 'low event clarity (ucdp)' : '',
      ['', 'clear'].includes(cells('code_status').trim().toLowerCase())
        ? ''
        : `ucdp code status: ${cells('code_status')}`,
    ]),
    external_ids: { ucdp: cellText(eventId) ?? eventId },
  };
  return { ok: true, incident, warnings };
}

function optionalIso3(iso3: string): { iso3?: string } {
  return iso3 === '' ? {} : { iso3 };
}

/** "Laukkaing Town, Shan State": the place and its province, unless the place already names it. */
function placeName(place: string | undefined, adm1: string | undefined): string | undefined {
  if (place === undefined) return adm1;
  if (adm1 === undefined || place.toLowerCase().includes(adm1.toLowerCase())) return place;
  return `${place}, ${adm1}`;
}

/** geom_wkt "POINT (lon lat)", longitude first, for files without latitude and longitude columns. */
function pointCoordinates(wkt: string, warnings: Warning[]): { lat?: number; lon?: number } {
  const m = /^\s*POINT\s*\(\s*(\S+)\s+(\S+)\s*\)\s*$/i.exec(wkt);
  return m ? coordinates(m[2] ?? '', m[1] ?? '', warnings) : {};
}

interface SummaryParts {
  violenceCode: string;
  sideA: string | undefined;
  sideB: string | undefined;
  place: string;
  dates: string;
  articles: number;
  listed: number;
}

function composeSummary(cells: Cells, p: SummaryParts): string {
  const conflict = squash(cells('conflict_name'));
  const what =
    p.violenceCode === '3'
      ? `one-sided violence against civilians by ${p.sideA ?? 'an unnamed actor'}`
      : `fighting in a ${p.violenceCode === '1' ? 'state-based armed conflict' : 'non-state conflict'} between ${p.sideA ?? 'an unnamed side'} and ${p.sideB ?? 'an unnamed side'}`;
  const sentences = [
    `UCDP GED records ${what}${conflict === '' || p.violenceCode === '3' ? '' : ` (conflict: ${conflict})`} in ${p.place}, ${p.dates}.`,
  ];
  const description = squash(cells('where_description'));
  if (description !== '') sentences.push(`UCDP describes the place as: ${description}.`);
  if (cells('event_clarity').trim() === '2')
    sentences.push('UCDP rates the clarity of the event’s details as low.');
  if (p.articles > p.listed) {
    sentences.push(`UCDP cites ${p.articles} source articles; the first ${p.listed} are listed as sources.`);
  }
  return sentences.join(' ');
}

export const ucdp: Dataset = {
  key: 'ucdp',
  label: 'UCDP GED',
  columns: COLUMNS,
  optional: UCDP_OPTIONAL,
  dateColumns: ['date_start', 'date_end'],
  /** "ged191.csv" → 19.1, "GEDEvent_v22_1.csv" → 22.1. */
  detectRelease(file: string): string | undefined {
    const m = /ged[\s_-]*(?:event)?[\s_-]*v?(\d{2})[._-]?(\d)(?!\d)/i.exec(path.basename(file));
    return m ? `${m[1]}.${m[2]}` : undefined;
  },
  describeColumns(header: Header, release: Release | undefined): string[] {
    const order = ['low', 'best', 'high']
      .filter((name) => header.positions.has(name))
      .sort((a, b) => (header.positions.get(a) ?? 0) - (header.positions.get(b) ?? 0));
    const parts = [
      release
        ? `release ${release.value} (${release.from})`
        : 'release not detected (give it with --release)',
      `estimates in the order ${order.join(',')}`,
    ];
    if (header.positions.has('relid') || header.positions.has('where_description')) {
      parts.push('later layout with relid and where_description');
    }
    return parts;
  },
  mapRow: mapUcdpRow,
  fileComment: [
    'Imported from UCDP GED by `sitrep import ucdp`; a later import of a newer release overwrites this file.',
    'Data: UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, ucdp.uu.se, CC BY 4.0.',
  ],
  credit: [
    'UCDP GED data: Uppsala Conflict Data Program, ucdp.uu.se, licensed CC BY 4.0.',
    'Cite: Sundberg, Ralph and Erik Melander (2013). "Introducing the UCDP Georeferenced Event Dataset." Journal of Peace Research 50(4): 523–532; and the Journal of Peace Research "Organized violence" article for the release used (for 19.1: Pettersson, Therese, Stina Högbladh and Magnus Öberg (2019), 56(4)).',
  ],
};
