// The Vega-Lite specification of the casualty chart, panels over a shared time axis: datasets' sums per
// week or month (each dataset its own line, never stacked or added to another), then hand-written
// claims killed and injured, a mark per claim at its period's end, a line back to its start, a bar for
// a claimed range. One colour per claimant, at most MAX_SERIES; Vega-Lite aggregates nothing.
import type { TopLevelSpec } from 'vega-lite';
import {
  type CasualtyChartData,
  type ChartRow,
  dateSpan,
  type FigureKind,
  type Measure,
  type TotalRow,
} from './casualty-data.ts';
import { textWidth } from './fonts.ts';
import { chartFrame, LABEL_SIZE } from './style.ts';

/** Okabe–Ito's colour-blind-safe colours (less its yellow, too faint on white), then a few more. */
const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#8C564B',
  '#332288',
  '#A6A600',
];

/** A panel of the chart: the datasets' sums, or hand-written claims of killed or injured. */
export type Panel = 'totals' | Measure;

/** At most this many colours in the legend, "Other claimants (n)" being one of them. */
export const MAX_SERIES = 8;

type MarkKind = Exclude<FigureKind, 'range'> | 'sum';

const KINDS: Record<MarkKind, { label: string; shape: string }> = {
  sum: { label: 'Dataset sum', shape: 'square' },
  best: { label: 'Best estimate', shape: 'circle' },
  'at least': { label: 'At least (lower bound)', shape: 'triangle-up' },
  'up to': { label: 'Up to (upper bound)', shape: 'triangle-down' },
};

const DAY_MS = 86_400_000;
const LEGEND_LABEL_LIMIT = 230;
/** More marks than this and their number labels would collide; the axis still reads. */
const MAX_LABELS = 24;

/** 0, 1, 10, 100, … up to `top` (the axis' top): ticks a log scale reads by. */
function logTicks(top: number): number[] {
  const ticks = [0];
  for (let t = 1; t <= top && ticks.length < 9; t *= 10) ticks.push(t);
  return ticks;
}

