// The Vega-Lite specification of the /trends chart: events per week and, below, the deaths a dataset's
// own estimates add up to per week; one line per dataset, never stacked or added across datasets.
import type { TopLevelSpec } from 'vega-lite';
import { textWidth } from './fonts.ts';
import { chartFrame, LABEL_SIZE } from './style.ts';

/** Okabe–Ito colours, as the casualty chart uses them: one per dataset kind, then for further releases. */
const KIND_COLOURS = { hand: '#000000', acled: '#D55E00', ucdp: '#0072B2' } as const;
const MORE_COLOURS = ['#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#8C564B'];
/** The 28-day window's weeks, and the 7-day window's. */
const WINDOW_FILL = { month: '#f2f2f2', week: '#e2e2e2' } as const;

export interface TrendPoint {
  /** The dataset's label: one line each. */
  series: string;
  /** The week's last day, YYYY-MM-DD, and its axis label ("9 May"). */
  weekEnd: string;
  weekLabel: string;
  events: number;
  /** Undefined for hand-written incidents (not added up). */
  deaths: number | undefined;
}

/** A colour per series, its kind's first; another release of the same kind takes the next free colour. */
export function seriesColours(
  series: readonly { label: string; kind: keyof typeof KIND_COLOURS }[],
): string[] {
  const used = new Set<string>();
  let more = 0;
  return series.map((s) => {
    let colour: string = KIND_COLOURS[s.kind];
    if (used.has(colour)) colour = MORE_COLOURS[more++ % MORE_COLOURS.length] ?? colour;
    used.add(colour);
    return colour;
  });
}

export function trendSpec(
  points: readonly TrendPoint[],
  series: readonly { label: string; kind: keyof typeof KIND_COLOURS }[],
  weekLabels: readonly string[],
  bodyWidth: number,
  bodyHeight: number,
): TopLevelSpec {
  const withDeaths = points.some((p) => p.deaths !== undefined);
  const legendWidth =
    Math.min(
      230,
      Math.max(textWidth('Dataset', LABEL_SIZE, true), ...series.map((s) => textWidth(s.label, LABEL_SIZE))),
    ) + 40;
  const plotWidth = Math.max(200, Math.floor(bodyWidth - legendWidth - 75));
  const panels = withDeaths ? 2 : 1;
  const gap = 18;
  const plotHeight = Math.max(60, Math.floor((bodyHeight - 52 - (panels - 1) * (gap + 22)) / panels));
  const values = points.map((p) => ({ ...p, deaths: p.deaths ?? null }));
  const windows = weekLabels.slice(-4).map((weekLabel, i, all) => ({
    weekLabel,
    fill: i === all.length - 1 ? WINDOW_FILL.week : WINDOW_FILL.month,
  }));
  const color = {
    field: 'series',
    type: 'nominal',
    title: 'Dataset',
    scale: { domain: series.map((s) => s.label), range: seriesColours(series) },
    legend: { labelLimit: 230, orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 3 },
  } as const;

  const panel = (measure: 'events' | 'deaths', title: string, last: boolean) => {
    const x = {
      field: 'weekLabel',
      type: 'ordinal',
      sort: [...weekLabels],
      scale: { domain: [...weekLabels] },
      axis: { title: last ? 'Week ending' : null, labelAngle: 0, labels: true },
    };
    const y = { field: measure, type: 'quantitative', title, axis: { tickMinStep: 1, format: ',d' } };
    const valid = [{ filter: `isValid(datum.${measure})` }];
    return {
      width: plotWidth,
      height: plotHeight,
      layer: [
        {
          data: { values: windows },
          mark: { type: 'rect' },
          encoding: { x, fill: { field: 'fill', type: 'nominal', scale: null, legend: null } },
        },
        {
          data: { values },
          transform: valid,
          mark: { type: 'line', strokeWidth: 2.5 },
          encoding: { x, y, color },
        },
        {
          data: { values },
          transform: valid,
          mark: { type: 'point', filled: true, size: 60, opacity: 1 },
          encoding: { x, y, color },
        },
      ],
    };
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: [
      panel('events', 'Events', !withDeaths),
      ...(withDeaths ? [panel('deaths', 'Deaths (estimates)', true)] : []),
    ],
    spacing: gap,
    resolve: { scale: { x: 'shared', y: 'independent', color: 'shared' } },
    ...chartFrame({ rowPadding: 6 }),
  } as TopLevelSpec;
}
