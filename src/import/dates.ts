// The date forms found in ACLED and UCDP exports and their re-publications, read to YYYY-MM-DD:
// "2016-07-02", "9-May-20", "21 March 2020", "May 9, 2020", "29/12/2015" (and 12/29/2015).
// Slashed dates are ambiguous; the order is detected from the first rows of the file.
import { isCalendarDate } from '../incidents/schema.ts';

export type DayMonthOrder = 'dmy' | 'mdy';

export type DateResult = { ok: true; iso: string; format: string } | { ok: false; message: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_NAMED_MONTH = /^(\d{1,2})([- ])([A-Za-z]{3,9})\.?[- ,]+(\d{4}|\d{2})$/;
const NAMED_MONTH_DAY = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/;
const NUMERIC = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})$/;

/**
 * A two-digit year: the `year` column when it ends in the same digits, else 1969–2068 (as POSIX
 * strptime reads %y). ACLED's data begin in 1997.
 */
function fullYear(digits: string, yearHint: number | undefined): number {
  const yy = Number(digits);
  if (digits.length === 4) return yy;
  if (yearHint !== undefined && yearHint % 100 === yy) return yearHint;
  return yy < 69 ? 2000 + yy : 1900 + yy;
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase()];
}

function monthToken(name: string): string {
  return name.length <= 4 ? 'Mon' : 'Month';
}

interface Parts {
  year: number;
  month: number | undefined;
  day: number;
  format: string;
}

/** Each known form: a pattern and how its groups become a date. */
const FORMS: readonly {
  pattern: RegExp;
  parts: (m: string[], order: DayMonthOrder, yearHint: number | undefined) => Parts;
}[] = [
  {
    pattern: ISO,
    parts: ([, y = '', mo = '', d = '']) => ({
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      format: 'yyyy-mm-dd',
    }),
  },
  {
    pattern: DAY_NAMED_MONTH,
    parts: ([, d = '', sep = '', name = '', y = ''], _order, yearHint) => ({
      year: fullYear(y, yearHint),
      month: monthNumber(name),
      day: Number(d),
      format: `d${sep}${monthToken(name)}${sep}${y.length === 2 ? 'yy' : 'yyyy'}`,
    }),
  },
  {
    pattern: NAMED_MONTH_DAY,
    parts: ([, name = '', d = '', y = '']) => ({
      year: Number(y),
      month: monthNumber(name),
      day: Number(d),
      format: `${monthToken(name)} d, yyyy`,
    }),
  },
  {
    pattern: NUMERIC,
    parts: ([, a = '', sep = '', b = '', y = ''], order, yearHint) => {
      const yy = y.length === 2 ? 'yy' : 'yyyy';
      return order === 'dmy'
        ? { year: fullYear(y, yearHint), month: Number(b), day: Number(a), format: `dd${sep}mm${sep}${yy}` }
        : { year: fullYear(y, yearHint), month: Number(a), day: Number(b), format: `mm${sep}dd${sep}${yy}` };
    },
  },
];

/** Reads one date cell; `format` names the form read ("d-Mon-yy"), for the report. */
export function readDate(value: string, order: DayMonthOrder, yearHint?: number): DateResult {
  const text = value.trim();
  if (text === '') return { ok: false, message: 'the date is empty' };
  for (const form of FORMS) {
    const m = form.pattern.exec(text);
    if (!m) continue;
    const { year, month, day, format } = form.parts([...m], order, yearHint);
    if (month === undefined) return { ok: false, message: `"${text}" has no month name I know` };
    const result = iso(year, month, day);
    if (!isCalendarDate(result)) {
      const which = format.startsWith('dd') || format.startsWith('mm') ? ` (read as ${format})` : '';
      return { ok: false, message: `"${text}" is not a calendar date${which}` };
    }
    return { ok: true, iso: result, format };
  }
  return {
    ok: false,
    message: `"${text}" is not a date in a known form (2016-07-02, 9-May-20, 21 March 2020, 29/12/2015)`,
  };
}

export interface OrderDetection {
  order: DayMonthOrder;
  /** How the order was decided, for the report. */
  evidence: string;
}

/**
 * Day-first or month-first, from sample cells: a first number over 12 proves day-first, a second
 * number over 12 proves month-first. Without proof, day-first (ACLED's and HDX's convention).
 */
export function detectDayMonthOrder(values: Iterable<string>): OrderDetection {
  let dayFirst = 0;
  let monthFirst = 0;
  let slashed = 0;
  for (const value of values) {
    const m = NUMERIC.exec(value.trim());
    if (!m) continue;
    slashed += 1;
    const [a, b] = [Number(m[1]), Number(m[3])];
    if (a > 12 && b <= 12) dayFirst += 1;
    else if (b > 12 && a <= 12) monthFirst += 1;
  }
  if (monthFirst > dayFirst) {
    return {
      order: 'mdy',
      evidence: `month first: ${monthFirst} of the first ${slashed} slashed dates have a second number over 12`,
    };
  }
  if (dayFirst > 0) {
    return {
      order: 'dmy',
      evidence: `day first: ${dayFirst} of the first ${slashed} slashed dates have a first number over 12`,
    };
  }
  return {
    order: 'dmy',
    evidence:
      slashed > 0
        ? 'day first assumed: no slashed date in the first rows shows the order'
        : 'no slashed dates',
  };
}

/** Which date forms a file used, with a first example of each: "dates like 9-May-20 (d-Mon-yy)". */
export class DateFormats {
  private readonly seen = new Map<string, { example: string; count: number }>();

  note(format: string, example: string): void {
    const entry = this.seen.get(format);
    if (entry) entry.count += 1;
    else this.seen.set(format, { example: example.trim(), count: 1 });
  }

  describe(): string {
    if (this.seen.size === 0) return 'no dates read';
    const forms = [...this.seen.entries()].sort((a, b) => b[1].count - a[1].count);
    if (forms.length === 1) {
      const [format, { example }] = forms[0] as [string, { example: string }];
      return `dates like ${example} (${format})`;
    }
    return `dates in ${forms.length} forms: ${forms
      .map(([format, { example, count }]) => `${example} (${format}, ${count.toLocaleString('en-US')})`)
      .join(', ')}`;
  }
}
