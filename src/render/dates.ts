// Compact, unambiguous dates for briefings: "30 Oct 2016", "28–30 Oct 2016", "28 Oct – 2 Nov 2016".
// Day-first with a month name, so no reader mistakes 03/04 for 4 March.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export type DatePrecision = 'day' | 'week' | 'month' | 'year';

interface Parts {
  year: number;
  month: string;
  day: number;
}

function parts(iso: string): Parts | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  if (!m || month === undefined) return undefined;
  return { year: Number(m[1]), month, day: Number(m[3]) };
}

/** "30 Oct 2016" from "2016-10-30"; anything else is shown as given. */
export function formatDate(iso: string): string {
  const p = parts(iso);
  return p ? `${p.day} ${p.month} ${p.year}` : iso;
}

/**
 * A date or range as compactly as it reads unambiguously, at the precision the data claims:
 * day "28–30 Oct 2016", "28 Oct – 2 Nov 2016", "30 Dec 2016 – 2 Jan 2017"; week "week of 24 Oct 2016";
 * month "Oct 2016", "Oct–Nov 2016"; year "2016", "2016–2017".
 */
export function formatDateRange(from: string, to?: string, precision: DatePrecision = 'day'): string {
  const a = parts(from);
  const b = to === undefined || to === from ? undefined : parts(to);
  if (a === undefined) return to === undefined || to === from ? from : `${from} – ${to}`;
  switch (precision) {
    case 'year':
      return b === undefined || b.year === a.year ? `${a.year}` : `${a.year}–${b.year}`;
    case 'month':
      if (b === undefined || (b.year === a.year && b.month === a.month)) return `${a.month} ${a.year}`;
      return b.year === a.year
        ? `${a.month}–${b.month} ${a.year}`
        : `${a.month} ${a.year} – ${b.month} ${b.year}`;
    case 'week':
      if (b === undefined) return `week of ${formatDate(from)}`;
      return dayRange(a, b);
    default:
      return b === undefined ? `${a.day} ${a.month} ${a.year}` : dayRange(a, b);
  }
}

function dayRange(a: Parts, b: Parts): string {
  if (a.year !== b.year) return `${a.day} ${a.month} ${a.year} – ${b.day} ${b.month} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${a.month} – ${b.day} ${b.month} ${a.year}`;
  return `${a.day}–${b.day} ${a.month} ${a.year}`;
}

/** "precise to the day" and so on, for a briefing's date line. */
export function describePrecision(precision: DatePrecision): string {
  return `precise to the ${precision}`;
}

/** "2016-10-31 07:00 UTC": unambiguous for a desk in any time zone. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
