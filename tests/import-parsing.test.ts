// The importer's building blocks: date forms, header mapping, CSV line numbers, decoding, progress.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapAcledType } from '../src/import/acled-types.ts';
import { isHxlTagRow, readHeader } from '../src/import/columns.ts';
import { type CsvItem, readCsv, sniffFile } from '../src/import/csv.ts';
import { DateFormats, detectDayMonthOrder, readDate } from '../src/import/dates.ts';
import { describeEncoding, LineDecoder } from '../src/import/decode.ts';
import { createProgress } from '../src/import/progress.ts';
import { squash } from '../src/import/text.ts';
import { ucdp } from '../src/import/ucdp.ts';
import { deathEstimates, sourceArticles } from '../src/import/ucdp-fields.ts';
import { captureIo } from './fixtures/import/generate.ts';

describe('readDate', () => {
  it.each([
    ['2016-07-02', 'dmy', '2016-07-02', 'yyyy-mm-dd'],
    ['2016-07-02 00:00:00', 'dmy', '2016-07-02', 'yyyy-mm-dd'],
    ['9-May-20', 'dmy', '2020-05-09', 'd-Mon-yy'],
    ['21 March 2020', 'dmy', '2020-03-21', 'd Month yyyy'],
    ['03-Sept-1998', 'dmy', '1998-09-03', 'd-Mon-yyyy'],
    ['May 9, 2020', 'dmy', '2020-05-09', 'Mon d, yyyy'],
    ['29/12/2015', 'dmy', '2015-12-29', 'dd/mm/yyyy'],
    ['12/29/2015', 'mdy', '2015-12-29', 'mm/dd/yyyy'],
    ['29.12.15', 'dmy', '2015-12-29', 'dd.mm.yy'],
  ] as const)('reads %s', (value, order, iso, format) => {
    expect(readDate(value, order)).toEqual({ ok: true, iso, format });
  });

  it('reads two-digit years with the year column when it agrees, else 1969–2068', () => {
    expect(readDate('9-May-97', 'dmy')).toMatchObject({ iso: '1997-05-09' });
    expect(readDate('9-May-20', 'dmy', 1920)).toMatchObject({ iso: '1920-05-09' });
    expect(readDate('9-May-20', 'dmy', 2021)).toMatchObject({ iso: '2020-05-09' });
  });

  it('refuses impossible and unknown dates with a reason', () => {
    expect(readDate('31/02/2016', 'dmy')).toEqual({
      ok: false,
      message: '"31/02/2016" is not a calendar date (read as dd/mm/yyyy)',
    });
    expect(readDate('2016-13-01', 'dmy')).toMatchObject({
      ok: false,
      message: '"2016-13-01" is not a calendar date',
    });
    expect(readDate('9-Mai-20', 'dmy')).toMatchObject({
      ok: false,
      message: '"9-Mai-20" has no month name I know',
    });
    expect(readDate('yesterday', 'dmy')).toMatchObject({ ok: false });
    expect(readDate(' ', 'dmy')).toEqual({ ok: false, message: 'the date is empty' });
  });

  it('detects the order of slashed dates, assuming day first without proof', () => {
    expect(detectDayMonthOrder(['01/02/2020', '29/12/2015']).order).toBe('dmy');
    expect(detectDayMonthOrder(['01/02/2020', '12/29/2015']).order).toBe('mdy');
    expect(detectDayMonthOrder(['01/02/2020'])).toEqual({
      order: 'dmy',
      evidence: 'day first assumed: no slashed date in the first rows shows the order',
    });
    expect(detectDayMonthOrder(['2020-01-02']).evidence).toBe('no slashed dates');
  });

  it('describes the forms a file used', () => {
    const formats = new DateFormats();
    formats.note('d-Mon-yy', '9-May-20');
    formats.note('d-Mon-yy', '10-May-20');
    expect(formats.describe()).toBe('dates like 9-May-20 (d-Mon-yy)');
    formats.note('yyyy-mm-dd', '2020-05-11');
    expect(formats.describe()).toBe('dates in 2 forms: 9-May-20 (d-Mon-yy, 2), 2020-05-11 (yyyy-mm-dd, 1)');
  });
});

