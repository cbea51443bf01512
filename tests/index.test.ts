// The incident index on disk (catalog.ts) kept in step with the data folder (live.ts): incremental
// updates, a warm restart that reads no file, rebuilds with their reason, two processes on one index,
// parsing in worker threads, the first build's progress, and `sitrep index`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { indexPathFor, loadBaseConfig, loadBotConfig } from '../src/config.ts';
import { Catalog, defaultIndexPath, INDEX_SCHEMA_VERSION } from '../src/incidents/catalog.ts';
import { LiveCatalog, type LiveCatalogOptions } from '../src/incidents/live.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import type { LoadProblem } from '../src/incidents/parse.ts';
import { captureIo } from './fixtures/import/generate.ts';

const yaml = (id: string, title: string, extra = '') => `id: ${id}
title: ${title}
date: { start: 2020-01-01 }
location: { country: Syria }
type: { event: battles }
summary: Written for the index tests.
sources: [{ id: s1, name: Wire }]
${extra}`;

let work: string;
let data: string;
let indexFile: string;
const opened: LiveCatalog[] = [];

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-index-'));
  data = path.join(work, 'data');
  indexFile = path.join(work, 'index.sqlite');
  await mkdir(data);
});

afterEach(async () => {
  for (const live of opened.splice(0)) await live.close();
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

/** A LiveCatalog on the temporary folder and index, not watching (each test syncs with refresh()). */
function live(options: LiveCatalogOptions = {}, dir = data): LiveCatalog {
  const value = new LiveCatalog(dir, { indexPath: indexFile, pollMs: 0, ...options });
  opened.push(value);
  return value;
}

async function write(name: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(data, name)), { recursive: true });
  await writeFile(path.join(data, name), content);
}

const ids = (catalog: Catalog) => [...catalog.all()].map((i) => i.id).sort();
const messages = (problems: readonly LoadProblem[]) => problems.map((p) => `${p.file}: ${p.message}`);
/** Where the index says an incident comes from, relative to the data folder. */
const fileOf = (catalog: Catalog, id: string) => {
  const file = catalog.entry(id)?.file;
  return file === undefined ? undefined : path.relative(data, path.resolve(file));
};

describe('incremental updates', () => {
  it('follows a file added, edited, renamed and deleted', async () => {
    await write('a.yaml', yaml('a', 'First'));
    const index = live();
    await index.refresh();
    const { catalog } = index.snapshot;
    expect(ids(catalog)).toEqual(['a']);

    await write('b.yaml', yaml('b', 'Added'));
    await index.refresh();
    expect(ids(catalog)).toEqual(['a', 'b']);
    expect(index.snapshot.files).toBe(2);

    await write('a.yaml', yaml('a', 'Edited'));
    await index.refresh();
    expect(catalog.get('a')?.title).toBe('Edited');

    await mkdir(path.join(data, 'moved'));
    await rename(path.join(data, 'a.yaml'), path.join(data, 'moved', 'a2.yaml'));
    await index.refresh();
    expect(fileOf(catalog, 'a')).toBe(path.join('moved', 'a2.yaml'));
    expect(index.snapshot.problems).toEqual([]);

    await unlink(path.join(data, 'b.yaml'));
    await index.refresh();
    expect(ids(catalog)).toEqual(['a']);
    expect(index.snapshot.files).toBe(1);
    // The snapshot's catalog is the one long-lived index, updated in place.
    expect(index.snapshot.catalog).toBe(catalog);
    expect(catalog.info()).toMatchObject({ files: 1, incidents: 1, filesWithProblems: 0 });
  });

  it('keeps the last good version of a file turning invalid, says so, and takes the fixed one', async () => {
    await write('a.yaml', yaml('a', 'Good'));
    const index = live();
    await index.refresh();
    await write('a.yaml', yaml('a', 'Broken', 'casualties: [{ claimant: X }]\n'));
    await index.refresh();
    const { catalog, problems } = index.snapshot;
    expect(catalog.get('a')?.title).toBe('Good');
    expect(messages(problems).join('\n')).toMatch(/a\.yaml: .*\(the last good version keeps serving\)/);
    expect(catalog.info().filesWithProblems).toBe(1);

    // The same broken bytes at a restart: still the last good version, still the problem.
    await index.close();
    const again = live();
    await again.refresh();
    expect(again.counters.filesRead).toBe(0);
    expect(again.snapshot.catalog.get('a')?.title).toBe('Good');
    expect(again.snapshot.problems).toEqual(problems);

    await write('a.yaml', yaml('a', 'Fixed'));
    await again.refresh();
    expect(again.snapshot.catalog.get('a')?.title).toBe('Fixed');
    expect(again.snapshot.problems).toEqual([]);
  });

  it('gives an id two files hold to the file that sorts first, and to the other when that one goes', async () => {
    await write('b.yaml', yaml('x', 'From b'));
    const index = live();
    await index.refresh();
    const { catalog } = index.snapshot;
    expect(fileOf(catalog, 'x')).toBe('b.yaml');

    // a.yaml sorts first: it takes the id, whichever file was read first.
    await write('a.yaml', yaml('x', 'From a'));
    await index.refresh();
    expect(catalog.get('x')?.title).toBe('From a');
    expect(messages(index.snapshot.problems)).toEqual([
      expect.stringMatching(/b\.yaml: duplicate id "x": also in .*a\.yaml \(that one is kept\)$/),
    ]);

    // The holder deleted: b.yaml's copy serves, without a problem.
    await unlink(path.join(data, 'a.yaml'));
    await index.refresh();
    expect(catalog.get('x')?.title).toBe('From b');
    expect(fileOf(catalog, 'x')).toBe('b.yaml');
    expect(index.snapshot.problems).toEqual([]);

    // The same answer as a first build of the folder as it is.
    const fresh = await loadCatalog(data);
    expect(fresh.catalog.get('x')).toEqual(catalog.get('x'));
    expect(fresh.problems).toEqual(index.snapshot.problems);
  });

  it('reports listing problems beside the files’ problems', async () => {
    await write('a.yaml', yaml('a', 'Good'));
    await write('bad.json', '{ "id": ');
    const index = live();
    await index.refresh();
    expect(messages(index.snapshot.problems)).toEqual([expect.stringMatching(/bad\.json: invalid JSON/)]);
    await unlink(path.join(data, 'bad.json'));
    await index.refresh();
    expect(index.snapshot.problems).toEqual([]);
  });
});

