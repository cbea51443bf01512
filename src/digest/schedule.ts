// Cron times in a time zone, computed from wall-clock fields so DST is right: a time that does not exist
// on a spring-forward day is skipped, and a time that happens twice on a fall-back day counts once.
import { parse as parseCron } from 'node-cron';

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