describe('readHeader', () => {
  const defs = [
    { name: 'event_id_cnty', required: true },
    { name: 'assoc_actor_1', aliases: ['ally_actor_1'] },
    { name: 'notes' },
  ];

  it('maps by name, case-insensitively, through older names, past an index column and blanks', () => {
    const header = readHeader(['Unnamed: 0', 'NOTES', 'Ally Actor 1', '', 'EVENT_ID_CNTY', 'extra'], defs);
    expect(Object.fromEntries(header.positions)).toEqual({ notes: 1, assoc_actor_1: 2, event_id_cnty: 4 });
    expect(header).toMatchObject({
      indexColumn: true,
      blank: 1,
      named: 4,
      renamed: ['Ally Actor 1 → assoc_actor_1'],
      unknown: ['extra'],
      letterCase: 'mixed',
      missing: [],
    });
  });

  it('names missing required columns and reads the first of two with the same name', () => {
    expect(readHeader(['notes', 'notes'], defs)).toMatchObject({
      missing: ['event_id_cnty'],
      duplicates: ['notes'],
    });
  });

  it('recognises HDX hashtag rows', () => {
    expect(isHxlTagRow(['', '#event+code', '#date+occurred', '#description'])).toBe(true);
    expect(isHxlTagRow(['SYR1', '#hashtag in a note', '2020-01-01'])).toBe(false);
  });
});

describe('readCsv', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-csv-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function records(name: string, text: string | Buffer): Promise<CsvItem[]> {
    const file = path.join(root, name);
    await writeFile(file, text);
    const items: CsvItem[] = [];
    for await (const item of readCsv(file, await sniffFile(file))) items.push(item);
    return items;
  }

  it('gives each record the line it starts on, across quoted CRLF and LF line breaks', async () => {
    const items = await records(
      'lines.csv',
      'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\n3,"m\r\nn\nq"\r\n4,"w, ""q"""\r\n',
    );
    expect(items).toEqual([
      { kind: 'record', line: 1, fields: ['a', 'b'] },
      { kind: 'record', line: 2, fields: ['1', 'x\r\ny'] },
      { kind: 'record', line: 4, fields: [''] },
      { kind: 'record', line: 5, fields: ['2', 'z'] },
      { kind: 'record', line: 6, fields: ['3', 'm\r\nn\nq'] },
      { kind: 'record', line: 9, fields: ['4', 'w, "q"'] },
    ]);
  });

  it('keeps stray quotes as text rather than losing the row', async () => {
    const items = await records('quotes.csv', 'a,b\n1,Dar"a\n2,"x"y\n3,z\n');
    expect(items).toEqual([
      { kind: 'record', line: 1, fields: ['a', 'b'] },
      { kind: 'record', line: 2, fields: ['1', 'Dar"a'] },
      { kind: 'record', line: 3, fields: ['2', '"x"y'] },
      { kind: 'record', line: 4, fields: ['3', 'z'] },
    ]);
  });

  it('refuses UTF-16 files with a way out', async () => {
    const file = path.join(root, 'utf16.csv');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]));
    await expect(sniffFile(file)).rejects.toThrow(/UTF-16 text; save it as CSV \(UTF-8\)/);
  });
});

describe('LineDecoder', () => {
  async function decode(chunks: Buffer[]): Promise<{ text: string; encoding: string }> {
    const decoder = new LineDecoder();
    const parts: Buffer[] = [];
    for await (const part of Readable.from(chunks).pipe(decoder)) parts.push(part as Buffer);
    return { text: Buffer.concat(parts).toString('utf8'), encoding: describeEncoding(decoder.stats) };
  }

  it('passes UTF-8 through even when a character or the BOM is split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFa,Ḥalab\nb,Alép\n', 'utf8');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await decode(chunks)).toEqual({ text: 'a,Ḥalab\nb,Alép\n', encoding: 'UTF-8 with BOM' });
  });

  it('decodes Windows-1252 lines, including 0x80–0x9F (€, –, “”)', async () => {
    const bytes = iconv.encode('a,Alép – “5 €”\r\nb,x\r\n', 'win1252');
    expect(await decode([bytes])).toEqual({
      text: 'a,Alép – “5 €”\r\nb,x\r\n',
      encoding: 'Windows-1252 (not valid UTF-8 from line 1)',
    });
  });
});

