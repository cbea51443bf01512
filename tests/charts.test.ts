import { describe, expect, it } from 'vitest';
import { casualtiesCommand } from '../commands/casualties.ts';
import type { CommandContext } from '../commands/types.ts';
import { CHART_FILE } from '../src/charts/answers.ts';
import { ALT_MAX, casualtyChartData, renderCasualtyChart } from '../src/charts/casualties.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { casualtyClaims } from '../src/incidents/queries.ts';
import type { IncidentInput } from '../src/incidents/schema.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { toText } from '../src/render/text.ts';
import { pngSize } from './helpers/expect.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const now = new Date('2020-06-15T12:00:00Z');
/** Small pictures keep the suite quick; the layout is the same at any size. */
const small = { width: 640, height: 400, scale: 1 } as const;

type ClaimInput = NonNullable<IncidentInput['casualties']>[number];

const claim = (claimant: string, figures: Partial<ClaimInput>): ClaimInput => ({
  claimant,
  source: 'src-1',
  ...figures,
});

/** Two claimants for the same three days, one of them twice; a worded figure; a range; a lower bound. */
function fixtureCatalog(): Catalog {
  return makeCatalog([
    makeIncident({
      id: 'market-shelling',
      date: { start: '2020-05-01', end: '2020-05-03' },
      casualties: [
        claim('Health ministry', {
          killed: { best: 84 },
          injured: { best: 280 },
          period: { from: '2020-05-01', to: '2020-05-03' },
        }),
        claim('Monitoring group', {
          killed: { best: 60, low: 55, high: 70 },
          period: { from: '2020-05-01', to: '2020-05-03' },
        }),
        claim('UN envoy', {
          killed: { text: 'scores' },
          injured: { text: 'hundreds' },
          period: { from: '2020-05-01', to: '2020-05-03' },
        }),
      ],
    }),
    makeIncident({
      id: 'checkpoint-attack',
      date: { start: '2020-05-03' },
      casualties: [
        claim('Health ministry', { killed: { best: 12 }, period: { from: '2020-05-01', to: '2020-05-03' } }),
        claim('Local council', { killed: { low: 20, high: 30 } }),
        claim('Witnesses', { injured: { low: 36, text: 'at least three dozen' } }),
      ],
    }),
  ]);
}

