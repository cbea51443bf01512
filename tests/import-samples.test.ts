// The importers on three excerpts of real exports (tests/fixtures/import/README.md): every row
// imports, the output passes the same checks as `sitrep validate`, and known rows map field by field.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerSlashLine } from '../src/cli/run.ts';
import { validateFolder } from '../src/cli/validate.ts';
import { acled } from '../src/import/acled.ts';
import { type ImportReport, runImport } from '../src/import/run.ts';
import { ucdp } from '../src/import/ucdp.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { toText } from '../src/render/text.ts';
import { captureIo, fixture, incidentIn, lineOf } from './fixtures/import/generate.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-samples-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function importSample(dataset: typeof acled, name: string) {
  const out = path.join(root, name);
  const report = await runImport({ dataset, file: fixture(name), out, dataDir: root, io: captureIo() });
  const loaded = await loadCatalog(out);
  return { out, report, catalog: loaded.catalog, problems: loaded.problems };
}

function count<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item) ?? '(none)';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function expectClean(report: ImportReport, rows: number) {
  expect(report.skipped.examples).toEqual([]);
  expect(report).toMatchObject({ rows, created: rows, updated: 0, unchanged: 0, notInExport: 0 });
  expect(report.check).toMatchObject({ incidents: rows, files: rows, problemCount: 0 });
}

