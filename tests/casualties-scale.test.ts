// /casualties at the scale of imported datasets: a dataset is one claimant (ACLED, UCDP GED x) whose
// events are added up within it, per week or month, and never with another claimant's figures; the
// answer fits one page on real samples, the chart keeps to 8 series, and lower bounds stay bounds.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { casualtiesCommand } from '../commands/casualties.ts';
import type { CommandContext } from '../commands/types.ts';
import { casualtyChartData, needsLogScale, renderCasualtyChart } from '../src/charts/casualties.ts';
import { chartSpec, MAX_SERIES } from '../src/charts/casualty-spec.ts';
import { acled } from '../src/import/acled.ts';
import { runImport } from '../src/import/run.ts';
import { ucdp } from '../src/import/ucdp.ts';
import {
  casualtyClaims,
  DEADLIEST,
  HAND_WRITTEN_INCIDENTS,
  periodFor,
  periodStart,
} from '../src/incidents/casualties.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { codedFrom, datasetOf, figureKind } from '../src/incidents/claimants.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import type { IncidentInput } from '../src/incidents/schema.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { presentCasualties } from '../src/render/present.ts';
import { toText } from '../src/render/text.ts';
import { captureIo, fixture } from './fixtures/import/generate.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const now = new Date('2026-01-01T00:00:00Z');
const context = (catalog: Catalog): CommandContext => ({ catalog, now, version: 'test', loadedAt: now });

type ClaimInput = NonNullable<IncidentInput['casualties']>[number];

/** An event imported from ACLED: its external id, the dataset's source, one claim. */
function acledEvent(
  id: string,
  date: string,
  killed: ClaimInput['killed'],
  claimant = 'ACLED',
  place = 'Aleppo',
): ReturnType<typeof makeIncident> {
  return makeIncident({
    id,
    date: { start: date },
    location: { country: 'Syria', iso3: 'SYR', admin1: place },
    external_ids: { acled: id.toUpperCase() },
    casualties: [{ claimant, killed, period: { from: date }, source: 'acled' }],
    sources: [{ id: 'acled', name: 'ACLED', affiliation: 'ACLED dataset; reports from: SOHR; Liveuamap' }],
  });
}

function ucdpEvent(id: string, date: string, release: string, best: number) {
  return makeIncident({
    id,
    date: { start: date },
    location: { country: 'Syria', iso3: 'SYR', admin1: 'Aleppo' },
    external_ids: { ucdp: id },
    casualties: [
      { claimant: `UCDP GED ${release}`, killed: { best }, period: { from: date }, source: 'ucdp-ged' },
    ],
    sources: [{ id: 'ucdp-ged', name: 'UCDP GED' }],
  });
}