function utc(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** Axis ticks and labels for the span shown: days, months or years. */
function timeAxis(fromMs: number, toMs: number) {
  const days = (toMs - fromMs) / DAY_MS;
  if (days <= 120) {
    return { format: '%-d %b', tickCount: { interval: 'day', step: Math.max(1, Math.ceil(days / 8)) } };
  }
  if (days <= 3 * 365) {
    return { format: '%b %Y', tickCount: { interval: 'month', step: Math.max(1, Math.ceil(days / 30 / 8)) } };
  }
  return { format: '%Y', tickCount: { interval: 'year', step: Math.max(1, Math.ceil(days / 365 / 8)) } };
}

export function chartSpec(
  data: CasualtyChartData,
  bodyWidth: number,
  bodyHeight: number,
  options: { log?: ReadonlySet<Panel> } = {},
): TopLevelSpec {
  const { rows, totals } = data;
  const log = options.log ?? new Set<Panel>();
  const series = colourSeries(rows, totals);
  const claimants = [
    ...new Set([...totals.map((t) => series(t.claimant)), ...rows.map((r) => series(r.claimant))]),
  ].sort((a, b) => Number(isOther(a)) - Number(isOther(b)) || a.localeCompare(b, 'en'));
  const panels: Panel[] = [
    ...(totals.length > 0 ? (['totals'] as const) : []),
    ...(['killed', 'injured'] as const).filter((m) => rows.some((r) => r.measure === m)),
  ];
  const kinds = (Object.keys(KINDS) as MarkKind[]).filter(
    (k) =>
      rows.some((r) => r.kind === k) || totals.some((t) => (t.kind === 'sum' ? 'sum' : 'at least') === k),
  );
  const kindLabel = (k: MarkKind) => (k === 'sum' ? `Dataset sum per ${data.unit}` : KINDS[k].label);
  const marks = rows.length + totals.length;
  /** Smaller marks when there are many, so they do not cover each other. */
  const pointSize = marks > 150 ? 24 : marks > 50 ? 55 : 110;

  const span = dateSpan([...rows, ...totals]);
  const start = utc(span.from);
  const end = utc(span.to);
  const pad = Math.max(DAY_MS, (end - start) * 0.06);
  // Room at the right for the last mark's label, when marks are labelled.
  const domain = [start - pad, end + (marks <= MAX_LABELS ? pad * 1.6 : pad)];

  const legendWidth =
    Math.min(
      LEGEND_LABEL_LIMIT,
      Math.max(
        textWidth('Claimant', LABEL_SIZE, true),
        ...claimants.map((c) => textWidth(c, LABEL_SIZE)),
        ...kinds.map((k) => textWidth(kindLabel(k), LABEL_SIZE)),
      ),
    ) + 40;
  const plotWidth = Math.max(200, Math.floor(bodyWidth - legendWidth - 75));
  const gap = 18;
  const plotHeight = Math.max(
    60,
    Math.floor((bodyHeight - 52 - (panels.length - 1) * (gap + 22)) / panels.length),
  );

  const values = [
    ...totals.map((t) => ({
      ...t,
      panel: 'totals',
      kind: t.kind === 'sum' ? 'sum' : 'at least',
      series: series(t.claimant),
      fromTime: utc(t.from),
      toTime: utc(t.to),
      low: null,
      high: null,
      labelY: t.value,
      label: marks <= MAX_LABELS ? t.label : '',
    })),
    ...rows.map((r) => ({
      ...r,
      panel: r.measure,
      series: series(r.claimant),
      fromTime: utc(r.from),
      toTime: utc(r.to),
      value: r.value ?? null,
      low: r.low ?? null,
      high: r.high ?? null,
      labelY: r.value ?? r.high ?? r.low ?? 0,
      label: marks <= MAX_LABELS ? r.label : '',
    })),
  ];

  const axis = timeAxis(domain[0] ?? start, domain[1] ?? end);
  const color = {
    field: 'series',
    type: 'nominal',
    title: 'Claimant',
    scale: { domain: claimants, range: claimants.map((c, i) => (isOther(c) ? OTHER_COLOUR : PALETTE[i])) },
    legend: { labelLimit: LEGEND_LABEL_LIMIT, orient: 'right', symbolType: 'circle' },
  } as const;
  const shape = {
    field: 'kind',
    type: 'nominal',
    title: 'Figure',
    scale: { domain: kinds, range: kinds.map((k) => KINDS[k].shape) },
    legend:
      kinds.length > 1 || kinds[0] !== 'best'
        ? {
            labelExpr: `{${kinds.map((k) => `'${k}': '${kindLabel(k)}'`).join(', ')}}[datum.label]`,
            orient: 'right',
          }
        : null,
  } as const;
  /** The x channel; the scale and axis are given once per panel (on its first layer), else they conflict. */
  const x = (field: string, last?: boolean) =>
    last === undefined
      ? { field, type: 'temporal' }
      : {
          field,
          type: 'temporal',
          scale: { type: 'utc', domain, nice: false },
          axis: {
            ...axis,
            title: last ? (totals.length > 0 ? 'Period' : 'Period of the claim') : null,
            labelFlush: true,
            grid: false,
          },
        };

  const panel = (name: Panel, last: boolean) => {
    const own = values.filter((v) => v.panel === name);
    const yMax = Math.max(1, ...own.map((r) => Math.max(r.value ?? 0, r.high ?? 0, r.low ?? 0)));
    const logScale = log.has(name);
    const title =
      name === 'totals'
        ? `Killed per ${data.unit} (dataset sums)`
        : name === 'killed'
          ? 'Killed (claimed)'
          : 'Injured (claimed)';
    const y = (field: string) => ({
      field,
      type: 'quantitative',
      title: logScale ? `${title}, log scale` : title,
      // Headroom, so the highest mark and its label sit inside the panel. A symmetric log scale keeps
      // zero on the axis, where a plain log scale cannot.
      scale: logScale
        ? { type: 'symlog', constant: 1, domain: [0, yMax * 1.5], nice: false, zero: true }
        : { domain: [0, yMax * 1.12], nice: true, zero: true },
      axis: { tickMinStep: 1, format: ',d', ...(logScale ? { values: logTicks(yMax * 1.5) } : {}) },
    });
    const point = {
      // A dataset's period without events has no mark; its line still runs through zero.
      transform: [{ filter: 'isValid(datum.value) && datum.events !== 0' }],
      mark: { type: 'point', filled: true, size: pointSize, opacity: 1, stroke: '#ffffff', strokeWidth: 1 },
      encoding: { x: x('toTime'), y: y('value'), color, shape },
    };
    const text = {
      mark: {
        type: 'text',
        align: 'left',
        baseline: 'middle',
        dx: 9,
        fontSize: LABEL_SIZE,
        fontWeight: 'bold',
      },
      encoding: { x: x('toTime'), y: y('labelY'), text: { field: 'label' }, color },
    };
    const period = {
      transform: [{ filter: 'datum.fromTime < datum.toTime && isValid(datum.value)' }],
      mark: { type: 'rule', strokeWidth: 3, opacity: 0.55, strokeCap: 'round' },
      encoding: { x: x('fromTime', last), x2: { field: 'toTime' }, y: y('value'), color },
    };
    const layer =
      name === 'totals'
        ? [
            period,
            {
              // Each dataset its own line (detail), so datasets sharing the grey "others" never join.
              transform: [{ filter: "datum.kind === 'sum'" }],
              mark: { type: 'line', strokeWidth: 1, opacity: 0.6 },
              encoding: { x: x('toTime'), y: y('value'), color, detail: { field: 'claimant' } },
            },
            point,
            text,
          ]
        : [
            period,
            {
              transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
              mark: { type: 'rule', strokeWidth: 1.5 },
              encoding: { x: x('toTime'), y: y('low'), y2: { field: 'high' }, color },
            },
            ...(['low', 'high'] as const).map((bound) => ({
              transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
              mark: { type: 'tick', orient: 'horizontal', thickness: 1.5, size: 10 },
              encoding: { x: x('toTime'), y: y(bound), color },
            })),
            point,
            text,
          ];
    return {
      width: plotWidth,
      height: plotHeight,
      transform: [{ filter: `datum.panel === '${name}'` }],
      layer,
    };
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    vconcat: panels.map((p, i) => panel(p, i === panels.length - 1)),
    spacing: gap,
    resolve: { scale: { x: 'shared', y: 'independent', color: 'shared', shape: 'shared' } },
    ...chartFrame({ symbolSize: 110, symbolOpacity: 1, rowPadding: 6 }),
  } as TopLevelSpec;
}

const OTHER_COLOUR = '#9a9a9a';
const OTHER_PREFIX = 'Other claimants';

function isOther(series: string): boolean {
  return series.startsWith(OTHER_PREFIX);
}

/**
 * Claimant → legend entry. More than MAX_SERIES colours and two claimants would look alike, so past
 * that the datasets and then the claimants with the most figures keep their own colour, and the rest
 * share a grey "Other claimants (n)" entry (each of their figures is still its own mark, and each
 * dataset its own line: nothing is added up).
 */
function colourSeries(rows: readonly ChartRow[], totals: readonly TotalRow[]): (claimant: string) => string {
  const byName = (a: string, b: string) => a.localeCompare(b, 'en');
  const datasets = [...new Set(totals.map((t) => t.claimant))].sort(byName);
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.claimant, (counts.get(row.claimant) ?? 0) + 1);
  const hand = [...counts.keys()].filter((c) => !datasets.includes(c));
  const all = datasets.length + hand.length;
  if (all <= MAX_SERIES) return (claimant) => claimant;
  const byCount = hand.sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || byName(a, b));
  const kept = new Set([...datasets, ...byCount].slice(0, MAX_SERIES - 1));
  const other = `${OTHER_PREFIX} (${all - kept.size})`;
  return (claimant) => (kept.has(claimant) ? claimant : other);
}
