// The /casualties chart: claims over time, one colour per claimant (at most MAX_SERIES). Datasets
// (ACLED, UCDP GED x) are one line each of their events' estimates added up per week or month, within
// the dataset only; hand-written claims are one mark each at the end of the period they cover, with a
// line back to the period's start and a bar for a claimed range, killed and injured in two panels.
// Nothing is stacked or added up across claimants.
import type { ClaimGroup } from '../incidents/queries.ts';
import type { DatasetSummary, PeriodUnit } from '../incidents/types.ts';
import { formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import { formatPeriod } from '../render/present-casualties.ts';
import { truncate } from '../render/truncate.ts';
import {
  type CasualtyChartData,
  type ChartRow,
  casualtyChartData,
  dateSpan,
  describeNotPlotted,
  describeRow,
  describeTotal,
  type NotPlotted,
  needsLogScale,
  type TotalRow,
} from './casualty-data.ts';
import { chartSpec, type Panel } from './casualty-spec.ts';
import { layoutFrame, num, svgDocument, toPng } from './svg.ts';
import { renderVegaLite } from './vega.ts';

export type { ChartRow, FigureKind, Measure, NotPlotted, TotalRow } from './casualty-data.ts';
export { casualtyChartData, needsLogScale } from './casualty-data.ts';
export { MAX_SERIES } from './casualty-spec.ts';

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
  /** The datasets' sums per period, plotted as one line per dataset. */
  totals: TotalRow[];
  /** Panels drawn on a log scale because one figure would flatten the rest. */
  log: Panel[];
  /** Numeric figures left out by `maxRows` (the oldest). */
  omitted: number;
}

/**
 * The chart of `result` (from `casualtyClaims`), or undefined when no claim has a number to plot.
 * Reads the font files once per process; otherwise pure.
 */
export async function renderCasualtyChart(
  result: { groups: readonly ClaimGroup[]; datasets?: readonly DatasetSummary[]; unit?: PeriodUnit },
  options: ChartOptions = {},
): Promise<CasualtyChart | undefined> {
  const all = casualtyChartData(result);
  if (all.rows.length === 0 && all.totals.length === 0) return undefined;
  // The groups come newest period first, so the cap keeps the newest figures.
  const maxRows = Math.max(1, options.maxRows ?? 1000);
  const data = { ...all, rows: all.rows.slice(0, maxRows) };
  const omitted = all.rows.length - data.rows.length;
  const width = options.width ?? 1000;
  const height = options.height ?? 560;
  const scale = options.scale ?? 2;
  const span = dateSpan([...data.rows, ...data.totals]);
  const title = options.title ?? 'Casualty claims by claimant';
  const log = logPanels(data);

  const frame = layoutFrame({
    width,
    height,
    title: `${title}, ${formatDateRange(span.from, span.to)}`,
    subtitle: subtitle(data),
    notes: [
      CHART_NOTE,
      ...log.map((panel) => logNote(data, panel)),
      ...(omitted > 0 ? [omittedNote(data.rows.length, all.rows.length)] : []),
      ...(data.notPlotted.length > 0
        ? [
            `Not plotted (worded figures): ${data.notPlotted.map((n) => describeNotPlotted(n, { why: false })).join('; ')}.`,
          ]
        : []),
    ],
  });
  const spec = chartSpec(data, frame.body.width, frame.body.height, { log: new Set(log) });
  const chart = await renderVegaLite(spec);
  const fit = Math.min(1, frame.body.width / chart.width, frame.body.height / chart.height);
  const dx = frame.body.x;
  const dy = frame.body.y;
  const body = `<g transform="translate(${num(dx)},${num(dy)}) scale(${num(fit, 4)})">${chart.markup}</g>`;
  const picture = await toPng(svgDocument(width, height, frame.head + body + frame.foot), scale);
  const alt = altText(data, title, omitted > 0 ? ` ${omittedNote(data.rows.length, all.rows.length)}` : '');
  return {
    ...picture,
    alt,
    data: data.rows,
    notPlotted: data.notPlotted,
    totals: data.totals,
    log,
    omitted,
  };
}

function panelValues(data: CasualtyChartData, panel: Panel): number[] {
  if (panel === 'totals') return data.totals.map((t) => t.value);
  return data.rows.filter((r) => r.measure === panel).map((r) => r.value ?? r.high ?? 0);
}

/** The panels where one figure would flatten the rest (needsLogScale): drawn on a log scale. */
function logPanels(data: CasualtyChartData): Panel[] {
  return (['totals', 'killed', 'injured'] as const).filter((p) => needsLogScale(panelValues(data, p)));
}

