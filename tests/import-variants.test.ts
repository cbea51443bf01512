// Messy exports, hand-made in the shapes real ones arrive in (tests/fixtures/import/README.md):
// upper-case and renamed columns, an index column, HDX's #tag row, 29/12/2015 dates, Windows-1252,
// CRLF, a quoted note with a line break, bad rows reported with their lines; UCDP's 49-column layout.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acled } from '../src/import/acled.ts';
import { importCommand } from '../src/import/command.ts';
import { runImport } from '../src/import/run.ts';
import { ucdp } from '../src/import/ucdp.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { captureIo, fixture, incidentIn, lineOf } from './fixtures/import/generate.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-variants-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes `text` (Windows-1252 when asked) to a file in the temporary folder. */
async function csvFile(name: string, text: string | Buffer): Promise<string> {
  const file = path.join(root, name);
  await writeFile(file, text);
  return file;
}

describe('a messy ACLED export (HDX re-publication, Windows-1252, CRLF)', () => {
  const file = fixture('acled-messy-windows-1252.csv');
  let out: string;
  let report: Awaited<ReturnType<typeof runImport>>;
  let catalog: Catalog;
  beforeAll(async () => {
    out = path.join(root, 'messy');
    report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    const loaded = await loadCatalog(out);
    expect(loaded.problems).toEqual([]);
    catalog = loaded.catalog;
  });

  it('detects every oddity and says so', () => {
    expect(report.detected).toEqual([
      'ACLED, 21 columns, upper-case column names, an index column (ignored), 1 blank header cell, read by older names: ALLY_ACTOR_1 → assoc_actor_1, ALLY_ACTOR_2 → assoc_actor_2',
      'older column set without disorder_type',
      'HDX #tag row on line 2 skipped',
      'dates like 29/12/2015 (dd/mm/yyyy)',
      'day first: 2 of the first 6 slashed dates have a first number over 12',
      'Windows-1252 (not valid UTF-8 from line 3)',
      'CRLF',
    ]);
  });

  it('reports each bad row with its line and reason, and ignores the blank line', () => {
    expect(report).toMatchObject({ rows: 6, created: 4, blankLines: 1 });
    expect(report.skipped.examples).toEqual([
      {
        line: 6,
        reason: 'unreadable date',
        detail: 'event_date: "31/02/2016" is not a calendar date (read as dd/mm/yyyy)',
      },
      { line: 10, reason: 'unreadable fatalities', detail: 'fatalities "some" is not a whole number' },
    ]);
    expect(report.check?.problemCount).toBe(0);
  });

  it('decodes Windows-1252 names (é, â, the en dash 0x96)', () => {
    expect(incidentIn(catalog, 'acled-syr1001')).toMatchObject({
      title: 'Shelling/artillery/missile attack in Alép, Alep',
      date: { start: '2015-12-29' },
      location: { admin1: 'Alep', place: 'Alép', precision: 'exact' },
      casualties: [{ claimant: 'ACLED', killed: { best: 3 } }],
    });
    expect(incidentIn(catalog, 'acled-syr1002').location.place).toBe("Ma'arrat an-Nu'mân");
    expect(incidentIn(catalog, 'acled-syr1004').location.place).toBe('Salamiyah – south');
  });

  it('reads a quoted note with a line break, commas and doubled quotes, and renamed ally columns', () => {
    expect(incidentIn(catalog, 'acled-syr1002')).toMatchObject({
      date: { start: '2016-01-12', precision: 'week' },
      summary:
        'On 12 January 2016, clashes took place near Ma\'arrat an-Nu\'mân, Idleb. The "Army of Conquest", a coalition of groups, said it repelled an attack; no figures given.',
      actors: [
        { name: 'Jaish al Fateh', side: 'side_a' },
        { name: 'Ahrar al Sham', side: 'side_a' },
        { name: 'Jabhat al Nusra', side: 'side_a' },
        { name: 'Military Forces of Syria (2000-)', side: 'side_b' },
      ],
    });
  });

  it('keeps an unknown sub-event type as a tag, and maps a pre-2019 event type', () => {
    expect(incidentIn(catalog, 'acled-syr1004')).toMatchObject({
      type: { event: 'explosions_remote_violence' },
      tags: ['acled sub-event: drone swarm'],
    });
    expect(incidentIn(catalog, 'acled-syr1004').type.sub).toBeUndefined();
    expect(report.warnings.examples).toEqual([
      {
        line: 7,
        reason: 'unknown sub-event type',
        detail:
          'sub_event_type "Drone swarm" is not an ACLED sub-event type of Explosions/Remote violence; kept as a tag',
      },
    ]);
    expect(incidentIn(catalog, 'acled-syr1005')).toMatchObject({
      title: 'Explosions/Remote violence in Deir ez Zor',
      date: { start: '2016-04-07', precision: 'month' },
      location: { precision: 'admin1' },
      type: { event: 'explosions_remote_violence' },
      tags: ['acled: remote violence'],
    });
  });

  it('prints the report with the lines and exits 1 because rows were skipped', async () => {
    const io = captureIo();
    const code = await importCommand(['acled', file, '--out', path.join(root, 'messy-cli')], {
      dataDir: root,
      io,
    });
    expect(code).toBe(1);
    expect(io.stdout()).toContain('Rows read: 6; written (new): 4; updated: 0; unchanged: 0; skipped: 2.');
    expect(io.stdout()).toContain(
      '  line 6: unreadable date: event_date: "31/02/2016" is not a calendar date',
    );
    expect(io.stdout()).toContain('  line 10: unreadable fatalities:');
    expect(io.stdout()).toContain('Raleigh, Clionadh');
  });
});