describe('the samples imported together (done-when of issue 14)', () => {
  let root: string;
  let catalog: Catalog;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sitrep-casualties-scale-'));
    const out = path.join(root, 'data');
    for (const [dataset, name] of [
      [acled, 'acled-afghanistan-2020-03.csv'],
      [acled, 'acled-syria-2020.csv'],
      [ucdp, 'ucdp-ged-191-myanmar.csv'],
    ] as const) {
      await runImport({ dataset, file: fixture(name), out, dataDir: root, io: captureIo() });
    }
    catalog = (await loadCatalog(out)).catalog;
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('/casualties country:Afghanistan answers on one page with one ACLED claimant', async () => {
    const answer = await casualtiesCommand.execute({ country: 'Afghanistan' }, context(catalog));
    expect(answer.content).toBe('300 casualty claims by 1 claimant matching country Afghanistan');
    expect(toDiscordPages(answer)).toHaveLength(1);
    const text = toText(answer);
    expect(text).not.toMatch(/ACLED \(coded from/);
    expect(text).toContain("sum of ACLED's event estimates, 300 events");

    const result = casualtyClaims(catalog, { country: 'Afghanistan' }, now);
    expect(result.datasets.map((d) => d.claimant)).toEqual(['ACLED']);
    expect(result.groups).toEqual([]);
    const chart = await renderCasualtyChart(result, { width: 640, height: 400, scale: 1 });
    expect(new Set(chart?.totals.map((t) => t.claimant))).toEqual(new Set(['ACLED']));
    expect(chart?.data).toEqual([]);
  });

  it("adds up exactly the file's fatalities, within ACLED, per week", async () => {
    const rows = parse(await readFile(fixture('acled-afghanistan-2020-03.csv')), {
      columns: true,
    }) as { fatalities: string }[];
    const sum = rows.reduce((n, r) => n + Number(r.fatalities), 0);
    const [acledSummary] = casualtyClaims(catalog, { country: 'Afghanistan' }, now).datasets;
    expect(acledSummary?.totals).toMatchObject({ events: 300, best: sum, bestEvents: 300 });
    expect(acledSummary?.periods.reduce((n, p) => n + p.best, 0)).toBe(sum);
    expect(acledSummary?.periods.map((p) => [p.from, p.to])).toEqual([
      ['2020-03-16', '2020-03-21'],
      ['2020-03-09', '2020-03-15'],
      ['2020-03-08', '2020-03-08'],
    ]);
    expect(acledSummary?.deadliest).toHaveLength(DEADLIEST);
    expect(acledSummary?.deadliest[0]?.codedFrom).toBeTruthy();
  });

  it('keeps ACLED and UCDP GED 19.1 apart over everything, months for a span of decades', () => {
    const result = casualtyClaims(catalog, {}, now);
    expect(result.unit).toBe('month');
    expect(result.datasets.map((d) => [d.claimant, d.totals.events])).toEqual([
      ['ACLED', 600],
      ['UCDP GED 19.1', 300],
    ]);
    const answer = presentCasualties(result);
    expect(answer.content).toBe('900 casualty claims by 2 claimants');
    // The first page is the overview and the newest periods; older months follow on later pages.
    expect(toDiscordPages(answer)[0]?.embeds[0]?.description).toContain('UCDP GED 19.1: ');
  });
});

describe('datasets are claimants', () => {
  it('groups the old "ACLED (coded from: …)" spelling with "ACLED", keeping the reports as detail', () => {
    const catalog = makeCatalog([
      acledEvent('syr1', '2020-05-01', { best: 3 }, 'ACLED (coded from: New York Times)'),
      acledEvent('syr2', '2020-05-02', { best: 5 }, 'ACLED (coded from: Xinhua; SANA)'),
      acledEvent('syr3', '2020-05-03', { best: 7 }),
    ]);
    const result = casualtyClaims(catalog, {}, now);
    expect(result.datasets.map((d) => [d.claimant, d.totals.best, d.totals.events])).toEqual([
      ['ACLED', 15, 3],
    ]);
    expect(result.groups).toEqual([]);
    expect(result.datasets[0]?.deadliest.map((e) => [e.incident.id, e.codedFrom])).toEqual([
      ['syr3', 'SOHR; Liveuamap'],
      ['syr2', 'Xinhua; SANA'],
      ['syr1', 'New York Times'],
    ]);
    const text = toText(presentCasualties(result));
    expect(text).toContain("15 killed — sum of ACLED's event estimates, 3 events");
    expect(text).toContain('coded from: New York Times');
    expect(text).not.toContain('ACLED (coded from');
  });

  it('reads a claimant as a dataset only for an imported event', () => {
    const imported = { external_ids: { acled: 'SYR1' } };
    expect(datasetOf({ claimant: 'ACLED (coded from: AFP)' }, imported)).toBe('ACLED');
    expect(datasetOf({ claimant: 'acled' }, imported)).toBe('ACLED');
    expect(datasetOf({ claimant: 'ACLED' }, {})).toBeUndefined();
    expect(datasetOf({ claimant: 'Syrian military' }, imported)).toBeUndefined();
    expect(datasetOf({ claimant: 'UCDP GED 24.1' }, { external_ids: { ucdp: '1' } })).toBe('UCDP GED 24.1');
    const event = acledEvent('syr9', '2020-05-01', { best: 1 }, 'ACLED (coded from: AFP)');
    const [claim] = event.casualties;
    expect(claim && codedFrom(claim, event)).toBe('AFP');
  });

  it('never adds up figures of different claimants, releases of one dataset included', () => {
    const catalog = makeCatalog([
      acledEvent('syr1', '2020-05-04', { best: 10 }),
      acledEvent('syr2', '2020-05-05', { best: 20 }),
      ucdpEvent('u1', '2020-05-04', '19.1', 100),
      ucdpEvent('u2', '2020-05-05', '24.1', 1000),
      makeIncident({
        id: 'hand',
        date: { start: '2020-05-05' },
        casualties: [
          { claimant: 'Health ministry', killed: { best: 84 }, source: 'src-1' },
          { claimant: 'Health ministry', killed: { best: 12 }, source: 'src-1' },
          { claimant: 'Monitor', killed: { best: 60 }, source: 'src-1' },
        ],
      }),
    ]);
    const result = casualtyClaims(catalog, {}, now);
    expect(result.claims).toBe(7);
    expect(
      result.datasets.map((d) => [d.claimant, d.totals.best, d.periods.map((p) => p.best)]).sort(),
    ).toEqual([
      ['ACLED', 30, [30]],
      ['UCDP GED 19.1', 100, [100]],
      ['UCDP GED 24.1', 1000, [1000]],
    ]);
    // Hand-written claims stay one row each, per claimant and period, as before.
    expect(result.groups.map((g) => [g.claimant, g.rows.map((r) => r.claim.killed?.best)])).toEqual([
      ['Health ministry', [84, 12]],
      ['Monitor', [60]],
    ]);
    const answer = presentCasualties(result);
    expect(answer.content).toBe('7 casualty claims by 5 claimants');
    const text = toText(answer);
    for (const sum of ['1,130', '1,100', '130', '1,030', '96', '144', '1,226'])
      expect(text).not.toMatch(new RegExp(`(^|[^\\d,])${sum} killed`));
    const chart = casualtyChartData(result);
    const values = [...chart.totals.map((t) => t.value), ...chart.rows.map((r) => r.value)];
    for (const sum of [1130, 1100, 130, 1030, 96, 144]) expect(values).not.toContain(sum);
  });

  it('reads only the deadliest events of a dataset, however many match', () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      acledEvent(`syr${i}`, `2020-0${1 + (i % 6)}-1${i % 10}`, { best: i % 37 }),
    );
    const catalog = makeCatalog(events);
    const spy = vi.spyOn(JSON, 'parse');
    try {
      const result = casualtyClaims(catalog, { country: 'Syria' }, now);
      expect(result.datasets[0]?.totals.events).toBe(400);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(DEADLIEST);
    } finally {
      spy.mockRestore();
    }
  });

  it('lists hand-written claims from a bounded number of incidents and counts the rest', () => {
    const incidents = Array.from({ length: HAND_WRITTEN_INCIDENTS + 20 }, (_, i) =>
      makeIncident({
        date: { start: `20${10 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}` },
        casualties: [{ claimant: `Monitor ${i % 3}`, killed: { best: i }, source: 'src-1' }],
      }),
    );
    const result = casualtyClaims(makeCatalog(incidents), {}, now);
    expect(result.claims).toBe(HAND_WRITTEN_INCIDENTS + 20);
    expect(result.handWritten).toEqual({
      claims: HAND_WRITTEN_INCIDENTS + 20,
      claimants: 3,
      listed: HAND_WRITTEN_INCIDENTS,
    });
    expect(presentCasualties(result).sections[0]?.description).toContain(
      `Listed: ${HAND_WRITTEN_INCIDENTS} of 520 claims, from the newest incidents`,
    );
  });
});

