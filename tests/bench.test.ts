// The benchmark runs end to end at a tiny size and reports in the shape the CLI and BENCHMARKS.md rely
// on. No timing is asserted: figures depend on the machine; the shape and the sanity of numbers do not.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIncidents } from '../bench/generate.ts';
import { formatReport } from '../bench/report.ts';
import { runBench } from '../bench/run.ts';
import { measureStartup } from '../bench/startup.ts';
import type { BenchReport } from '../bench/types.ts';
import { parseIncident } from '../src/incidents/schema.ts';
import { startStandin } from './discord/standin.ts';

let root: string;
let report: BenchReport;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-bench-test-'));
  report = await runBench({
    sizes: [200],
    seed: 7,
    dataRoot: path.join(root, 'data'),
    workDir: root,
    queryIterations: 20,
    warmRepetitions: 1,
    queryBudgetMs: 200,
    interaction: { iterations: 3 },
    fanout: false,
  });
}, 180_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every number in `value` (deeply) is finite; returns the paths of those that are not. */
function nonFinite(value: unknown, at = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinite(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => nonFinite(v, at ? `${at}.${k}` : k));
  return [];
}

const latency = {
  n: expect.any(Number),
  p50: expect.any(Number),
  p99: expect.any(Number),
  mean: expect.any(Number),
  max: expect.any(Number),
};