describe('UCDP GED in the later 49-column layout (best,high,low)', () => {
  const file = fixture('ucdp-ged-49-column-layout.csv');
  let report: Awaited<ReturnType<typeof runImport>>;
  let catalog: Catalog;
  beforeAll(async () => {
    const out = path.join(root, 'ucdp49');
    report = await runImport({ dataset: ucdp, file, out, dataDir: root, io: captureIo(), release: '22.1' });
    catalog = (await loadCatalog(out)).catalog;
  });

  it('maps the estimates by name, not position', () => {
    expect(report.detected.slice(0, 4)).toEqual([
      'UCDP GED, 49 columns',
      'release 22.1 (given with --release)',
      'estimates in the order best,high,low',
      'later layout with relid and where_description',
    ]);
    expect(incidentIn(catalog, 'ucdp-209980').casualties[0]).toMatchObject({
      claimant: 'UCDP GED 22.1',
      killed: { best: 1, low: 1, high: 30 },
      breakdown: { side_a: 0, side_b: 1, civilians: 0, unknown: 0 },
    });
    expect(incidentIn(catalog, 'ucdp-209406').casualties[0]?.killed).toEqual({ best: 2, low: 0, high: 24 });
  });

  it('uses where_description in the summary and maps one-sided violence', () => {
    expect(incidentIn(catalog, 'ucdp-209980').summary).toContain(
      'UCDP describes the place as: Laukkaing Town, Shan State.',
    );
    const oneSided = [...catalog.all()].find((i) => i.type.event === 'violence_against_civilians');
    expect(oneSided?.title).toMatch(
      /^One-sided violence against civilians by Government of Myanmar \(Burma\) in /,
    );
  });

  it('reports a row whose end is before its start, with its line', async () => {
    const raw = await readFile(file, 'utf8');
    expect(report.skipped.examples).toEqual([
      {
        line: lineOf(raw, '999001,'),
        reason: 'end before start',
        detail: 'date_end 2015-05-11 is before date_start 2015-05-12',
      },
    ]);
    expect(report).toMatchObject({ rows: 6, created: 5 });
  });
});

