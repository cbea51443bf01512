// The delivery record's answers (src/render/present-delivery.ts): /digest status's last runs, and
// /digest why's verdict for every case a run can leave an incident in.
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import type { IncidentFate, RunRecord } from '../src/digest/record.ts';
import type { Answer } from '../src/render/answer.ts';
import { presentRuns, presentWhy, type WhyInput } from '../src/render/present-delivery.ts';
import { toText } from '../src/render/text.ts';

const DIGEST: DigestConfig = {
  id: '1',
  channelId: '111111111111111111',
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: ['Syria'],
  filters: { types: ['battles'], minDeaths: 5 },
  title: 'Morning brief',
  whenEmpty: 'quiet',
};
const GUILD = '222222222222222222';
const T0 = Date.UTC(2026, 10, 25, 7, 0);
const HOUR = 3_600_000;

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'run-a',
    at: T0,
    reason: 'scheduled',
    outcome: 'posted',
    since: T0 - 24 * HOUR,
    asOf: T0,
    guildId: GUILD,
    messages: [
      { channelId: DIGEST.channelId, id: '333' },
      { channelId: DIGEST.channelId, id: '444' },
    ],
    counts: { posted: 12, summarized: 3, overCap: 0, filtered: 40, heldBack: 2, failed: 0 },
    filteredBy: { types: 30, countries: 10 },
    incidents: {},
    unlisted: 0,
    ...overrides,
  };
}

const text = (answer: Answer) => toText(answer, 400);
const INCIDENT = { title: 'Clashes near Aleppo', country: 'Syria', date: '2026-11-24' };
const SEEN = { first: T0 - 2 * HOUR, versions: [T0 - 2 * HOUR] };

function why(overrides: Partial<WhyInput>): string {
  const answer = presentWhy({
    digest: DIGEST,
    incidentId: 'x-1',
    incident: INCIDENT,
    seen: SEEN,
    cursor: T0,
    found: [],
    ...overrides,
  });
  expect(answer.ephemeral).toBe(true);
  expect(answer.sections).toHaveLength(1);
  return text(answer);
}

const listed = (fate: IncidentFate, overrides: Partial<RunRecord> = {}) => ({
  run: run({ incidents: { 'x-1': fate }, ...overrides }),
  fate,
});

describe('presentRuns', () => {
  it('says when nothing is recorded', () => {
    const answer = presentRuns(DIGEST, [], { now: T0 });
    expect(answer.ephemeral).toBe(true);
    expect(text(answer)).toContain('No runs recorded yet');
  });

  it('lists runs newest first: when, reason, outcome with a link, and the counts by filter', () => {
    const runs = [
      run({
        at: T0 + 24 * HOUR,
        outcome: 'forbidden',
        status: 403,
        error: 'Missing Access',
        messages: [],
        counts: { posted: 0, summarized: 0, overCap: 0, filtered: 0, heldBack: 0, failed: 5 },
        filteredBy: {},
      }),
      run({ unlisted: 20 }),
      run({ at: T0 - 24 * HOUR, outcome: 'empty', messages: [], reason: 'catch-up' }),
    ];
    const out = text(presentRuns(DIGEST, runs, { now: T0 + 25 * HOUR }));
    expect(out).toContain('26 Nov 2026 07:00 UTC (1 h ago) · scheduled');
    expect(out).toContain('FORBIDDEN: HTTP 403: Missing Access');
    expect(out).toContain(
      `Posted 2 messages (12 incidents) → https://discord.com/channels/${GUILD}/${DIGEST.channelId}/333`,
    );
    expect(out).toContain('filtered 40 (countries 10, types 30) · held back 2 · summarized 3');
    expect(out).toContain('20 more considered, not listed');
    expect(out).toContain('Nothing new to post');
    expect(out).toContain('catch-up');
    expect(out.indexOf('FORBIDDEN')).toBeLessThan(out.indexOf('Posted 2'));
  });

  it('names the channel when the server is not known, and shows at most 10 runs', () => {
    const runs = Array.from({ length: 12 }, (_, i) => run({ at: T0 - i * HOUR, guildId: undefined }));
    const answer = presentRuns(DIGEST, runs, { now: T0 });
    expect(answer.sections[0]?.fields).toHaveLength(10);
    expect(text(answer)).toContain(`message 333 in channel ${DIGEST.channelId}`);
    expect(text(answer)).toContain('Latest 10 of 12 runs');
  });
});

