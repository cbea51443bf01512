// /trends: the comparison rules (threshold, minimum count, baselines, anchoring), datasets kept apart
// (hand-written, ACLED, UCDP GED never added up together), and the answer on the real-export samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendsCommand } from '../commands/trends.ts';
import type { CommandContext } from '../commands/types.ts';
import { renderTrendChart, trendFileName } from '../src/charts/trends.ts';
import { answerSlashLine } from '../src/cli/run.ts';
import { acled } from '../src/import/acled.ts';
import { runImport } from '../src/import/run.ts';
import { ucdp } from '../src/import/ucdp.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import type { IncidentInput } from '../src/incidents/schema.ts';
import {
  addDays,
  anchorDay,
  compareCounts,
  compareSeries,
  TREND_WEEKS,
  type TrendSeries,
  trendData,
  trendWindows,
} from '../src/incidents/trends.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { presentTrends } from '../src/render/present-trends.ts';
import { toText } from '../src/render/text.ts';
import { captureIo, fixture } from './fixtures/import/generate.ts';
import { pngSize, userError } from './helpers/expect.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const rules = { threshold: 0.5, minimum: 10 };

describe('compareCounts: threshold and minimum count', () => {
  it('does not call 1 → 2 a +100% rise: both figures are under the minimum', () => {
    expect(compareCounts(2, 1, rules)).toMatchObject({ flag: undefined, few: true, change: undefined });
    expect(compareCounts(9, 0, rules)).toMatchObject({ flag: undefined, few: true });
  });

  it('flags a rise or a fall of 50% or more once the larger figure reaches the minimum', () => {
    expect(compareCounts(15, 10, rules)).toMatchObject({ flag: 'rise', change: 0.5, few: false });
    expect(compareCounts(10, 5, rules)).toMatchObject({ flag: 'rise', change: 1 });
    expect(compareCounts(5, 10, rules)).toMatchObject({ flag: 'fall', change: -0.5 });
    expect(compareCounts(0, 12, rules)).toMatchObject({ flag: 'fall', change: -1 });
  });

  it('leaves smaller changes unflagged, with their size', () => {
    expect(compareCounts(14, 10, rules)).toMatchObject({ flag: undefined, few: false });
    expect(compareCounts(14, 10, rules).change).toBeCloseTo(0.4);
    expect(compareCounts(6, 10, rules)).toMatchObject({ flag: undefined });
  });

  it('calls a rise from an empty baseline a rise, without a percentage', () => {
    expect(compareCounts(12, 0, rules)).toEqual({
      current: 12,
      baseline: 0,
      change: undefined,
      flag: 'rise',
      few: false,
    });
  });
});

describe('windows and anchoring', () => {
  it('ends the windows today while a matching event falls in the last 28 days', () => {
    expect(anchorDay('2024-03-31', '2024-03-31')).toEqual({ end: '2024-03-31', anchor: 'today' });
    expect(anchorDay('2024-03-31', '2024-03-04')).toEqual({ end: '2024-03-31', anchor: 'today' });
    expect(anchorDay('2024-03-31', undefined)).toEqual({ end: '2024-03-31', anchor: 'today' });
  });

  it('anchors on the newest event when none is in the last 28 days (historic data)', () => {
    expect(anchorDay('2024-03-31', '2024-03-03')).toEqual({ end: '2024-03-03', anchor: 'newest' });
    expect(anchorDay('2026-12-03', '2020-05-09')).toEqual({ end: '2020-05-09', anchor: 'newest' });
  });

  it('compares 7 days with the 4 weeks before, and 28 days with the 12 weeks before', () => {
    expect(trendWindows('2020-05-09')).toEqual({
      week: {
        current: { from: '2020-05-03', to: '2020-05-09' },
        baseline: { from: '2020-04-05', to: '2020-05-02' },
        periods: 4,
      },
      month: {
        current: { from: '2020-04-12', to: '2020-05-09' },
        baseline: { from: '2020-01-19', to: '2020-04-11' },
        periods: 3,
      },
    });
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });

  it('takes the baselines as means: weeks 1–4 over 4, weeks 4–15 over 3', () => {
    const weeks = (values: Record<number, number>) =>
      Array.from({ length: TREND_WEEKS }, (_, i) => values[i] ?? 0);
    const series: TrendSeries = {
      kind: 'acled',
      label: 'ACLED',
      events: weeks({ 0: 30, 1: 10, 2: 10, 3: 10, 4: 10, 5: 6, 15: 3 }),
      deaths: weeks({ 0: 4, 1: 8 }),
      unestimated: weeks({ 0: 2 }),
      first: '2020-01-19',
      last: '2020-05-09',
    };
    const trend = compareSeries(series, rules);
    expect(trend.week.events).toMatchObject({ current: 30, baseline: 10, change: 2, flag: 'rise' });
    expect(trend.month.events).toMatchObject({ current: 60, baseline: 19 / 3, flag: 'rise' });
    expect(trend.week.deaths).toMatchObject({ current: 4, baseline: 2, few: true, flag: undefined });
    expect(trend.week.unestimated).toBe(2);
  });
});

