// Cron times in a time zone, computed from wall-clock fields so DST is right: a time that does not exist
// on a spring-forward day is skipped, and a time that happens twice on a fall-back day counts once.
import { parse as parseCron, validateDetailed } from 'node-cron';

export interface CronSpec {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Standard cron: when both day fields are restricted, either may match. */
  dayOr: boolean;
  hasSeconds: boolean;
}

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names allowed for values (jan, mon), each standing for its index + `min`. */
  names?: readonly string[];
  /** Extra words for the range in messages ("0 or 7 is Sunday"). */
  note?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const LONG_NAMES: Record<string, string> = {
  january: 'jan',
  february: 'feb',
  march: 'mar',
  april: 'apr',
  june: 'jun',
  july: 'jul',
  august: 'aug',
  september: 'sep',
  october: 'oct',
  november: 'nov',
  december: 'dec',
  sunday: 'sun',
  monday: 'mon',
  tuesday: 'tue',
  wednesday: 'wed',
  thursday: 'thu',
  friday: 'fri',
  saturday: 'sat',
};

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, note: ' or jan–dec' },
  { name: 'weekday', min: 0, max: 7, names: DAYS, note: ' or sun–sat; 0 and 7 are Sunday' },
];
const SECOND: CronField = { name: 'second', min: 0, max: 59 };

/**
 * Why `expression` is not a schedule this scheduler runs, naming the field and its allowed range
 * ("hour 25 is out of range 0–23"), or undefined when it is one. Five fields (minute hour day month
 * weekday) or six with seconds first; each a number, a name (months, weekdays), `*`, a range (1-5),
 * a step (`*\/15`, 0-30/10) or a list of these (1,15). Quartz extras (L, W, #) and nicknames (@daily)
 * are refused: node-cron reads them, but parseSchedule does not.
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '');
  if (parts.length !== 5 && parts.length !== 6) {
    const hint = parts[0]?.startsWith('@')
      ? '; nicknames such as @daily are not supported, write "0 0 * * *"'
      : '';
    return `expected 5 fields (minute hour day-of-month month weekday), or 6 with seconds first; found ${parts.length}${hint}`;
  }
  const fields = parts.length === 6 ? [SECOND, ...CRON_FIELDS] : CRON_FIELDS;
  for (const [i, field] of fields.entries()) {
    const problem = fieldProblem(parts[i] ?? '', field);
    if (problem !== undefined) return problem;
  }
  // Anything left that node-cron refuses (30 in a February-only schedule): its own words.
  const checked = validateDetailed(expression.trim());
  if (!checked.valid) return checked.errors[0]?.message ?? 'not a cron schedule';
  return undefined;
}

function fieldProblem(text: string, field: CronField): string | undefined {
  const range = `${field.min}–${field.max}${field.note ?? ''}`;
  const allowsAny = field.name === 'day of month' || field.name === 'weekday';
  for (const item of text.split(',')) {
    if (item === '') return `${field.name} "${text}" has an empty item in its list`;
    if (item === '*' || (item === '?' && allowsAny)) continue;
    if (/^(l|lw|l-\d+|\d+[wl]|\d+#\d+)$/i.test(item)) {
      return `${field.name} "${item}" is not supported: use numbers, ranges (1-5), steps (*/15) and lists (1,15)`;
    }
    const m = /^([^/]+)(?:\/(.*))?$/.exec(item);
    const [, base = '', step] = m ?? [];
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) < 1) {
        return `${field.name} step "/${step}" must be a whole number of at least 1`;
      }
      if (base !== '*' && !base.includes('-')) {
        return `${field.name} "${item}": a step needs * or a range before it, such as */${step} or ${base}-${field.max}/${step}`;
      }
    }
    if (base === '*') continue;
    for (const value of base.split('-').length === 2 ? base.split('-') : [base]) {
      const problem = valueProblem(value, field, range, item);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function valueProblem(value: string, field: CronField, range: string, item: string): string | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n < field.min || n > field.max ? `${field.name} ${value} is out of range ${range}` : undefined;
  }
  const word = value.toLowerCase();
  if (field.names?.includes(LONG_NAMES[word] ?? word)) return undefined;
  return `${field.name} "${item}" is not a number in ${range}`;
}

export function parseSchedule(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/);
  const hasSeconds = parts.length === 6;
  const fields = parseCron(expression);
  const set = (values: (number | string)[]) => new Set(values.map(Number));
  const [dom, dow] = hasSeconds ? [parts[3], parts[5]] : [parts[2], parts[4]];
  return {
    seconds: hasSeconds ? set(fields.second) : new Set([0]),
    minutes: set(fields.minute),
    hours: set(fields.hour),
    days: set(fields.dayOfMonth),
    months: set(fields.month),
    weekdays: new Set(fields.dayOfWeek.map((d) => Number(d) % 7)),
    dayOr: dom !== '*' && dow !== '*',
    hasSeconds,
  };
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallClock(ms: number, timezone: string): Wall {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, f);
  }
  const w: Record<string, string> = {};
  for (const part of f.formatToParts(ms)) w[part.type] = part.value;
  return {
    year: Number(w.year),
    month: Number(w.month),
    day: Number(w.day),
    hour: Number(w.hour),
    minute: Number(w.minute),
    second: Number(w.second),
    weekday: WEEKDAYS[w.weekday ?? ''] ?? 0,
  };
}

function dayMatches(spec: CronSpec, w: Wall): boolean {
  if (!spec.months.has(w.month)) return false;
  const dom = spec.days.has(w.day);
  const dow = spec.weekdays.has(w.weekday);
  return spec.dayOr ? dom || dow : dom && dow;
}

const sameWallMinute = (a: Wall, b: Wall) =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/**
 * The first time after `afterMs` (exclusive) at which the schedule fires in `timezone`, or undefined
 * if none within `horizonDays`.
 */
export function nextFireTime(
  spec: CronSpec,
  timezone: string,
  afterMs: number,
  horizonDays = 400,
): number | undefined {
  const end = afterMs + horizonDays * 86_400_000;
  // Walk minute by minute (skipping whole days that cannot match), then pick the second.
  let t = Math.floor(afterMs / 60_000) * 60_000;
  while (t <= end) {
    const w = wallClock(t, timezone);
    if (!dayMatches(spec, w)) {
      // Jump close to the next local midnight; an hour short, so a DST day is never overshot.
      const left = (23 - w.hour) * 60 + (60 - w.minute) - 60;
      t += Math.max(left, 1) * 60_000;
      continue;
    }
    if (spec.hours.has(w.hour) && spec.minutes.has(w.minute) && !isRepeatedMinute(t, w, timezone)) {
      for (const second of [...spec.seconds].sort((a, b) => a - b)) {
        const candidate = t + second * 1000;
        if (candidate > afterMs) return candidate;
      }
    }
    t += 60_000;
  }
  return undefined;
}

/** The second pass through a wall-clock minute on a fall-back night (it was already that time an hour ago). */
function isRepeatedMinute(t: number, w: Wall, timezone: string): boolean {
  return sameWallMinute(wallClock(t - 3_600_000, timezone), w);
}

/** The fire times in (fromMs, toMs], at most `limit`. */
export function fireTimesBetween(
  spec: CronSpec,
  timezone: string,
  fromMs: number,
  toMs: number,
  limit = 1000,
): number[] {
  const times: number[] = [];
  let t = fromMs;
  while (times.length < limit) {
    const next = nextFireTime(spec, timezone, t, Math.ceil((toMs - t) / 86_400_000) + 1);
    if (next === undefined || next > toMs) break;
    times.push(next);
    t = next;
  }
  return times;
}
