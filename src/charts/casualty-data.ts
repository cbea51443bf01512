// Casualty claims → the rows a chart plots. A hand-written claim is one row per claimed figure, nothing
// added up: two claimants for the same days are two rows, and so are two claims by one claimant. A
// dataset (ACLED, UCDP GED x) is one row per week or month: its events' best estimates added up within
// that dataset only, and its lower-bound-only figures apart, as lower bounds. Worded figures without a
// number ("scores") cannot be placed on an axis; they are kept apart to be named in the text.
import { figureKind } from '../incidents/claimants.ts';
import type { ClaimGroup } from '../incidents/queries.ts';
import type { Figure } from '../incidents/schema.ts';
import type { DatasetSummary, PeriodUnit } from '../incidents/types.ts';
import { formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';
import { formatPeriod } from '../render/present-casualties.ts';

export type Measure = 'killed' | 'injured';

/**
 * How a figure is drawn: its best estimate; the one bound it gives ("at least 36", "up to 90"); or,
 * with a low and a high but no best, the range alone.
 */
export type FigureKind = 'best' | 'at least' | 'up to' | 'range';

export interface ChartRow {
  claimant: string;
  measure: Measure;
  /** The claim's period (YYYY-MM-DD): drawn as a line from `from` to `to`, the mark at `to`. */
  from: string;
  to: string;
  kind: FigureKind;
  /** Where the mark sits: the best estimate, else the bound given; undefined for a range alone. */
  value: number | undefined;
  best: number | undefined;
  low: number | undefined;
  high: number | undefined;
  /** The figure as the chart labels it: "84", "≥ 36", "≤ 90", "70–90". */
  label: string;
  incidentId: string;
  source: string;
}

export interface NotPlotted {
  claimant: string;
  measure: Measure;
  /** The claimant's words: "scores". */
  text: string;
  from: string;
  to: string;
}

/** One dataset's figures for one week or month. */
export interface TotalRow {
  claimant: string;
  /** The period (YYYY-MM-DD), drawn like a claim's: the mark at `to`, a line back to `from`. */
  from: string;
  to: string;
  /** 'sum': the sum of the events' best estimates; 'at least': the sum of lower-bound-only figures. */
  kind: 'sum' | 'at least';
  value: number;
  events: number;
  label: string;
  unit: PeriodUnit;
}

export interface CasualtyChartData {
  rows: ChartRow[];
  notPlotted: NotPlotted[];
  /** Datasets' totals per period, oldest first; empty without datasets. */
  totals: TotalRow[];
  unit: PeriodUnit;
}

const MEASURES: readonly Measure[] = ['killed', 'injured'];

/**
 * One row per numeric figure of every hand-written claim, in the groups' order (newest period first),
 * and the datasets' totals per period.
 */
export function casualtyChartData(result: {
  groups: readonly ClaimGroup[];
  datasets?: readonly DatasetSummary[];
  unit?: PeriodUnit;
}): CasualtyChartData {
  const rows: ChartRow[] = [];
  const notPlotted: NotPlotted[] = [];
  for (const group of result.groups) {
    const { claimant, period } = group;
    for (const { incident, claim } of group.rows) {
      for (const measure of MEASURES) {
        const figure = claim[measure];
        if (figure === undefined) continue;
        const placed = placeFigure(figure);
        if (placed === undefined) {
          notPlotted.push({ claimant, measure, text: figure.text ?? '', ...period });
          continue;
        }
        rows.push({
          claimant,
          measure,
          ...period,
          ...placed,
          best: figure.best,
          low: figure.low,
          high: figure.high,
          incidentId: incident.id,
          source: claim.source,
        });
      }
    }
  }
  const totals: TotalRow[] = [];
  for (const d of result.datasets ?? []) {
    for (const p of [...d.periods].reverse()) {
      const at = {
        claimant: d.claimant,
        from: p.from,
        to: p.to,
        events: p.events,
        unit: result.unit ?? 'week',
      };
      // A period without events is drawn at 0: the dataset coded no deaths in it.
      if (p.bestEvents > 0 || p.atLeastEvents === 0)
        totals.push({ ...at, kind: 'sum', value: p.best, label: formatNumber(p.best) });
      if (p.atLeastEvents > 0)
        totals.push({ ...at, kind: 'at least', value: p.atLeast, label: `≥ ${formatNumber(p.atLeast)}` });
    }
  }
  return { rows, notPlotted, totals, unit: result.unit ?? 'week' };
}

/** Where a figure goes, as figureKind reads it: "at least 84" with a best of 84 is a lower bound. */
function placeFigure(f: Figure): Pick<ChartRow, 'kind' | 'value' | 'label'> | undefined {
  const { kind, value } = figureKind(f);
  switch (kind) {
    case 'best':
      return { kind, value, label: formatNumber(value ?? 0) };
    case 'range': {
      const low = f.low ?? 0;
      const high = f.high ?? 0;
      return {
        kind,
        value: undefined,
        label: low === high ? formatNumber(low) : `${formatNumber(low)}–${formatNumber(high)}`,
      };
    }
    case 'at least':
      return { kind, value, label: `≥ ${formatNumber(value ?? 0)}` };
    case 'up to':
      return { kind, value, label: `≤ ${formatNumber(value ?? 0)}` };
    default:
      return undefined;
  }
}

/**
 * True when one figure would flatten the rest on a linear axis: at least three positive values, and
 * the largest over ten times the 75th percentile of the others (most marks in the panel's bottom tenth).
 */
export function needsLogScale(values: readonly number[]): boolean {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (positive.length < 3) return false;
  const max = positive.at(-1) ?? 0;
  const others = positive.slice(0, -1);
  const p75 = others[Math.min(others.length - 1, Math.floor(others.length * 0.75))] ?? 0;
  return max > 10 * Math.max(1, p75);
}

/** "84 killed — Syrian military, 28–30 Oct 2016" for the text alternative. */
export function describeRow(row: ChartRow): string {
  const figure =
    row.kind === 'best' && (row.low !== undefined || row.high !== undefined)
      ? `${row.label} (range ${formatRange(row.low, row.high)})`
      : row.kind === 'at least'
        ? `at least ${formatNumber(row.value ?? 0)}`
        : row.kind === 'up to'
          ? `up to ${formatNumber(row.value ?? 0)}`
          : row.label;
  return `${figure} ${row.measure} — ${row.claimant}, ${formatDateRange(row.from, row.to)}`;
}

/** "UN Special Envoy for Syria — scores killed (worded figure), 28–30 Oct 2016". */
export function describeNotPlotted(item: NotPlotted, options: { why?: boolean } = {}): string {
  const why = options.why === false ? '' : ' (worded figure)';
  return `${item.claimant} — ${item.text} ${item.measure}${why}, ${formatDateRange(item.from, item.to)}`;
}

function formatRange(low: number | undefined, high: number | undefined): string {
  if (low !== undefined && high !== undefined) return `${formatNumber(low)}–${formatNumber(high)}`;
  return low !== undefined ? `at least ${formatNumber(low)}` : `up to ${formatNumber(high ?? 0)}`;
}

/** "9–15 Mar 2020: 133 killed" for the text alternative, which names the dataset and the sum. */
export function describeTotal(row: TotalRow): string {
  const what =
    row.kind === 'sum'
      ? `${formatNumber(row.value)} killed`
      : `at least ${formatNumber(row.value)} killed (lower bounds only)`;
  return `${formatPeriod(row, row.unit)}: ${what}`;
}

/** The earliest start and latest end of the rows' periods. */
export function dateSpan(rows: readonly Pick<ChartRow, 'from' | 'to'>[]): { from: string; to: string } {
  let from = rows[0]?.from ?? '';
  let to = rows[0]?.to ?? '';
  for (const row of rows) {
    if (row.from < from) from = row.from;
    if (row.to > to) to = row.to;
  }
  return { from, to };
}
