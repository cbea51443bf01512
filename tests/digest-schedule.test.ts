import { describe, expect, it } from 'vitest';
import { cronProblem, fireTimesBetween, nextFireTime, parseSchedule } from '../src/digest/schedule.ts';

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const between = (cron: string, zone: string, from: string, to: string) =>
  iso(fireTimesBetween(parseSchedule(cron), zone, Date.parse(from), Date.parse(to)));

describe('digest schedules', () => {
  it('fire at 07:00 Berlin time: 06:00 UTC in winter, 05:00 UTC in summer', () => {
    expect(between('0 7 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z')).toEqual([
      '2026-03-28T06:00:00.000Z',
      '2026-03-29T05:00:00.000Z', // the spring-forward day: 07:00 CEST
      '2026-03-30T05:00:00.000Z',
      '2026-03-31T05:00:00.000Z',
    ]);
  });

  it('skip a time that does not exist on the spring-forward night (02:30 on 29 Mar 2026 in Berlin)', () => {
    expect(between('30 2 * * *', 'Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('fire once at a time that happens twice on the fall-back night (02:30 on 25 Oct 2026 in Berlin)', () => {
    expect(between('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; the second 02:30 (CET, 01:30 UTC) is not a second run
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('follow the zone, not the machine: New York changes on other dates than Berlin', () => {
    expect(between('0 7 * * *', 'America/New_York', '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-07T12:00:00.000Z',
      '2026-03-08T11:00:00.000Z',
      '2026-03-09T11:00:00.000Z',
    ]);
  });

  it('take 6 fields with seconds', () => {
    expect(between('*/20 * * * * *', 'UTC', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
  });

  it('respect weekdays and the either-or rule when both day fields are set', () => {
    // Weekdays only: Friday 2 Jan 2026, then Monday 5 Jan.
    expect(between('0 9 * * 1-5', 'UTC', '2026-01-02T00:00:00Z', '2026-01-06T00:00:00Z')).toEqual([
      '2026-01-02T09:00:00.000Z',
      '2026-01-05T09:00:00.000Z',
    ]);
    // The 1st of the month or any Sunday.
    expect(between('0 0 1 * 0', 'UTC', '2026-02-27T12:00:00Z', '2026-03-09T00:00:00Z')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-08T00:00:00.000Z',
    ]);
  });

  it('find a leap day a few years ahead', () => {
    const next = nextFireTime(parseSchedule('0 0 29 2 *'), 'UTC', Date.parse('2026-03-01T00:00:00Z'), 1500);
    expect(next && new Date(next).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('cron problems', () => {
  it('accept what the scheduler runs: numbers, names, ranges, steps, lists, six fields', () => {
    for (const cron of [
      '0 7 * * *',
      '0 0 7 * * *',
      '*/15 6-22 * jan-jun mon-fri',
      '0 7 1,15 * ?',
      '0 22-2/2 * * 7',
    ]) {
      expect(cronProblem(cron), cron).toBeUndefined();
    }
  });

  it('name the field, the value and the allowed range', () => {
    expect(cronProblem('0 25 * * *')).toBe('hour 25 is out of range 0–23');
    expect(cronProblem('60 7 * * *')).toBe('minute 60 is out of range 0–59');
    expect(cronProblem('61 0 7 * * *')).toBe('second 61 is out of range 0–59');
    expect(cronProblem('0 7 0 * *')).toBe('day of month 0 is out of range 1–31');
    expect(cronProblem('0 7 * 1-13 *')).toBe('month 13 is out of range 1–12 or jan–dec');
    expect(cronProblem('0 7 * * 8')).toBe('weekday 8 is out of range 0–7 or sun–sat; 0 and 7 are Sunday');
    expect(cronProblem('0 seven * * *')).toBe('hour "seven" is not a number in 0–23');
    expect(cronProblem('0 7 * smarch *')).toBe('month "smarch" is not a number in 1–12 or jan–dec');
    expect(cronProblem('0 7,,8 * * *')).toBe('hour "7,,8" has an empty item in its list');
  });

  it('explain steps, Quartz extras and the field count', () => {
    expect(cronProblem('*/0 * * * *')).toBe('minute step "/0" must be a whole number of at least 1');
    expect(cronProblem('5/15 * * * *')).toMatch(/^minute "5\/15": a step needs \* or a range before it/);
    expect(cronProblem('0 7 L * *')).toMatch(/^day of month "L" is not supported/);
    expect(cronProblem('0 7 * * 1#2')).toMatch(/^weekday "1#2" is not supported/);
    expect(cronProblem('0 7 * *')).toBe(
      'expected 5 fields (minute hour day-of-month month weekday), or 6 with seconds first; found 4',
    );
    expect(cronProblem('0 7 31 2 *')).toMatch(/impossible day of month/);
  });
});