describe('more variants', () => {
  const HEADER =
    'event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,country,notes,fatalities';

  it('detects month-first slashed dates from a month over 12', async () => {
    const file = await csvFile(
      'mdy.csv',
      `${HEADER}\n` +
        'X1,03/04/2020,2020,1,Battles,Armed clash,A,Syria,Note one.,1\n' +
        'X2,12/29/2020,2020,1,Battles,Armed clash,A,Syria,Note two.,1\n',
    );
    const report = await runImport({
      dataset: acled,
      file,
      out: path.join(root, 'mdy'),
      dataDir: root,
      io: captureIo(),
    });
    expect(report.detected).toContain(
      'month first: 1 of the first 2 slashed dates have a second number over 12',
    );
    const catalog = (await loadCatalog(path.join(root, 'mdy'))).catalog;
    expect(incidentIn(catalog, 'acled-x1').date.start).toBe('2020-03-04');
    expect(incidentIn(catalog, 'acled-x2').date.start).toBe('2020-12-29');
  });

  it('reads a UTF-8 file with a byte-order mark, semicolons and ISO dates', async () => {
    const file = await csvFile(
      'bom.csv',
      `\uFEFF${HEADER.replaceAll(',', ';')}\n` +
        'X3;2016-07-02;2016;1;Riots;Mob violence;Rioters (Syria);Syria;"A note; with a semicolon, and a comma.";0\n',
    );
    const out = path.join(root, 'bom');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    expect(report.detected).toEqual([
      'ACLED, 10 columns',
      'older column set without disorder_type',
      'no iso3 column',
      'dates like 2016-07-02 (yyyy-mm-dd)',
      'UTF-8 with BOM',
      'LF',
      'delimiter ;',
    ]);
    expect(incidentIn((await loadCatalog(out)).catalog, 'acled-x3').summary).toBe(
      'A note; with a semicolon, and a comma.',
    );
  });

  it('reads a file that mixes UTF-8 and Windows-1252 lines, each in its own encoding', async () => {
    const file = await csvFile(
      'mixed.csv',
      Buffer.concat([
        Buffer.from(`${HEADER}\nX4,1-Jan-20,2020,1,Battles,Armed clash,A,Syria,Ḥalab in UTF-8.,1\n`, 'utf8'),
        iconv.encode('X5,2-Jan-20,2020,1,Battles,Armed clash,A,Syria,Alép in Windows-1252.,1\n', 'win1252'),
      ]),
    );
    const out = path.join(root, 'mixed');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    expect(report.detected).toContain('mixed: 1 lines read as Windows-1252 (from line 3), the rest as UTF-8');
    const catalog = (await loadCatalog(out)).catalog;
    expect(incidentIn(catalog, 'acled-x4').summary).toBe('Ḥalab in UTF-8.');
    expect(incidentIn(catalog, 'acled-x5').summary).toBe('Alép in Windows-1252.');
  });

  it('composes a neutral summary when the note is empty, and leaves out impossible coordinates', async () => {
    const file = await csvFile(
      'sparse.csv',
      'event_id_cnty,event_date,event_type,sub_event_type,country,location,latitude,longitude,notes,fatalities\n' +
        'X11,1 January 2020,Battles,Armed clash,Syria,,123.5,37.1,,\n',
    );
    const out = path.join(root, 'sparse');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    expect(report.warnings.examples).toEqual([
      {
        line: 2,
        reason: 'coordinates left out',
        detail: 'latitude "123.5", longitude "37.1" are not a valid pair',
      },
    ]);
    const incident = incidentIn((await loadCatalog(out)).catalog, 'acled-x11');
    expect(incident).toMatchObject({
      title: 'Armed clash in Syria',
      summary: 'ACLED codes this event as armed clash in Syria, 1 Jan 2020; the export has no note for it.',
      casualties: [],
      sources: [{ id: 'acled', affiliation: "ACLED dataset; summary composed from ACLED's fields" }],
    });
    expect(incident.location).toEqual({ country: 'Syria' });
  });

  it('reports a quote that is never closed, and what it cost', async () => {
    const file = await csvFile(
      'unclosed.csv',
      `${HEADER}\nX6,1-Jan-20,2020,1,Battles,Armed clash,A,Syria,Fine.,1\nX7,2-Jan-20,2020,1,Battles,Armed clash,A,Syria,"Never closed.,1\nX8,3-Jan-20,2020,1,Battles,Armed clash,A,Syria,Lost.,1\n`,
    );
    const report = await runImport({
      dataset: acled,
      file,
      out: path.join(root, 'unclosed'),
      dataDir: root,
      io: captureIo(),
    });
    expect(report.created).toBe(1);
    expect(report.skipped.examples).toEqual([
      {
        line: 3,
        reason: 'CSV syntax (rest of file unread)',
        detail:
          'a quoted field that starts in this record is never closed, so nothing after it could be read',
      },
    ]);
  });

  it('reports a row with too many or too few cells', async () => {
    const file = await csvFile(
      'cells.csv',
      `${HEADER}\nX9,1-Jan-20,2020,1,Battles,Armed clash,A,Syria,Fine.,1,extra\nX10,1-Jan-20,2020,1,Battles\n`,
    );
    const report = await runImport({
      dataset: acled,
      file,
      out: path.join(root, 'cells'),
      dataDir: root,
      io: captureIo(),
    });
    expect(report.skipped.examples.map((e) => [e.line, e.detail])).toEqual([
      [2, '11 cells where the header has 10'],
      [3, '5 cells where the header has 10'],
    ]);
  });

  it('refuses a UCDP file given as ACLED, naming the right command', async () => {
    await expect(
      runImport({
        dataset: acled,
        file: fixture('ucdp-ged-191-myanmar.csv'),
        out: path.join(root, 'wrong'),
        dataDir: root,
        io: captureIo(),
      }),
    ).rejects.toThrow(/no column event_id_cnty, event_date, event_type.*use `sitrep import ucdp`/s);
  });

  it('refuses a missing file and bad options with a clear message', async () => {
    const ctx = { dataDir: root, io: captureIo() };
    await expect(importCommand(['acled', path.join(root, 'nope.csv')], ctx)).rejects.toThrow(
      /nope\.csv: no such file/,
    );
    await expect(importCommand(['gdelt', 'x.csv'], ctx)).rejects.toThrow(/Give acled or ucdp, not "gdelt"/);
    await expect(importCommand(['acled', 'x.csv', '--batch', '0'], ctx)).rejects.toThrow(
      /--batch takes a whole number/,
    );
    const notAFolder = await csvFile('not-a-folder', 'x');
    await expect(
      importCommand(['acled', fixture('acled-syria-2020.csv'), '--out', notAFolder], ctx),
    ).rejects.toThrow(/is a file; --out takes a folder/);
  });
});

