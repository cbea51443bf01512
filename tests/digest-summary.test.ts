// Bulk digests: the summary that leads a digest with more items than it shows (counts by country and
// event type that add up to the run's total, the deadliest new incidents by their largest single
// claimed figure, the exact /latest filters for the rest), and the optional chart (DIGEST_<n>_CHART).
import { describe, expect, it, vi } from 'vitest';
import { commands } from '../commands/index.ts';
import { parseSlashLine } from '../src/cli/slash-line.ts';
import { loadDigestSettings } from '../src/config.ts';
import { composeDigest, DIGEST_CAPS, DIGEST_CHART_FILE, selectDigestItems } from '../src/digest/compose.ts';
import { withFiles } from '../src/digest/discord-sender.ts';
import type { OutgoingMessage } from '../src/digest/runner.ts';
import { countryKeyOf, incidentSortDate } from '../src/incidents/catalog.ts';
import { matchesType, resolveCountry, resolveType } from '../src/incidents/filters.ts';
import { latest, parseSince } from '../src/incidents/queries.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { createStateStore } from '../src/state/store.ts';
import { composeFirstDigest, MORNING_DIGEST, runnerSetup } from './helpers/digest-runner.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const digest = MORNING_DIGEST;

const COUNTRIES = [
  { country: 'Syria', iso3: 'SYR' },
  { country: 'Iraq', iso3: 'IRQ' },
  { country: 'Yemen', iso3: 'YEM' },
] as const;

