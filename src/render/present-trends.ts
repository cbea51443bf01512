// /trends as an answer: per dataset, the last 7 and 28 days against their baselines, changes past the
// threshold flagged, the method and the anchoring said in words. Pure; text stays raw (unescaped).
import type { TypeFilter } from '../incidents/filters.ts';
import {
  addDays,
  type Comparison,
  compareSeries,
  type SeriesTrend,
  TREND_RULES,
  type TrendData,
  type TrendRules,
  type TrendSeries,
  trendWindows,
  type WindowTrend,
} from '../incidents/trends.ts';
import type { Answer, AnswerField, Section } from './answer.ts';
import { COLORS, typeLabel } from './blocks.ts';
import { formatDate, formatDateRange } from './dates.ts';
import { formatNumber } from './format.ts';

const RISE = 0xc0392b;
const FALL = 0x2980b9;

/** "Syria" or "Syria, Battles": what the answer is about. */
export function describeSelection(country: string, type: TypeFilter | undefined): string {
  if (type === undefined) return country;
  return `${country}, ${typeLabel('event' in type ? type.event : type.sub)}`;
}

function mean(n: number): string {
  return formatNumber(Math.round(n * 10) / 10);
}

function percent(change: number): string {
  const rounded = Math.round(change * 100);
  return rounded >= 0 ? `+${formatNumber(rounded)}%` : `−${formatNumber(-rounded)}%`;
}

/** "▲ rise, +416%", "▼ fall, −62%", "▲ rise from none", "no flag (+12%)", "too few to compare". */
export function describeChange(c: Comparison, rules: TrendRules = TREND_RULES): string {
  if (c.few) return `too few to compare (a flag needs ${formatNumber(rules.minimum)} or more)`;
  if (c.change === undefined) return '▲ rise from none';
  if (c.flag === 'rise') return `▲ rise, ${percent(c.change)}`;
  if (c.flag === 'fall') return `▼ fall, ${percent(c.change)}`;
  return `no flag (${percent(c.change)})`;
}

function line(label: string, c: Comparison, per: string, extra = ''): string {
  return `• ${label}: ${formatNumber(c.current)}${extra} against ${per} of ${mean(c.baseline)} — ${describeChange(c)}`;
}

function windowLines(
  trend: SeriesTrend,
  pick: (w: WindowTrend) => Comparison | undefined,
  deaths: boolean,
): string[] {
  const lines: string[] = [];
  for (const [label, w, per] of [
    ['Last 7 days', trend.week, 'a weekly mean'],
    ['Last 28 days', trend.month, 'a 28-day mean'],
  ] as const) {
    const c = pick(w);
    if (c === undefined) continue;
    const missing =
      deaths && w.unestimated > 0
        ? `, ${formatNumber(w.unestimated)} ${w.unestimated === 1 ? 'event' : 'events'} without an estimate`
        : '';
    const n = w.events.current;
    const events = deaths ? ` (over ${formatNumber(n)} ${n === 1 ? 'event' : 'events'}${missing})` : '';
    lines.push(line(label, c, per, events));
  }
  return lines;
}

function flagsOf(trend: SeriesTrend): string[] {
  const out: string[] = [];
  for (const [window, w] of [
    ['last 7 days', trend.week],
    ['last 28 days', trend.month],
  ] as const) {
    if (w.events.flag) out.push(`events ${describeChange(w.events)} (${window})`);
    if (w.deaths?.flag) out.push(`deaths ${describeChange(w.deaths)} (${window})`);
  }
  return out;
}

