// The Vega-Lite specification of the casualty chart: killed and injured panels over a shared time axis,
// one colour per claimant, a mark per claim at its period's end, a line back to its start, a bar for a
// claimed range. No stacking and no aggregation: every row is drawn as it is.
import type { TopLevelSpec } from 'vega-lite';
import {
  type CasualtyChartData,
  type ChartRow,
  dateSpan,
  type FigureKind,
  type Measure,
} from './casualty-data.ts';
import { FONT_FAMILY, textWidth } from './fonts.ts';

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

const KINDS: Record<Exclude<FigureKind, 'range'>, { label: string; shape: string }> = {
  best: { label: 'Best estimate', shape: 'circle' },
  'at least': { label: 'At least (lower bound)', shape: 'triangle-up' },
  'up to': { label: 'Up to (upper bound)', shape: 'triangle-down' },
};

const DAY_MS = 86_400_000;
const LABEL_SIZE = 12;
const LEGEND_LABEL_LIMIT = 230;
/** More marks than this and their number labels would collide; the axis still reads. */
const MAX_LABELS = 24;

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

export function chartSpec(data: CasualtyChartData, bodyWidth: number, bodyHeight: number): TopLevelSpec {
  const rows = data.rows;
  const series = colourSeries(rows);
  const claimants = [...new Set(rows.map((r) => series(r.claimant)))].sort(
    (a, b) => Number(isOther(a)) - Number(isOther(b)) || a.localeCompare(b, 'en'),
  );
  const measures = (['killed', 'injured'] as const).filter((m) => rows.some((r) => r.measure === m));
  const kinds = (Object.keys(KINDS) as (keyof typeof KINDS)[]).filter((k) => rows.some((r) => r.kind === k));

  const span = dateSpan(rows);
  const start = utc(span.from);
  const end = utc(span.to);
  const pad = Math.max(DAY_MS, (end - start) * 0.06);
  // Room at the right for the last mark's label, when marks are labelled.
  const domain = [start - pad, end + (rows.length <= MAX_LABELS ? pad * 1.6 : pad)];

  const legendWidth =
    Math.min(
      LEGEND_LABEL_LIMIT,
      Math.max(
        textWidth('Claimant', LABEL_SIZE, true),
        ...claimants.map((c) => textWidth(c, LABEL_SIZE)),
        ...kinds.map((k) => textWidth(KINDS[k].label, LABEL_SIZE)),
      ),
    ) + 40;
  const plotWidth = Math.max(200, Math.floor(bodyWidth - legendWidth - 75));
  const gap = 18;
  const plotHeight = Math.max(
    60,
    Math.floor((bodyHeight - 52 - (measures.length - 1) * (gap + 22)) / measures.length),
  );

  const values = rows.map((r) => ({
    ...r,
    series: series(r.claimant),
    fromTime: utc(r.from),
    toTime: utc(r.to),
    value: r.value ?? null,
    low: r.low ?? null,
    high: r.high ?? null,
    labelY: r.value ?? r.high ?? r.low ?? 0,
    label: rows.length <= MAX_LABELS ? r.label : '',
  }));

  const axis = timeAxis(domain[0] ?? start, domain[1] ?? end);
  const color = {
    field: 'series',
    type: 'nominal',
    title: 'Claimant',
    scale: { domain: claimants, range: claimants.map((c, i) => (isOther(c) ? OTHER_COLOUR : PALETTE[i])) },
    legend: { labelLimit: LEGEND_LABEL_LIMIT, orient: 'right', symbolType: 'circle' },
  } as const;
  /** The x channel; the scale and axis are given once per panel (on its first layer), else they conflict. */
  const x = (field: string, last?: boolean) =>
    last === undefined
      ? { field, type: 'temporal' }
      : {
          field,
          type: 'temporal',
          scale: { type: 'utc', domain, nice: false },
          axis: { ...axis, title: last ? 'Period of the claim' : null, labelFlush: true, grid: false },
        };

  const panel = (measure: Measure, last: boolean) => {
    const yMax = Math.max(
      1,
      ...rows
        .filter((r) => r.measure === measure)
        .map((r) => Math.max(r.value ?? 0, r.high ?? 0, r.low ?? 0)),
    );
    const y = (field: string) => ({
      field,
      type: 'quantitative',
      title: measure === 'killed' ? 'Killed (claimed)' : 'Injured (claimed)',
      // Headroom, so the highest mark and its label sit inside the panel.
      scale: { domain: [0, yMax * 1.12], nice: true, zero: true },
      axis: { tickMinStep: 1, format: ',d' },
    });
    return {
      width: plotWidth,
      height: plotHeight,
      transform: [{ filter: `datum.measure === '${measure}'` }],
      layer: [
        {
          transform: [{ filter: 'datum.fromTime < datum.toTime && isValid(datum.value)' }],
          mark: { type: 'rule', strokeWidth: 3, opacity: 0.55, strokeCap: 'round' },
          encoding: { x: x('fromTime', last), x2: { field: 'toTime' }, y: y('value'), color },
        },
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
        {
          transform: [{ filter: 'isValid(datum.value)' }],
          mark: { type: 'point', filled: true, size: 110, opacity: 1, stroke: '#ffffff', strokeWidth: 1 },
          encoding: {
            x: x('toTime'),
            y: y('value'),
            color,
            shape: {
              field: 'kind',
              type: 'nominal',
              title: 'Figure',
              scale: { domain: kinds, range: kinds.map((k) => KINDS[k].shape) },
              legend:
                kinds.length > 1 || kinds[0] !== 'best'
                  ? {
                      labelExpr: `{${kinds.map((k) => `'${k}': '${KINDS[k].label}'`).join(', ')}}[datum.label]`,
                      orient: 'right',
                    }
                  : null,
            },
          },
        },
        {
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'middle',
            dx: 9,
            fontSize: LABEL_SIZE,
            fontWeight: 'bold',
          },
          encoding: { x: x('toTime'), y: y('labelY'), text: { field: 'label' }, color },
        },
      ],
    };
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    vconcat: measures.map((m, i) => panel(m, i === measures.length - 1)),
    spacing: gap,
    resolve: { scale: { x: 'shared', y: 'independent', color: 'shared', shape: 'shared' } },
    background: 'transparent',
    padding: 0,
    autosize: { type: 'pad' },
    config: {
      font: FONT_FAMILY,
      view: { stroke: '#dddddd' },
      axis: {
        labelFontSize: LABEL_SIZE,
        titleFontSize: LABEL_SIZE,
        titleFontWeight: 'bold',
        labelColor: '#333333',
        titleColor: '#222222',
        gridColor: '#e8e8e8',
      },
      legend: {
        labelFontSize: LABEL_SIZE,
        titleFontSize: LABEL_SIZE,
        titleFontWeight: 'bold',
        symbolSize: 110,
        symbolOpacity: 1,
        rowPadding: 6,
      },
    },
  } as TopLevelSpec;
}

const OTHER_COLOUR = '#9a9a9a';
const OTHER_PREFIX = 'Other claimants';

function isOther(series: string): boolean {
  return series.startsWith(OTHER_PREFIX);
}

/**
 * Claimant → legend entry, sorted by name. Past PALETTE's colours, repeated colours would make two
 * claimants look like one, so the claimants with the most figures keep their own colour and the rest
 * share a grey "Other claimants (n)" entry (each of their claims is still its own mark).
 */
function colourSeries(rows: readonly ChartRow[]): (claimant: string) => string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.claimant, (counts.get(row.claimant) ?? 0) + 1);
  const byName = (a: string, b: string) => a.localeCompare(b, 'en');
  const all = [...counts.keys()].sort(byName);
  if (all.length <= PALETTE.length) return (claimant) => claimant;
  const kept = new Set(
    [...all]
      .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || byName(a, b))
      .slice(0, PALETTE.length - 1),
  );
  const other = `${OTHER_PREFIX} (${all.length - kept.size})`;
  return (claimant) => (kept.has(claimant) ? claimant : other);
}