type ClaimInput = NonNullable<IncidentInput['casualties']>[number];

function event(
  id: string,
  day: string,
  options: {
    dataset?: 'acled' | 'ucdp';
    claims?: ClaimInput[];
    type?: IncidentInput['type'];
    country?: IncidentInput['location'];
  } = {},
) {
  return makeIncident({
    id,
    date: { start: day },
    ...(options.type ? { type: options.type } : {}),
    ...(options.country ? { location: options.country } : {}),
    casualties: options.claims ?? [],
    ...(options.dataset ? { external_ids: { [options.dataset]: id.toUpperCase() } } : {}),
  });
}

const claim = (claimant: string, best: number | undefined, extra: Partial<ClaimInput> = {}): ClaimInput => ({
  claimant,
  source: 'src-1',
  killed: best === undefined ? { text: 'dozens' } : { best },
  ...extra,
});

describe('trendData: datasets apart, bounded to the 16 weeks', () => {
  const now = new Date('2020-05-09T15:00:00Z');
  /** Twelve ACLED events in the last week, two in the week before; UCDP and hand-written alongside. */
  function catalog(): Catalog {
    return makeCatalog([
      ...Array.from({ length: 12 }, (_, i) =>
        event(`acled-new-${i}`, addDays('2020-05-09', -(i % 7)), {
          dataset: 'acled',
          // Older imports named the coded-from sources in the claimant: still ACLED.
          claims: [claim(i % 2 === 0 ? 'ACLED' : 'ACLED (coded from: SOHR)', 2)],
        }),
      ),
      event('acled-old-1', '2020-05-02', {
        dataset: 'acled',
        // A claim an editor added to an imported incident is not the dataset's.
        claims: [claim('ACLED', 3), claim('Local council', 40)],
      }),
      event('acled-old-2', '2020-04-25', { dataset: 'acled', claims: [claim('ACLED', undefined)] }),
      event('acled-too-old', '2020-01-18', { dataset: 'acled', claims: [claim('ACLED', 500)] }),
      event('acled-future', '2020-05-10', { dataset: 'acled', claims: [claim('ACLED', 700)] }),
      event('ucdp-1', '2020-05-08', { dataset: 'ucdp', claims: [claim('UCDP GED 24.1', 7)] }),
      event('ucdp-2', '2020-04-01', {
        dataset: 'ucdp',
        claims: [claim('UCDP GED 24.1', 5, { period: { from: '2020-03-30', to: '2020-04-01' } })],
      }),
      event('hand-1', '2020-05-07', {
        claims: [claim('Syrian military', 84), claim('UN envoy', undefined)],
      }),
      event('iraq-1', '2020-05-07', {
        dataset: 'acled',
        claims: [claim('ACLED', 1000)],
        country: { country: 'Iraq', iso3: 'IRQ' },
      }),
    ]);
  }

  it('gives hand-written, ACLED and UCDP GED their own series; deaths only from each dataset’s own claims', () => {
    const data = trendData(catalog(), { country: 'Syria' }, now);
    expect(data).toMatchObject({
      end: '2020-05-09',
      anchor: 'today',
      newest: '2020-05-09',
      start: '2020-01-19',
    });
    const byLabel = Object.fromEntries(data.series.map((s) => [s.label, s]));
    expect(data.series.map((s) => [s.kind, s.label])).toEqual([
      ['hand', 'Hand-written incidents'],
      ['acled', 'ACLED'],
      ['ucdp', 'UCDP GED 24.1'],
    ]);
    const acledSeries = byLabel.ACLED;
    expect(acledSeries?.events.slice(0, 3)).toEqual([12, 1, 1]);
    // 12 × 2 this week; 3 (not the council's 40) the week before; a worded figure adds nothing.
    expect(acledSeries?.deaths?.slice(0, 3)).toEqual([24, 3, 0]);
    expect(acledSeries?.unestimated.slice(0, 3)).toEqual([0, 0, 1]);
    // Neither the event before the 16 weeks nor the one after today is read.
    expect(acledSeries?.events.reduce((a, b) => a + b, 0)).toBe(14);
    expect(byLabel['UCDP GED 24.1']?.events[0]).toBe(1);
    expect(byLabel['UCDP GED 24.1']?.deaths?.[0]).toBe(7);
    expect(byLabel['UCDP GED 24.1']?.deaths?.[5]).toBe(5);
    const hand = byLabel['Hand-written incidents'];
    expect(hand?.events[0]).toBe(1);
    expect(hand?.deaths).toBeUndefined();
  });

  it('counts an event by its last day: the anchor day and six before are week 0, the seventh week 1', () => {
    const data = trendData(
      makeCatalog([
        event('a', '2020-05-09', { dataset: 'acled' }),
        event('b', '2020-05-03', { dataset: 'acled' }),
        event('c', '2020-05-02', { dataset: 'acled' }),
        makeIncident({
          id: 'd',
          date: { start: '2020-04-20', end: '2020-05-04' },
          external_ids: { acled: 'D' },
        }),
      ]),
      { country: 'SYR' },
      now,
    );
    expect(data.series[0]?.events.slice(0, 3)).toEqual([3, 1, 0]);
  });

  it('filters by event type', () => {
    const data = trendData(
      makeCatalog([
        event('battle', '2020-05-09', { dataset: 'acled' }),
        event('protest', '2020-05-09', {
          dataset: 'acled',
          type: { event: 'protests', sub: 'peaceful_protest' },
        }),
      ]),
      { country: 'Syria', type: 'protests' },
      now,
    );
    expect(data.series.map((s) => s.events[0])).toEqual([1]);
    expect(data.type).toEqual({ event: 'protests' });
  });

  it('anchors on the newest matching event when the data are historic, and says so', () => {
    const data = trendData(catalog(), { country: 'Syria' }, new Date('2024-03-15T10:00:00Z'));
    expect(data).toMatchObject({ today: '2024-03-15', end: '2020-05-10', anchor: 'newest' });
    const text = toText(presentTrends(data));
    expect(text).toContain(
      'As of 10 May 2020, the newest event: there is none in the 28 days to today (15 Mar 2024)',
    );
  });

  it('notes when nothing older is in the index, so a baseline may only look empty', () => {
    const data = trendData(catalog(), { country: 'Syria' }, now);
    const acledSeries = data.series.find((s) => s.kind === 'acled');
    // acled-too-old lies before the 16 weeks: the dataset reaches further back.
    expect(acledSeries?.earlier).toBe(true);
    expect(data.series.find((s) => s.kind === 'ucdp')?.earlier).toBe(false);
    const text = toText(presentTrends(data));
    expect(text).toContain('UCDP GED 24.1: nothing earlier in Syria in the index');
    expect(text).not.toContain('ACLED: nothing earlier');
  });

  it('answers in words: method, thresholds, flags per dataset, hand-written deaths not added up', () => {
    const text = toText(presentTrends(trendData(catalog(), { country: 'Syria' }, now)));
    expect(text).toContain(
      'The last 7 days (3–9 May 2020) against the weekly mean of the 4 weeks before (5 Apr – 2 May 2020)',
    );
    expect(text).toContain('a change of 50% or more either way, when the larger figure is at least 10');
    expect(text).toContain('• ACLED events ▲ rise, +2,300% (last 7 days)');
    expect(text).toContain('Deaths: sum of ACLED’s event estimates');
    expect(text).toContain('• Last 7 days: 24 (over 12 events) against a weekly mean of 0.8');
    expect(text).toContain('Not added up: hand-written incidents carry claims by different parties');
    // No figure from two datasets is ever added up: 24 + 7 + 84 appears nowhere.
    expect(text).not.toMatch(/\b(31|115|108)\b/);
  });

  it('tells a user what is wrong with the country or type', () => {
    expect(userError(() => trendData(catalog(), { country: 'Atlantis' }, now)).message).toMatch(
      /^No incidents in "Atlantis"/,
    );
    expect(userError(() => trendData(catalog(), { country: 'Syria', type: 'picnics' }, now)).message).toMatch(
      /^Unknown type "picnics"/,
    );
  });

  it('answers a country with no matching incident up to today without a chart', async () => {
    const context = { catalog: catalog(), now } as CommandContext;
    const answer = await trendsCommand.execute({ country: 'Syria', type: 'riots' }, context);
    expect(answer.content).toBe(
      'No incidents in Syria, Riots up to 9 May 2020, so there is no trend to show. /about shows what the dataset covers.',
    );
    expect(answer.attachments).toBeUndefined();
  });

  it('draws the last 12 weeks per dataset, with every weekly figure in the alt text', async () => {
    const data = trendData(catalog(), { country: 'Syria' }, now);
    const chart = await renderTrendChart(data, 'Syria', { width: 640, height: 400, scale: 1 });
    expect(chart).toBeDefined();
    expect(pngSize(chart?.png ?? new Uint8Array())).toEqual({ width: 640, height: 400 });
    expect(chart?.data.filter((p) => p.series === 'ACLED').map((p) => p.events)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 12,
    ]);
    expect(chart?.alt).toContain('ACLED events per week: 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 12');
    expect(chart?.alt).toContain('Hand-written incidents events per week');
    expect(chart?.alt).not.toContain('Hand-written incidents deaths');
    expect(chart?.alt.length).toBeLessThanOrEqual(1024);
    expect(trendFileName('Côte d’Ivoire')).toBe('trends-cote-d-ivoire.png');
  });
});

