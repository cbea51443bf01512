// Alerts (DIGEST_<n>_MODE=alert): each matching new incident its own message, exactly once, under a
// channel's hourly cap with one summary of what was held over it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { type AlertChannelState, HOUR, planAlerts } from '../src/digest/alerts.ts';
import type { DigestItem } from '../src/digest/compose.ts';
import { DeliveryError } from '../src/digest/runner.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { runnerSetup } from './helpers/digest-runner.ts';
import { makeIncident } from './helpers/incidents.ts';

const alert: DigestConfig = {
  id: '3',
  channelId: '333333333333333333',
  cron: '* * * * *',
  timezone: 'UTC',
  countries: ['Syria'],
  filters: { minDeaths: 10 },
  title: 'Deadly in Syria',
  whenEmpty: 'quiet',
  mode: 'alert',
  alertCap: 3,
};

const incident = (id: string, killed: number, country = 'Syria', iso3 = 'SYR'): Incident =>
  makeIncident({
    id,
    title: `Incident ${id}`,
    date: { start: '2026-11-20' },
    location: { country, iso3, place: 'Somewhere', lat: 35, lon: 38 },
    casualties: [{ claimant: 'Health ministry', killed: { best: killed }, source: 'src-1' }],
  });

const item = (id: string, country = 'Syria'): DigestItem => ({
  incident: makeIncident({
    id,
    title: id,
    location: { country, iso3: 'SYR', place: 'x', lat: 1, lon: 1 },
  }),
  kind: 'new',
  changes: [],
});

const contentOf = (posted: { message: { content?: string } }[]) => posted.map((p) => p.message.content ?? '');

describe('planAlerts', () => {
  it('never plans more alerts in any rolling hour than the cap, and holds every match it does not post', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 40 * 60_000 }), due: fc.nat(8) }), {
          maxLength: 25,
        }),
        (cap, runs) => {
          let state: AlertChannelState | undefined;
          let now = 0;
          const postedAt: number[] = [];
          let matched = 0;
          let accounted = 0;
          let summaries = 0;
          for (const [r, run] of runs.entries()) {
            now += run.gap;
            const due = Array.from({ length: run.due }, (_, i) => item(`r${r}-${i}`));
            matched += due.length;
            const plan = planAlerts(state, due, cap, now);
            for (const _ of plan.post) postedAt.push(now);
            accounted += plan.post.length + plan.held.length;
            if (plan.summary) {
              summaries++;
              expect(plan.summary.count).toBeGreaterThan(0);
            }
            state = plan.next;
          }
          expect(accounted).toBe(matched);
          for (const t of postedAt)
            expect(postedAt.filter((u) => u > t - HOUR && u <= t).length).toBeLessThanOrEqual(cap);
          // Every held match is in a summary posted, or still held.
          const held = state?.held?.count ?? 0;
          expect(held).toBeGreaterThanOrEqual(0);
          expect(summaries).toBeLessThanOrEqual(runs.length);
        },
      ),
    );
  });

  it('posts oldest seen first, and sums up what is over the cap at once the first time', () => {
    const due = ['e', 'd', 'c', 'b', 'a'].map((id) => item(id));
    const plan = planAlerts(undefined, due, 3, 1_000);
    expect(plan.post.map((i) => i.incident.id)).toEqual(['a', 'b', 'c']);
    expect(plan.summary).toMatchObject({ count: 2, ids: ['d', 'e'], byCountry: { Syria: 2 } });
    // Still at the cap within the hour: held, no second summary.
    const later = planAlerts(plan.next, [item('f')], 3, 1_000 + 10 * 60_000);
    expect(later.post).toEqual([]);
    expect(later.summary).toBeUndefined();
    expect(later.next.held).toMatchObject({ count: 1, ids: ['f'] });
    // The hour is over: room again, and the held one is summed up.
    const next = planAlerts(later.next, [item('g')], 3, 1_000 + HOUR + 1);
    expect(next.post.map((i) => i.incident.id)).toEqual(['g']);
    expect(next.summary).toMatchObject({ count: 1, ids: ['f'] });
    expect(next.next.held).toBeUndefined();
  });
});

