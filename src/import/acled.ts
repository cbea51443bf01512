// One ACLED row → one incident. ACLED's notes are its own neutral coding of the reports, so they
// become the summary, and the source entry says so. Mapping tables: docs/imports.md.
import { formatDateRange } from '../render/dates.ts';
import { ACLED_OPTIONAL, acledAffiliation } from './acled-optional.ts';
import { mapAcledType } from './acled-types.ts';
import type { Cells, ColumnDef, Header } from './columns.ts';
import { type Dataset, type MapContext, type RowResult, skip, type Warning } from './dataset.ts';
import { actorList, coordinates, uniqueTags } from './fields.ts';
import { countryIso3 } from './iso3.ts';
import { cellText, readCount, slugPart, splitList, squash } from './text.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'data_id' },
  { name: 'iso' },
  { name: 'event_id_cnty', aliases: ['event_id', 'eventid_cnty'], required: true },
  { name: 'event_id_no_cnty' },
  { name: 'event_date', aliases: ['date'], required: true },
  { name: 'year' },
  { name: 'time_precision', aliases: ['time_preci'] },
  { name: 'disorder_type' },
  { name: 'event_type', required: true },
  { name: 'sub_event_type', aliases: ['sub_event_'] },
  { name: 'actor1', aliases: ['actor_1'] },
  { name: 'assoc_actor_1', aliases: ['ally_actor_1', 'assoc_actor1', 'ally_actor1', 'assoc_acto'] },
  { name: 'inter1' },
  { name: 'actor2', aliases: ['actor_2'] },
  { name: 'assoc_actor_2', aliases: ['ally_actor_2', 'assoc_actor2', 'ally_actor2'] },
  { name: 'inter2' },
  { name: 'interaction' },
  { name: 'civilian_targeting' },
  { name: 'region' },
  { name: 'country', required: true },
  { name: 'admin1', aliases: ['admin_1'] },
  { name: 'admin2', aliases: ['admin_2'] },
  { name: 'admin3', aliases: ['admin_3'] },
  { name: 'location' },
  { name: 'latitude', aliases: ['lat'] },
  { name: 'longitude', aliases: ['lon', 'long', 'lng'] },
  { name: 'geo_precision', aliases: ['geo_precis'] },
  { name: 'source' },
  { name: 'source_scale' },
  { name: 'notes' },
  { name: 'fatalities' },
  { name: 'tags' },
  { name: 'timestamp' },
  { name: 'iso3', aliases: ['iso_3'] },
  { name: 'gwno' },
  { name: 'population_1km' },
  { name: 'population_2km' },
  { name: 'population_5km' },
  { name: 'population_best' },
];

/** ACLED time_precision: 1 the day is known, 2 the week, 3 the month. */
const TIME_PRECISION: Record<string, 'day' | 'week' | 'month'> = { '1': 'day', '2': 'week', '3': 'month' };

/**
 * ACLED geo_precision: 1 the town itself, 2 a place near it or part of a region (the nearest town's
 * coordinates), 3 only a larger region is known (usually the province; its capital's coordinates).
 */
const GEO_PRECISION: Record<string, 'exact' | 'near' | 'admin1'> = {
  '1': 'exact',
  '2': 'near',
  '3': 'admin1',
};