describe('presentWhy', () => {
  it('never seen: not in the data, or not noticed yet', () => {
    const out = why({ incident: undefined, seen: undefined });
    expect(out).toContain(
      'The bot has not seen an incident with this id: it is not in the data folder, or not yet noticed.',
    );
    const noticed = why({ seen: undefined, filterNow: { passes: true, failed: [] } });
    expect(noticed).toContain('the bot has not noticed it yet');
    expect(noticed).toContain('it will be in the next run');
  });

  it('posted: the message link, when, new or updated', () => {
    const out = why({ found: [listed({ fate: 'posted', kind: 'updated', message: 1 })] });
    expect(out).toContain('Posted as an update in the run of 25 Nov 2026 07:00 UTC');
    expect(out).toContain(`https://discord.com/channels/${GUILD}/${DIGEST.channelId}/444`);
    expect(why({ found: [listed({ fate: 'posted', kind: 'new', message: 0 })] })).toContain('a new incident');
  });

  it('filtered: which filters, what they want, in which run', () => {
    const out = why({
      found: [listed({ fate: 'filtered', by: ['types', 'minDeaths'] })],
      filterNow: {
        passes: false,
        failed: [
          { kind: 'types', wants: 'Battles' },
          { kind: 'minDeaths', wants: 'at least 5 killed by one claimant' },
        ],
      },
    });
    expect(out).toContain('Filtered out');
    expect(out).toContain(
      "Left out by this digest's filter in the run of 25 Nov 2026 07:00 UTC: types: Battles; deaths: at least 5 killed by one claimant.",
    );
    const nowPasses = why({
      found: [listed({ fate: 'filtered', by: ['types'] })],
      filterNow: { passes: true, failed: [] },
    });
    expect(nowPasses).toContain('types: (no longer set)');
    expect(nowPasses).toContain('It passes the filter now');
  });

  it('held back, mentioning where it was posted before', () => {
    const posted = listed({ fate: 'posted', kind: 'new', message: 0 }, { at: T0 - 24 * HOUR, runId: 'old' });
    const out = why({ found: [listed({ fate: 'held-back' }), posted] });
    expect(out).toContain('Held back in the run of 25 Nov 2026 07:00 UTC: it was re-saved without a change');
    expect(out).toContain(
      `It was posted before, in the run of 24 Nov 2026 07:00 UTC: https://discord.com/channels/${GUILD}/${DIGEST.channelId}/333`,
    );
  });

  it('summarized: in which run, with a /latest line', () => {
    const out = why({ found: [listed({ fate: 'summarized' })] });
    expect(out).toContain('Counted in the summary of the run of 25 Nov 2026 07:00 UTC');
    expect(out).toContain('/latest country:Syria since:2026-11-24');
    expect(out).toContain('/incident id:x-1');
  });

  it('seen before the first run: a first digest shows only the newest few', () => {
    const out = why({ found: [listed({ fate: 'summarized' }, { since: undefined })] });
    expect(out).toContain("before this digest's first run");
    expect(out).toContain('shows only the newest 10 incidents');
    const unlisted = why({
      found: [{ run: run({ since: undefined, unlisted: 900 }), fate: undefined }],
      filterNow: { passes: true, failed: [] },
    });
    expect(unlisted).toContain('shows only the newest 10 incidents');
  });

  it('over the alert cap', () => {
    const out = why({
      digest: { ...DIGEST, mode: 'alert', alertCap: 10 },
      found: [listed({ fate: 'over-cap' })],
    });
    expect(out).toContain('Over the alert cap');
    expect(out).toContain('its cap of 10 alerts an hour');
  });

  it('failed and forbidden: the status, and what the admin should do', () => {
    const transient = why({ found: [listed({ fate: 'failed', status: 503, error: 'Service Unavailable' })] });
    expect(transient).toContain('failed to post it: HTTP 503: Service Unavailable');
    expect(transient).toContain('retried');
    const forbidden = why({
      found: [listed({ fate: 'forbidden', status: 403 }, { error: 'Missing Access' })],
    });
    expect(forbidden).toContain('HTTP 403: Missing Access');
    expect(forbidden).toContain('View Channel, Send Messages and Embed Links');
    const gone = why({ found: [listed({ fate: 'forbidden', status: 404 })] });
    expect(gone).toContain('is gone');
    // A run that failed as a whole, without listing the incident.
    const whole = why({
      found: [
        { run: run({ outcome: 'forbidden', status: 403, error: 'Missing Permissions' }), fate: undefined },
      ],
    });
    expect(whole).toContain('HTTP 403: Missing Permissions');
    expect(whole).toContain('View Channel');
  });

  it('seen but not covered yet: the next run, or the filter would leave it out', () => {
    const seen = { first: T0 + HOUR, versions: [T0 + HOUR] };
    const passes = why({ seen, filterNow: { passes: true, failed: [] } });
    expect(passes).toContain('No run has covered it yet');
    expect(passes).toContain('it will be in the next run');
    const fails = why({ seen, filterNow: { passes: false, failed: [{ kind: 'types', wants: 'Battles' }] } });
    expect(fails).toContain('The filter would leave it out: types: Battles.');
    const first = why({ seen, cursor: undefined, filterNow: { passes: true, failed: [] } });
    expect(first).toContain('This digest has not run yet.');
    expect(first).toContain('newest 10 incidents');
  });

  it('considered but unlisted: falls back on the filter now, saying the record did not list it', () => {
    const big = run({ unlisted: 700 });
    const passes = why({ found: [{ run: big, fate: undefined }], filterNow: { passes: true, failed: [] } });
    expect(passes).toContain('considered it among 700 incidents, but the record did not list it');
    expect(passes).toContain('It passes the filter now');
    const fails = why({
      found: [{ run: big, fate: undefined }],
      filterNow: {
        passes: false,
        failed: [{ kind: 'minDeaths', wants: 'at least 5 killed by one claimant' }],
      },
    });
    expect(fails).toContain('The filter leaves it out now: deaths: at least 5 killed by one claimant.');
  });

  it('covered by runs the record no longer has, and changes after the last run', () => {
    const old = why({
      seen: { first: T0 - 40 * 24 * HOUR, versions: [] },
      filterNow: { passes: true, failed: [] },
    });
    expect(old).toContain('not in the record');
    const changed = why({
      seen: { first: T0 - 2 * HOUR, versions: [T0 - 2 * HOUR, T0 + HOUR] },
      found: [listed({ fate: 'posted', kind: 'new', message: 0 })],
    });
    expect(changed).toContain('It changed again 25 Nov 2026 08:00 UTC, after that run');
    expect(changed).toContain('last changed 25 Nov 2026 08:00 UTC');
  });

  it('says when an incident seen before is gone from the data', () => {
    const out = why({ incident: undefined, found: [{ run: run({ unlisted: 600 }), fate: undefined }] });
    expect(out).toContain('It is no longer in the data folder.');
    expect(out).toContain('not in the data');
  });
});
