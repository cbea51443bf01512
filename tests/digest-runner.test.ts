import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { composeDigest, DIGEST_CAPS, selectDigestItems } from '../src/digest/compose.ts';
import { describeChanges, incidentFacets } from '../src/digest/facets.ts';
import { DeliveryError } from '../src/digest/runner.ts';
import { IncidentTracker } from '../src/digest/tracker.ts';
import { composeFirstDigest, MORNING_DIGEST, runnerSetup } from './helpers/digest-runner.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const digest = MORNING_DIGEST;

const setup = runnerSetup;

const syria = (id: string, date: string, extra: Partial<Parameters<typeof makeIncident>[0]> = {}) =>
  makeIncident({ id, title: `Incident ${id}`, date: { start: date }, ...extra });

const textOf = (posted: { message: unknown }[]) => JSON.stringify(posted.map((p) => p.message));

describe('digest composition', () => {
  it('groups by country, newest first, and caps the first digest with "n more — /latest"', () => {
    const incidents = Array.from({ length: DIGEST_CAPS.first + 3 }, (_, i) =>
      makeIncident({
        id: `i-${i}`,
        date: { start: `2020-01-${String(i + 1).padStart(2, '0')}` },
        location: i % 2 === 0 ? { country: 'Syria' } : { country: 'Iraq' },
      }),
    );
    const catalog = makeCatalog(incidents);
    const composed = composeFirstDigest(catalog);
    const titles = composed?.answer.sections.map((s) => s.title);
    // More are due than shown: the summary leads (tests/digest-summary.test.ts), then the countries.
    expect(titles?.[0]).toMatch(/^Summary: 13 incidents/);
    expect(titles?.slice(1, 3)).toEqual(['Syria', 'Iraq']);
    expect(JSON.stringify(composed?.answer)).toContain('3 more — /latest');
    expect(composed?.answer.content).toMatch(
      /^Morning briefing · .* — 13 current incidents in Syria and Iraq \(first digest/,
    );
  });

  it('caps a later digest at 25 incidents, then "n more — /latest"', () => {
    expect(DIGEST_CAPS.regular).toBe(25);
    const items = Array.from({ length: 30 }, (_, i) => ({
      kind: 'new' as const,
      changes: [],
      incident: makeIncident({
        id: `l-${i}`,
        title: `Later incident ${String(i).padStart(2, '0')}`,
        date: { start: `2020-02-${String((i % 28) + 1).padStart(2, '0')}` },
      }),
    }));
    const composed = composeDigest({ ...digest, items, since: 1, asOf: 10, whenEmpty: 'quiet' });
    const text = JSON.stringify(composed?.answer);
    expect(text).toContain('5 more — /latest');
    expect(items.filter((item) => text.includes(item.incident.title))).toHaveLength(25);
  });

  it('stays quiet when empty, or says "nothing new" when configured to', () => {
    expect(composeDigest({ ...digest, items: [], since: 1, asOf: 2, whenEmpty: 'quiet' })).toBeUndefined();
    const posted = composeDigest({ ...digest, items: [], since: 1, asOf: 2, whenEmpty: 'post' });
    expect(posted?.messages[0]?.content).toMatch(/^Morning briefing — nothing new since/);
  });

  it('filters by the digest countries, by name or ISO3', () => {
    const catalog = makeCatalog([
      makeIncident({ id: 'a', location: { country: 'Syria', iso3: 'SYR' } }),
      makeIncident({ id: 'b', location: { country: 'Iraq', iso3: 'IRQ' } }),
    ]);
    expect(
      selectDigestItems(catalog, new Map(), undefined, 1, ['irq']).items.map((i) => i.incident.id),
    ).toEqual(['b']);
    expect(
      selectDigestItems(catalog, new Map(), undefined, 1, ['Syria']).items.map((i) => i.incident.id),
    ).toEqual(['a']);
  });

  it('says what changed: a new claim, a new quote, a revised date', () => {
    const before = syria('x', '2020-01-01');
    const after = syria('x', '2020-01-02', {
      casualties: [{ claimant: 'Health ministry', killed: { best: 4 }, source: 'src-1' }],
      quotes: [{ speaker: 'A. Speaker', text: 'Words.', source: 'src-1' }],
    });
    expect(describeChanges(incidentFacets(before), after)).toEqual([
      'new casualty claim by Health ministry',
      'new quote (A. Speaker)',
      'date revised (was 2020-01-01)',
    ]);
  });
});

describe('digest runs', () => {
  it('posts the current incidents first, then only what is new, and nothing when nothing changed', async () => {
    const t = setup([syria('a', '2020-01-01')]);
    await t.tracker.observe(makeCatalog([syria('a', '2020-01-01')]));
    expect((await t.runner.run(digest, { reason: 'scheduled' })).outcome).toBe('posted');
    expect(textOf(t.discord.posted)).toContain('Incident a');

    await t.update([syria('a', '2020-01-01'), syria('b', '2020-01-05')]);
    await t.runner.run(digest, { reason: 'scheduled' });
    expect(t.discord.posted).toHaveLength(2);
    const second = textOf(t.discord.posted.slice(1));
    expect(second).toContain('Incident b');
    expect(second).not.toContain('Incident a');

    // Re-saving without a change in content posts nothing.
    await t.update([syria('a', '2020-01-01'), syria('b', '2020-01-05')]);
    expect((await t.runner.run(digest, { reason: 'scheduled' })).outcome).toBe('empty');
    expect(t.discord.posted).toHaveLength(2);
  });

  it('posts a changed incident again, marked as updated with what changed', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    await t.runner.run(digest, { reason: 'scheduled' });
    await t.update([
      syria('a', '2020-01-01', { quotes: [{ speaker: 'Envoy', text: 'Stop.', source: 'src-1' }] }),
    ]);
    await t.runner.run(digest, { reason: 'scheduled' });
    const second = textOf(t.discord.posted.slice(1));
    expect(second).toContain('Updated: new quote (Envoy)');
    expect(second).toMatch(/1 updated incident/);
  });

  it('retries a 502 and posts exactly once', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    t.discord.failures.push(new DeliveryError('Discord answered 502', false, 502));
    expect((await t.runner.run(digest, { reason: 'scheduled' })).outcome).toBe('posted');
    expect(t.discord.posted).toHaveLength(1);
  });

  it('keeps the cursor and the pending run when Discord keeps failing, and delivers at the next run', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    for (let i = 0; i < 3; i++)
      t.discord.failures.push(new DeliveryError('Discord answered 503', false, 503));
    const failed = await t.runner.run(digest, { reason: 'scheduled' });
    expect(failed.outcome).toBe('failed');
    expect(t.discord.posted).toHaveLength(0);
    expect((await t.runner.state(digest)).cursor).toBeUndefined();
    expect((await t.runner.state(digest)).pending).toBeDefined();

    await t.runner.run(digest, { reason: 'scheduled' });
    expect(t.discord.posted).toHaveLength(1);
    expect(textOf(t.discord.posted)).toContain('Incident a');
    expect((await t.runner.state(digest)).pending).toBeUndefined();
  });

  it('does not double a post when the process dies between the post and the cursor write', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    // Discord accepts the message, then the store refuses the next write: the "crash".
    const send = t.discord.sender.send;
    t.discord.sender.send = async (channelId, message) => {
      const result = await send(channelId, message);
      t.store.failWrites = true;
      return result;
    };
    expect((await t.runner.run(digest, { reason: 'scheduled' })).outcome).toBe('failed');
    t.discord.sender.send = send;
    t.store.failWrites = false;

    const restarted = t.makeRunner();
    expect((await restarted.run(digest, { reason: 'catch-up' })).outcome).not.toBe('failed');
    expect(t.discord.posted).toHaveLength(1);
    expect((await restarted.state(digest)).pending).toBeUndefined();
  });

  it('reports a channel that forbids the bot, without retrying, and other digests still post', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    const other: DigestConfig = { ...digest, id: '2', channelId: '222222222222222222' };
    t.discord.failures.push(new DeliveryError('Discord answered 403: Missing Access', true, 403));
    const refused = await t.runner.run(digest, { reason: 'scheduled' });
    expect(refused).toMatchObject({ outcome: 'failed', permanent: true });
    expect((await t.runner.run(other, { reason: 'scheduled' })).outcome).toBe('posted');
    expect(t.discord.posted.map((p) => p.channelId)).toEqual([other.channelId]);
  });

  it('never runs one digest twice at once', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    const [first, second] = await Promise.all([
      t.runner.run(digest, { reason: 'scheduled' }),
      t.runner.run(digest, { reason: 'scheduled' }),
    ]);
    expect([first.outcome, second.outcome].sort()).toEqual(['busy', 'posted']);
    expect(t.discord.posted).toHaveLength(1);
  });

  it('previews without posting or moving the cursor', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    const answer = await t.runner.preview(digest);
    expect(JSON.stringify(answer)).toContain('Incident a');
    expect(t.discord.posted).toHaveLength(0);
    expect((await t.runner.state(digest)).cursor).toBeUndefined();
  });
});

describe('digest runs when the state store is down', () => {
  it('post nothing, keep the cursor, and deliver once, without duplicates, when the store is back', async () => {
    const t = setup([]);
    await t.update([syria('a', '2020-01-01')]);
    await t.runner.run(digest, { reason: 'scheduled' });
    expect(t.discord.posted).toHaveLength(1);

    t.store.failWrites = true;
    await expect(t.update([syria('a', '2020-01-01'), syria('b', '2020-01-03')])).rejects.toThrow(
      'store unavailable',
    );
    expect((await t.runner.run(digest, { reason: 'scheduled' })).outcome).toBe('failed');
    expect(t.discord.posted).toHaveLength(1);

    t.store.failWrites = false;
    t.tick();
    await t.runner.run(digest, { reason: 'scheduled' });
    await t.runner.run(digest, { reason: 'scheduled' });
    expect(t.discord.posted).toHaveLength(2);
    expect(textOf(t.discord.posted.slice(1))).toContain('Incident b');
    // After a restart (a new tracker reading the store) nothing is new again.
    const restarted = new IncidentTracker(t.store);
    await restarted.load();
    expect(await restarted.record('b')).toBeDefined();
  });
});
