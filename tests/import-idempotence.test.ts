// Re-importing: the same export changes no file (not even an mtime); a newer export changes exactly
// the rows that changed; list files (--batch) behave the same; a dry run writes nothing.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { acled } from '../src/import/acled.ts';
import { importCommand } from '../src/import/command.ts';
import { type ImportOptions, runImport } from '../src/import/run.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { captureIo, fixture, snapshot } from './fixtures/import/generate.ts';

let root: string;
let out: string;
let sample: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-again-'));
  out = path.join(root, 'out');
  sample = await readFile(fixture('acled-syria-2020.csv'), 'utf8');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function importFile(file: string, extra: Partial<ImportOptions> = {}) {
  return runImport({ dataset: acled, file, out, dataDir: root, io: captureIo(), ...extra });
}

/** The sample with the row of `id` edited by `edit`, written next to it. */
async function editedSample(name: string, id: string, edit: (line: string) => string): Promise<string> {
  const lines = sample.split('\r\n');
  const index = lines.findIndex((line) => line.includes(`,${id},`));
  expect(index).toBeGreaterThan(0);
  lines[index] = edit(lines[index] as string);
  const file = path.join(root, name);
  await writeFile(file, lines.join('\r\n'));
  return file;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('one YAML file per incident', () => {
  it('importing the same file twice changes no file and reports all unchanged', async () => {
    const first = await importFile(fixture('acled-syria-2020.csv'));
    expect(first).toMatchObject({ created: 300, updated: 0, unchanged: 0 });
    const before = await snapshot(out);
    expect(before.size).toBe(300);
    await pause();
    const second = await importFile(fixture('acled-syria-2020.csv'));
    expect(second).toMatchObject({ rows: 300, created: 0, updated: 0, unchanged: 300, notInExport: 0 });
    expect(await snapshot(out)).toEqual(before);
  });

  it('a newer export with one changed row updates exactly that file', async () => {
    await importFile(fixture('acled-syria-2020.csv'));
    const before = await snapshot(out);
    await pause();
    const newer = await editedSample('newer.csv', 'SYR78126', (line) =>
      line.replace(',0,1589243119,SYR', ',4,1589243999,SYR'),
    );
    const report = await importFile(newer);
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 299 });
    const after = await snapshot(out);
    const changed = [...after.keys()].filter((name) => after.get(name)?.mtime !== before.get(name)?.mtime);
    expect(changed).toEqual([path.join('2020', 'acled-syr78126.yaml')]);
    expect(after.get(path.join('2020', 'acled-syr78126.yaml'))?.text).toContain('killed: { best: 4 }');
  });

  it('an earlier import with the old claimant "ACLED (coded from: …)" is updated to "ACLED", then unchanged', async () => {
    await importFile(fixture('acled-syria-2020.csv'));
    const files = [...(await snapshot(out)).entries()];
    for (const [name, { text }] of files) {
      await writeFile(
        path.join(out, name),
        text.replace('claimant: ACLED\n', 'claimant: "ACLED (coded from: SOHR)"\n'),
      );
    }
    const old = (await loadCatalog(out)).catalog;
    expect(old.get('acled-syr78126')?.casualties[0]?.claimant).toBe('ACLED (coded from: SOHR)');
    await pause();
    expect(await importFile(fixture('acled-syria-2020.csv'))).toMatchObject({
      created: 0,
      updated: 300,
      unchanged: 0,
    });
    const catalog = (await loadCatalog(out)).catalog;
    expect(new Set([...catalog.all()].flatMap((i) => i.casualties.map((c) => c.claimant)))).toEqual(
      new Set(['ACLED']),
    );
    expect(await importFile(fixture('acled-syria-2020.csv'))).toMatchObject({ updated: 0, unchanged: 300 });
  });

  it('an incident whose year changed moves to its new year folder, without a duplicate', async () => {
    await importFile(fixture('acled-syria-2020.csv'));
    const newer = await editedSample('moved.csv', 'SYR78126', (line) =>
      line.replace(',9-May-20,2020,', ',9-May-19,2019,'),
    );
    const report = await importFile(newer);
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 299 });
    const loaded = await loadCatalog(out);
    expect(loaded.problems).toEqual([]);
    expect(loaded.catalog.entry('acled-syr78126')?.file).toMatch(/2019[/\\]acled-syr78126\.yaml$/);
    expect(loaded.catalog.size).toBe(300);
  });

  it('says how many incidents of the folder the export does not hold, and leaves them', async () => {
    await importFile(fixture('acled-syria-2020.csv'));
    const shorter = path.join(root, 'shorter.csv');
    await writeFile(shorter, sample.split('\r\n').slice(0, 101).join('\r\n'));
    const report = await importFile(shorter);
    expect(report).toMatchObject({ rows: 100, unchanged: 100, notInExport: 200 });
    expect((await loadCatalog(out)).catalog.size).toBe(300);
  });

  it('a dry run reads and counts everything and writes nothing', async () => {
    const report = await importFile(fixture('acled-syria-2020.csv'), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, rows: 300, created: 300, check: undefined });
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('JSON list files (--batch)', () => {
  it('the same file twice changes nothing; a changed row updates one list file', async () => {
    const first = await importFile(fixture('acled-syria-2020.csv'), { batch: 64 });
    expect(first).toMatchObject({ created: 300, check: { files: 5, incidents: 300, problemCount: 0 } });
    const before = await snapshot(out);
    expect([...before.keys()]).toEqual([
      'acled-000001.json',
      'acled-000002.json',
      'acled-000003.json',
      'acled-000004.json',
      'acled-000005.json',
    ]);
    await pause();
    expect(await importFile(fixture('acled-syria-2020.csv'), { batch: 64 })).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 300,
    });
    expect(await snapshot(out)).toEqual(before);

    const newer = await editedSample('newer.csv', 'SYR78126', (line) =>
      line.replace(',0,1589243119,SYR', ',4,1589243999,SYR'),
    );
    expect(await importFile(newer, { batch: 64 })).toMatchObject({ created: 0, updated: 1, unchanged: 299 });
    const after = await snapshot(out);
    const changed = [...after.keys()].filter((name) => after.get(name)?.mtime !== before.get(name)?.mtime);
    expect(changed).toHaveLength(1);
  });

  it('a shorter export removes the list files it no longer fills', async () => {
    await importFile(fixture('acled-syria-2020.csv'), { batch: 64 });
    const shorter = path.join(root, 'shorter.csv');
    await writeFile(shorter, sample.split('\r\n').slice(0, 101).join('\r\n'));
    const report = await importFile(shorter, { batch: 64 });
    expect(report).toMatchObject({ rows: 100, unchanged: 100, removedFiles: 3, notInExport: 200 });
    expect((await readdir(out)).sort()).toEqual(['acled-000001.json', 'acled-000002.json']);
    expect(report.check).toMatchObject({ incidents: 100, problemCount: 0 });
  });
});

