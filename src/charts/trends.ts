// The /trends chart: events and the datasets' own death estimates per week over the last 12 weeks, one
// line per dataset, rendered through the same Vega-Lite → SVG → PNG pipeline as the casualty chart.
import { type TrendData, type TrendSeries, weekSpan } from '../incidents/trends.ts';
import type { Answer } from '../render/answer.ts';
import { formatDate, formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import { truncate } from '../render/truncate.ts';
import { chartFileName } from './answers.ts';
import { ALT_MAX } from './casualties.ts';
import { layoutFrame, num, type Picture, svgDocument, toPng } from './svg.ts';
import { type TrendPoint, trendSpec } from './trends-spec.ts';
import { renderVegaLite } from './vega.ts';

/** Weeks drawn, newest last. */
export const CHART_WEEKS = 12;
export const TREND_CHART_NOTE =
  'Deaths: each dataset’s own best estimates added up, per dataset; never added across datasets or claimants. An event counts in the week of its last day.';
const HAND_NOTE =
  'Hand-written incidents: events only; their claims are by many parties and are not added up.';

export interface TrendChart extends Picture {
  alt: string;
  /** The points drawn, oldest week first within each series. */
  data: TrendPoint[];
}

export interface TrendChartOptions {
  width?: number;
  height?: number;
  scale?: number;
}

/** "trends-syria.png": a file name Discord accepts, from the country's name. */
export const trendFileName = (country: string): string => chartFileName('trends', country);

/** The week ends of the chart, oldest first (week CHART_WEEKS − 1 … week 0). */
function chartWeeks(end: string): { week: number; end: string; label: string }[] {
  return Array.from({ length: CHART_WEEKS }, (_, i) => {
    const week = CHART_WEEKS - 1 - i;
    const to = weekSpan(end, week).to;
    return { week, end: to, label: formatDate(to).replace(/ \d{4}$/, '') };
  });
}

export function trendPoints(data: TrendData): TrendPoint[] {
  const weeks = chartWeeks(data.end);
  return data.series.flatMap((s) =>
    weeks.map((w) => ({
      series: s.label,
      weekEnd: w.end,
      weekLabel: w.label,
      events: s.events[w.week] ?? 0,
      deaths: s.deaths === undefined ? undefined : (s.deaths[w.week] ?? 0),
    })),
  );
}

function titleOf(data: TrendData, selection: string): string {
  const first = weekSpan(data.end, CHART_WEEKS - 1).from;
  const what = data.series.some((s) => s.deaths !== undefined) ? 'Events and deaths' : 'Events';
  return `${what} per week, ${selection}, ${formatDateRange(first, data.end)}`;
}

/** The chart of `data`, or undefined when there is no series to draw. Reads the font files once per process. */
export async function renderTrendChart(
  data: TrendData,
  selection: string,
  options: TrendChartOptions = {},
): Promise<TrendChart | undefined> {
  if (data.series.length === 0) return undefined;
  const width = options.width ?? 1000;
  const height = options.height ?? 560;
  const scale = options.scale ?? 2;
  const weeks = chartWeeks(data.end);
  const points = trendPoints(data);
  const frame = layoutFrame({
    width,
    height,
    title: titleOf(data, selection),
    subtitle: 'One line per dataset. Shaded: the last 28 days the answer compares, darker the last 7.',
    notes: [TREND_CHART_NOTE, ...(data.series.some((s) => s.kind === 'hand') ? [HAND_NOTE] : [])],
  });
  const spec = trendSpec(
    points,
    data.series,
    weeks.map((w) => w.label),
    frame.body.width,
    frame.body.height,
  );
  const chart = await renderVegaLite(spec);
  const fit = Math.min(1, frame.body.width / chart.width, frame.body.height / chart.height);
  const body = `<g transform="translate(${num(frame.body.x)},${num(frame.body.y)}) scale(${num(fit, 4)})">${chart.markup}</g>`;
  const picture = await toPng(svgDocument(width, height, frame.head + body + frame.foot), scale);
  return { ...picture, alt: trendAlt(data, selection), data: points };
}

/** "ACLED events per week: 0, 0, …, 131, 169", oldest first. */
function describeSeries(series: TrendSeries, weeks: readonly { week: number }[]): string[] {
  const list = (values: readonly number[]) => weeks.map((w) => formatNumber(values[w.week] ?? 0)).join(', ');
  const lines = [`${series.label} events per week: ${list(series.events)}`];
  if (series.deaths !== undefined) {
    lines.push(`${series.label} deaths per week (sum of its event estimates): ${list(series.deaths)}`);
  }
  return lines;
}

/** The text alternative: what is drawn, every weekly figure, oldest first; at most ALT_MAX characters. */
export function trendAlt(data: TrendData, selection: string): string {
  const weeks = chartWeeks(data.end);
  const head = `Chart: ${titleOf(data, selection)}, one line per dataset, weeks ending ${weeks[0]?.label ?? ''} to ${weeks.at(-1)?.label ?? ''}, oldest first.`;
  const lines = data.series.flatMap((s) => describeSeries(s, weeks));
  return truncate(`${head} ${lines.join('. ')}. Figures of different datasets are never added up.`, ALT_MAX);
}

/** `answer` with the chart attached and shown in its first section; unchanged without a chart. */
export function withTrendChart(answer: Answer, chart: TrendChart | undefined, file: string): Answer {
  const [first, ...rest] = answer.sections;
  if (chart === undefined || first === undefined) return answer;
  return {
    ...answer,
    sections: [{ ...first, image: file }, ...rest],
    attachments: [...(answer.attachments ?? []), { name: file, data: chart.png, description: chart.alt }],
  };
}