export function mapAcledRow(cells: Cells, ctx: MapContext): RowResult {
  const warnings: Warning[] = [];
  const eventId = squash(cells('event_id_cnty'));
  if (eventId === '') return skip('no event id', 'event_id_cnty is empty');
  const country = cellText(cells('country'));
  if (country === undefined) return skip('no country', 'country is empty');

  const yearHint = Number.parseInt(cells('year'), 10);
  const date = ctx.readDate(cells('event_date'), Number.isNaN(yearHint) ? undefined : yearHint);
  if (!date.ok) return skip('unreadable date', `event_date: ${date.message}`);
  const precisionCode = cells('time_precision').trim();
  const precision = precisionCode === '' ? undefined : TIME_PRECISION[precisionCode];
  if (precisionCode !== '' && precision === undefined) {
    return skip('unknown time precision', `time_precision "${precisionCode}" is not 1, 2 or 3`);
  }

  const mapped = mapAcledType(cells('event_type'), cells('sub_event_type'), [
    cells('inter1'),
    cells('inter2'),
  ]);
  if (!mapped.ok) return skip('unknown event type', mapped.detail);
  if (mapped.warning) warnings.push({ kind: 'unknown sub-event type', detail: mapped.warning });
  if (mapped.note) warnings.push({ kind: 'Riots/Protests not split by actor codes', detail: mapped.note });

  const fatalities = readCount(cells('fatalities'));
  if (Number.isNaN(fatalities)) {
    return skip('unreadable fatalities', `fatalities "${cells('fatalities').trim()}" is not a whole number`);
  }

  const reports = squash(cells('source'));
  const place = cellText(cells('location'));
  const admin1 = cellText(cells('admin1'));
  const coords = coordinates(cells('latitude'), cells('longitude'), warnings);
  const geo = GEO_PRECISION[cells('geo_precision').trim()];
  const iso3 = countryIso3({ iso3: cells('iso3'), numeric: cells('iso'), name: country, gw: cells('gwno') });
  const notes = squash(cells('notes'));
  const what = mapped.label;
  const where = [
    place,
    admin1 !== undefined && admin1.toLowerCase() !== place?.toLowerCase() ? admin1 : undefined,
  ]
    .filter((p) => p !== undefined)
    .join(', ');
  const summary =
    notes !== ''
      ? notes
      : `ACLED codes this event as ${what.toLowerCase()} in ${where === '' ? country : `${where}, ${country}`}, ${formatDateRange(date.iso, undefined, precision)}; the export has no note for it.`;
  const published = timestampDate(cells('timestamp'));

  const incident = {
    id: `acled-${slugPart(eventId)}`,
    title: `${what} in ${where || country}`,
    date: { start: date.iso, ...(precision ? { precision } : {}) },
    location: {
      country,
      ...(/^[A-Z]{3}$/.test(iso3) ? { iso3 } : {}),
      ...(admin1 ? { admin1 } : {}),
      ...optionalName('admin2', cells('admin2')),
      ...optionalName('admin3', cells('admin3')),
      ...(place ? { place } : {}),
      ...coords,
      ...(geo ? { precision: geo } : {}),
    },
    type: mapped.type,
    actors: actorList([
      [cells('actor1'), 'side_a'],
      ...splitList(cells('assoc_actor_1')).map((name) => [name, 'side_a'] as const),
      [cells('actor2'), 'side_b'],
      ...splitList(cells('assoc_actor_2')).map((name) => [name, 'side_b'] as const),
    ]),
    summary,
    casualties:
      fatalities === undefined
        ? []
        : [
            {
              // The dataset is the claimant; the reports it coded from are detail in its source entry.
              claimant: 'ACLED',
              killed: { best: fatalities },
              period: { from: date.iso },
              source: 'acled',
            },
          ],
    sources: [
      {
        id: 'acled',
        name: 'ACLED',
        url: 'https://acleddata.com',
        ...(published ? { published } : {}),
        affiliation: acledAffiliation(notes !== '', reports),
      },
    ],
    tags: uniqueTags([
      cells('disorder_type').toLowerCase(),
      cells('civilian_targeting').toLowerCase(),
      squash(cells('source_scale')) === '' ? '' : `source scale: ${cells('source_scale').toLowerCase()}`,
      ...splitList(cells('tags')),
      ...mapped.tags,
    ]),
    external_ids: { acled: cellText(eventId) ?? eventId },
  };
  return { ok: true, incident, warnings };
}

function optionalName<K extends string>(key: K, value: string): { [P in K]?: string } {
  const text = cellText(value);
  return (text === undefined ? {} : { [key]: text }) as { [P in K]?: string };
}

/** ACLED's timestamp (Unix seconds, when the row was last changed) as a date. */
function timestampDate(value: string): string | undefined {
  const seconds = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export const acled: Dataset = {
  key: 'acled',
  label: 'ACLED',
  columns: COLUMNS,
  optional: ACLED_OPTIONAL,
  dateColumns: ['event_date'],
  detectRelease: () => undefined,
  describeColumns(header: Header): string[] {
    const has = (name: string) => header.positions.has(name);
    const parts: string[] = [];
    if (has('disorder_type')) parts.push('current column set with disorder_type');
    else parts.push('older column set without disorder_type');
    if (!has('sub_event_type')) parts.push('no sub_event_type (pre-2019 event types)');
    if (!has('iso3')) parts.push('no iso3 column');
    return parts;
  },
  mapRow: mapAcledRow,
  fileComment: [
    'Imported from ACLED by `sitrep import acled`; a later import of a newer export overwrites this file.',
    'Data: Armed Conflict Location & Event Data (ACLED), acleddata.com, under its Terms of Use and Attribution Policy.',
  ],
  credit: [
    'ACLED data are used under ACLED’s Terms of Use and Attribution Policy (acleddata.com).',
    'Cite: Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). "Introducing ACLED: An Armed Conflict Location and Event Dataset." Journal of Peace Research 47(5): 651–660.',
  ],
};