describe('/trends on the samples imported together', () => {
  let root: string;
  let both: Catalog;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sitrep-trends-'));
    for (const [dataset, name] of [
      [acled, 'acled-syria-2020.csv'],
      [acled, 'acled-afghanistan-2020-03.csv'],
      [ucdp, 'ucdp-ged-191-myanmar.csv'],
    ] as const) {
      const out = path.join(root, 'imports', name.replace(/\.csv$/, ''));
      await runImport({ dataset, file: fixture(name), out, dataDir: root, io: captureIo() });
    }
    both = (await loadCatalog(root)).catalog;
  });
  afterAll(async () => {
    both?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('/trends country:Syria answers with flagged changes, anchored on the newest event', async () => {
    const answer = await answerSlashLine(
      '/trends country:Syria',
      both,
      new Date(),
      new Date('2024-03-15T12:00:00Z'),
    );
    const text = toText(answer);
    expect(text).toMatch(
      /^Trends in Syria: events and deaths in the last 7 and 28 days against the weeks before, for ACLED\./,
    );
    expect(text).toContain(
      'As of 9 May 2020, the newest event: there is none in the 28 days to today (15 Mar 2024)',
    );
    expect(text).toContain('• ACLED events ▲ rise, +416% (last 7 days)');
    expect(text).toContain('• ACLED deaths ▲ rise, +603% (last 7 days)');
    expect(text).toContain('• Last 7 days: 169 against a weekly mean of 32.8 — ▲ rise, +416%');
    expect(text).toContain(
      '• Last 7 days: 102 (over 169 events) against a weekly mean of 14.5 — ▲ rise, +603%',
    );
    // The excerpt starts on 28 Apr 2020: the answer says its baselines may only look empty.
    expect(text).toContain(
      'No earlier ACLED event in Syria is in the index: the first in these 16 weeks is from 28 Apr 2020',
    );
    // One dataset, one claimant: the imports' "coded from" sources are no series of their own.
    expect(answer.sections.map((s) => s.title)).toEqual(['Trends in Syria', 'ACLED']);
    expect(answer.attachments?.map((a) => a.name)).toEqual(['trends-syria.png']);
    expect(answer.sections[0]?.image).toBe('trends-syria.png');
    expect(answer.attachments?.[0]?.description).toMatch(
      /^Chart: Events and deaths per week, Syria, 16 Feb – 9 May 2020, .* ACLED events per week: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 131, 169\./,
    );
    const pages = toDiscordPages(answer);
    expect(pages).toHaveLength(1);
  });

  it('keeps Myanmar’s UCDP GED release as its own dataset, and small counts unflagged', async () => {
    const text = toText(
      await answerSlashLine('/trends country:MMR', both, new Date(), new Date('2024-03-15T12:00:00Z')),
    );
    expect(text).toContain('UCDP GED 19.1\n');
    expect(text).toContain('Deaths: sum of UCDP GED 19.1’s event estimates');
    expect(text).toContain('No change flagged.');
    expect(text).toContain('too few to compare (a flag needs 10 or more)');
  });
});