function seriesSection(trend: SeriesTrend, data: TrendData): Section {
  const { series } = trend;
  const country = data.country.name;
  const fields: AnswerField[] = [
    { name: 'Events', value: windowLines(trend, (w) => w.events, false).join('\n') },
  ];
  if (series.deaths === undefined) {
    fields.push({
      name: 'Deaths',
      value: `Not added up: hand-written incidents carry claims by different parties for overlapping periods. /casualties country:${data.country.iso3 ?? country} lists them, claimant by claimant.`,
    });
  } else {
    fields.push({
      name: `Deaths: sum of ${series.label}’s event estimates`,
      value: windowLines(trend, (w) => w.deaths, true).join('\n'),
    });
  }
  const notes: string[] = [];
  if (startsInside(series, data)) {
    notes.push(
      `No earlier ${series.kind === 'hand' ? 'incident' : `${series.label} event`} in ${country} is in the index: the first in these 16 weeks is from ${formatDate(series.first)}, and the weeks before it count as none. If the data only start there, the baselines read low and rises read high.`,
    );
  }
  if (series.last < addDays(data.end, -6)) {
    notes.push(
      `${series.label}’s newest event here is from ${formatDate(series.last)}: if its recent weeks are not imported yet, the last 7 days read low.`,
    );
  }
  const rises = [trend.week, trend.month].some((w) => w.events.flag === 'rise' || w.deaths?.flag === 'rise');
  const falls = [trend.week, trend.month].some((w) => w.events.flag === 'fall' || w.deaths?.flag === 'fall');
  return {
    title: series.label,
    ...(notes.length > 0 ? { description: notes.join('\n') } : {}),
    fields,
    color: rises && !falls ? RISE : falls && !rises ? FALL : COLORS.list,
  };
}

/**
 * The series' data begin a week or more into the weeks read, with nothing older in the index: its
 * baselines may be too low.
 */
function startsInside(series: TrendSeries, data: TrendData): boolean {
  return series.earlier === false && series.first >= addDays(data.start, 7);
}

/** The answer when the country has no matching incident up to today. */
export function presentNoTrends(data: TrendData): Answer {
  const selection = describeSelection(data.country.name, data.type);
  return {
    content: `No incidents in ${selection} up to ${formatDate(data.today)}, so there is no trend to show. /about shows what the dataset covers.`,
    sections: [],
  };
}

export function presentTrends(data: TrendData, rules: TrendRules = TREND_RULES): Answer {
  if (data.series.length === 0) return presentNoTrends(data);
  const selection = describeSelection(data.country.name, data.type);
  const windows = trendWindows(data.end);
  const trends = data.series.map((s) => compareSeries(s, rules));

  const anchor =
    data.anchor === 'newest'
      ? `As of ${formatDate(data.end)}, the newest event: there is none in the 28 days to today (${formatDate(data.today)}), so the windows end on the newest one.`
      : data.newest !== undefined && data.newest < addDays(data.end, -6)
        ? `To today, ${formatDate(data.end)}. The newest event is from ${formatDate(data.newest)}: if recent weeks are not imported yet, the last 7 days read low.`
        : `To today, ${formatDate(data.end)}.`;
  const method = [
    `The last 7 days (${formatDateRange(windows.week.current.from, windows.week.current.to)}) against the weekly mean of the 4 weeks before (${formatDateRange(windows.week.baseline.from, windows.week.baseline.to)});`,
    `the last 28 days (${formatDateRange(windows.month.current.from, windows.month.current.to)}) against the 28-day mean of the 3 periods before (${formatDateRange(windows.month.baseline.from, windows.month.baseline.to)}).`,
    `Flagged: a change of ${formatNumber(rules.threshold * 100)}% or more either way, when the larger figure is at least ${formatNumber(rules.minimum)}. An event counts in the week of its last day.`,
  ].join(' ');
  const coverage = data.series
    .filter((s) => startsInside(s, data))
    .map(
      (s) =>
        `${s.label}: nothing earlier in ${data.country.name} in the index, so its baselines count the weeks before ${formatDate(s.first)} as none; see below.`,
    );
  const flagged = trends.flatMap((t) => flagsOf(t).map((f) => `${t.series.label} ${f}`));
  const summary =
    flagged.length === 0 ? 'No change flagged.' : `Flagged:${flagged.map((f) => `\n• ${f}`).join('')}`;
  const head: Section = {
    title: `Trends in ${selection}`,
    description: [anchor, summary, ...coverage, method].join('\n\n'),
    footer:
      'Each dataset is its own claimant: its figures are never added up with another’s. Deaths are a dataset’s own best estimates, added up for that dataset only.',
    color: COLORS.note,
  };
  const labels = data.series.map((s) => (s.kind === 'hand' ? 'hand-written incidents' : s.label));
  const names =
    labels.length === 1
      ? `for ${labels[0]}`
      : `for ${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}, each apart`;
  return {
    content: `Trends in ${selection}: events and deaths in the last 7 and 28 days against the weeks before, ${names}.`,
    sections: [head, ...trends.map((t) => seriesSection(t, data))],
  };
}