/** "Log scale for killed per week: the largest figure, 5,000 (UCDP GED 19.1, Mar 2015), would flatten the rest." */
function logNote(data: CasualtyChartData, panel: Panel): string {
  const named =
    panel === 'totals'
      ? data.totals.map((t) => ({ value: t.value, who: `${t.claimant}, ${formatPeriod(t, t.unit)}` }))
      : data.rows
          .filter((r) => r.measure === panel)
          .map((r) => ({
            value: r.value ?? r.high ?? 0,
            who: `${r.claimant}, ${formatDateRange(r.from, r.to)}`,
          }));
  const top = named.reduce((a, b) => (b.value > a.value ? b : a), named[0] ?? { value: 0, who: '' });
  const what = panel === 'totals' ? `killed per ${data.unit}` : `${panel} (claimed)`;
  return `Log scale for ${what}: the largest figure, ${formatNumber(top.value)} (${top.who}), would flatten the rest on a linear scale.`;
}

function omittedNote(shown: number, total: number): string {
  return `Showing the newest ${formatNumber(shown)} of ${formatNumber(total)} figures; narrow the question (country, since, until) to see older ones.`;
}

function subtitle(data: CasualtyChartData): string {
  const parts: string[] = [];
  if (data.totals.length > 0)
    parts.push(`Datasets: their events' estimates added up per ${data.unit}, one line per dataset.`);
  if (data.rows.length > 0)
    parts.push(
      'One mark per claim, at the end of the period it covers; a line runs back to the period’s start.',
    );
  if (data.rows.some((r) => r.low !== undefined && r.high !== undefined))
    parts.push('Bars: a claimed range.');
  return parts.join(' ');
}

/**
 * "Chart: Casualty claims in Syria, 28–30 Oct 2016. ACLED, its event estimates added up per week: …
 * 3 figures plotted, by 2 claimants, one mark per claim: 84 killed — Syrian military, … Not plotted:
 * …". At most ALT_MAX characters; what does not fit is counted (the message lists every figure).
 */
function altText(data: CasualtyChartData, title: string, omitted: string): string {
  const span = dateSpan([...data.rows, ...data.totals]);
  const head = `Chart: ${title}, ${formatDateRange(span.from, span.to)}.`;
  const datasets = [...new Set(data.totals.map((t) => t.claimant))];
  const items: string[] = [];
  for (const claimant of datasets) {
    // Periods without events are left out, as in the message.
    const own = data.totals.filter((t) => t.claimant === claimant && t.events > 0).reverse();
    items.push(
      `${claimant}, its event estimates added up per ${data.unit}, newest first: ${own.map(describeTotal).join('; ')}`,
    );
  }
  if (data.rows.length > 0) {
    const claimants = new Set(data.rows.map((r) => r.claimant)).size;
    const figures = `${data.rows.length} ${data.rows.length === 1 ? 'figure' : 'figures'}`;
    items.push(
      `${figures} plotted, by ${claimants} ${claimants === 1 ? 'claimant' : 'claimants'}, one mark per claim: ${data.rows.map(describeRow).join('; ')}`,
    );
  }
  const tail = `${omitted} ${CHART_NOTE}`;
  const notPlotted =
    data.notPlotted.length === 0
      ? ''
      : ` Not plotted: ${data.notPlotted.map((n) => describeNotPlotted(n)).join('; ')}.`;
  return fitList(head, items.join('. '), notPlotted + tail);
}

/**
 * `head`, as much of `body` (a list joined by "; ") as fits, and `tail`, within ALT_MAX; what is cut
 * is counted ("and 12 more (listed in the message)").
 */
function fitList(head: string, body: string, tail: string): string {
  const whole = `${head} ${body}.${tail}`;
  if (whole.length <= ALT_MAX) return whole;
  const items = body.split('; ');
  let listed = '';
  let shown = 0;
  for (const item of items) {
    const next = `${listed}${shown === 0 ? ' ' : '; '}${item}`;
    const rest = items.length - shown - 1;
    const more = rest > 0 ? `; and ${rest} more (listed in the message).` : '.';
    if ((head + next + more + tail).length > ALT_MAX) break;
    listed = next;
    shown += 1;
  }
  const rest = items.length - shown;
  const end = rest === 0 ? '.' : `${shown === 0 ? ' ' : '; and '}${rest} more (listed in the message).`;
  return truncate(head + listed + end + tail, ALT_MAX);
}