describe('periods sized by the span', () => {
  it('takes weeks up to 91 days and months beyond', () => {
    expect(periodFor({ from: '2020-03-01', to: '2020-05-31' })).toBe('week');
    expect(periodFor({ from: '2020-03-01', to: '2020-06-01' })).toBe('month');
    expect(periodFor({ from: '1989-01-01', to: '2015-12-31' })).toBe('month');
  });

  it('starts weeks on Monday and months on the first', () => {
    expect(periodStart('2020-03-08', 'week')).toBe('2020-03-02'); // a Sunday
    expect(periodStart('2020-03-09', 'week')).toBe('2020-03-09'); // a Monday
    expect(periodStart('2020-03-21', 'week')).toBe('2020-03-16');
    expect(periodStart('2020-03-21', 'month')).toBe('2020-03-01');
  });

  it('totals per month over a long span, with months without events counted at zero', () => {
    const catalog = makeCatalog([
      acledEvent('a', '2020-01-15', { best: 4 }),
      acledEvent('b', '2020-01-20', { best: 6 }),
      acledEvent('c', '2020-05-02', { best: 1 }),
    ]);
    const result = casualtyClaims(catalog, {}, now);
    expect(result.unit).toBe('month');
    expect(result.datasets[0]?.periods.map((p) => [p.from, p.to, p.best, p.events])).toEqual([
      ['2020-05-01', '2020-05-02', 1, 1],
      ['2020-04-01', '2020-04-30', 0, 0],
      ['2020-03-01', '2020-03-31', 0, 0],
      ['2020-02-01', '2020-02-29', 0, 0],
      ['2020-01-15', '2020-01-31', 10, 2],
    ]);
    const text = toText(presentCasualties(result));
    expect(text).toContain('Killed per month, newest first; 3 months without events left out');
    expect(text).toContain('15–31 Jan 2020: 10 killed · 2 events');
  });

  it('puts the newest 12 periods on the first page and the older ones after', () => {
    const catalog = makeCatalog(
      Array.from({ length: 30 }, (_, i) =>
        acledEvent(`m${i}`, `${2018 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-10`, {
          best: i + 1,
        }),
      ),
    );
    const answer = presentCasualties(casualtyClaims(catalog, {}, now));
    const [overview, acledSection, older] = answer.sections;
    expect(overview?.description).toContain("ACLED: 465 killed — sum of ACLED's event estimates, 30 events");
    expect(acledSection?.fields?.[0]?.name).toBe('Killed per month, newest 12 of 30');
    expect(acledSection?.fields?.[0]?.value.split('\n')[0]).toBe('• 1–10 Jun 2020: 30 killed · 1 event');
    expect(older?.title).toBe('ACLED · earlier months');
    expect(older?.fields?.[0]?.value.split('\n')).toHaveLength(18);
  });
});

