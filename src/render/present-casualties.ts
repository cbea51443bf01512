// The /casualties answer's dataset parts: for each dataset claimant (ACLED, UCDP GED x), its events'
// figures added up within that dataset only, per week or month, with its deadliest events and
// provinces. Sized for a reader: the newest periods first, the rest on the following pages.
import type { DatasetSummary, KilledTotals, PeriodTotal, PeriodUnit } from '../incidents/types.ts';
import type { Section } from './answer.ts';
import { bullets, COLORS, packLines } from './blocks.ts';
import { formatDateRange, formatFigure, formatIncidentDate, formatNumber } from './format.ts';

/** Periods listed with a dataset's summary; the older ones follow in a section of their own. */
export const PERIODS_SHOWN = 12;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "370 killed — sum of ACLED's event estimates, 300 events": the label says exactly what was added. */
export function describeSum(claimant: string, t: Pick<KilledTotals, 'best' | 'bestEvents'>): string {
  return `${formatNumber(t.best)} killed — sum of ${claimant}'s event estimates, ${plural(t.bestEvents, 'event')}`;
}

/** The overview line of one dataset: its sum and the days it covers. */
export function datasetOverviewLine(d: DatasetSummary): string {
  const span = formatDateRange(d.span.from, d.span.to);
  if (d.totals.bestEvents === 0)
    return `${d.claimant}: ${plural(d.totals.events, 'event')}, ${span}, none with a best estimate of killed`;
  return `${d.claimant}: ${describeSum(d.claimant, d.totals)}, ${span}`;
}

/** What the sum leaves out, said rather than added: lower bounds, upper bounds, ranges, words, none. */
function describeRest(t: KilledTotals): string[] {
  const lines: string[] = [];
  if (t.bestLow !== t.best || t.bestHigh !== t.best)
    lines.push(
      `Sums of the same events' low and high estimates: ${formatNumber(t.bestLow)}–${formatNumber(t.bestHigh)}.`,
    );
  if (t.atLeastEvents > 0)
    lines.push(
      `${plural(t.atLeastEvents, 'more event')} ${t.atLeastEvents === 1 ? 'gives' : 'give'} only a lower bound: at least ${formatNumber(t.atLeast)} killed in all, not in the sum.`,
    );
  const apart = [
    t.upToEvents > 0 ? `${plural(t.upToEvents, 'event')} only an upper bound` : '',
    t.rangeEvents > 0 ? `${plural(t.rangeEvents, 'event')} only a range` : '',
    t.wordedEvents > 0 ? `${plural(t.wordedEvents, 'event')} a figure in words` : '',
    t.noFigureEvents > 0 ? `${plural(t.noFigureEvents, 'event')} no figure for killed` : '',
  ].filter((p) => p !== '');
  if (apart.length > 0) lines.push(`Not added: ${apart.join('; ')}.`);
  return lines;
}

/** "9–15 Mar 2020", or "Mar 2020" for a whole month. */
export function formatPeriod(p: Pick<PeriodTotal, 'from' | 'to'>, unit: PeriodUnit): string {
  const wholeMonth =
    unit === 'month' &&
    p.from.endsWith('-01') &&
    new Date(Date.parse(`${p.to}T00:00:00Z`) + 86_400_000).getUTCDate() === 1;
  return formatDateRange(p.from, p.to, wholeMonth ? 'month' : 'day');
}

export function periodLine(p: PeriodTotal, unit: PeriodUnit): string {
  const label = formatPeriod(p, unit);
  if (p.events === 0) return `${label}: no events`;
  const sum = p.bestEvents > 0 ? `${formatNumber(p.best)} killed` : 'no best estimate';
  const bound =
    p.atLeastEvents > 0
      ? `; at least ${formatNumber(p.atLeast)} more in ${plural(p.atLeastEvents, 'event')} giving only a lower bound`
      : '';
  return `${label}: ${sum} · ${plural(p.events, 'event')}${bound}`;
}

const UNIT_NAME: Record<PeriodUnit, string> = { week: 'week (Mon–Sun)', month: 'month' };

/**
 * The sections of one dataset: its sum and what it leaves out, the newest periods, the deadliest
 * events and provinces; then, when there are more periods than PERIODS_SHOWN, the older ones.
 */
export function datasetSections(
  d: DatasetSummary,
  unit: PeriodUnit,
  options: { showCountry: boolean },
): Section[] {
  const t = d.totals;
  const head =
    t.bestEvents > 0
      ? `${describeSum(d.claimant, t)}.`
      : `${plural(t.events, 'event')}, none with a best estimate of killed.`;
  // Periods without events are left out of the text (the chart draws them at zero), and said to be.
  const withEvents = d.periods.filter((p) => p.events > 0);
  const quiet = d.periods.length - withEvents.length;
  const quietNote = quiet === 0 ? '' : `; ${plural(quiet, unit)} without events left out`;
  const shown = withEvents.slice(0, PERIODS_SHOWN);
  const older = withEvents.slice(PERIODS_SHOWN);
  const periodsName =
    older.length === 0
      ? `Killed per ${UNIT_NAME[unit]}, newest first${quietNote}`
      : `Killed per ${UNIT_NAME[unit]}, newest ${shown.length} of ${withEvents.length}${quietNote}`;
  const fields = [
    ...packLines(periodsName, bullets(shown.map((p) => periodLine(p, unit)))),
    ...(d.deadliest.length === 0
      ? []
      : packLines(
          'Deadliest events (largest single figures)',
          d.deadliest.map((e, i) => {
            const killed = e.claim.killed === undefined ? '' : `${formatFigure(e.claim.killed)} killed`;
            const coded = e.codedFrom === undefined ? '' : ` · coded from: ${e.codedFrom}`;
            return `${i + 1}. ${killed} — ${e.incident.title}, ${formatIncidentDate(e.incident)} (id: ${e.incident.id})${coded}`;
          }),
        )),
    ...(d.places.length === 0
      ? []
      : packLines(
          'Deadliest provinces (sum of best estimates)',
          bullets(
            d.places.map((p) => {
              const where = [p.place ?? 'province not given', ...(options.showCountry ? [p.country] : [])];
              return `${where.join(', ')}: ${formatNumber(p.best)} killed in ${plural(p.events, 'event')}`;
            }),
          ),
        )),
  ];
  const sections: Section[] = [
    {
      title: `${d.claimant} · ${formatDateRange(d.span.from, d.span.to)}`,
      description: [head, ...describeRest(t)].join('\n'),
      fields,
      footer: `Added up within ${d.claimant} only, never with another claimant's figures; each event counts in the ${unit} its period ends. An event's briefing: /incident id:…`,
      color: COLORS.list,
    },
  ];
  if (older.length > 0) {
    sections.push({
      title: `${d.claimant} · earlier ${unit}s`,
      fields: packLines(
        `Killed per ${UNIT_NAME[unit]}, ${plural(older.length, `earlier ${unit}`)} with events`,
        bullets(older.map((p) => periodLine(p, unit))),
      ),
      color: COLORS.list,
    });
  }
  return sections;
}
