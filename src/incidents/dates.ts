// The date forms users type for `since` and `until`: absolute (2016-10-28, 2016-10, 2016), relative
// (24h, 7d, 2w, 3m, 1y, "7 days", "last week", "3 months ago") and today / yesterday. Relative dates
// count back from `now` in UTC, the calendar incident dates are written in.
import { UserError } from '../errors.ts';
import { isCalendarDate } from './schema.ts';
import { cutCodePoints } from './text.ts';

const FORMS =
  'Use a date as YYYY-MM-DD, YYYY-MM or YYYY, a time back from today such as 24h, 7d, 2w, 3m or 1y ' +
  '(also "7 days", "last week"), or today / yesterday.';

type Unit = 'hour' | 'day' | 'week' | 'month' | 'year';

const UNITS: Record<string, Unit> = {
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hour: 'hour',
  hours: 'hour',
  d: 'day',
  day: 'day',
  days: 'day',
  w: 'week',
  wk: 'week',
  wks: 'week',
  week: 'week',
  weeks: 'week',
  m: 'month',
  mo: 'month',
  mos: 'month',
  month: 'month',
  months: 'month',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  year: 'year',
  years: 'year',
};

const DAY_MS = 86_400_000;

/** The first day a `since` option covers, as YYYY-MM-DD. Throws a UserError naming the accepted forms. */
export function parseSince(input: string, now: Date): string {
  return parseDateOption(input, now, 'start');
}

/** The last day an `until` option covers: YYYY-MM is that month's last day, YYYY is 31 December. */
export function parseUntil(input: string, now: Date): string {
  return parseDateOption(input, now, 'end');
}

function parseDateOption(input: string, now: Date, edge: 'start' | 'end'): string {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const shown = cutCodePoints(input.trim(), 40);
  if (text === '') throw new UserError(`Give a date. ${FORMS}`);

  const absolute = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/.exec(text);
  if (absolute) {
    const [, year = '', month, day] = absolute;
    if (month === undefined) return edge === 'start' ? `${year}-01-01` : `${year}-12-31`;
    const mm = month.padStart(2, '0');
    if (Number(mm) < 1 || Number(mm) > 12) throw new UserError(`"${shown}" has no month ${mm}. ${FORMS}`);
    if (day === undefined) {
      return edge === 'start'
        ? `${year}-${mm}-01`
        : `${year}-${mm}-${pad(daysInMonth(Number(year), Number(mm)))}`;
    }
    const date = `${year}-${mm}-${day.padStart(2, '0')}`;
    if (!isCalendarDate(date)) throw new UserError(`"${shown}" is not a calendar date. ${FORMS}`);
    return date;
  }

  if (text === 'today' || text === 'now') return formatDate(now);
  if (text === 'yesterday') return formatDate(new Date(now.getTime() - DAY_MS));

  const relative = /^(?:(last|past) )?(\d{1,6})? ?([a-z]+)(?: ago)?$/.exec(text);
  const unit = relative ? UNITS[relative[3] ?? ''] : undefined;
  // A bare unit needs a word ("week", "last week"), not a letter: "d" alone is more likely a typo.
  if (
    relative &&
    unit &&
    (relative[2] !== undefined || relative[1] !== undefined || (relative[3] ?? '').length > 2)
  ) {
    const amount = relative[2] === undefined ? 1 : Number(relative[2]);
    const date = back(now, amount, unit);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) {
      throw new UserError(`"${shown}" reaches back too far. ${FORMS}`);
    }
    return formatDate(date);
  }
  throw new UserError(`Can't read "${shown}" as a date. ${FORMS}`);
}

function back(now: Date, amount: number, unit: Unit): Date {
  switch (unit) {
    case 'hour':
      return new Date(now.getTime() - amount * 3_600_000);
    case 'day':
      return new Date(now.getTime() - amount * DAY_MS);
    case 'week':
      return new Date(now.getTime() - amount * 7 * DAY_MS);
    case 'month':
      return addMonths(now, -amount);
    case 'year':
      return addMonths(now, -12 * amount);
  }
}

/** Calendar months in UTC; the day is clamped to the target month (31 March − 1 month = 28/29 February). */
function addMonths(date: Date, months: number): Date {
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month + 1));
  const out = new Date(0);
  out.setUTCFullYear(year, month, day);
  return out;
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function formatDate(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
