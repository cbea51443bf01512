// The /casualties chart: claims over time, one colour per claimant, killed and injured in two panels.
// Each claim is one mark at the end of the period it covers, with a line back to the period's start
// and a bar for a claimed range. Figures are never stacked or added up, within or across claimants.
import type { ClaimGroup } from '../incidents/queries.ts';
import { formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import { truncate } from '../render/truncate.ts';
import {
  type CasualtyChartData,
  type ChartRow,
  casualtyChartData,
  dateSpan,
  describeNotPlotted,
  describeRow,
  type NotPlotted,
} from './casualty-data.ts';
import { chartSpec } from './casualty-spec.ts';
import { layoutFrame, num, svgDocument, toPng } from './svg.ts';
import { renderVegaLite } from './vega.ts';

export type { ChartRow, FigureKind, Measure, NotPlotted } from './casualty-data.ts';
export { casualtyChartData } from './casualty-data.ts';

export const CHART_NOTE = 'Figures are claims by the named party; not added up across claimants.';
/** Discord's limit for an attachment's description, where the text alternative goes. */
export const ALT_MAX = 1024;

export interface ChartOptions {
  /** "Casualty claims in Syria"; the default names no filter. */
  title?: string;
  /** Size in CSS pixels; the PNG has `scale` times as many. */
  width?: number;
  height?: number;
  scale?: number;
  /** At most this many figures are drawn, the newest periods first (default 1,000). */
  maxRows?: number;
}

export interface CasualtyChart {
  png: Uint8Array;
  /** PNG pixels. */
  width: number;
  height: number;
  /** The text alternative: what the chart shows, and what it could not plot. */
  alt: string;
  /** The rows plotted, one per claimed figure. */
  data: ChartRow[];
  notPlotted: NotPlotted[];
  /** Numeric figures left out by `maxRows` (the oldest). */
  omitted: number;
}

/**
 * The chart of `result` (from `casualtyClaims`), or undefined when no claim has a number to plot.
 * Reads the font files once per process; otherwise pure.
 */
export async function renderCasualtyChart(
  result: { groups: readonly ClaimGroup[] },
  options: ChartOptions = {},
): Promise<CasualtyChart | undefined> {
  const all = casualtyChartData(result);
  if (all.rows.length === 0) return undefined;
  // The groups come newest period first, so the cap keeps the newest figures.
  const maxRows = Math.max(1, options.maxRows ?? 1000);
  const data = { ...all, rows: all.rows.slice(0, maxRows) };
  const omitted = all.rows.length - data.rows.length;
  const width = options.width ?? 1000;
  const height = options.height ?? 560;
  const scale = options.scale ?? 2;
  const span = dateSpan(data.rows);
  const title = options.title ?? 'Casualty claims by claimant';

  const frame = layoutFrame({
    width,
    height,
    title: `${title}, ${formatDateRange(span.from, span.to)}`,
    subtitle: subtitle(data.rows),
    notes: [
      CHART_NOTE,
      ...(omitted > 0 ? [omittedNote(data.rows.length, all.rows.length)] : []),
      ...(data.notPlotted.length > 0
        ? [
            `Not plotted (worded figures): ${data.notPlotted.map((n) => describeNotPlotted(n, { why: false })).join('; ')}.`,
          ]
        : []),
    ],
  });
  const spec = chartSpec(data, frame.body.width, frame.body.height);
  const chart = await renderVegaLite(spec);
  const fit = Math.min(1, frame.body.width / chart.width, frame.body.height / chart.height);
  const dx = frame.body.x;
  const dy = frame.body.y;
  const body = `<g transform="translate(${num(dx)},${num(dy)}) scale(${num(fit, 4)})">${chart.markup}</g>`;
  const picture = await toPng(svgDocument(width, height, frame.head + body + frame.foot), scale);
  const alt = altText(data, title, omitted > 0 ? ` ${omittedNote(data.rows.length, all.rows.length)}` : '');
  return { ...picture, alt, data: data.rows, notPlotted: data.notPlotted, omitted };
}

function omittedNote(shown: number, total: number): string {
  return `Showing the newest ${formatNumber(shown)} of ${formatNumber(total)} figures; narrow the question (country, since, until) to see older ones.`;
}

function subtitle(rows: readonly ChartRow[]): string {
  const parts = [
    'One mark per claim, at the end of the period it covers; a line runs back to the period’s start.',
  ];
  if (rows.some((r) => r.low !== undefined && r.high !== undefined)) parts.push('Bars: a claimed range.');
  return parts.join(' ');
}

/**
 * "Chart of 3 casualty claims by 2 claimants, 28–30 Oct 2016. Killed: 84 — Syrian military, … Not
 * plotted: …". At most ALT_MAX characters; what does not fit is counted (the message lists every claim).
 */
function altText(data: CasualtyChartData, title: string, omitted: string): string {
  const claimants = new Set(data.rows.map((r) => r.claimant)).size;
  const span = dateSpan(data.rows);
  const figures = `${data.rows.length} ${data.rows.length === 1 ? 'figure' : 'figures'}`;
  const head = `Chart: ${title}, ${formatDateRange(span.from, span.to)}. ${figures} plotted, by ${claimants} ${
    claimants === 1 ? 'claimant' : 'claimants'
  }, one mark per claim:`;
  const tail = `${omitted} ${CHART_NOTE}`;
  const notPlotted =
    data.notPlotted.length === 0
      ? ''
      : ` Not plotted: ${data.notPlotted.map((n) => describeNotPlotted(n)).join('; ')}.`;
  const items = data.rows.map(describeRow);
  let listed = '';
  let shown = 0;
  for (const item of items) {
    const next = `${listed}${shown === 0 ? ' ' : '; '}${item}`;
    const rest = items.length - shown - 1;
    const more = rest > 0 ? `; and ${rest} more (listed in the message).` : '.';
    if ((head + next + more + notPlotted + tail).length > ALT_MAX) break;
    listed = next;
    shown += 1;
  }
  const rest = items.length - shown;
  const end = rest === 0 ? '.' : `${shown === 0 ? ' ' : '; and '}${rest} more (listed in the message).`;
  return truncate(head + listed + end + notPlotted + tail, ALT_MAX);
}
