// Issue 14's import mappings on real-format samples (tests/fixtures/import): the dataset is the
// claimant; nothing is cut silently; a missing or renamed optional column is a warning, and
// re-importing such a file over an earlier import keeps what the file no longer carries unless
// --replace says to clear it (exit 65 when it kept something).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acled } from '../src/import/acled.ts';
import { importCommand } from '../src/import/command.ts';
import { fitToSchema } from '../src/import/limits.ts';
import { runImport } from '../src/import/run.ts';
import { ucdp } from '../src/import/ucdp.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { type Incident, type IncidentInput, LIMITS, parseIncident } from '../src/incidents/schema.ts';
import { captureIo, fixture, incidentIn, lineOf, snapshot } from './fixtures/import/generate.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-mappings-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Variant {
  /** Columns left out. */
  drop?: readonly string[];
  /** Columns renamed: old name → new name. */
  rename?: Readonly<Record<string, string>>;
  /** The first n rows only. */
  rows?: number;
  /** Cells changed, by row index and column. */
  edit?: (row: Record<string, string>, index: number) => void;
}

/** A copy of a sample (CSV, LF) with columns dropped or renamed, in a temporary folder. */
async function variantOf(sample: string, name: string, v: Variant = {}): Promise<string> {
  const [header = [], ...rows] = parse(await readFile(fixture(sample), 'utf8'), {
    relax_column_count: true,
  }) as string[][];
  const keep = header.map((column) => !v.drop?.includes(column));
  const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = [header.filter((_, i) => keep[i]).map((column) => v.rename?.[column] ?? column)];
  rows.slice(0, v.rows ?? rows.length).forEach((cells, index) => {
    const row = Object.fromEntries(header.map((column, i) => [column, cells[i] ?? '']));
    v.edit?.(row, index);
    lines.push(header.filter((_, i) => keep[i]).map((column) => row[column] ?? ''));
  });
  const file = path.join(root, name);
  await writeFile(file, `${lines.map((cells) => cells.map(quote).join(',')).join('\n')}\n`);
  return file;
}

describe('datasets are claimants', () => {
  it('ACLED claims are claimed by "ACLED"; the reports it coded from stay in its source entry', async () => {
    const out = path.join(root, 'claimant-afg');
    await runImport({
      dataset: acled,
      file: fixture('acled-afghanistan-2020-03.csv'),
      out,
      dataDir: root,
      io: captureIo(),
    });
    const incidents = [...(await loadCatalog(out)).catalog.all()];
    expect(new Set(incidents.flatMap((i) => i.casualties.map((c) => c.claimant)))).toEqual(
      new Set(['ACLED']),
    );
    expect(incidentIn((await loadCatalog(out)).catalog, 'acled-afg44631').sources[0]?.affiliation).toBe(
      "ACLED dataset; the summary is ACLED's event note; reports from: Xinhua; Khaama Press",
    );
  });

  it('UCDP claims are claimed by "UCDP GED <release>"', async () => {
    const out = path.join(root, 'claimant-ucdp');
    await runImport({
      dataset: ucdp,
      file: fixture('ucdp-ged-191-myanmar.csv'),
      out,
      dataDir: root,
      io: captureIo(),
    });
    const incidents = [...(await loadCatalog(out)).catalog.all()];
    expect(new Set(incidents.flatMap((i) => i.casualties.map((c) => c.claimant)))).toEqual(
      new Set(['UCDP GED 19.1']),
    );
  });
});