/** `n` incidents spread over three countries; Iraq's are all battles, the others mixed. */
function bulk(n: number, prefix = 'b'): Incident[] {
  return Array.from({ length: n }, (_, i) => {
    const location = COUNTRIES[i % 3] as (typeof COUNTRIES)[number];
    const battle = location.country === 'Iraq' || i % 2 === 0;
    return makeIncident({
      id: `${prefix}-${i}`,
      title: `Bulk incident ${i}`,
      date: { start: new Date(Date.UTC(2020, 0, 1) + (i % 90) * 86_400_000).toISOString().slice(0, 10) },
      location: { ...location },
      type: battle
        ? { event: 'battles', sub: 'armed_clash' }
        : { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
      casualties: [{ claimant: 'ACLED', killed: { best: i % 7 }, source: 'src-1' }],
    });
  });
}

/** A runner over a changing catalog, on a clock that moves a minute per update. */
const setup = runnerSetup;

/** A later run's selection: the tracker saw `before`, then `after`. */
async function laterSelection(before: Incident[], after: Incident[], timeline = false) {
  const env = setup(before);
  await env.runner.run(digest, { reason: 'manual' });
  const since = (await env.runner.state(digest)).cursor;
  await env.update(after);
  const asOf = env.tracker.lastObservedAt;
  const changed = await env.tracker.changedSince(since ?? 0, asOf);
  const records = await env.tracker.records(changed);
  const catalog = env.catalog();
  return {
    catalog,
    since,
    asOf,
    selection: selectDigestItems(catalog, records, since, asOf, [], changed, { timeline }),
  };
}

const fieldsOf = (section: { fields?: { name: string; value: string }[] } | undefined) =>
  new Map((section?.fields ?? []).map((f) => [f.name, f.value]));

/** "Syria 20 · Iraq 20 · …" → the numbers, which must add up to the run's total. */
const sumOf = (line: string | undefined) =>
  (line ?? '').split(' · ').reduce((sum, part) => sum + Number(part.replace(/.* /, '').replace(/,/g, '')), 0);

describe('a digest with more items than it shows', () => {
  it('leads with a summary whose counts by country and by type add up to every incident due', async () => {
    const { selection, since, asOf } = await laterSelection([], bulk(120));
    expect(selection.total).toBe(120);
    expect(selection.items).toHaveLength(DIGEST_CAPS.regular);
    const composed = composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'quiet' });
    const [lead, ...rest] = composed?.answer.sections ?? [];
    expect(lead?.title).toBe(`Summary: 120 incidents, the newest ${DIGEST_CAPS.regular} shown below`);
    const fields = fieldsOf(lead);
    expect(sumOf(fields.get('By country'))).toBe(120);
    expect(sumOf(fields.get('By event type'))).toBe(120);
    expect(fields.get('By country')).toBe('Iraq 40 · Syria 40 · Yemen 40');
    // Shown plus "n more" is every incident due: none is lost between them.
    const shown = rest.flatMap((s) => s.fields ?? []).filter((f) => f.value.includes('id: b-')).length;
    expect(shown).toBe(DIGEST_CAPS.regular);
    const more = fields.get('Not shown here') ?? '';
    expect(more).toMatch(new RegExp(`^${120 - shown} more — /latest since:`));
    const perCountry = [...more.matchAll(/^• \w+: (\d+) —/gm)].map((m) => Number(m[1]));
    expect(perCountry.reduce((a, b) => a + b, 0)).toBe(120 - shown);
    expect(composed?.messages.length).toBeLessThanOrEqual(DIGEST_CAPS.messages);
  });

  it('gives /latest filters that list exactly the incidents not shown: country, shared type, earliest date', async () => {
    const incidents = bulk(90);
    const { catalog, selection, since, asOf } = await laterSelection([], incidents);
    const composed = composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'quiet' });
    const shownIds = new Set(selection.items.map((item) => item.incident.id));
    const hidden = incidents.filter((incident) => !shownIds.has(incident.id));
    const more = fieldsOf(composed?.answer.sections[0]).get('Not shown here') ?? '';
    const lines = [...more.matchAll(/— (\/latest [^\n;]+)/g)].map((m) => m[1] as string);
    expect(lines).toHaveLength(1 + COUNTRIES.length);
    const now = new Date('2026-11-25T07:00:00Z');
    for (const line of lines) {
      // The line is a command as typed: the console's own parser reads it.
      const { options } = parseSlashLine(line, commands);
      const country =
        typeof options.country === 'string' ? resolveCountry(catalog, options.country) : undefined;
      const type = typeof options.type === 'string' ? resolveType(options.type) : undefined;
      const sinceDate = parseSince(String(options.since), now);
      const covered = hidden.filter(
        (h) =>
          country === undefined || country.keys.includes(countryKeyOf(h.location.country, h.location.iso3)),
      );
      // Every incident not shown that the line is about matches its filter…
      for (const h of covered) {
        if (type) expect(matchesType(h, type)).toBe(true);
        expect(incidentSortDate(h) >= sinceDate).toBe(true);
      }
      // …and the filter is no wider than it needs to be: since is the earliest of their dates.
      expect(sinceDate).toBe(covered.map(incidentSortDate).sort()[0]);
      // /latest itself counts them all (the shown ones are newer, so they match as well).
      const answer = latest(catalog, { count: 10, ...options }, now);
      const shownHere = selection.items.filter((item) =>
        covered.length === hidden.length
          ? true
          : item.incident.location.country === covered[0]?.location.country &&
            (type === undefined || matchesType(item.incident, type)),
      ).length;
      expect(answer.total).toBe(covered.length + shownHere);
    }
    // Iraq's are all battles, so its line narrows to that type; Syria's are mixed, so it does not.
    expect(lines).toContain(`/latest country:Iraq type:Battles since:${firstDate(hidden, 'Iraq')}`);
    expect(lines).toContain(`/latest country:Syria since:${firstDate(hidden, 'Syria')}`);
  });

  it('one country left over: a single "n more — /latest country:…" line', () => {
    const incidents = bulk(40).map((incident) => ({
      ...incident,
      location: { country: 'Syria', iso3: 'SYR' },
    }));
    const catalog = makeCatalog(incidents);
    const composed = composeFirstDigest(catalog, ['Syria']);
    const more = fieldsOf(composed?.answer.sections[0]).get('Not shown here');
    expect(more).toBe(`30 more — /latest country:Syria since:${firstDate(incidents.slice(0), 'Syria')}`);
    // Repeated after the incidents, for a reader who scrolled down.
    expect(composed?.answer.sections.at(-1)?.description).toBe(more);
  });

  it('names the deadliest new incidents by their largest single claim, with its claimant, never a sum', () => {
    const contested = makeIncident({
      id: 'contested',
      title: 'Contested toll',
      date: { start: '2020-03-01' },
      casualties: [
        { claimant: 'Health ministry', killed: { best: 100 }, source: 'src-1' },
        { claimant: 'Opposition monitor', killed: { best: 70 }, source: 'src-1' },
      ],
    });
    const lowerBound = makeIncident({
      id: 'lower-bound',
      title: 'At least ninety',
      date: { start: '2020-03-02' },
      casualties: [{ claimant: 'UN envoy', killed: { low: 90 }, source: 'src-1' }],
    });
    const worded = makeIncident({
      id: 'worded',
      title: 'Scores killed',
      date: { start: '2020-03-03' },
      casualties: [
        { claimant: 'UN envoy', killed: { text: 'scores' }, source: 'src-1' },
        { claimant: 'Monitor', killed: { high: 500 }, source: 'src-1' },
      ],
    });
    const filler = bulk(30, 'f');
    const catalog = makeCatalog([contested, lowerBound, worded, ...filler]);
    const composed = composeFirstDigest(catalog);
    const deadliest = [...fieldsOf(composed?.answer.sections[0])].find(([name]) =>
      name.startsWith('Deadliest'),
    );
    expect(deadliest?.[0]).toContain('claims are not added up');
    const lines = deadliest?.[1].split('\n') ?? [];
    expect(lines).toEqual([
      '• 100 killed — Health ministry, 1 Mar 2020: Contested toll (Syria; id: contested)',
      '• at least 90 killed — UN envoy, 2 Mar 2020: At least ninety (Syria; id: lower-bound)',
      expect.stringMatching(/^• 6 killed — ACLED, /),
    ]);
    // 170 would be the two claims of one incident added up; 500 only an upper bound; neither appears.
    expect(deadliest?.[1]).not.toMatch(/\b170\b|\b500\b|scores/);
  });

  it('takes the deadliest from new incidents only, not from updates', async () => {
    const base = bulk(40);
    const updated = base.map((incident, i) =>
      i === 0
        ? {
            ...incident,
            casualties: [{ claimant: 'Health ministry', killed: { best: 999 }, source: 'src-1' }],
          }
        : incident,
    );
    const fresh = makeIncident({
      id: 'fresh',
      title: 'A new one',
      casualties: [{ claimant: 'Civil defence', killed: { best: 12 }, source: 'src-1' }],
    });
    const { selection } = await laterSelection(base, [...updated, fresh, ...bulk(30, 'n')]);
    expect(selection.fresh).toBe(31);
    expect(selection.updated).toBe(1);
    const names = selection.summary?.deadliest.map((d) => d.incident.id);
    expect(names?.[0]).toBe('fresh');
    expect(names).not.toContain('b-0');
  });

  it('reads only the incidents it shows: counting is SQL over the due rows', async () => {
    const env = setup([]);
    await env.runner.run(digest, { reason: 'manual' });
    const since = (await env.runner.state(digest)).cursor ?? 0;
    await env.update(bulk(2000));
    const asOf = env.tracker.lastObservedAt;
    const changed = await env.tracker.changedSince(since, asOf);
    const records = await env.tracker.records(changed);
    const catalog = env.catalog();
    const get = vi.spyOn(catalog, 'get');
    const selection = selectDigestItems(catalog, records, since, asOf, [], changed, { timeline: true });
    expect(selection.total).toBe(2000);
    expect(sumOf(selection.summary?.countries.map((c) => `x ${c.count}`).join(' · '))).toBe(2000);
    expect(selection.summary?.timeline?.rows.reduce((n, r) => n + r.count, 0)).toBe(2000);
    expect(get.mock.calls.length).toBeLessThanOrEqual(DIGEST_CAPS.regular + 3);
  });

  it('stays as before when everything fits: no summary, no "more"', async () => {
    const { selection, since, asOf } = await laterSelection([], bulk(5));
    expect(selection.summary).toBeUndefined();
    const composed = composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'quiet' });
    expect(composed?.answer.sections[0]?.title).not.toMatch(/^Summary/);
    expect(JSON.stringify(composed?.answer)).not.toContain('more —');
  });
});

