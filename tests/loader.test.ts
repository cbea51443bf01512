import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/incidents/load.ts';
import { readIncidentFile } from '../src/incidents/loader.ts';
import { formatProblem, formatProblemWithSource, parseIncidentFile } from '../src/incidents/parse.ts';

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
      /^a\.yaml: line \d+, column \d+: invalid YAML/,
    );
  });

  it('shows a YAML error at its true line and column, with the line and a caret', () => {
    // An unclosed quote on line 3 used to be reported where the parser gave up: the last line.
    const filler = Array.from({ length: 30 }, (_, i) => `k${i}: v`).join('\n');
    const parsed = parseIncidentFile('data/x.yaml', `id: x\ntitle: T\nsummary: "unclosed\n${filler}\n`);
    const problem = parsed.problems[0] ?? { file: '', message: '' };
    expect(formatProblemWithSource(problem)).toBe(
      [
        'data/x.yaml: line 3, column 10: invalid YAML: Missing closing "quote (opened here, still open at the end of the file)',
        '  summary: "unclosed',
        '           ^',
      ].join('\n'),
    );
    expect(formatProblem(problem)).not.toContain('\n');
  });

  it('places unclosed flow collections, misaligned keys and errors in a later document where they are', () => {
    const at = (content: string) => {
      const p = parseIncidentFile('a.yaml', content).problems[0];
      return [p?.line, p?.column];
    };
    expect(at('- id: a\n  tags: [a, b\n- id: b\n')).toEqual([2, 9]);
    expect(at('id: a\nlocation: { country: Syria\ntype: x\n')).toEqual([2, 11]);
    expect(at('id: a\ncasualties:\n  - claimant: A\n    killed: { best: 1 }\n     source: s\n')).toEqual([
      5, 6,
    ]);
    expect(at('id: a\n---\nid: b\ntitle: "x\nfoo: 1\n')).toEqual([4, 8]);
    expect(at("id: a\r\ntitle: 'x\r\nfoo: 1\r\n")).toEqual([2, 8]);
  });

  it('shows the offending line safely: escapes for controls and bidi, a window around a far column', () => {
    const long = `location: { country: ${'w'.repeat(150)}, country: y }\n`;
    const shown = formatProblemWithSource(
      parseIncidentFile('a.yaml', `id: a\n${long}`).problems[0] ?? { file: '', message: '' },
    );
    const [, line = '', caret = ''] = shown.split('\n');
    expect(line.startsWith('  …')).toBe(true);
    expect(line.length).toBeLessThanOrEqual(2 + 1 + 100 + 1);
    expect(caret.indexOf('^')).toBe(line.indexOf(', country') + 2);
    const bidi = formatProblemWithSource({
      file: 'a.yaml',
      line: 1,
      column: 9,
      source: 'a: \u202eb\u001b: c',
      message: 'invalid YAML: x',
    });
    expect(bidi.split('\n')).toEqual([
      'a.yaml: line 1, column 9: invalid YAML: x',
      '  a: \\u202eb\\u001b: c',
      `  ${' '.repeat(18)}^`,
    ]);
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
    expect([...loaded.catalog.all()].map((i) => i.id).sort()).toEqual([
      '2016-10-30-aleppo-west-shelling',
      'other-good',
    ]);
    const lines = loaded.problems.map(formatProblem);
    const dir = 'tests/fixtures/mixed';
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${dir}/bad-yaml\\.yaml: line \\d+, column \\d+: invalid YAML`)),
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
    expect(loaded.catalog.entry('2016-10-30-aleppo-toxic-gas-shelling')?.file).toBe(
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
