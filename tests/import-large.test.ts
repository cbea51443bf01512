// LARGE: a generated ACLED export of 100,000 rows (37 MB) imported into list files of 5,000, with
// the live heap sampled after forced garbage collections: it must stay bounded (streaming, nothing
// held per row but the id). Takes 7–20 s on a shared 2-core machine.
// SITREP_IMPORT_LARGE_ROWS=1000000 runs a million rows (about 90 s) for a manual measurement.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acled } from '../src/import/acled.ts';
import { runImport } from '../src/import/run.ts';
import { captureIo, writeLargeAcledCsv } from './fixtures/import/generate.ts';

const ROWS = Number(process.env.SITREP_IMPORT_LARGE_ROWS ?? 100_000);
const MB = 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sitrep-import-large-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(`LARGE: ${ROWS.toLocaleString('en-US')} generated rows`, () => {
  it('imports in bounded memory, with plain progress lines when stderr is not a terminal', {
    timeout: 120_000,
  }, async () => {
    const file = path.join(root, 'large.csv');
    await writeLargeAcledCsv(file, ROWS);
    const io = captureIo(false);

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 500);
    const started = performance.now();
    let report: Awaited<ReturnType<typeof runImport>>;
    try {
      report = await runImport({
        dataset: acled,
        file,
        out: path.join(root, 'out'),
        dataDir: root,
        batch: 5000,
        io,
        progressEvery: 50_000,
      });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = (peak - baseline) / MB;
    console.log(
      `LARGE import: ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s), live heap growth ${growth.toFixed(0)} MB`,
    );

    expect(report.skipped.total).toBe(0);
    expect(report).toMatchObject({ rows: ROWS, created: ROWS });
    expect(report.check).toMatchObject({ incidents: ROWS, files: Math.ceil(ROWS / 5000), problemCount: 0 });
    expect(io.stderr()).toContain('import acled: 50,000 rows');
    // Holding the rows would cost far more: 100,000 parsed incidents alone take about 160 MB.
    expect(growth).toBeLessThan(100);
  });
});
