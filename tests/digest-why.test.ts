// The delivery record as the runner keeps it, read back by /digest why, /digest status and the preview:
// a posted incident links its message, a filtered one names the filter, a re-save is held back, a
// refused post names Discord's status, a never-seen id says so.
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { createDigestInquiry } from '../src/digest/inquiry.ts';
import { DeliveryError } from '../src/digest/runner.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { runnerSetup } from './helpers/digest-runner.ts';
import { makeIncident } from './helpers/incidents.ts';

const CHANNEL = '111111111111111111';
const GUILD = '555555555555555555';
const digest: DigestConfig = {
  id: '1',
  channelId: CHANNEL,
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: ['Syria'],
  filters: { minDeaths: 10 },
  title: 'Deadly in Syria',
  whenEmpty: 'quiet',
};

const incident = (
  id: string,
  killed: number,
  country = 'Syria',
  iso3 = 'SYR',
  summary = 'As reported.',
): Incident =>
  makeIncident({
    id,
    title: `Incident ${id}`,
    summary,
    date: { start: '2026-11-20' },
    location: { country, iso3, place: 'Somewhere', lat: 35, lon: 38 },
    casualties: [{ claimant: 'Health ministry', killed: { best: killed }, source: 'src-1' }],
  });

function setup() {
  const t = runnerSetup([], undefined, { [CHANNEL]: { type: 0, guildId: GUILD, tags: [] } });
  const inquiry = (runner = t.runner) =>
    createDigestInquiry({
      record: runner.record,
      tracker: t.tracker,
      catalog: t.catalog,
      state: runner.state,
      now: t.now,
    });
  const textOf = async (answer: Promise<{ content?: string; sections: unknown[] }>) =>
    JSON.stringify(await answer);
  return { ...t, inquiry, textOf };
}

describe('/digest why', () => {
  it('explains a posted, a filtered-out, a held-back and a never-seen incident', async () => {
    const t = setup();
    await t.runner.run(digest, { reason: 'manual' });
    await t.update([incident('deadly', 20), incident('minor', 2), incident('iraqi', 50, 'Iraq', 'IRQ')]);
    await t.runner.run(digest, { reason: 'manual' });
    expect(t.discord.posted).toHaveLength(1);
    const why = t.inquiry();

    const posted = await t.textOf(why.why(digest, 'deadly'));
    expect(posted).toContain('Posted');
    expect(posted).toContain(`https://discord.com/channels/${GUILD}/${CHANNEL}/1`);

    const minor = await t.textOf(why.why(digest, 'minor'));
    expect(minor).toContain('Filtered out');
    expect(minor).toMatch(/deaths: at least 10/);
    expect(minor).not.toMatch(/countries/);

    const iraqi = await t.textOf(why.why(digest, 'iraqi'));
    expect(iraqi).toContain('Filtered out');
    expect(iraqi).toMatch(/countries: Syria/);

    const never = await t.textOf(why.why(digest, 'no-such-incident'));
    expect(never).toContain('Never seen');

    // Changed and changed back before the next run: what the channel was told still holds, held back.
    const others = [incident('minor', 2), incident('iraqi', 50, 'Iraq', 'IRQ')];
    await t.update([incident('deadly', 20, 'Syria', 'SYR', 'Changed.'), ...others]);
    await t.update([incident('deadly', 20), ...others]);
    await t.runner.run(digest, { reason: 'manual' });
    expect(t.discord.posted).toHaveLength(1);
    const held = await t.textOf(why.why(digest, 'deadly'));
    expect(held).toContain('Held back');
    expect(held).toContain(`https://discord.com/channels/${GUILD}/${CHANNEL}/1`);
  });

  it('names Discord status when the channel refused the post, and what to do', async () => {
    const t = setup();
    await t.runner.run(digest, { reason: 'manual' });
    await t.update([incident('deadly', 20)]);
    t.discord.failures.push(new DeliveryError('Discord answered 403: Missing Access', true, 403));
    await t.runner.run(digest, { reason: 'manual' });
    const text = await t.textOf(t.inquiry().why(digest, 'deadly'));
    expect(text).toMatch(/403/);
    expect(text).toMatch(/View Channel/);
    const status = await t.textOf(t.inquiry().runs(digest));
    expect(status).toMatch(/FORBIDDEN/);
  });
});

describe('/digest why for an alert', () => {
  const alert = { ...digest, mode: 'alert' as const, alertCap: 5 };

  it('says an incident from before the alert started is not alerted, and a change is not a new alert', async () => {
    const t = setup();
    await t.update([incident('old', 40)]);
    await t.runner.run(alert, { reason: 'alert' });
    const old = await t.textOf(t.inquiry().why(alert, 'old'));
    expect(old).toContain('before the alert started');

    await t.update([incident('old', 40), incident('fresh', 15)]);
    await t.runner.run(alert, { reason: 'alert' });
    expect(await t.textOf(t.inquiry().why(alert, 'fresh'))).toContain('Posted');
    await t.update([incident('old', 40), incident('fresh', 25)]);
    await t.runner.run(alert, { reason: 'alert' });
    expect(t.discord.posted).toHaveLength(1);
    expect(await t.textOf(t.inquiry().why(alert, 'fresh'))).toContain('alerts post new incidents only');
  });

  it('before an alert has started, says it posts only what it sees after it starts', async () => {
    const t = setup();
    await t.update([incident('early', 40)]);
    expect(await t.textOf(t.inquiry().why(alert, 'early'))).toContain('has not started');
  });
});

describe('/digest status and the preview', () => {
  it('lists the last runs with what each posted and left out', async () => {
    const t = setup();
    await t.runner.run(digest, { reason: 'manual' });
    await t.update([incident('deadly', 20), incident('minor', 2)]);
    await t.runner.run(digest, { reason: 'manual' });
    const status = await t.textOf(t.inquiry().runs(digest));
    expect(status).toMatch(/Posted 1 message \(1 incident\)/);
    expect(status).toMatch(/filtered 1 \(deaths 1\)/);
  });

  it('the preview says why each incident it considered is in or out', async () => {
    const t = setup();
    await t.runner.run(digest, { reason: 'manual' });
    await t.update([incident('deadly', 20), incident('minor', 2)]);
    const text = JSON.stringify(await t.runner.preview(digest));
    expect(text).toContain('Why in or out');
    expect(text).toMatch(/minor: deaths/);
    expect(t.discord.posted).toHaveLength(0);
  });

  it('keeps no record of an alert poll that considered nothing', async () => {
    const t = setup();
    const alert = { ...digest, mode: 'alert' as const, alertCap: 5 };
    for (let i = 0; i < 5; i++) await t.runner.run(alert, { reason: 'alert' });
    expect(await t.runner.record.runs(alert)).toEqual([]);
  });
});