describe('nothing cut silently', () => {
  it('keeps an ACLED note longer than 2,000 characters whole in the summary', async () => {
    let note = '';
    const file = await variantOf('acled-syria-2020.csv', 'long-note.csv', {
      rows: 3,
      edit: (row, i) => {
        if (i !== 1) return;
        row.notes = Array.from({ length: 20 }, () => row.notes).join(' ');
        note = row.notes;
      },
    });
    expect(note.length).toBeGreaterThan(2000);
    const out = path.join(root, 'long-note');
    const report = await runImport({ dataset: acled, file, out, dataDir: root, io: captureIo() });
    expect(report.warnings.total).toBe(0);
    const [row] = (parse(await readFile(file, 'utf8'), { columns: true }) as Record<string, string>[]).slice(
      1,
      2,
    );
    expect(
      incidentIn((await loadCatalog(out)).catalog, `acled-${row?.event_id_cnty?.toLowerCase()}`).summary,
    ).toBe(note);
  });

  it('reports a UCDP source article over the 200-character name limit with its field, line and length', async () => {
    const out = path.join(root, 'cut-ucdp');
    const report = await runImport({
      dataset: ucdp,
      file: fixture('ucdp-ged-191-myanmar.csv'),
      out,
      dataDir: root,
      io: captureIo(),
    });
    const raw = await readFile(fixture('ucdp-ged-191-myanmar.csv'), 'utf8');
    expect(report.warnings.examples.filter((w) => w.reason === 'text cut to the schema limit')).toEqual([
      {
        line: lineOf(raw, '50193,'),
        reason: 'text cut to the schema limit',
        detail: "sources[1].name: 245 characters, cut at a word to 200 (the schema's limit)",
      },
    ]);
    const name = incidentIn((await loadCatalog(out)).catalog, 'ucdp-50193').sources[1]?.name ?? '';
    expect(name).toMatch(/^ECOSOC report, January 6, 1993, COMMISSION ON HUMAN RIGHTS .*…$/);
    expect(name.length).toBeLessThanOrEqual(200);
  });

  it('reports ACLED actor names and tags cut to the schema, and prints them under "Imported with changes"', async () => {
    const file = await variantOf('acled-syria-2020.csv', 'long-names.csv', {
      rows: 2,
      edit: (row, i) => {
        if (i !== 0) return;
        row.actor1 = `${row.actor1} ${'and its allied militias '.repeat(10)}`.trim();
        row.source_scale = `${row.source_scale}${' and more'.repeat(6)}`;
      },
    });
    const io = captureIo();
    const code = await importCommand(['acled', file, '--out', path.join(root, 'long-names')], {
      dataDir: root,
      io,
    });
    expect(code).toBe(0);
    expect(io.stdout()).toContain('Imported with changes (2), by kind:\n  text cut to the schema limit: 2');
    expect(io.stdout()).toContain(
      "  line 2: text cut to the schema limit: actors[0].name: 268 characters, cut at a word to 200 (the schema's limit)\n" +
        "  line 2: text cut to the schema limit: tags[0]: 91 characters, cut at a word to 50 (the schema's limit)\n",
    );
  });
});

describe('fitToSchema', () => {
  it('finds every text field over its limit, cuts it at a word and names it; leaves a fitting incident as it is', () => {
    const long = (max: number) => `${'word '.repeat(Math.ceil(max / 5))}more`;
    const name = long(LIMITS.name);
    const [title, summary, figure, quote, tag] = [
      long(LIMITS.title),
      long(LIMITS.summary),
      long(LIMITS.figureText),
      long(LIMITS.quote),
      long(LIMITS.tag),
    ];
    const incident: IncidentInput = {
      id: 'x-1',
      title,
      date: { start: '2020-01-01' },
      location: { country: name, admin1: name, admin2: name, admin3: name, place: name },
      type: { event: 'battles' },
      actors: [{ name, side: 'side_a' }],
      summary,
      casualties: [{ claimant: name, note: name, killed: { text: figure }, source: 's' }],
      quotes: [{ speaker: name, role: name, organization: name, text: quote, source: 's' }],
      sources: [{ id: 's', name, affiliation: name }],
      tags: [tag, tag],
      external_ids: { acled: name },
    };
    const { incident: fitted, cuts } = fitToSchema(incident);
    expect(cuts.map((c) => c.detail.replace(/ characters.*/, ''))).toEqual([
      `title: ${title.length}`,
      `location.country: ${name.length}`,
      `location.admin1: ${name.length}`,
      `location.admin2: ${name.length}`,
      `location.admin3: ${name.length}`,
      `location.place: ${name.length}`,
      `summary: ${summary.length}`,
      `actors[0].name: ${name.length}`,
      `casualties[0].claimant: ${name.length}`,
      `casualties[0].note: ${name.length}`,
      `casualties[0].killed.text: ${figure.length}`,
      `quotes[0].speaker: ${name.length}`,
      `quotes[0].role: ${name.length}`,
      `quotes[0].organization: ${name.length}`,
      `quotes[0].text: ${quote.length}`,
      `sources[0].name: ${name.length}`,
      `sources[0].affiliation: ${name.length}`,
      `tags[0]: ${tag.length}`,
      `tags[1]: ${tag.length}`,
      `external_ids.acled: ${name.length}`,
    ]);
    expect(parseIncident(fitted).ok).toBe(true);
    expect(fitted.tags).toHaveLength(1);
    expect(fitted.title).toMatch(/word…$/);
    expect(fitToSchema(fitted)).toEqual({ incident: fitted, cuts: [] });
  });
});