describe('casualty chart data', () => {
  const data = casualtyChartData(casualtyClaims(fixtureCatalog(), {}, now));

  it('plots one row per numeric figure of every claim, with the figures as claimed', () => {
    const killed = data.rows.filter((r) => r.measure === 'killed');
    expect(
      killed
        .map((r) => [r.claimant, r.from, r.to, r.best, r.low, r.high])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual([
      ['Health ministry', '2020-05-01', '2020-05-03', 12, undefined, undefined],
      ['Health ministry', '2020-05-01', '2020-05-03', 84, undefined, undefined],
      ['Local council', '2020-05-03', '2020-05-03', undefined, 20, 30],
      ['Monitoring group', '2020-05-01', '2020-05-03', 60, 55, 70],
    ]);
    const injured = data.rows.filter((r) => r.measure === 'injured');
    expect(injured.map((r) => [r.claimant, r.kind, r.value])).toEqual(
      expect.arrayContaining([
        ['Health ministry', 'best', 280],
        ['Witnesses', 'at least', 36],
      ]),
    );
    expect(injured).toHaveLength(2);
  });

  it('keeps two claimants for the same period as two points, never their sum', () => {
    const samePeriod = data.rows.filter(
      (r) => r.measure === 'killed' && r.from === '2020-05-01' && r.to === '2020-05-03',
    );
    expect(new Set(samePeriod.map((r) => r.claimant))).toEqual(
      new Set(['Health ministry', 'Monitoring group']),
    );
    const values = data.rows.map((r) => r.value);
    // 84 + 60 across claimants, 84 + 12 within one claimant: neither is ever plotted.
    expect(values).not.toContain(144);
    expect(values).not.toContain(96);
    expect(values).not.toContain(156);
  });

  it('draws a range without a best estimate as a range, and a lone bound as that bound', () => {
    const range = data.rows.find((r) => r.claimant === 'Local council');
    expect(range).toMatchObject({ kind: 'range', value: undefined, low: 20, high: 30, label: '20–30' });
    const bound = data.rows.find((r) => r.claimant === 'Witnesses');
    expect(bound).toMatchObject({ kind: 'at least', value: 36, label: '≥ 36' });
  });

  it('lists worded figures as not plotted', () => {
    expect(data.notPlotted).toEqual([
      { claimant: 'UN envoy', measure: 'killed', text: 'scores', from: '2020-05-01', to: '2020-05-03' },
      { claimant: 'UN envoy', measure: 'injured', text: 'hundreds', from: '2020-05-01', to: '2020-05-03' },
    ]);
  });
});

describe('renderCasualtyChart', () => {
  it('renders a PNG of the asked size whose data are the claims, and names what it could not plot', async () => {
    const result = casualtyClaims(fixtureCatalog(), {}, now);
    const chart = await renderCasualtyChart(result, { ...small, title: 'Casualty claims' });
    if (!chart) throw new Error('expected a chart');
    expect(pngSize(chart.png)).toEqual({ width: 640, height: 400 });
    expect([chart.width, chart.height]).toEqual([640, 400]);
    expect(chart.data).toEqual(casualtyChartData(result).rows);
    expect(chart.alt).toContain('UN envoy — scores killed (worded figure)');
    expect(chart.alt).toContain('UN envoy — hundreds injured (worded figure)');
    expect(chart.alt).toContain('84 killed — Health ministry, 1–3 May 2020');
    expect(chart.alt).toContain('60 (range 55–70) killed — Monitoring group');
    expect(chart.alt).toContain('not added up across claimants');
  });

  it('gives the same bytes for the same claims (deterministic)', async () => {
    const result = casualtyClaims(fixtureCatalog(), {}, now);
    const a = await renderCasualtyChart(result, small);
    const b = await renderCasualtyChart(result, small);
    expect(a && Buffer.from(a.png).equals(Buffer.from(b?.png ?? []))).toBe(true);
  });

  it('scales the PNG (2x by default) and renders the example data at full size', async () => {
    const result = casualtyClaims(fixtureCatalog(), { country: 'Syria' }, now);
    const chart = await renderCasualtyChart(result);
    expect(chart && pngSize(chart.png)).toEqual({ width: 2000, height: 1120 });
  });

  it('leaves no trace of vega-lite on Set.prototype (it breaks discord.js loaded afterwards)', async () => {
    await renderCasualtyChart(casualtyClaims(fixtureCatalog(), {}, now), small);
    expect(Object.hasOwn(Set.prototype, 'toJSON')).toBe(false);
    expect(JSON.stringify(new Set([1]))).toBe('{}');
  });

  it('returns no chart when no claim has a number', async () => {
    const catalog = makeCatalog([
      makeIncident({ casualties: [claim('UN envoy', { killed: { text: 'scores' } })] }),
    ]);
    expect(await renderCasualtyChart(casualtyClaims(catalog, {}, now), small)).toBeUndefined();
  });

  it('keeps the text alternative within Discord’s 1024 characters and counts what it leaves to the message', async () => {
    const incidents = Array.from({ length: 60 }, (_, i) =>
      makeIncident({
        date: { start: `2020-0${1 + (i % 9)}-1${i % 10}` },
        casualties: [claim(`Claimant ${i % 7}`, { killed: { best: i * 3 } })],
      }),
    );
    const chart = await renderCasualtyChart(casualtyClaims(makeCatalog(incidents), {}, now), {
      ...small,
      maxRows: 40,
    });
    expect(chart?.alt.length).toBeLessThanOrEqual(ALT_MAX);
    expect(chart?.alt).toMatch(/and \d+ more \(listed in the message\)/);
    expect(chart?.data).toHaveLength(40);
    expect(chart?.omitted).toBe(20);
    expect(chart?.alt).toContain('Showing the newest 40 of 60 figures');
  });
});

describe('/casualties with its chart', () => {
  const context = (catalog: Catalog): CommandContext => ({ catalog, now, version: 'test', loadedAt: now });

  it('attaches casualties.png with its text alternative, shown by the first page and listed in text', async () => {
    const answer = await casualtiesCommand.execute({ country: 'Syria' }, context(fixtureCatalog()));
    const [file] = answer.attachments ?? [];
    expect(file?.name).toBe(CHART_FILE);
    expect(file?.description.trim()).not.toBe('');
    expect(pngSize(file?.data ?? new Uint8Array()).width).toBe(2000);

    const pages = toDiscordPages(answer);
    expect(pages[0]?.attachments?.map((a) => a.name)).toEqual(['casualties.png']);
    expect(pages[0]?.embeds[0]?.image).toEqual({ url: 'attachment://casualties.png' });
    for (const page of pages.slice(1)) {
      expect(page.attachments).toBeUndefined();
      expect(page.embeds.some((e) => e.image !== undefined)).toBe(false);
    }

    const text = toText(answer);
    for (const claimant of ['Health ministry', 'Monitoring group', 'UN envoy', 'Local council', 'Witnesses'])
      expect(text).toContain(claimant);
    expect(text).toContain('scores killed, hundreds injured');
    expect(text).toContain(`Image casualties.png: ${file?.description.slice(0, 40)}`);
  });

  it('answers without a picture when nothing matches', async () => {
    const answer = await casualtiesCommand.execute({ since: '2021' }, context(fixtureCatalog()));
    expect(answer.attachments).toBeUndefined();
    expect(answer.content).toMatch(/^No casualty claims match/);
  });
});