describe('import mappings an analyst would sign off', () => {
  // ACLED's pre-2019 column set (as in its version 7 files): upper case, GWNO, ALLY_ACTOR_n, no
  // SUB_EVENT_TYPE; "Riots/Protests" was one event type.
  const OLD_HEADER =
    'GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES';

  it('splits old "Riots/Protests" rows by the actor codes: 5 riots, 6 protests, neither kept and reported', async () => {
    const file = await csvFile(
      'riots-protests.csv',
      `${OLD_HEADER}\n` +
        '475,NIG1,1,2016-01-04,2016,1,Riots/Protests,Rioters (Nigeria),,5,Police Forces of Nigeria (2015-),,1,15,Nigeria,Lagos,Ikeja,,Ikeja,6.6018,3.3515,1,Vanguard,"Youths burnt tyres and threw stones at police.",0\n' +
        '475,NIG2,2,2016-01-05,2016,1,Riots/Protests,Protesters (Nigeria),,6,,,0,60,Nigeria,Lagos,Ikeja,,Ikeja,6.6018,3.3515,1,Vanguard,"Traders marched peacefully against new levies.",0\n' +
        '475,NIG3,3,2016-01-06,2016,1,Riots/Protests,Police Forces of Nigeria (2015-),,6,Rioters (Nigeria),,5,15,Nigeria,Lagos,Ikeja,,Ikeja,6.6018,3.3515,1,Vanguard,"Police dispersed rioters.",0\n' +
        '475,NIG4,4,2016-01-07,2016,1,Riots/Protests,Civilians (Nigeria),,7,,,0,70,Nigeria,Lagos,Ikeja,,Ikeja,6.6018,3.3515,1,Vanguard,"A gathering was reported.",0\n',
    );
    const out = path.join(root, 'riots-protests');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    expect(report.created).toBe(4);
    const catalog = (await loadCatalog(out)).catalog;
    expect(incidentIn(catalog, 'acled-nig1')).toMatchObject({
      type: { event: 'riots' },
      title: 'Riots in Ikeja, Lagos',
      tags: ['acled: riots/protests'],
    });
    expect(incidentIn(catalog, 'acled-nig2').type).toEqual({ event: 'protests' });
    expect(incidentIn(catalog, 'acled-nig3').type).toEqual({ event: 'riots' });
    expect(incidentIn(catalog, 'acled-nig4').type).toEqual({ event: 'protests' });
    expect(report.warnings.examples).toEqual([
      {
        line: 5,
        reason: 'Riots/Protests not split by actor codes',
        detail:
          '"Riots/Protests" with inter1/inter2 7 and 0 (neither 5 rioters nor 6 protesters); kept as protests',
      },
    ]);
  });

  it('repairs C1 control characters in a UTF-8 file to the Windows-1252 characters and counts the rows', async () => {
    const header =
      'data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3';
    const row = (id: string, note: string) =>
      `7083555,760,${id},1,9-May-20,2020,1,Explosions/Remote violence,Air/drone strike,Unidentified Military Forces,,8,,,0,80,Middle East,Syria,Deir-ez-Zor,Abu Kamal,Abu Kamal,Al-Bukamal,34.4546,40.9116,2,Liveuamap,Local partner-New media,"${note}",0,1589243119,SYR`;
    const file = await csvFile(
      'c1.csv',
      Buffer.from(
        `${header}\n${row('SYR1', 'On 9 May 2020, the regime\u0092s warplanes struck \u0093Iranian sites\u0094 near al-Bukamal \u0096 no casualties\u0085')}\n` +
          `${row('SYR2', 'Nothing to repair here.')}\n${row('SYR3', 'Strikes \u0096 again.')}\n`,
        'utf8',
      ),
    );
    const out = path.join(root, 'c1');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    const catalog = (await loadCatalog(out)).catalog;
    expect(incidentIn(catalog, 'acled-syr1').summary).toBe(
      'On 9 May 2020, the regime’s warplanes struck “Iranian sites” near al-Bukamal – no casualties…',
    );
    expect(incidentIn(catalog, 'acled-syr3').summary).toBe('Strikes – again.');
    expect(report.detected).toContain('UTF-8');
    expect(report.warnings.byReason()).toEqual([['C1 control characters repaired as Windows-1252', 2]]);
    expect(report.warnings.examples[0]).toEqual({
      line: 2,
      reason: 'C1 control characters repaired as Windows-1252',
      detail: 'U+0085 → …, U+0092 → ’, U+0093 → “, U+0094 → ”, U+0096 → –',
    });
    const io = captureIo();
    await importCommand(['acled', file, '--out', path.join(root, 'c1-cli')], { dataDir: root, io });
    expect(io.stdout()).toContain('  C1 control characters repaired as Windows-1252: 2');
  });

  it('names the line where a record with an unclosed quote starts, not the end of the file', async () => {
    const lines = ['event_id_cnty,event_date,event_type,sub_event_type,country,notes,fatalities'];
    for (let n = 2; n <= 50; n += 1) {
      lines.push(`Q${n},1-Jan-20,Battles,Armed clash,Syria,${n === 10 ? '"Never closed.' : 'Fine.'},1`);
    }
    const file = await csvFile('unclosed-50.csv', `${lines.join('\n')}\n`);
    const report = await runImport({
      dataset: acled,
      file,
      out: path.join(root, 'unclosed-50'),
      dataDir: root,
      io: captureIo(),
    });
    expect(report.created).toBe(8);
    expect(report.skipped.examples).toEqual([
      {
        line: 10,
        reason: 'CSV syntax (rest of file unread)',
        detail:
          'a quoted field that starts in this record is never closed, so nothing after it could be read',
      },
    ]);
  });
});