describe('a missing or renamed optional column', () => {
  const ROWS = 40;

  /** After --replace, `out` holds what a first import of `file` makes, and `value` changed somewhere. */
  async function expectAsFreshImport(
    dataset: typeof acled,
    file: string,
    out: string,
    earlier: readonly Incident[],
    value: (i: Incident) => unknown,
  ) {
    const fresh = `${out}-fresh`;
    await runImport({ dataset, file, out: fresh, dataDir: root, io: captureIo() });
    const sorted = async (dir: string) =>
      [...(await loadCatalog(dir)).catalog.all()].sort((a, b) => a.id.localeCompare(b.id));
    const after = await sorted(out);
    expect(after).toEqual(await sorted(fresh));
    const byId = new Map(after.map((i) => [i.id, i]));
    const changed = earlier.filter(
      (i) => JSON.stringify(value(i)) !== JSON.stringify(value(byId.get(i.id) as Incident)),
    );
    expect(changed.length).toBeGreaterThan(0);
  }

  it('warns which field will be empty, and a first import of such a file exits 0', async () => {
    const file = await variantOf('acled-syria-2020.csv', 'no-fatalities.csv', {
      rows: ROWS,
      drop: ['fatalities'],
    });
    const io = captureIo();
    const out = path.join(root, 'no-fatalities');
    expect(await importCommand(['acled', file, '--out', out], { dataDir: root, io })).toBe(0);
    expect(io.stdout()).toContain(
      'Warning: 1 optional column missing; the field it fills will be empty:\n  no fatalities: casualties (no death toll claimed)\n',
    );
    expect([...(await loadCatalog(out)).catalog.all()].every((i) => i.casualties.length === 0)).toBe(true);
  });

  it('names a column that looks renamed ("Fatalities_Best" for fatalities)', async () => {
    const file = await variantOf('acled-syria-2020.csv', 'renamed.csv', {
      rows: ROWS,
      rename: { fatalities: 'Fatalities_Best' },
    });
    const report = await runImport({
      dataset: acled,
      file,
      out: path.join(root, 'renamed'),
      dataDir: root,
      io: captureIo(),
    });
    expect(report.missing.map((m) => [m.field.field, m.renamedAs])).toEqual([
      ['fatalities', 'Fatalities_Best'],
    ]);
    expect(report.detected[0]).toContain('columns not used: Fatalities_Best');
  });

  it('keeps the earlier import’s claims when re-imported without fatalities, exits 65, and rewrites nothing', async () => {
    const out = path.join(root, 'keep-fatalities');
    const full = await variantOf('acled-syria-2020.csv', 'full.csv', { rows: ROWS });
    const without = await variantOf('acled-syria-2020.csv', 'without.csv', {
      rows: ROWS,
      drop: ['fatalities'],
    });
    expect(await importCommand(['acled', full, '--out', out], { dataDir: root, io: captureIo() })).toBe(0);
    const before = await snapshot(out);
    const io = captureIo();
    expect(await importCommand(['acled', without, '--out', out], { dataDir: root, io })).toBe(65);
    expect(io.stdout()).toContain(
      'Kept from the earlier import, which had them (give --replace to clear them); exit code 65:\n  fatalities: 40 incidents\n',
    );
    expect(io.stdout()).toContain('unchanged: 40');
    expect(await snapshot(out)).toEqual(before);

    const replaced = captureIo();
    expect(
      await importCommand(['acled', without, '--out', out, '--replace'], { dataDir: root, io: replaced }),
    ).toBe(0);
    expect(replaced.stdout()).toContain(
      'Cleared with --replace, where the earlier import had them:\n  fatalities: 40 incidents\n',
    );
    expect(replaced.stdout()).toContain('updated: 40');
    expect([...(await loadCatalog(out)).catalog.all()].every((i) => i.casualties.length === 0)).toBe(true);
  });

  it('gives claims kept from an import before the dataset was the claimant the claimant "ACLED"', async () => {
    const out = path.join(root, 'keep-old-claimant');
    const full = await variantOf('acled-syria-2020.csv', 'old-claimant-full.csv', { rows: 5 });
    const without = await variantOf('acled-syria-2020.csv', 'old-claimant-without.csv', {
      rows: 5,
      drop: ['fatalities'],
    });
    await runImport({ dataset: acled, file: full, out, dataDir: root, io: captureIo() });
    for (const [name, { text }] of await snapshot(out)) {
      await writeFile(
        path.join(out, name),
        text.replace('claimant: ACLED\n', 'claimant: "ACLED (coded from: SOHR)"\n'),
      );
    }
    const earlier = [...(await loadCatalog(out)).catalog.all()];
    const report = await runImport({ dataset: acled, file: without, out, dataDir: root, io: captureIo() });
    expect(report).toMatchObject({ updated: 5, missing: [{ previous: 5 }] });
    for (const incident of earlier) {
      const now = incidentIn((await loadCatalog(out)).catalog, incident.id);
      expect(now.casualties).toEqual(incident.casualties.map((c) => ({ ...c, claimant: 'ACLED' })));
    }
  });

  it.each([
    ['notes', (i: Incident) => i.summary],
    ['source', (i: Incident) => i.sources[0]?.affiliation],
    ['actor1', (i: Incident) => i.actors.filter((a) => a.side === 'side_a')],
    ['actor2', (i: Incident) => i.actors.filter((a) => a.side === 'side_b')],
    ['time_precision', (i: Incident) => i.date.precision],
    ['geo_precision', (i: Incident) => i.location.precision],
  ] as const)(
    'ACLED without %s: kept from the earlier import, cleared with --replace',
    async (column, value) => {
      const out = path.join(root, `acled-keep-${column}`);
      const drop =
        column === 'actor1'
          ? ['actor1', 'assoc_actor_1']
          : column === 'actor2'
            ? ['actor2', 'assoc_actor_2']
            : [column];
      const full = await variantOf('acled-afghanistan-2020-03.csv', `acled-full-${column}.csv`, {
        rows: ROWS,
      });
      const without = await variantOf('acled-afghanistan-2020-03.csv', `acled-without-${column}.csv`, {
        rows: ROWS,
        drop,
      });
      await runImport({ dataset: acled, file: full, out, dataDir: root, io: captureIo() });
      const earlier = [...(await loadCatalog(out)).catalog.all()];
      const kept = await runImport({ dataset: acled, file: without, out, dataDir: root, io: captureIo() });
      expect(kept.missing.map((m) => m.field.field)).toEqual([column]);
      expect(kept).toMatchObject({ unchanged: ROWS, updated: 0 });
      expect(kept.missing[0]?.previous).toBeGreaterThan(0);
      await runImport({ dataset: acled, file: without, out, dataDir: root, io: captureIo(), replace: true });
      await expectAsFreshImport(acled, without, out, earlier, value);
    },
  );

  it.each([
    ['low', (i: Incident) => i.casualties[0]?.killed?.low],
    ['high', (i: Incident) => i.casualties[0]?.killed?.high],
    ['deaths_a, deaths_b, deaths_civilians, deaths_unknown', (i: Incident) => i.casualties[0]?.breakdown],
    ['side_a', (i: Incident) => i.actors.filter((a) => a.side === 'side_a')],
    ['side_b', (i: Incident) => i.actors.filter((a) => a.side === 'side_b')],
    ['source_article', (i: Incident) => i.sources.slice(1)],
    ['date_prec', (i: Incident) => i.date.precision],
    ['where_prec', (i: Incident) => i.location.precision],
  ] as const)(
    'UCDP without %s: kept from the earlier import, cleared with --replace',
    async (field, value) => {
      const out = path.join(root, `ucdp-keep-${field.slice(0, 8)}`);
      const drop = field.split(', ');
      const full = await variantOf('ucdp-ged-191-myanmar.csv', `ged191-full-${drop[0]}.csv`, { rows: ROWS });
      const without = await variantOf('ucdp-ged-191-myanmar.csv', `ged191-without-${drop[0]}.csv`, {
        rows: ROWS,
        drop,
      });
      await runImport({ dataset: ucdp, file: full, out, dataDir: root, io: captureIo() });
      const earlier = [...(await loadCatalog(out)).catalog.all()];
      const kept = await runImport({ dataset: ucdp, file: without, out, dataDir: root, io: captureIo() });
      expect(kept.missing.map((m) => m.field.field)).toEqual([field]);
      expect(kept).toMatchObject({ unchanged: ROWS, updated: 0 });
      expect(kept.missing[0]?.previous).toBeGreaterThan(0);
      await runImport({ dataset: ucdp, file: without, out, dataDir: root, io: captureIo(), replace: true });
      await expectAsFreshImport(ucdp, without, out, earlier, value);
    },
  );

  it('keeps them in JSON list files (--batch) too', async () => {
    const out = path.join(root, 'keep-batch');
    const full = await variantOf('acled-syria-2020.csv', 'batch-full.csv', { rows: ROWS });
    const without = await variantOf('acled-syria-2020.csv', 'batch-without.csv', {
      rows: ROWS,
      drop: ['fatalities', 'notes'],
    });
    await runImport({ dataset: acled, file: full, out, dataDir: root, io: captureIo(), batch: 16 });
    const before = await snapshot(out);
    const kept = await runImport({
      dataset: acled,
      file: without,
      out,
      dataDir: root,
      io: captureIo(),
      batch: 16,
    });
    expect(kept).toMatchObject({ unchanged: ROWS, updated: 0 });
    expect(kept.missing.map((m) => [m.field.field, m.previous])).toEqual([
      ['fatalities', ROWS],
      ['notes', ROWS],
    ]);
    expect(await snapshot(out)).toEqual(before);
  });
});
