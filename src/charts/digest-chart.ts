// The optional digest chart (DIGEST_<n>_CHART): the run's incidents per day, week or month by incident
// date, stacked by country (the largest few, the rest as "Other countries"). Counts of incidents only:
// no casualty figure is drawn, so nothing is added up across claimants. Drawn from the counts the
// digest already made in SQL (digest/summary.ts), never from the incidents themselves.
import type { TopLevelSpec } from 'vega-lite';
import type { DigestConfig } from '../config.ts';
import type { DigestPicture, DigestSelection } from '../digest/compose.ts';
import type { Bucket, TimelineRow } from '../digest/summary.ts';
import { formatDate, formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import { truncate } from '../render/truncate.ts';

/** Countries drawn in colours of their own; the rest share one grey. */
export const CHART_SERIES = 7;
const OTHERS = 'Other countries';
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const OTHER_COLOUR = '#9a9a9a';
const DAY_MS = 86_400_000;
const LABEL_SIZE = 12;
/** Discord's limit for an attachment's description, where the text alternative goes. */
const ALT_MAX = 1024;

export interface DigestChart extends DigestPicture {
  width: number;
  height: number;
  /** Countries in legend order (the largest first, "Other countries" last). */
  series: string[];
}

export interface DigestChartOptions {
  title?: string;
  width?: number;
  height?: number;
  scale?: number;
}

const UNIT: Record<Bucket, string> = { day: 'day', week: 'week', month: 'month' };

function utc(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** The day after the period that starts on `start`. */
function periodEnd(start: string, bucket: Bucket): number {
  if (bucket === 'day') return utc(start) + DAY_MS;
  if (bucket === 'week') return utc(start) + 7 * DAY_MS;
  const d = new Date(utc(start));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The chart of `timeline`, or undefined when it has no incidents. */
export async function renderDigestChart(
  timeline: { bucket: Bucket; first: string; last: string; rows: readonly TimelineRow[] },
  options: DigestChartOptions = {},
): Promise<DigestChart | undefined> {
  const { bucket, rows } = timeline;
  if (rows.length === 0) return undefined;
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const scale = options.scale ?? 2;
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.country, (totals.get(row.country) ?? 0) + row.count);
  const ranked = [...totals].sort(([a, m], [b, n]) => n - m || a.localeCompare(b, 'en')).map(([c]) => c);
  const own = new Set(ranked.length > CHART_SERIES + 1 ? ranked.slice(0, CHART_SERIES) : ranked);
  const seriesOf = (country: string) => (own.has(country) ? country : OTHERS);
  const series = [...own, ...(ranked.length > own.size ? [OTHERS] : [])];
  const values = rows.map((row) => ({
    from: utc(row.period),
    to: periodEnd(row.period, bucket),
    country: seriesOf(row.country),
    rank: series.indexOf(seriesOf(row.country)),
    count: row.count,
  }));
  const { first, last: lastDay } = timeline;
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const title = options.title ?? 'Incidents in this digest';
  // Loaded on first use: a bot without digest charts never loads Vega for them.
  const [{ layoutFrame, num, svgDocument, toPng }, { renderVegaLite }, { FONT_FAMILY }] = await Promise.all([
    import('./svg.ts'),
    import('./vega.ts'),
    import('./fonts.ts'),
  ]);
  const frame = layoutFrame({
    width,
    height,
    title: `${title}: incidents per ${UNIT[bucket]} by country`,
    subtitle: `${formatNumber(total)} incidents by incident date, ${formatDateRange(first, lastDay)}.`,
    notes: ['Counts of incidents, not of casualties.'],
  });
  const spec = chartSpec(values, series, bucket, frame.body.width, frame.body.height, FONT_FAMILY);
  const chart = await renderVegaLite(spec);
  const fit = Math.min(1, frame.body.width / chart.width, frame.body.height / chart.height);
  const body = `<g transform="translate(${num(frame.body.x)},${num(frame.body.y)}) scale(${num(fit, 4)})">${chart.markup}</g>`;
  const picture = await toPng(svgDocument(width, height, frame.head + body + frame.foot), scale);
  const alt = altText(rows, bucket, title, series, seriesOf, first, lastDay, total);
  return { ...picture, alt, series };
}

function chartSpec(
  values: { from: number; to: number; country: string; rank: number; count: number }[],
  series: string[],
  bucket: Bucket,
  bodyWidth: number,
  bodyHeight: number,
  font: string,
): TopLevelSpec {
  const from = Math.min(...values.map((v) => v.from));
  const to = Math.max(...values.map((v) => v.to));
  const days = (to - from) / DAY_MS;
  // As the casualty chart labels its time axis: days, months or years for the span shown.
  const axis =
    days <= 120
      ? { format: '%-d %b', tickCount: { interval: 'day', step: Math.max(1, Math.ceil(days / 8)) } }
      : days <= 3 * 366
        ? { format: '%b %Y', tickCount: { interval: 'month', step: Math.max(1, Math.ceil(days / 30 / 6)) } }
        : { format: '%Y', tickCount: { interval: 'year', step: Math.max(1, Math.ceil(days / 365 / 8)) } };
  const legendWidth = 170;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: Math.max(200, Math.floor(bodyWidth - legendWidth - 60)),
    height: Math.max(80, Math.floor(bodyHeight - 45)),
    mark: { type: 'bar', ...(bucket === 'month' ? {} : { stroke: '#ffffff', strokeWidth: 0.5 }) },
    encoding: {
      x: {
        field: 'from',
        type: 'temporal',
        scale: { type: 'utc', domain: [from, to], nice: false },
        axis: { ...axis, title: null, grid: false, labelFlush: true },
      },
      x2: { field: 'to' },
      y: {
        field: 'count',
        type: 'quantitative',
        aggregate: 'sum',
        stack: 'zero',
        title: `Incidents per ${UNIT[bucket]}`,
        axis: { tickMinStep: 1, format: ',d' },
      },
      color: {
        field: 'country',
        type: 'nominal',
        title: 'Country',
        sort: series,
        scale: {
          domain: series,
          range: series.map((s, i) => (s === OTHERS ? OTHER_COLOUR : (PALETTE[i] ?? OTHER_COLOUR))),
        },
        legend: { orient: 'right', labelLimit: legendWidth - 30 },
      },
      // The largest country at the bottom, as the legend lists them.
      order: { field: 'rank', sort: 'ascending' },
    },
    background: 'transparent',
    padding: 0,
    autosize: { type: 'pad' },
    config: {
      font,
      view: { stroke: '#dddddd' },
      axis: {
        labelFontSize: LABEL_SIZE,
        titleFontSize: LABEL_SIZE,
        titleFontWeight: 'bold',
        gridColor: '#e8e8e8',
      },
      legend: { labelFontSize: LABEL_SIZE, titleFontSize: LABEL_SIZE, titleFontWeight: 'bold' },
    },
  } as TopLevelSpec;
}

/** What the chart shows in words: the span, each country's count, the busiest period. */
function altText(
  rows: readonly TimelineRow[],
  bucket: Bucket,
  title: string,
  series: readonly string[],
  seriesOf: (country: string) => string,
  first: string,
  last: string,
  total: number,
): string {
  const perSeries = new Map<string, number>();
  const perPeriod = new Map<string, number>();
  for (const row of rows) {
    const s = seriesOf(row.country);
    perSeries.set(s, (perSeries.get(s) ?? 0) + row.count);
    perPeriod.set(row.period, (perPeriod.get(row.period) ?? 0) + row.count);
  }
  const [busiest, most] = [...perPeriod].sort(([a, m], [b, n]) => n - m || a.localeCompare(b))[0] ?? ['', 0];
  const counts = series.map((s) => `${s} ${formatNumber(perSeries.get(s) ?? 0)}`).join(', ');
  const when = bucket === 'day' ? formatDate(busiest) : `the ${UNIT[bucket]} from ${formatDate(busiest)}`;
  const text =
    `Bar chart: ${title}, ${formatNumber(total)} incidents per ${UNIT[bucket]} by incident date, ` +
    `${formatDateRange(first, last)}, stacked by country: ${counts}. ` +
    `Busiest ${UNIT[bucket]}: ${when}, ${formatNumber(most)} incidents. Counts of incidents, not of casualties.`;
  return truncate(text, ALT_MAX);
}

/**
 * The selection with its chart when the digest asks for one (DIGEST_<n>_CHART) and the run has
 * incidents. A chart that cannot be drawn never holds up the digest: it goes without, and `onError`
 * hears why.
 */
export async function withDigestChart<S extends DigestSelection>(
  selection: S,
  digest: Pick<DigestConfig, 'chart' | 'title'>,
  onError: (error: unknown) => void = () => {},
): Promise<S & { picture?: DigestPicture }> {
  const timeline = selection.summary?.timeline;
  if (!digest.chart || selection.total === 0 || timeline === undefined) return selection;
  try {
    const chart = await renderDigestChart(timeline, { title: digest.title });
    return chart ? { ...selection, picture: { png: chart.png, alt: chart.alt } } : selection;
  } catch (error) {
    onError(error);
    return selection;
  }
}
