import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/incidents/load.ts';
import { readIncidentFile } from '../src/incidents/loader.ts';
import { formatProblem, parseIncidentFile } from '../src/incidents/parse.ts';

const MINIMAL = `id: a-1
title: T
date: { start: 2020-01-01 }
location: { country: Syria }
type: { event: battles }
summary: S
sources: [{ id: s1, name: Wire }]
`;

describe('parseIncidentFile', () => {
  it('keeps YAML dates as strings, so 2016-10-30 validates as a date', () => {
    const parsed = parseIncidentFile('a.yaml', MINIMAL);
    expect(parsed.problems).toEqual([]);
    expect(parsed.incidents[0]?.date.start).toBe('2020-01-01');
  });

  it('reports a YAML syntax error with its line', () => {
    const parsed = parseIncidentFile('a.yaml', 'id: x\ntitle: [unclosed\n');
    expect(parsed.incidents).toEqual([]);
    expect(parsed.problems[0]?.line).toBeGreaterThan(0);
    expect(formatProblem(parsed.problems[0] ?? { file: '', message: '' })).toMatch(
      /^a\.yaml: line \d+: invalid YAML/,
    );
  });

  it('reports malformed JSON', () => {
    const parsed = parseIncidentFile('a.json', '{ "id": ');
    expect(parsed.problems[0]?.message).toMatch(/^invalid JSON/);
  });

  it('refuses an empty file and an empty list', () => {
    expect(parseIncidentFile('a.yaml', '  \n').problems[0]?.message).toBe('the file is empty');
    expect(parseIncidentFile('a.json', '[]').problems[0]?.message).toBe('the file holds an empty list');
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = new Uint8Array([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]);
    expect(parseIncidentFile('a.yaml', bytes).problems[0]?.message).toMatch(/not valid UTF-8/);
  });

  it('strips a byte-order mark', () => {
    expect(parseIncidentFile('a.yaml', `\uFEFF${MINIMAL}`).problems).toEqual([]);
  });

  it('rejects a key written twice in YAML', () => {
    const parsed = parseIncidentFile('a.yaml', `${MINIMAL}title: Again\n`);
    expect(parsed.problems[0]?.message).toMatch(/invalid YAML/);
  });

  it('skips a list file whole when one entry is invalid, naming the entry and field', () => {
    const list = `- ${MINIMAL.trim().split('\n').join('\n  ')}\n- ${MINIMAL.replace('a-1', 'a-2').replace('battles', 'nope').trim().split('\n').join('\n  ')}\n`;
    const parsed = parseIncidentFile('list.yaml', list);
    expect(parsed.incidents).toEqual([]);
    expect(parsed.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^list\.yaml: \[1\]\.type\.event: expected one of/),
    ]);
  });

  it('reports a duplicate id inside one list', () => {
    const list = JSON.stringify([parseYamlLike(), parseYamlLike()]);
    const parsed = parseIncidentFile('l.json', list);
    expect(parsed.problems.map(formatProblem)).toEqual(['l.json: [1].id: duplicate id "a-1" (also at [0])']);
  });
});

function parseYamlLike() {
  return {
    id: 'a-1',
    title: 'T',
    date: { start: '2020-01-01' },
    location: { country: 'Syria' },
    type: { event: 'battles' },
    summary: 'S',
    sources: [{ id: 's1', name: 'Wire' }],
  };
}

describe('loading a folder', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads the good files of a mixed folder and names every broken file and field', async () => {
    const loaded = await loadCatalog('tests/fixtures/mixed');
    expect(loaded.catalog.incidents.map((i) => i.id).sort()).toEqual([
      '2016-10-30-aleppo-west-shelling',
      'other-good',
    ]);
    const lines = loaded.problems.map(formatProblem);
    const dir = 'tests/fixtures/mixed';
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${dir}/bad-yaml\\.yaml: line \\d+: invalid YAML`)),
        `${dir}/dangling-source.yaml: quotes[0].source: no source with id "missing-source" in sources`,
        `${dir}/end-before-start.yaml: date.end: end is before start`,
        `${dir}/impossible-date.yaml: date.start: not a calendar date`,
        `${dir}/list-one-bad.yaml: [1].casualties[0].killed.low: low is greater than best`,
        `${dir}/wrong-types.json: casualties[0].killed.best: expected a whole number ≥ 0`,
        `${dir}/zz-duplicate-id.yaml: id: duplicate id "2016-10-30-aleppo-west-shelling": also in ${dir}/good.yaml (that one is kept)`,
      ]),
    );
    expect(lines).toHaveLength(7);
  });

  it('loads the shipped example data without a problem', async () => {
    const loaded = await loadCatalog('data');
    expect(loaded.problems).toEqual([]);
    expect(loaded.catalog.size).toBeGreaterThanOrEqual(2);
    expect(loaded.catalog.byId.get('2016-10-30-aleppo-toxic-gas-shelling')?.file).toBe(
      path.join('data', 'incidents', '2016', '2016-10-30-aleppo-toxic-gas-shelling.yaml'),
    );
  });

  it('reports a missing folder instead of throwing', async () => {
    const loaded = await loadCatalog('tests/fixtures/does-not-exist');
    expect(loaded.catalog.size).toBe(0);
    expect(loaded.problems.map((p) => p.message)).toEqual(['not found']);
  });

  it('skips hidden files, files starting with "_", other extensions and the top-level schema.json', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sitrep-load-'));
    await writeFile(path.join(dir, 'a.yaml'), MINIMAL);
    await writeFile(path.join(dir, '.hidden.yaml'), 'not: valid');
    await writeFile(path.join(dir, '_draft.yaml'), 'not: valid');
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    await writeFile(path.join(dir, 'schema.json'), '{"$schema": "x"}');
    const loaded = await loadCatalog(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.files).toBe(1);
  });

  it('survives a symbolic-link loop and reports it', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sitrep-loop-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'a.yaml'), MINIMAL);
    await symlink(dir, path.join(dir, 'sub', 'loop'));
    const loaded = await loadCatalog(dir);
    expect(loaded.catalog.size).toBe(1);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      'symbolic link loop: this folder was already read',
    ]);
  });

  it('refuses a file over the size limit without reading it', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sitrep-big-'));
    const file = path.join(dir, 'big.yaml');
    await writeFile(file, `${MINIMAL}# ${'x'.repeat(2000)}\n`);
    const parsed = await readIncidentFile(file, 'big.yaml', 1024);
    expect(parsed.incidents).toEqual([]);
    expect(parsed.problems[0]?.message).toMatch(/^file is 2\.\d KiB, over the 1\.0 KiB limit/);
  });
});
