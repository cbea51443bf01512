import { describe, expect, it } from 'vitest';
import { mapCommand } from '../commands/map.ts';
import type { CommandContext } from '../commands/types.ts';
import { mapFileName } from '../src/charts/answers.ts';
import { findCountryOutline } from '../src/charts/atlas.ts';
import { largestKilledClaim, renderIncidentMap, selectMapIncidents } from '../src/charts/map.ts';
import { UserError } from '../src/errors.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { readIncidentFolder } from '../src/incidents/loader.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { toText } from '../src/render/text.ts';
import { pngSize } from './helpers/expect.ts';
import { catalogOfFiles, makeCatalog, makeIncident } from './helpers/incidents.ts';

const now = new Date('2020-06-15T12:00:00Z');
/** Small pictures keep the suite quick; the layout is the same at any size. */
const small = { width: 600, height: 440, scale: 1 } as const;

const context = (catalog: Catalog): CommandContext => ({ catalog, now, version: 'test', loadedAt: now });

async function exampleCatalog(): Promise<Catalog> {
  const { files, problems } = await readIncidentFolder('data');
  expect([...problems, ...files.flatMap((f) => f.problems)]).toEqual([]);
  return catalogOfFiles(files);
}

describe('renderIncidentMap with the example data', () => {
  it('maps both Aleppo incidents in Syria, sized by the largest single claim', async () => {
    const selection = selectMapIncidents(await exampleCatalog(), { country: 'Syria', since: '2016-10' }, now);
    const map = await renderIncidentMap(selection, small);
    expect(pngSize(map.png)).toEqual({ width: 600, height: 440 });
    expect(map.title).toBe('Incidents in Syria since 1 Oct 2016');
    expect(map.unplaced).toBe(0);
    expect(map.outside).toBe(0);
    expect(map.points.map((p) => [p.incidentId, p.largest?.killed])).toEqual([
      ['2016-10-30-aleppo-west-shelling', 84],
      ['2016-10-30-aleppo-toxic-gas-shelling', undefined],
    ]);
    expect(map.alt).toMatch(
      /^Map of 2 incidents in Syria since 1 Oct 2016: largest claims at Aleppo city \(84 killed — Syrian military, 28–30 Oct 2016\)\./,
    );
    // Aleppo is in the north-west of the outline.
    const [first] = map.points;
    expect(first?.x).toBeLessThan(small.width / 2);
    expect(first?.y).toBeLessThan(small.height / 2);
  });

  it('gives the same bytes twice (deterministic)', async () => {
    const selection = selectMapIncidents(await exampleCatalog(), { country: 'SYR' }, now);
    const a = await renderIncidentMap(selection, small);
    const b = await renderIncidentMap(selection, small);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });
});

describe('the map’s figures', () => {
  it('sizes an incident by its largest single claim, never the sum of claims', () => {
    const incident = makeIncident({
      casualties: [
        { claimant: 'Ministry', killed: { best: 50 }, source: 'src-1' },
        { claimant: 'Monitor', killed: { best: 40 }, source: 'src-1' },
        { claimant: 'Witnesses', killed: { low: 30 }, source: 'src-1' },
        { claimant: 'Envoy', killed: { text: 'scores' }, source: 'src-1' },
      ],
    });
    expect(largestKilledClaim(incident)).toMatchObject({ claimant: 'Ministry', killed: 50, figure: '50' });
    const bound = makeIncident({
      casualties: [{ claimant: 'Witnesses', killed: { low: 30 }, source: 'src-1' }],
    });
    expect(largestKilledClaim(bound)).toMatchObject({ killed: 30, figure: 'at least 30' });
    const none = makeIncident({ casualties: [{ claimant: 'SANA', injured: { best: 36 }, source: 'src-1' }] });
    expect(largestKilledClaim(none)).toBeUndefined();
  });

  it('places incidents with coordinates, counts those without, and scales circle area to the claim', async () => {
    const at = (lat: number, lon: number) => ({
      country: 'Syria',
      iso3: 'SYR',
      place: 'Somewhere',
      lat,
      lon,
    });
    const catalog = makeCatalog([
      makeIncident({
        id: 'big',
        location: at(33.5, 36.3),
        casualties: [
          { claimant: 'A', killed: { best: 100 }, source: 'src-1' },
          { claimant: 'B', killed: { best: 90 }, source: 'src-1' },
        ],
      }),
      makeIncident({
        id: 'small',
        location: at(35.9, 39),
        casualties: [{ claimant: 'A', killed: { best: 25 }, source: 'src-1' }],
      }),
      makeIncident({ id: 'no-figure', location: at(36.2, 37.1) }),
      makeIncident({ id: 'nowhere', location: { country: 'Syria', iso3: 'SYR' } }),
      makeIncident({ id: 'far-away', location: at(-33.9, 151.2) }),
    ]);
    const map = await renderIncidentMap(selectMapIncidents(catalog, { country: 'Syria' }, now), small);
    const byId = new Map(map.points.map((p) => [p.incidentId, p]));
    expect([...byId.keys()]).toEqual(['big', 'small', 'no-figure']);
    const big = byId.get('big');
    const small25 = byId.get('small');
    // Area ∝ claim: 25 killed is a quarter of 100, so half the radius. 100, not 190.
    expect((small25?.r ?? 0) / (big?.r ?? 1)).toBeCloseTo(0.5, 5);
    expect(map.unplaced).toBe(1);
    expect(map.outside).toBe(1);
    expect(map.alt).toContain('Not placed: 1 incident has no coordinates; 1 lies outside the map area.');
    expect(map.alt).toContain('1 incident without a number killed is shown as a small dot.');
  });
});