describe('a restart', () => {
  it('reads no file when nothing changed, and gives the same answers', async () => {
    for (let i = 0; i < 30; i++) await write(`d${i % 3}/f${i}.yaml`, yaml(`f${i}`, `Title ${i}`));
    await write('d0/f0-copy.yaml', yaml('f0', 'Duplicate'));
    await write('broken.yaml', 'id: [unclosed\n');
    const first = live();
    await first.refresh();
    expect(first.counters.filesParsed).toBe(32);
    const before = {
      incidents: [...first.snapshot.catalog.all()],
      problems: first.snapshot.problems,
      files: first.snapshot.files,
    };
    expect(first.snapshot.catalog.meta('complete')).toBe('1');
    const builtAt = first.snapshot.catalog.meta('built_at');
    expect(builtAt).toBeDefined();
    await first.close();

    const second = live();
    // Before any file is looked at, the index answers (it is complete: no `building`).
    const early = second.open();
    expect(early.building).toBeUndefined();
    expect(early.catalog.size).toBe(before.incidents.length);
    await second.refresh();
    expect(second.counters).toMatchObject({ filesRead: 0, filesParsed: 0 });
    expect([...second.snapshot.catalog.all()]).toEqual(before.incidents);
    expect(second.snapshot.problems).toEqual(before.problems);
    expect(second.snapshot.files).toBe(before.files);
    // Nothing changed: the build time stays.
    expect(second.snapshot.catalog.meta('built_at')).toBe(builtAt);
  });

  it('reads a touched file again but parses it only when its bytes changed', async () => {
    await write('a.yaml', yaml('a', 'Same'));
    await write('b.yaml', yaml('b', 'Same'));
    const first = live();
    await first.refresh();
    await first.close();
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(data, 'a.yaml'), later, later);
    const second = live();
    await second.refresh();
    expect(second.counters).toMatchObject({ filesRead: 1, filesParsed: 0 });
    // The new time is recorded: the next sync reads nothing.
    await second.refresh();
    expect(second.counters).toMatchObject({ filesRead: 1, filesParsed: 0 });
  });

  it('catches up with files changed while it was down', async () => {
    await write('a.yaml', yaml('a', 'Before'));
    await write('b.yaml', yaml('b', 'Deleted while down'));
    const first = live();
    await first.refresh();
    await first.close();
    await write('a.yaml', yaml('a', 'After'));
    await unlink(path.join(data, 'b.yaml'));
    await write('c.yaml', yaml('c', 'Added while down'));
    const second = live();
    await second.refresh();
    expect(second.counters.filesParsed).toBe(2);
    expect(ids(second.snapshot.catalog)).toEqual(['a', 'c']);
    expect(second.snapshot.catalog.get('a')?.title).toBe('After');
  });
});