describe('ACLED Syria 2020 (31 columns, 9-May-20 dates, CRLF)', () => {
  let result: Awaited<ReturnType<typeof importSample>>;
  beforeAll(async () => {
    result = await importSample(acled, 'acled-syria-2020.csv');
  });

  it('imports all 300 rows, and the folder validates as the bot loads it', async () => {
    expectClean(result.report, 300);
    expect(result.problems).toEqual([]);
    expect(result.catalog.size).toBe(300);
    const io = captureIo();
    expect(await validateFolder(result.out, io)).toBe(0);
    expect(io.stdout()).toMatch(/^OK: 300 incidents loaded from 300 files/);
  });

  it('says which variant it read', () => {
    expect(result.report.detected.join('; ')).toBe(
      'ACLED, 31 columns; older column set without disorder_type; dates like 9-May-20 (d-Mon-yy); UTF-8; CRLF',
    );
  });

  it('maps a known row field by field', async () => {
    expect(incidentIn(result.catalog, 'acled-syr78126')).toEqual({
      id: 'acled-syr78126',
      title: 'Air/drone strike in Al-Bukamal, Deir-ez-Zor',
      date: { start: '2020-05-09', precision: 'day' },
      location: {
        country: 'Syria',
        iso3: 'SYR',
        admin1: 'Deir-ez-Zor',
        admin2: 'Abu Kamal',
        admin3: 'Abu Kamal',
        place: 'Al-Bukamal',
        lat: 34.4546,
        lon: 40.9116,
        precision: 'near',
      },
      type: { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
      actors: [
        { name: 'Unidentified Military Forces', side: 'side_a' },
        { name: 'Military Forces of Iran (1989-)', side: 'side_b' },
      ],
      summary:
        'On 9 May 2020, unidentified warplanes reportedly carried out airstrikes on an Iranian site near al-Bukamal in Deir-ez-Zor. Neither fatalities nor injuries were reported.',
      casualties: [
        {
          claimant: 'ACLED',
          killed: { best: 0 },
          period: { from: '2020-05-09' },
          source: 'acled',
        },
      ],
      quotes: [],
      sources: [
        {
          id: 'acled',
          name: 'ACLED',
          url: 'https://acleddata.com',
          published: '2020-05-12',
          affiliation: "ACLED dataset; the summary is ACLED's event note; reports from: Liveuamap",
        },
      ],
      tags: ['source scale: local partner-new media'],
      external_ids: { acled: 'SYR78126' },
    });
    const text = await readFile(path.join(result.out, '2020', 'acled-syr78126.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\.json\n/);
    expect(text).toContain('Terms of Use and Attribution Policy');
  });

  it('keeps every note, country, id and fatality count of the CSV (parsed independently)', async () => {
    const rows = parse(await readFile(fixture('acled-syria-2020.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    for (const row of rows) {
      const incident = incidentIn(result.catalog, `acled-${row.event_id_cnty?.toLowerCase()}`);
      expect(incident.summary).toBe(row.notes);
      expect(incident.location.country).toBe(row.country);
      expect(incident.external_ids?.acled).toBe(row.event_id_cnty);
      expect(incident.casualties[0]?.killed?.best).toBe(Number(row.fatalities));
      expect(incident.casualties[0]?.claimant).toBe('ACLED');
      expect(incident.sources[0]?.affiliation?.endsWith(`; reports from: ${row.source}`)).toBe(true);
    }
  });

  it('maps time_precision to day, week, month and geo_precision to exact, near, admin1', () => {
    const incidents = [...result.catalog.all()];
    expect(count(incidents, (i) => i.date.precision)).toEqual({ day: 287, week: 8, month: 5 });
    expect(count(incidents, (i) => i.location.precision)).toEqual({ exact: 184, near: 103, admin1: 13 });
    expect(count(incidents, (i) => i.type.event)).toEqual({
      explosions_remote_violence: 111,
      strategic_developments: 62,
      battles: 62,
      violence_against_civilians: 39,
      protests: 24,
      riots: 2,
    });
    expect(incidents.every((i) => i.type.sub !== undefined)).toBe(true);
    expect(incidents.filter((i) => i.location.admin1 === 'Aleppo')).toHaveLength(42);
  });
});

describe('ACLED Afghanistan March 2020 ("21 March 2020" dates, quoted text, LF)', () => {
  let result: Awaited<ReturnType<typeof importSample>>;
  beforeAll(async () => {
    result = await importSample(acled, 'acled-afghanistan-2020-03.csv');
  });

  it('imports all 300 rows cleanly and detects the date form', () => {
    expectClean(result.report, 300);
    expect(result.problems).toEqual([]);
    expect(result.report.detected).toContain('dates like 21 March 2020 (d Month yyyy)');
    expect(result.report.detected).toContain('LF');
  });

  it('maps actors, associated actors (split at ";") and the claim of a known row', () => {
    const clash = incidentIn(result.catalog, 'acled-afg44631');
    expect(clash).toMatchObject({
      title: 'Armed clash in Dawlat Abad, Balkh',
      date: { start: '2020-03-21', precision: 'day' },
      location: { country: 'Afghanistan', iso3: 'AFG', admin1: 'Balkh', admin2: 'Dawlat Abad', lat: 36.9882 },
      actors: [
        { name: 'Taliban', side: 'side_a' },
        { name: 'Military Forces of Afghanistan (2014-)', side: 'side_b' },
      ],
      casualties: [{ claimant: 'ACLED', killed: { best: 12 } }],
      sources: [
        {
          id: 'acled',
          affiliation: "ACLED dataset; the summary is ACLED's event note; reports from: Xinhua; Khaama Press",
        },
      ],
      tags: ['source scale: national-international'],
    });
    expect(clash.location.admin3).toBeUndefined();
    expect(incidentIn(result.catalog, 'acled-afg44667').actors).toEqual([
      { name: 'Unidentified Armed Group (Afghanistan)', side: 'side_a' },
      { name: 'Civilians (Afghanistan)', side: 'side_b' },
      { name: 'Muslim Group (Afghanistan)', side: 'side_b' },
      { name: 'Teachers (Afghanistan)', side: 'side_b' },
    ]);
    expect(count([...result.catalog.all()], (i) => i.date.start.slice(0, 7))).toEqual({ '2020-03': 300 });
  });
});

describe('UCDP GED 19.1 Myanmar (42 columns, low,best,high; line breaks in quoted fields)', () => {
  let result: Awaited<ReturnType<typeof importSample>>;
  let raw: string;
  beforeAll(async () => {
    result = await importSample(ucdp, 'ucdp-ged-191-myanmar.csv');
    raw = await readFile(fixture('ucdp-ged-191-myanmar.csv'), 'utf8');
  });

  it('imports all 300 rows cleanly and says which release and layout it read', () => {
    expectClean(result.report, 300);
    expect(result.problems).toEqual([]);
    expect(result.report.detected).toEqual([
      'UCDP GED, 42 columns',
      'release 19.1 (from the file name)',
      'estimates in the order low,best,high',
      'dates like 2015-05-11 (yyyy-mm-dd)',
      'UTF-8',
      'LF',
    ]);
  });

  it('maps estimates, the death breakdown, precision and source articles of a known row', () => {
    expect(incidentIn(result.catalog, 'ucdp-209406')).toMatchObject({
      title: 'Armed clash between Government of Myanmar (Burma) and MNDAA in Laukkaing Town, Shan State',
      date: { start: '2015-05-14', end: '2015-05-15', precision: 'week' },
      location: {
        country: 'Myanmar (Burma)',
        admin1: 'Shan State',
        admin2: 'Laukkaing District',
        place: 'Laukkaing Town',
        lat: 23.690225,
        lon: 98.765042,
        precision: 'near',
      },
      type: { event: 'battles', sub: 'armed_clash' },
      actors: [
        { name: 'Government of Myanmar (Burma)', side: 'side_a' },
        { name: 'MNDAA', side: 'side_b' },
      ],
      casualties: [
        {
          claimant: 'UCDP GED 19.1',
          killed: { best: 2, low: 0, high: 24 },
          breakdown: { side_a: 2, side_b: 0, civilians: 0, unknown: 0 },
          period: { from: '2015-05-14', to: '2015-05-15' },
          source: 'ucdp-ged',
        },
      ],
      tags: ['state-based conflict', 'myanmar (burma): kokang'],
      external_ids: { ucdp: '209406' },
    });
    const sources = incidentIn(result.catalog, 'ucdp-209406').sources;
    expect(sources[0]).toEqual({
      id: 'ucdp-ged',
      name: 'UCDP GED',
      url: 'https://ucdp.uu.se',
      affiliation: 'Uppsala Conflict Data Program dataset',
    });
    expect(sources.slice(1)).toHaveLength(4);
    expect(sources[1]).toEqual({
      id: 'ucdp-article-1',
      name: 'Associated Press Newswires: Myanmar says 24 rebels killed in clashes near China border',
      published: '2015-05-15',
      via: 'ucdp-ged',
    });
    expect(incidentIn(result.catalog, 'ucdp-209406').summary).toBe(
      'UCDP GED records fighting in a state-based armed conflict between Government of Myanmar (Burma) and MNDAA (conflict: Myanmar (Burma): Kokang) in Laukkaing Town, Laukkaing District, Shan State, Myanmar (Burma), 14–15 May 2015.',
    );
  });

  it('maps type_of_violence 1 and 2 to armed clashes, 3 to violence against civilians', () => {
    expect(count([...result.catalog.all()], (i) => `${i.type.event}/${i.type.sub}`)).toEqual({
      'battles/armed_clash': 175,
      'violence_against_civilians/attack': 125,
    });
    expect(count([...result.catalog.all()], (i) => i.tags[0])).toEqual({
      'state-based conflict': 159,
      'non-state conflict': 16,
      'one-sided violence': 125,
    });
  });

  it('keeps a best estimate whose low or high is out of order, and says so with the line', () => {
    expect(result.report.warnings.byReason()).toEqual([
      ['estimates out of order', 2],
      ['text cut to the schema limit', 1],
    ]);
    expect(
      result.report.warnings.examples.filter((w) => w.reason === 'estimates out of order').map((w) => w.line),
    ).toEqual([lineOf(raw, '71686,'), lineOf(raw, '71645,')]);
    expect(incidentIn(result.catalog, 'ucdp-71686').casualties[0]).toMatchObject({
      killed: { best: 3, low: 0 },
      note: "UCDP's high estimate 0 is below best; left out",
    });
    expect(incidentIn(result.catalog, 'ucdp-71686').casualties[0]?.killed?.high).toBeUndefined();
  });

  it('keeps non-ASCII place names and free-text source articles of older rows', () => {
    const names = [...result.catalog.all()].flatMap((i) => i.sources.map((s) => s.name));
    expect(names).toContain('unclear (pärmen/binder)');
    expect(names).toContain(
      'Free Burma Rangers: FBR Report: Burma 2015 Year-in-review – Multiple Offensives and Broken Ceasefires',
    );
    const old = [...result.catalog.all()].find((i) => i.sources[1]?.name === 'Bangkok Post 1/11');
    expect(old?.sources[1]).toEqual({ id: 'ucdp-article-1', name: 'Bangkok Post 1/11', via: 'ucdp-ged' });
  });
});

describe('UCDP date_prec and iso3 on real-format rows', () => {
  let dataDir: string;
  let myanmar: Catalog;
  let variants: Catalog;
  let both: Catalog;
  /** The sample's header and rows, with some cells changed, written back as CSV. */
  async function variantOf(name: string, out: string, edits: Record<string, string>[]): Promise<string> {
    const [header, ...rows] = parse(await readFile(fixture(name), 'utf8')) as string[][];
    if (!header || !rows[0]) throw new Error(`${name} has no rows`);
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = edits.map((edit) =>
      header.map((column, i) => quote(edit[column] ?? rows[0]?.[i] ?? '')).join(','),
    );
    const file = path.join(root, out);
    await writeFile(file, `${[header.join(','), ...lines].join('\n')}\n`);
    return file;
  }
  async function importInto(dataset: typeof acled, file: string, folder: string): Promise<Catalog> {
    const out = path.join(dataDir, folder);
    const report = await runImport({ dataset, file, out, dataDir, io: captureIo() });
    expect(report.skipped.examples).toEqual([]);
    return (await loadCatalog(out)).catalog;
  }

  beforeAll(async () => {
    dataDir = path.join(root, 'iso3');
    myanmar = await importInto(ucdp, fixture('ucdp-ged-191-myanmar.csv'), 'ucdp-myanmar');
    const ucdpFile = await variantOf('ucdp-ged-191-myanmar.csv', 'ged191-variants.csv', [
      {
        id: '900001',
        country: 'Bangladesh',
        country_id: '771',
        date_start: '2015-05-11',
        date_end: '2015-05-11',
      },
      {
        id: '900002',
        country: 'Russia (Soviet Union)',
        country_id: '365',
        date_start: '1990-01-15',
        date_end: '1990-01-15',
      },
      {
        id: '900003',
        country: 'Russia (Soviet Union)',
        country_id: '365',
        date_start: '2000-01-15',
        date_end: '2000-01-15',
      },
    ]);
    variants = await importInto(ucdp, ucdpFile, 'ucdp-variants');
    const acledFile = await variantOf('acled-afghanistan-2020-03.csv', 'acled-variants.csv', [
      { event_id_cnty: 'BGD1', country: 'Bangladesh', iso: '50', iso3: '' },
      { event_id_cnty: 'BGD2', country: 'Bangladesh', iso: '', iso3: '' },
      { event_id_cnty: 'XKX1', country: 'Kosovo', iso: '0', iso3: 'XKX' },
      { event_id_cnty: 'YUG1', country: 'Yugoslavia', iso: '', iso3: '' },
    ]);
    await importInto(acled, acledFile, 'acled-variants');
    both = (await loadCatalog(dataDir)).catalog;
  });

  it('maps each date_prec code as the GED codebook defines it, keeping the range', () => {
    const dates = ['48754', '209980', '50157', '50110', '51025'].map(
      (id) => incidentIn(myanmar, `ucdp-${id}`).date,
    );
    expect(dates).toEqual([
      { start: '1989-12-26', precision: 'day' }, // 1 the exact day
      { start: '2015-05-11', end: '2015-05-12', precision: 'week' }, // 2 a 2–6 day range
      { start: '2000-07-01', end: '2000-07-07', precision: 'week' }, // 3 the week
      { start: '2003-03-01', end: '2003-03-31', precision: 'month' }, // 4 8–30 days or the month
      { start: '2007-01-01', end: '2007-05-15', precision: 'year' }, // 5 up to a year
    ]);
    expect(count([...myanmar.all()], (i) => i.date.precision)).toEqual({
      day: 147,
      week: 67,
      month: 65,
      year: 21,
    });
  });

  it('fills iso3 from the GW code when UCDP’s name is not an ISO name ("Myanmar (Burma)", 775)', () => {
    expect(count([...myanmar.all()], (i) => i.location.iso3)).toEqual({ MMR: 300 });
  });

  it('fills iso3 from the name, and leaves the Soviet Union (GW 365 before 1991-12-26) empty', () => {
    expect(incidentIn(variants, 'ucdp-900001').location.iso3).toBe('BGD');
    expect(incidentIn(variants, 'ucdp-900002').location.iso3).toBeUndefined();
    expect(incidentIn(variants, 'ucdp-900003').location.iso3).toBe('RUS');
  });

  it('fills ACLED iso3 from the column, then the numeric iso, then the name; never guesses', () => {
    const iso3 = (id: string) => incidentIn(both, id).location.iso3;
    expect(iso3('acled-bgd1')).toBe('BGD');
    expect(iso3('acled-bgd2')).toBe('BGD');
    expect(iso3('acled-xkx1')).toBe('XKX');
    expect(iso3('acled-yug1')).toBeUndefined();
  });

  it('lets /latest country:BGD and country:MMR find the imported incidents', async () => {
    const answer = async (line: string) =>
      toText(await answerSlashLine(line, both, new Date('2024-01-01T00:00:00Z')));
    const bgd = await answer('/latest country:BGD count:10');
    expect(bgd).toMatch(/^3 incidents matching country BGD/);
    expect([...bgd.matchAll(/id: (\S+)/g)].map((m) => m[1]).sort()).toEqual([
      'acled-bgd1',
      'acled-bgd2',
      'ucdp-900001',
    ]);
    expect(await answer('/latest country:MMR count:3')).toMatch(/^3 of 300 incidents matching country MMR/);
  });
});