describe('ACLED event types', () => {
  it('maps current labels, pre-2019 labels, and keeps unknown sub-event types as tags', () => {
    expect(mapAcledType('Explosions/Remote violence', 'Shelling/artillery/missile attack')).toEqual({
      ok: true,
      type: { event: 'explosions_remote_violence', sub: 'shelling_artillery_missile_attack' },
      label: 'Shelling/artillery/missile attack',
      tags: [],
    });
    expect(mapAcledType('Battle-No change of territory', '')).toMatchObject({
      type: { event: 'battles', sub: 'armed_clash' },
      tags: ['acled: Battle-No change of territory'],
    });
    expect(mapAcledType('Battles', 'Peaceful protest')).toMatchObject({
      ok: true,
      type: { event: 'battles' },
      tags: ['acled sub-event: Peaceful protest'],
    });
    expect(mapAcledType('Weather', '')).toMatchObject({ ok: false });
  });
});

describe('UCDP fields', () => {
  const cellsOf = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('keeps estimates in order and says which one it left out', () => {
    expect(deathEstimates(cellsOf({ best: '10', low: '0', high: '4', deaths_unknown: '10' }))).toEqual({
      ok: true,
      killed: { best: 10, low: 0 },
      breakdown: { unknown: 10 },
      note: "UCDP's high estimate 4 is below best; left out",
      warning: 'best 10, low 0, high 4: high estimate 4 is below best',
    });
    expect(deathEstimates(cellsOf({ best: 'x' }))).toEqual({
      ok: false,
      detail: 'best "x" is not a whole number',
    });
  });

  it('splits structured source articles and keeps free text whole', () => {
    expect(sourceArticles('"A,2015-05-13,One; two";"B,2015-02-30,Three"')).toEqual({
      total: 2,
      sources: [
        { id: 'ucdp-article-1', name: 'A: One; two', published: '2015-05-13', via: 'ucdp-ged' },
        { id: 'ucdp-article-2', name: 'B: Three', via: 'ucdp-ged' },
      ],
    });
    expect(sourceArticles('R 21/3 1992').sources).toEqual([
      { id: 'ucdp-article-1', name: 'R 21/3 1992', via: 'ucdp-ged' },
    ]);
    expect(
      sourceArticles(Array.from({ length: 12 }, (_, i) => `"S${i},2015-01-01,H"`).join(';')),
    ).toMatchObject({
      total: 12,
      sources: { length: 10 },
    });
  });

  it('reads the release from GED file names', () => {
    expect(ucdp.detectRelease('ged191.csv')).toBe('19.1');
    expect(ucdp.detectRelease('/x/GEDEvent_v22_1.csv')).toBe('22.1');
    expect(ucdp.detectRelease('ucdp-ged-201-csv.csv')).toBe('20.1');
    expect(ucdp.detectRelease('events.csv')).toBeUndefined();
  });
});

describe('progress', () => {
  it('rewrites one line on a terminal, at most every 200 ms', () => {
    let t = 0;
    const io = captureIo(true);
    const progress = createProgress(io, { label: 'import acled', totalBytes: 1000, now: () => t });
    t = 1000;
    progress.update(10, 100);
    t = 1100;
    progress.update(20, 200);
    t = 1300;
    progress.update(30, 300);
    progress.done(40);
    expect(io.stderr().split('\r').slice(1)).toEqual([
      '[##..................] import acled: 10 rows, 10% of the file, 10 rows/s\u001b[K',
      '[######..............] import acled: 30 rows, 30% of the file, 23 rows/s\u001b[K',
      '[####################] import acled: 40 rows, 100% of the file, 31 rows/s\u001b[K\n',
    ]);
  });

  it('prints a plain line every N rows elsewhere', () => {
    const io = captureIo(false);
    const progress = createProgress(io, {
      label: 'import ucdp',
      totalBytes: 100,
      every: 10,
      now: () => 1000,
    });
    for (const rows of [5, 10, 15, 25]) progress.update(rows, rows);
    progress.done(25);
    expect(io.stderr()).toBe(
      'import ucdp: 10 rows, 10% of the file, 0 rows/s\nimport ucdp: 25 rows, 25% of the file, 0 rows/s\n',
    );
  });
});

describe('cell text', () => {
  it('drops bidirectional overrides, embeddings and isolates, which the schema refuses', () => {
    expect(squash('West Aleppo \u202e48\u202c killed')).toBe('West Aleppo 48 killed');
    expect(squash('\u2067حلب\u2069')).toBe('حلب');
    // Direction marks are allowed in incident files, and kept.
    expect(squash('مدنيون \u200fفي حلب')).toBe('مدنيون \u200fفي حلب');
  });
});
