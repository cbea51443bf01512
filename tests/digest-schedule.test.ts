import { describe, expect, it } from 'vitest';
import { fireTimesBetween, nextFireTime, parseSchedule } from '../src/digest/schedule.ts';

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