describe('an alert digest', () => {
  it('starts from now: its first run posts nothing from the archive', async () => {
    const t = runnerSetup([incident('old', 50)]);
    const result = await t.runner.run(alert, { reason: 'alert' });
    expect(result.outcome).toBe('empty');
    expect(t.discord.posted).toEqual([]);
  });

  it('posts each matching new incident as its own message, once, and not again after a restart', async () => {
    const t = runnerSetup([incident('old', 50)]);
    await t.runner.run(alert, { reason: 'alert' });
    await t.update([
      incident('old', 50),
      incident('big', 12),
      incident('small', 2),
      incident('iraq', 40, 'Iraq', 'IRQ'),
    ]);
    const result = await t.runner.run(alert, { reason: 'alert' });
    expect(result).toMatchObject({ outcome: 'posted', messages: 1, incidents: 1 });
    expect(contentOf(t.discord.posted)).toEqual(['🔔 Deadly in Syria — new incident in Syria (2026-11-20)']);
    expect(JSON.stringify(t.discord.posted[0]?.message)).toContain('id: big');
    // The same process and a restarted one: nothing new, nothing posted again.
    await t.runner.run(alert, { reason: 'alert' });
    await t.makeRunner().run(alert, { reason: 'alert' });
    expect(t.discord.posted).toHaveLength(1);
    // An update to an alerted incident is not a new alert.
    await t.update([incident('old', 50), incident('big', 30), incident('small', 2)]);
    await t.makeRunner().run(alert, { reason: 'alert' });
    expect(t.discord.posted).toHaveLength(1);
  });

  it('resumes a run that failed midway with the same nonces, so nothing is posted twice', async () => {
    const t = runnerSetup([]);
    await t.runner.run(alert, { reason: 'alert' });
    await t.update([incident('a', 11), incident('b', 12)]);
    t.discord.failures.push(
      new Error('socket hang up'),
      new Error('socket hang up'),
      new Error('socket hang up'),
    );
    const failed = await t.runner.run(alert, { reason: 'alert' });
    expect(failed.outcome).toBe('failed');
    expect((await t.runner.state(alert)).pending?.messages).toHaveLength(2);
    await t.makeRunner().run(alert, { reason: 'alert' });
    expect(t.discord.posted.map((p) => p.message.nonce)).toHaveLength(2);
    expect(new Set(t.discord.posted.map((p) => p.message.nonce)).size).toBe(2);
    expect((await t.runner.state(alert)).pending).toBeUndefined();
  });

  it('holds matches over the channel cap and names them in one summary', async () => {
    const t = runnerSetup([]);
    await t.runner.run(alert, { reason: 'alert' });
    const five = ['a', 'b', 'c', 'd', 'e'].map((id, i) => incident(id, 10 + i));
    await t.update(five);
    await t.runner.run(alert, { reason: 'alert' });
    const contents = contentOf(t.discord.posted);
    expect(contents).toHaveLength(4);
    expect(contents.slice(0, 3).every((c) => c.startsWith('🔔 Deadly in Syria — new incident'))).toBe(true);
    expect(contents[3]).toContain('alert limit reached: 2 more matching incidents');
    expect(contents[3]).toContain('at most 3 alerts an hour');
    // Another digest alerting the same channel shares its cap: nothing more within the hour.
    const sibling: DigestConfig = { ...alert, id: '4', countries: [], filters: {} };
    await t.runner.run(sibling, { reason: 'alert' });
    await t.update([...five, incident('f', 99)]);
    await t.runner.run(alert, { reason: 'alert' });
    await t.runner.run(sibling, { reason: 'alert' });
    expect(t.discord.posted).toHaveLength(4);
    // An hour on: room again; the held match is summed up, the next one alerted.
    t.tick(HOUR);
    await t.update([...five, incident('f', 99), incident('g', 50)]);
    await t.runner.run(alert, { reason: 'alert' });
    const after = contentOf(t.discord.posted.slice(4));
    expect(after[0]).toContain('new incident in Syria');
    expect(after.at(-1)).toContain('alert limit reached');
  });

  it('records a permanent refusal as a failure for the admin, without moving the cursor', async () => {
    const t = runnerSetup([]);
    await t.runner.run(alert, { reason: 'alert' });
    const before = (await t.runner.state(alert)).cursor;
    await t.update([incident('a', 11)]);
    t.discord.failures.push(new DeliveryError('Discord answered 403: Missing Access', true, 403));
    const result = await t.runner.run(alert, { reason: 'alert' });
    expect(result).toMatchObject({ outcome: 'failed', permanent: true });
    expect((await t.runner.state(alert)).cursor).toBe(before);
  });
});