describe('lower bounds and words are drawn as what they are', () => {
  it('reads "at least 84" with a best of 84 as a lower bound, and words as no number', () => {
    expect(figureKind({ best: 84, text: 'at least 84' })).toEqual({ kind: 'at least', value: 84 });
    expect(figureKind({ best: 90, text: 'up to 90' })).toEqual({ kind: 'up to', value: 90 });
    expect(figureKind({ best: 84 })).toEqual({ kind: 'best', value: 84 });
    expect(figureKind({ low: 36, text: 'at least three dozen' })).toEqual({ kind: 'at least', value: 36 });
    expect(figureKind({ low: 20, high: 30 })).toEqual({ kind: 'range', value: undefined });
    expect(figureKind({ text: 'scores' })).toEqual({ kind: 'worded', value: undefined });
  });

  it('plots a hand-written "at least 84" as a lower bound, never as a best estimate', () => {
    const catalog = makeCatalog([
      makeIncident({
        casualties: [
          { claimant: 'Syrian military', killed: { best: 84, text: 'at least 84' }, source: 'src-1' },
        ],
      }),
    ]);
    const [row] = casualtyChartData(casualtyClaims(catalog, {}, now)).rows;
    expect(row).toMatchObject({ kind: 'at least', value: 84, label: '≥ 84' });
  });

  it("keeps a dataset's lower-bound-only and worded figures out of its sum, and says so", () => {
    const catalog = makeCatalog([
      acledEvent('a', '2020-05-04', { best: 10 }),
      acledEvent('b', '2020-05-05', { low: 84 }),
      acledEvent('c', '2020-05-05', { text: 'scores' }),
    ]);
    const result = casualtyClaims(catalog, {}, now);
    expect(result.datasets[0]?.totals).toMatchObject({
      events: 3,
      best: 10,
      bestEvents: 1,
      atLeast: 84,
      atLeastEvents: 1,
      wordedEvents: 1,
    });
    const text = toText(presentCasualties(result));
    expect(text).toContain("10 killed — sum of ACLED's event estimates, 1 event");
    expect(text).toContain(
      '1 more event gives only a lower bound: at least 84 killed in all, not in the sum.',
    );
    expect(text).toContain('Not added: 1 event a figure in words.');
    expect(text).not.toContain('94');
    const totals = casualtyChartData(result).totals;
    expect(totals.map((t) => [t.kind, t.value, t.label])).toEqual([
      ['sum', 10, '10'],
      ['at least', 84, '≥ 84'],
    ]);
  });
});

describe('a chart sized for a reader', () => {
  it('keeps at most 8 series, datasets among them, the rest as "others"', () => {
    const hand = Array.from({ length: 12 }, (_, i) =>
      makeIncident({
        date: { start: '2020-05-03' },
        casualties: [{ claimant: `Claimant ${i}`, killed: { best: i + 1 }, source: 'src-1' }],
      }),
    );
    const catalog = makeCatalog([
      ...hand,
      acledEvent('a', '2020-05-04', { best: 10 }),
      ucdpEvent('u', '2020-05-04', '24.1', 3),
    ]);
    const data = casualtyChartData(casualtyClaims(catalog, {}, now));
    const spec = chartSpec(data, 800, 400) as unknown as {
      vconcat: { layer: { encoding: { color?: { scale: { domain: string[] } } } }[] }[];
    };
    const domain = spec.vconcat[0]?.layer[0]?.encoding.color?.scale.domain ?? [];
    expect(domain).toHaveLength(MAX_SERIES);
    expect(domain).toEqual(expect.arrayContaining(['ACLED', 'UCDP GED 24.1', 'Other claimants (7)']));
    expect(domain.at(-1)).toBe('Other claimants (7)');
  });

  it('takes a log scale, and says why, when one figure would flatten the rest', async () => {
    expect(needsLogScale([5, 8, 12, 3, 900])).toBe(true);
    expect(needsLogScale([5, 8, 12, 3, 90])).toBe(false);
    expect(needsLogScale([1, 1000])).toBe(false);
    const catalog = makeCatalog([
      acledEvent('a', '2020-05-04', { best: 4 }),
      acledEvent('b', '2020-05-12', { best: 6 }),
      acledEvent('c', '2020-05-20', { best: 5 }),
      acledEvent('d', '2020-05-27', { best: 900 }),
    ]);
    const chart = await renderCasualtyChart(casualtyClaims(catalog, {}, now), {
      width: 640,
      height: 400,
      scale: 1,
    });
    expect(chart?.log).toEqual(['totals']);
  });
});
