// The commands that must start fast load only what they use: no discord.js, no chart or map code, no
// importers, no benchmark. Checked by recording every module a real `sitrep` process loads, from dist/
// when it is fresh and from the sources through tsx. No timings: those are in `npm run bench`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOOKS = pathToFileURL(path.join(ROOT, 'tests/helpers/record-loads.mjs')).href;
const REGISTER = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(HOOKS)});`;
const work = mkdtempSync(path.join(tmpdir(), 'sitrep-loads-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The modules `sitrep …args` loaded, as paths relative to the repository (packages as node_modules/…). */
function loadsOf(args: string[], env: Record<string, string> = {}): string[] {
  const file = path.join(work, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const result = spawnSync(
    process.execPath,
    ['--import', REGISTER, path.join(ROOT, 'bin/sitrep.js'), ...args],
    {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SITREP_LOADS_FILE: file,
        INDEX_PATH: path.join(work, 'index.sqlite'),
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => path.relative(ROOT, fileURLToPath(url)));
}

const packagesOf = (loads: string[]) =>
  [...new Set(loads.flatMap((p) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? []))].sort();

/**
 * Packages (and folders of ours) that only start, deploy, charts, maps, import or bench may load.
 * better-sqlite3 is not among them: every command that reads the data reads the incident index.
 */
const HEAVY = [
  'discord.js',
  '@discordjs/ws',
  '@discordjs/rest',
  'vega',
  'vega-lite',
  '@resvg/resvg-js',
  'd3-geo',
  'world-atlas',
  'csv-parse',
  'iconv-lite',
  '@keyv/redis',
];
// The chart and map drawing (src/charts/answers.ts only wraps a drawn picture in an answer), the bot,
// the importers, the state store and the benchmark.
const OURS_HEAVY = /^(?:dist\/)?(?:bench\/|src\/(?:discord|import|state)\/|src\/charts\/(?!answers\.))/;

const example = path.join(ROOT, 'data');
const modes = [
  { name: 'as bin/sitrep.js chooses (dist/ when fresh)', env: {} },
  { name: 'from the sources (SITREP_FROM_SOURCE=1)', env: { SITREP_FROM_SOURCE: '1' } },
];

describe.each(modes)('sitrep $name', ({ env }) => {
  it('--version loads no package but the TypeScript loader when it runs the sources', () => {
    const loads = loadsOf(['--version'], env);
    expect(packagesOf(loads).filter((p) => p !== 'tsx' && p !== 'esbuild')).toEqual([]);
    expect(loads.filter((p) => OURS_HEAVY.test(p))).toEqual([]);
  });

  it.each([
    ['--help', ['--help']],
    ['validate', ['validate', example]],
    ['run "/latest"', ['run', '/latest', '--data', example, '--out', path.join(work, 'out')]],
  ])('%s loads neither discord.js nor the chart, import, store or bench code', (name, args) => {
    const loads = loadsOf(args, env);
    expect(packagesOf(loads).filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(loads.filter((p) => OURS_HEAVY.test(p))).toEqual([]);
    // What reads the data reads it through the index; a few files are parsed without worker threads.
    if (name !== '--help') expect(packagesOf(loads)).toContain('better-sqlite3');
  });
});

it('digest status on the default SQLite store loads better-sqlite3 and not the Redis client', () => {
  const loads = loadsOf(['digest', 'status', '--data', example], {
    SITREP_FROM_SOURCE: '1',
    STORE_URL: `sqlite://${path.join(work, 'state.sqlite')}`,
    DIGEST_1_CHANNEL: '123456789012345678',
    DIGEST_1_CRON: '0 7 * * *',
  });
  const packages = packagesOf(loads);
  expect(packages).toContain('better-sqlite3');
  expect(packages).not.toContain('@keyv/redis');
});