describe('selectMapIncidents', () => {
  it('takes every spelling of the country, newest first, and keeps its newest incident for the hint', () => {
    const catalog = makeCatalog([
      makeIncident({
        id: 'coded',
        date: { start: '2020-01-02' },
        location: { country: 'Syria', iso3: 'SYR' },
      }),
      makeIncident({ id: 'named', date: { start: '2020-01-05' }, location: { country: 'Syria' } }),
      makeIncident({
        id: 'other',
        date: { start: '2020-01-09' },
        location: { country: 'Iraq', iso3: 'IRQ' },
      }),
    ]);
    const all = selectMapIncidents(catalog, { country: 'SYR' }, now);
    expect(all.incidents.map((i) => i.id)).toEqual(['named', 'coded']);
    expect(all.newest?.id).toBe('named');
    const since = selectMapIncidents(catalog, { country: 'syria', since: '2020-01-03' }, now);
    expect(since.incidents.map((i) => i.id)).toEqual(['named']);
    const none = selectMapIncidents(catalog, { country: 'syria', since: '2021' }, now);
    expect(none.incidents).toEqual([]);
    expect(none.newest?.id).toBe('named');
  });
});

describe('country outlines', () => {
  it('finds Natural Earth outlines by ISO code, by name with accents and "(…)" ignored, and by alias', () => {
    const names = (name: string, iso3?: string) =>
      findCountryOutline(name, iso3).map((f) => f.properties.name);
    expect(names('Syrian Arab Republic', 'SYR')).toEqual(['Syria']);
    expect(names('Syrian Arab Republic')).toEqual(['Syria']);
    expect(names('Myanmar (Burma)')).toEqual(['Myanmar']);
    expect(names('DR Congo (Zaire)')).toEqual(['Dem. Rep. Congo']);
    expect(names('Cote d’Ivoire')).toEqual(["Côte d'Ivoire"]);
    expect(names('South Sudan', 'SSD')).toEqual(['S. Sudan']);
    expect(names('Atlantis')).toEqual([]);
  });

  it('is a user error when the country has no outline', async () => {
    const catalog = makeCatalog([makeIncident({ location: { country: 'Atlantis', lat: 1, lon: 1 } })]);
    const selection = selectMapIncidents(catalog, { country: 'Atlantis' }, now);
    await expect(renderIncidentMap(selection, small)).rejects.toThrow(UserError);
  });
});

describe('/map', () => {
  it('answers with the map attached, its text alternative, and the largest claims in words', async () => {
    const answer = await mapCommand.execute({ country: 'syria' }, context(await exampleCatalog()));
    const [file] = answer.attachments ?? [];
    expect(file?.name).toBe('map-syria.png');
    expect(file?.description).toMatch(
      /^Map of 2 incidents in Syria, 28–30 Oct 2016: largest claims at Aleppo city/,
    );
    expect(pngSize(file?.data ?? new Uint8Array())).toEqual({ width: 2000, height: 1440 });
    const [page] = toDiscordPages(answer);
    expect(page?.embeds[0]?.image).toEqual({ url: 'attachment://map-syria.png' });
    expect(page?.attachments?.[0]?.description).toBe(file?.description);
    const text = toText(answer);
    expect(text).toContain('Aleppo city: 84 killed — Syrian military, 28–30 Oct 2016');
    expect(text).toContain('Image map-syria.png: Map of 2 incidents');
  });

  it('says so when the country has no incidents since the date, without a picture', async () => {
    const answer = await mapCommand.execute(
      { country: 'Syria', since: '2020-01-01' },
      context(await exampleCatalog()),
    );
    expect(answer.attachments).toBeUndefined();
    expect(answer.content).toMatch(/^No incidents in Syria since 1 Jan 2020, so there is nothing to map\./);
    expect(answer.content).toContain('The newest incident there is from 30 Oct 2016; try an earlier since.');
  });

  it('is a user error for a country with no incidents at all, naming close ones', async () => {
    const catalog = await exampleCatalog();
    await expect(mapCommand.execute({ country: 'Syra' }, context(catalog))).rejects.toThrow(
      /Did you mean Syria\?/,
    );
    await expect(mapCommand.execute({ country: 'France' }, context(catalog))).rejects.toThrow(UserError);
    await expect(mapCommand.execute({}, context(catalog))).rejects.toThrow(UserError);
  });

  it('requires the country option and offers country names', async () => {
    const country = mapCommand.data.options?.find((o) => o.name === 'country');
    expect(country).toMatchObject({ required: true, autocomplete: true });
    const choices = mapCommand.autocomplete?.(
      { name: 'country', value: 'sy' },
      {},
      context(await exampleCatalog()),
    );
    expect(choices?.map((c) => c.value)).toContain('Syria');
  });

  it('names files Discord accepts', () => {
    expect(mapFileName('Côte d’Ivoire')).toBe('map-cote-d-ivoire.png');
    expect(mapFileName('Myanmar (Burma)')).toBe('map-myanmar-burma.png');
    expect(mapFileName('日本')).toBe('map.png');
  });
});