describe('the sitrep command', () => {
  it('runs `sitrep import acled FILE --out DIR` and writes files the bot loads', async () => {
    const io = captureIo();
    const code = await main(
      ['import', 'acled', fixture('acled-afghanistan-2020-03.csv'), '--out', out, '--data', root],
      io,
    );
    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    expect(io.stdout()).toContain(
      'Rows read: 300; written (new): 300; updated: 0; unchanged: 0; skipped: 0.',
    );
    expect(io.stdout()).toContain('no problems.');
    expect((await loadCatalog(out)).catalog.size).toBe(300);
  });

  it('takes --batch, --dry-run and --release from the main command line as well', async () => {
    const io = captureIo();
    const code = await importCommand(['ucdp', fixture('ucdp-ged-191-myanmar.csv')], {
      dataDir: root,
      io,
      out,
      batch: '100',
      dryRun: true,
      release: '19.1+',
    });
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/^Dry run: UCDP GED import/);
    expect(io.stdout()).toContain('release 19.1+ (given with --release)');
    expect(io.stdout()).toContain(`${out}/ucdp-NNNNNN.json`);
  });

  it('defaults the output to DATA_DIR/imports/<dataset>, and takes its options anywhere on the line', async () => {
    const io = captureIo();
    const code = await main(
      ['import', 'acled', fixture('acled-syria-2020.csv'), '--data', root, '--batch', '100', '--dry-run'],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/^Dry run: ACLED import/);
    expect(io.stdout()).toContain(`${path.join(root, 'imports', 'acled')}/acled-NNNNNN.json`);
  });
});