describe('the digest chart (DIGEST_<n>_CHART)', () => {
  it('is off by default, on with true, and a wrong value names the key', () => {
    const base = { DIGEST_1_CHANNEL: '111111111111111111', DIGEST_1_CRON: '0 7 * * *' };
    expect(loadDigestSettings(base).digests[0]?.chart).toBe(false);
    expect(loadDigestSettings({ ...base, DIGEST_1_CHART: 'true' }).digests[0]?.chart).toBe(true);
    expect(loadDigestSettings({ ...base, DIGEST_1_CHART: ' FALSE ' }).digests[0]?.chart).toBe(false);
    expect(() => loadDigestSettings({ ...base, DIGEST_1_CHART: 'yes please' })).toThrow(/DIGEST_1_CHART/);
  });

  it('is attached to the first message only when the digest asks for it, with alt text', async () => {
    for (const chart of [false, true]) {
      const env = setup(bulk(60));
      await env.runner.run({ ...digest, chart }, { reason: 'manual' });
      const [first, ...others] = env.discord.posted.map((p) => p.message);
      expect(others.every((m) => m.attachments === undefined)).toBe(true);
      if (!chart) {
        expect(first?.attachments).toBeUndefined();
        expect(JSON.stringify(first)).not.toContain('attachment://');
        continue;
      }
      const [file] = first?.attachments ?? [];
      expect(file?.name).toBe(DIGEST_CHART_FILE);
      expect(
        Buffer.from(file?.data ?? [])
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      expect(file?.description).toMatch(
        /^Bar chart: Morning briefing, 60 incidents per (day|week) by incident date, .*stacked by country: Iraq 20, Syria 20, Yemen 20\./,
      );
      expect(first?.embeds[0]?.image?.url).toBe(`attachment://${DIGEST_CHART_FILE}`);
      // As the sender posts it: multipart, the file described by the body's attachments[0].
      const request = withFiles(first as OutgoingMessage);
      expect(request.files?.map((f) => [f.key, f.name, f.contentType])).toEqual([
        ['files[0]', DIGEST_CHART_FILE, 'image/png'],
      ]);
      expect((request.body as { attachments: unknown }).attachments).toEqual([
        { id: '0', filename: DIGEST_CHART_FILE, description: file?.description },
      ]);
    }
  });

  it('survives the pending run being saved and read back (a resumed run posts the same picture)', async () => {
    const env = setup(bulk(60));
    await env.runner.run({ ...digest, chart: true }, { reason: 'manual' });
    const message = env.discord.posted[0]?.message as OutgoingMessage;
    const original = Buffer.from(message.attachments?.[0]?.data ?? []);
    // Plain JSON (as tests' memory store keeps it) and the real keyv SQLite store (base64).
    const sqlite = createStateStore('sqlite://:memory:');
    await sqlite.set('pending', message);
    const stored = (await sqlite.get<OutgoingMessage>('pending')) as OutgoingMessage;
    await sqlite.close();
    for (const copy of [JSON.parse(JSON.stringify(message)) as OutgoingMessage, stored]) {
      const files = withFiles(copy).files ?? [];
      expect(original.length).toBeGreaterThan(1000);
      expect(Buffer.compare(files[0]?.data as Buffer, original)).toBe(0);
    }
  });
});

describe('a bulk digest pings nobody', () => {
  it('keeps allowed_mentions empty and neutralises mentions from data in the summary and the alt text', async () => {
    const hostile = bulk(40).map((incident, i) => ({
      ...incident,
      title: `@everyone look ${i} <@&123456789012345678>`,
      location: { country: i % 2 ? '@here Land' : 'Syria', ...(i % 2 ? {} : { iso3: 'SYR' }) },
      casualties: [{ claimant: '<@123456789012345678>', killed: { best: 50 + i }, source: 'src-1' }],
    }));
    const env = setup(hostile);
    await env.runner.run({ ...digest, chart: true }, { reason: 'manual' });
    expect(env.discord.posted.length).toBeGreaterThan(0);
    for (const { message } of env.discord.posted) {
      expect(message.allowed_mentions).toEqual({ parse: [] });
      const { attachments, ...rest } = message;
      const text = JSON.stringify([rest, attachments?.map((a) => a.description)]);
      expect(text).not.toMatch(/@(?:everyone|here)|<@&?\d/);
    }
  });
});

function firstDate(incidents: readonly Incident[], country: string): string | undefined {
  return incidents
    .filter((i) => i.location.country === country)
    .map(incidentSortDate)
    .sort()[0];
}