describe('rebuilds, each with its reason', () => {
  async function buildOnce(): Promise<void> {
    await write('a.yaml', yaml('a', 'One'));
    await write('b.yaml', yaml('b', 'Two'));
    const first = live();
    await first.refresh();
    await first.close();
  }

  async function reopen(dir = data): Promise<{ index: LiveCatalog; reasons: string[] }> {
    const reasons: string[] = [];
    const index = live({ onRebuild: (reason) => reasons.push(reason) }, dir);
    await index.refresh();
    return { index, reasons };
  }

  it('an index of another schema version', async () => {
    await buildOnce();
    const db = new Database(indexFile);
    db.prepare("UPDATE meta SET value = '0' WHERE key = 'schema'").run();
    db.close();
    const { index, reasons } = await reopen();
    expect(reasons).toEqual([expect.stringMatching(/another version of sitrep \(index schema 0/)]);
    expect(reasons[0]).toContain(`uses ${INDEX_SCHEMA_VERSION}`);
    expect(index.counters.filesParsed).toBe(2);
    expect(ids(index.snapshot.catalog)).toEqual(['a', 'b']);
  });

  it('a damaged index file', async () => {
    await buildOnce();
    await writeFile(indexFile, Buffer.alloc(8192, 'garbage!'));
    for (const suffix of ['-wal', '-shm']) await rm(`${indexFile}${suffix}`, { force: true });
    const { index, reasons } = await reopen();
    expect(reasons).toEqual([expect.stringMatching(/damaged|could not be opened|not a sitrep index/)]);
    expect(ids(index.snapshot.catalog)).toEqual(['a', 'b']);
    expect(index.snapshot.catalog.meta('complete')).toBe('1');
  });

  it('an index built for another data folder', async () => {
    await buildOnce();
    const other = path.join(work, 'other');
    await mkdir(other);
    await writeFile(path.join(other, 'c.yaml'), yaml('c', 'Elsewhere'));
    const { index, reasons } = await reopen(other);
    expect(reasons).toEqual([`it was built for another data folder (${path.resolve(data)})`]);
    expect(ids(index.snapshot.catalog)).toEqual(['c']);
  });

  it('no reason, and no rebuild, for an index that is fine', async () => {
    await buildOnce();
    const { index, reasons } = await reopen();
    expect(reasons).toEqual([]);
    expect(index.counters.filesRead).toBe(0);
  });
});

describe('the first build', () => {
  it('says it is building, how far it got, and picks up where an interrupted build stopped', async () => {
    for (let i = 0; i < 1200; i++) await write(`f${i}.yaml`, yaml(`f${i}`, `Title ${i}`));
    const seen: { done: number; total: number; size: number }[] = [];
    const first = live({
      workerThreshold: Number.POSITIVE_INFINITY,
      onProgress: () => {
        const { building, catalog } = first.snapshot;
        if (building) seen.push({ ...building, size: catalog.size });
      },
    });
    const start = first.open();
    expect(start.building).toEqual({ done: 0, total: 0 });
    expect(first.isReady).toBe(false);
    await first.refresh();
    expect(first.isReady).toBe(true);
    await expect(first.ready).resolves.toBe(first.snapshot);
    expect(first.snapshot.building).toBeUndefined();
    // Batches of 500 files: answers grow while the build runs, and say so.
    expect(seen.map((s) => s.done)).toEqual([500, 1000, 1200]);
    expect(seen.every((s) => s.total === 1200 && s.size === s.done)).toBe(true);
    await first.close();

    // A build stopped halfway (the index says it is not complete) goes on from what it holds.
    const db = new Database(indexFile);
    db.prepare("UPDATE meta SET value = '0' WHERE key = 'complete'").run();
    db.close();
    const second = live();
    expect(second.open().building).toEqual({ done: 1200, total: 1200 });
    await second.refresh();
    expect(second.counters.filesRead).toBe(0);
    expect(second.snapshot.building).toBeUndefined();
  });
});

describe('worker threads', () => {
  it('parse a large batch with the same result as the main thread', async () => {
    for (let i = 0; i < 300; i++) {
      const extra = i % 50 === 7 ? 'casualties: [{ claimant: X }]\n' : '';
      await write(`w/f${String(i).padStart(3, '0')}.yaml`, yaml(`f${i % 290}`, `Title ${i}`, extra));
    }
    await write('w/list.json', JSON.stringify([{ id: 'bad' }]));
    const warnings: string[] = [];
    // Every file to the workers (by default the main thread reads the first ones while they start).
    const threads = live({ readWhileWorkersStart: false, onWarning: (message) => warnings.push(message) });
    await threads.refresh();
    expect(warnings).toEqual([]);
    expect(threads.counters.filesParsed).toBe(301);
    expect(threads.counters.parsedInWorkers).toBe(301);

    indexFile = ':memory:';
    const here = live({ workerThreshold: Number.POSITIVE_INFINITY });
    await here.refresh();
    expect(here.counters.parsedInWorkers).toBe(0);
    expect(here.counters.filesParsed).toBe(301);

    indexFile = path.join(work, 'hybrid.sqlite');
    const hybrid = live();
    await hybrid.refresh();
    expect(hybrid.counters.filesParsed).toBe(301);

    const a = threads.snapshot;
    const b = here.snapshot;
    expect([...hybrid.snapshot.catalog.all()]).toEqual([...b.catalog.all()]);
    expect(hybrid.snapshot.problems).toEqual(b.problems);
    expect([...a.catalog.all()]).toEqual([...b.catalog.all()]);
    expect(a.problems).toEqual(b.problems);
    expect(a.problems.length).toBeGreaterThan(10);
    for (const incident of a.catalog.all())
      expect(a.catalog.entry(incident.id)).toEqual(b.catalog.entry(incident.id));
  });
});

describe('two processes on one index', () => {
  it('a reader sees counts that only grow, never an error, while another process writes batches', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('tests/helpers/index-writer.ts'), indexFile, data, '30', '20'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const exited = once(child, 'exit');
    while (!output.includes('opened') && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toBe('');

    const reader = Catalog.open(indexFile, { dataDir: data });
    const counted = reader.db.transaction(() => [
      reader.size,
      reader.statement('SELECT count(*) AS n FROM incidents').get() as { n: number },
    ]);
    const seen: number[] = [];
    let exitCode: number | null = null;
    void exited.then(([code]) => {
      exitCode = code as number;
    });
    while (exitCode === null) {
      const [size, rows] = counted() as [number, { n: number }];
      // One snapshot: the totals and the rows agree, in whole batches.
      expect(rows.n).toBe(size);
      expect(size % 20).toBe(0);
      seen.push(size);
      await new Promise((r) => setTimeout(r, 3));
    }
    expect(exitCode).toBe(0);
    expect(errors).toBe('');
    expect(reader.size).toBe(600);
    expect(seen.every((n, i) => i === 0 || n >= (seen[i - 1] as number))).toBe(true);
    // It saw the index part-written at least once, not just before and after.
    expect(seen.some((n) => n > 0 && n < 600)).toBe(true);
    reader.close();
  }, 60_000);
});

describe('two on one index', () => {
  it('a sync that finds the index already brought up to date by another still publishes the change', async () => {
    await write('a.yaml', yaml('a', 'Before'));
    const changes: number[] = [];
    const bot = live({ onChange: (_snapshot, _names, count) => changes.push(count) });
    await bot.refresh();
    expect(changes).toEqual([1]);
    // `sitrep run` on the same INDEX_PATH reads the edit first.
    await write('a.yaml', yaml('a', 'After'));
    const cli = live();
    await cli.refresh();
    expect(cli.counters.filesParsed).toBe(1);
    await bot.refresh();
    // It read nothing (the record matches the file), yet follows the change.
    expect(bot.counters.filesParsed).toBe(1);
    expect(changes).toEqual([1, 0]);
    expect(bot.snapshot.catalog.get('a')?.title).toBe('After');
    // Nothing new: no onChange.
    await bot.refresh();
    expect(changes).toEqual([1, 0]);
  });
});

describe('sitrep index', () => {
  beforeEach(() => {
    // INDEX_PATH is the index of DATA_DIR; another folder (--data) gets its own default under var/.
    vi.stubEnv('DATA_DIR', data);
    vi.stubEnv('INDEX_PATH', indexFile);
  });

  it('brings the index up to date and shows it', async () => {
    await write('a.yaml', yaml('a', 'One'));
    await write('bad.yaml', yaml('b', 'Bad', 'casualties: [{ claimant: X }]\n'));
    const io = captureIo();
    expect(await main(['index', '--data', data], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain(`Index:`);
    expect(out).toContain(indexFile);
    expect(out).toMatch(new RegExp(`Data folder: +${path.resolve(data).replace(/[/\\]/g, '.')}\n`));
    expect(out).toMatch(/Files: +2 \(1 with problems: sitrep validate /);
    expect(out).toMatch(/Incidents: +1\n/);
    expect(out).toMatch(/Last build: +\d{4}-\d\d-\d\dT/);
    expect(out).toMatch(/Size on disk: +[\d.]+ (KiB|MiB)\n/);
    expect(out).toMatch(new RegExp(`Schema version: +${INDEX_SCHEMA_VERSION}\n`));
    expect(out).toMatch(/\(2 files read\)/);
    expect(io.stderr()).toBe('');

    const again = captureIo();
    expect(await main(['index', '--data', data], again)).toBe(0);
    expect(again.stdout()).toMatch(/\(0 files read\)/);
  });

  it('--rebuild deletes it and builds it again from every file, with progress', async () => {
    await write('f0.yaml', yaml('f0', 'Title 0'));
    expect(await main(['index', '--data', data], captureIo())).toBe(0);
    // Brought up to date, it would read the 1,099 new files; rebuilt, it reads all 1,100.
    for (let i = 1; i < 1100; i++) await write(`f${i}.yaml`, yaml(`f${i}`, `Title ${i}`));
    const io = captureIo(true);
    expect(await main(['index', '--rebuild', '--data', data], io)).toBe(0);
    expect(io.stdout()).toMatch(/Incidents: +1100\n/);
    expect(io.stdout()).toMatch(/\(1100 files read\)/);
    expect(io.stderr()).toContain(`rebuilding the incident index ${indexFile} from every file in ${data}\n`);
    expect(io.stderr()).toContain('\rindexing 1100/1100 files (100%)\n');
  });

  it('has its own help, refuses --rebuild elsewhere, and names INDEX_PATH when it cannot write', async () => {
    const help = captureIo();
    expect(await main(['index', '--help'], help)).toBe(0);
    expect(help.stdout()).toMatch(/^sitrep index \[--rebuild\]/);
    expect(help.stdout()).toContain('Deleting the index is always safe');

    const misplaced = captureIo();
    expect(await main(['run', '--rebuild', '--data', data, '/latest'], misplaced)).toBe(2);
    expect(misplaced.stderr()).toContain('--rebuild goes with sitrep index');

    // A folder that is a file: the index cannot be created there.
    const notAFolder = path.join(work, 'file');
    await writeFile(notAFolder, 'x');
    vi.stubEnv('INDEX_PATH', path.join(notAFolder, 'index.sqlite'));
    const refused = captureIo();
    expect(await main(['index', '--data', data], refused)).toBe(77);
    expect(refused.stderr()).toMatch(
      /^INDEX_PATH: cannot write the incident index at .*file[/\\]index\.sqlite/,
    );
    expect(refused.stderr().trim().split('\n')).toHaveLength(1);

    // The other commands go on with an index in memory, and say so once.
    await write('a.yaml', yaml('a', 'Still answered'));
    const answered = captureIo();
    expect(
      await main(['run', '--data', data, '--out', path.join(work, 'out'), '/incident id:a'], answered),
    ).toBe(0);
    expect(answered.stdout()).toContain('Still answered');
    expect(answered.stderr()).toMatch(
      /^warning: cannot write the incident index at .*; using an index in memory/,
    );
    expect(answered.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('validate and run use the index of their folder: a second run reads nothing', async () => {
    await write('a.yaml', yaml('a', 'Indexed'));
    const first = captureIo();
    expect(await main(['validate', data], first)).toBe(0);
    const db = new Database(indexFile, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM files').get()).toEqual({ n: 1 });
    db.close();
    const second = captureIo();
    expect(
      await main(['run', '--data', data, '--out', path.join(work, 'out'), '/incident id:a'], second),
    ).toBe(0);
    expect(second.stdout()).toContain('Indexed');
  });
});

describe('INDEX_PATH', () => {
  it('names the index of DATA_DIR; unset, each folder has its own under var/', () => {
    expect(indexPathFor(loadBaseConfig({}))).toBe(defaultIndexPath('./data'));
    expect(defaultIndexPath('./data')).toMatch(/^var[/\\]index-data-[0-9a-f]{12}\.sqlite$/);
    const config = loadBaseConfig({ DATA_DIR: '/srv/data', INDEX_PATH: '/srv/index.sqlite' });
    expect(indexPathFor(config)).toBe('/srv/index.sqlite');
    expect(indexPathFor(config, '/srv/data/')).toBe('/srv/index.sqlite');
    // Another folder (`validate other`, `--data other`) never takes over DATA_DIR's index.
    expect(indexPathFor(config, '/srv/other')).toBe(defaultIndexPath('/srv/other'));
    expect(loadBotConfig({ DISCORD_TOKEN: 'abc.def', INDEX_PATH: ':memory:' }).indexPath).toBe(':memory:');
    // An empty `INDEX_PATH=` line means unset.
    expect(loadBaseConfig({ INDEX_PATH: ' ' }).indexPath).toBeUndefined();
  });
});
