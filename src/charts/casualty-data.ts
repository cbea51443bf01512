// Casualty claims → the rows a chart plots, one per claimed figure. Nothing is added up: two claimants
// for the same days are two rows, and so are two claims by one claimant. Worded figures without a
// number ("scores") cannot be placed on an axis; they are kept apart to be named in the text.
import type { ClaimGroup } from '../incidents/queries.ts';
import type { Figure } from '../incidents/schema.ts';
import { formatDateRange } from '../render/dates.ts';
import { formatNumber } from '../render/format.ts';

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

export interface CasualtyChartData {
  rows: ChartRow[];
  notPlotted: NotPlotted[];
}

const MEASURES: readonly Measure[] = ['killed', 'injured'];

/** One row per numeric figure of every claim, in the groups' order (newest period first). */
export function casualtyChartData(result: { groups: readonly ClaimGroup[] }): CasualtyChartData {
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
  return { rows, notPlotted };
}

function placeFigure(f: Figure): Pick<ChartRow, 'kind' | 'value' | 'label'> | undefined {
  if (f.best !== undefined) return { kind: 'best', value: f.best, label: formatNumber(f.best) };
  if (f.low !== undefined && f.high !== undefined) {
    const label = f.low === f.high ? formatNumber(f.low) : `${formatNumber(f.low)}–${formatNumber(f.high)}`;
    return { kind: 'range', value: undefined, label };
  }
  if (f.low !== undefined) return { kind: 'at least', value: f.low, label: `≥ ${formatNumber(f.low)}` };
  if (f.high !== undefined) return { kind: 'up to', value: f.high, label: `≤ ${formatNumber(f.high)}` };
  return undefined;
}

/** "84 killed — Syrian military, 28–30 Oct 2016" for the text alternative. */
export function describeRow(row: ChartRow): string {
  const figure =
    row.kind === 'best' && (row.low !== undefined || row.high !== undefined)
      ? `${row.label} (range ${formatRange(row.low, row.high)})`
      : row.kind === 'at least'
        ? `at least ${formatNumber(row.low ?? 0)}`
        : row.kind === 'up to'
          ? `up to ${formatNumber(row.high ?? 0)}`
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

/** The earliest start and latest end of the rows' periods. */
export function dateSpan(rows: readonly ChartRow[]): { from: string; to: string } {
  let from = rows[0]?.from ?? '';
  let to = rows[0]?.to ?? '';
  for (const row of rows) {
    if (row.from < from) from = row.from;
    if (row.to > to) to = row.to;
  }
  return { from, to };
}