describe('sitrep bench at 200 incidents', () => {
  it('reports every section, with finite numbers only', () => {
    expect(nonFinite(report)).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.machine).toEqual({
      cpus: expect.any(Number),
      cpuModel: expect.any(String),
      node: process.version,
      platform: expect.any(String),
      memoryBytes: expect.any(Number),
    });
    const [size] = report.sizes;
    expect(report.sizes).toHaveLength(1);
    expect(size?.size).toBe(200);
    expect(size?.problems).toBe(0);
    expect(size?.dataset).toMatchObject({ yaml: true, yamlFiles: 200, jsonFiles: 1 });
    for (const format of ['yaml', 'json'] as const) {
      const load = size?.load[format];
      expect(load).toEqual({
        floorMs: expect.any(Number),
        firstAnswerMs: expect.any(Number),
        searchReadyMs: expect.any(Number),
        firstAnswerRatio: expect.any(Number),
        searchReadyRatio: expect.any(Number),
        warmIndexesMs: expect.any(Number),
        indexBytes: expect.any(Number),
      });
      expect(load?.searchReadyMs).toBeGreaterThanOrEqual(load?.firstAnswerMs ?? 0);
      expect(load?.indexBytes).toBeGreaterThan(0);
      const warm = size?.warm[format];
      for (const command of ['latest', 'search'] as const) {
        expect(warm?.[command]).toEqual({
          total: latency,
          bootMs: expect.any(Number),
          importsMs: expect.any(Number),
          startMs: expect.any(Number),
          answerMs: expect.any(Number),
          rss: expect.any(Number),
          filesParsed: 0,
        });
        expect(warm?.[command].total.p50).toBeGreaterThan(warm?.[command].startMs ?? 0);
      }
      expect(warm?.latestRatio).toBeGreaterThan(0);
      expect(warm?.cli).toEqual({ latest: latency, search: latency });
      expect(size?.reload[format]).toMatchObject({
        file: format,
        watchMs: expect.any(Number),
        refreshMs: expect.any(Number),
        noopRefreshMs: expect.any(Number),
        firstQueryMs: {
          latest: expect.any(Number),
          incident: expect.any(Number),
          autocomplete: expect.any(Number),
          search: expect.any(Number),
        },
      });
    }
    expect(size?.searchWords.rare.incidents).toBeGreaterThan(0);
    expect(size?.searchWords.common.incidents).toBeGreaterThanOrEqual(size?.searchWords.rare.incidents ?? 0);
    expect(size?.digest.compose).toEqual({ regular: latency, regularCountries: latency, first: latency });
    expect(size?.digest.messages).toBeGreaterThan(0);
    expect(size?.memory.rssAfterHandlers).toBeGreaterThan(0);
    expect(size?.memory.indexBytes).toBeGreaterThan(0);
    expect(size?.memory.gcForced).toBe(true);
  });

  it('times every query behind a command, with its handler and the naive scan', () => {
    const queries = report.sizes[0]?.queries ?? {};
    expect(Object.keys(queries)).toEqual(
      expect.arrayContaining([
        'latest',
        'incident',
        'autocomplete incident',
        'search',
        'search common word',
        'search rare word country',
        'quotes speaker',
        'casualties all',
        'about',
      ]),
    );
    for (const q of Object.values(queries)) {
      expect(q).toEqual({
        class: expect.stringMatching(/^(instant|search|casualties)$/),
        command: expect.stringMatching(/^\//),
        query: latency,
        handler: latency,
        naive: latency,
        speedup: expect.any(Number),
      });
      expect(q.query.n).toBeGreaterThan(0);
      expect(q.query.p99).toBeGreaterThanOrEqual(q.query.p50);
    }
  });

  it('drives the real bot on the stand-in for whole interactions', () => {
    const interaction = report.sizes[0]?.interaction;
    expect(interaction?.violations).toBe(0);
    expect(interaction?.startToFirstReplyMs).toBeGreaterThan(0);
    expect(Object.keys(interaction?.cases ?? {})).toEqual(
      expect.arrayContaining(['latest', 'incident', 'autocomplete incident', 'search']),
    );
    for (const c of Object.values(interaction?.cases ?? {})) expect(c.n).toBe(3);
    expect(interaction?.importWhileAnswering).toMatchObject({
      incidents: 200,
      files: 1,
      indexedMs: expect.any(Number),
      failed: 0,
    });
    expect(interaction?.importWhileAnswering?.answers.n).toBeGreaterThan(0);
  });

  it('checks the targets and prints a table', () => {
    expect(report.targets.length).toBeGreaterThan(10);
    for (const t of report.targets) {
      expect(t).toEqual({
        name: expect.any(String),
        target: expect.any(String),
        value: expect.any(Number),
        limit: expect.any(Number),
        unit: expect.any(String),
        met: expect.any(Boolean),
        size: 200,
      });
    }
    const table = formatReport(report);
    expect(table).toMatch(/Cold build of the index/);
    expect(table).toMatch(/Warm restart/);
    expect(table).toMatch(/Targets/);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('the start-up phase', () => {
  it('times sitrep --version, run "/latest" and start to connected, each in a fresh process', async () => {
    const startup = await measureStartup({
      repetitions: 1,
      workDir: path.join(root, 'startup'),
      startStandin: () => startStandin(),
    });
    expect(startup).toEqual({
      compiled: expect.any(Boolean),
      node: latency,
      version: latency,
      run: latency,
      start: latency,
      npm: latency,
    });
    for (const phase of [startup.node, startup.version, startup.run, startup.start, startup.npm]) {
      expect(phase.n).toBe(1);
      expect(phase.p50).toBeGreaterThan(0);
    }
    const table = formatReport({ ...report, startup });
    expect(table).toMatch(/Start-up, ms/);
    expect(table).toMatch(/sitrep start to connected/);
  }, 120_000);
});

describe('the incident generator', () => {
  it('is deterministic and writes only valid incidents', () => {
    const a = generateIncidents({ seed: 3, count: 300 });
    expect(generateIncidents({ seed: 3, count: 300 })).toEqual(a);
    expect(generateIncidents({ seed: 3, count: 100 })).toEqual(a.slice(0, 100));
    expect(generateIncidents({ seed: 4, count: 300 })).not.toEqual(a);
    expect(new Set(a.map((i) => i.id)).size).toBe(300);
    for (const incident of a) expect(parseIncident(incident).ok).toBe(true);
  });

  it('varies places, event types, quotes and claims', () => {
    const a = generateIncidents({ seed: 3, count: 500 });
    expect(new Set(a.map((i) => i.location.country)).size).toBeGreaterThan(8);
    expect(new Set(a.map((i) => i.type.sub)).size).toBeGreaterThan(12);
    expect(a.some((i) => (i.casualties?.length ?? 0) >= 2)).toBe(true);
    expect(a.some((i) => i.casualties?.some((c) => c.killed?.text !== undefined))).toBe(true);
    expect(a.some((i) => i.casualties?.some((c) => c.killed?.low !== undefined))).toBe(true);
    expect(a.some((i) => i.sources.some((s) => s.via !== undefined))).toBe(true);
    expect(new Set(a.flatMap((i) => i.quotes?.map((q) => q.speaker) ?? [])).size).toBeGreaterThan(50);
  });
});
