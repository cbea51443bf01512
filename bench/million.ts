// The issue-13 figures at one large size, without the phases that cannot scale yet (the naive baseline
// holds every incident; /casualties over everything renders every claim): the read-and-parse floor,
// the cold build, warm restarts in fresh processes, query p50/p99, RSS.
//   npx tsx bench/million.ts [size=1000000] [out=<tmp>/sitrep-bench]
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCommand } from '../commands/index.ts';
import { countryIndex } from '../src/incidents/filters.ts';
import { LiveCatalog } from '../src/incidents/live.ts';
import {
  casualtyClaims,
  findQuotes,
  getIncident,
  latest,
  searchIncidents,
  suggestIncidents,
} from '../src/incidents/queries.ts';
import { ensureDataset } from './dataset.ts';
import { BENCH_NOW, coldBuild, memorySample, readAndParseFloor } from './load-phase.ts';
import { measureWarmRestarts } from './warm.ts';

const size = Number(process.argv[2] ?? 1_000_000);
const root = process.argv[3] ?? path.join(tmpdir(), 'sitrep-bench');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function percentiles(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `${at(0.5).toFixed(2)} / ${at(0.99).toFixed(2)}`;
}

function time(n: number, fn: (i: number) => unknown): string {
  fn(0);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  return percentiles(times);
}

const dataset = await ensureDataset(root, 1, size, log);
log(`dataset ${dataset.jsonDir} (${dataset.reused ? 'reused' : 'generated'})`);
const floor = await readAndParseFloor(dataset.jsonDir);
log(`floor: ${floor.ms.toFixed(0)} ms, ${floor.files} files, ${floor.incidents} incidents`);
const indexPath = path.join(root, `index-${size}.sqlite`);
// REUSE=1: measure over the index an earlier run built (its cold build already reported), started warm.
let live: LiveCatalog;
if (process.env.REUSE === '1') {
  live = new LiveCatalog(dataset.jsonDir, { indexPath, pollMs: 0 });
  const t0 = performance.now();
  await live.start();
  log(
    `warm start in this process: ${(performance.now() - t0).toFixed(0)} ms, ${live.snapshot.catalog.size} incidents`,
  );
} else {
  const built = await coldBuild(dataset.jsonDir, indexPath, size);
  live = built.live;
  const build = built.result;
  log(
    `cold build: first answer ${build.firstAnswerMs.toFixed(0)} ms, complete ${build.searchReadyMs.toFixed(0)} ms ` +
      `(${(build.searchReadyMs / floor.ms).toFixed(2)}× floor), index ${(build.indexBytes / 1e6).toFixed(0)} MB, ` +
      `RSS ${(memorySample().rss / 1e6).toFixed(0)} MB`,
  );
}
const catalog = live.snapshot.catalog;
const ids = catalog
  .statement<[], string>('SELECT id FROM incidents ORDER BY random() LIMIT 200')
  .pluck()
  .all() as unknown as string[];
const countries = countryIndex(catalog)
  .countries.slice(0, 5)
  .map((c) => c.iso3 ?? c.name);
const rare = catalog
  .statement<[], string>(
    "SELECT term FROM search_vocab WHERE length(term) >= 6 AND term GLOB '[a-z]*' ORDER BY doc LIMIT 1",
  )
  .pluck()
  .get() as string | undefined;
if (rare === undefined) throw new Error('no word in the index');
log(`rare word: ${rare}`);
const rows: [string, string][] = [
  ['latest', time(300, () => latest(catalog, { count: 5 }, BENCH_NOW))],
  [
    'latest country',
    time(300, (i) =>
      latest(catalog, { count: 5, country: countries[i % countries.length] as string }, BENCH_NOW),
    ),
  ],
  ['latest type since', time(300, () => latest(catalog, { type: 'battles', since: '1y' }, BENCH_NOW))],
  ['incident', time(300, (i) => getIncident(catalog, ids[i % ids.length] ?? ''))],
  [
    'autocomplete incident',
    time(300, (i) => suggestIncidents(catalog, (ids[i % ids.length] ?? '').slice(0, 6))),
  ],
  [`search rare (${rare})`, time(100, () => searchIncidents(catalog, { query: rare }, BENCH_NOW))],
  ['search common (civilians)', time(20, () => searchIncidents(catalog, { query: 'civilians' }, BENCH_NOW))],
  [
    'search common + country',
    time(20, (i) =>
      searchIncidents(
        catalog,
        { query: 'civilians', country: countries[i % countries.length] as string },
        BENCH_NOW,
      ),
    ),
  ],
  ['search two words', time(20, () => searchIncidents(catalog, { query: 'hospital shelling' }, BENCH_NOW))],
  ['quotes speaker', time(50, () => findQuotes(catalog, { speaker: 'spokesperson' }))],
  ['quotes words', time(50, () => findQuotes(catalog, { query: 'civilians must' }))],
  [
    'casualties country since 30d',
    time(20, (i) =>
      casualtyClaims(
        catalog,
        { country: countries[i % countries.length] as string, since: '30d' },
        BENCH_NOW,
      ),
    ),
  ],
  [
    '/latest handler',
    time(100, () =>
      findCommand('latest')?.execute({}, { catalog, now: BENCH_NOW, version: 'b', loadedAt: BENCH_NOW }),
    ),
  ],
];
for (const [name, figures] of rows) log(`  ${name.padEnd(32)} p50 / p99 ms  ${figures}`);
log(`RSS after queries ${(memorySample().rss / 1e6).toFixed(0)} MB`);
const rareIncidents = catalog
  .statement<[string], number>('SELECT doc FROM search_vocab WHERE term = ?')
  .pluck()
  .get(rare) as number;
log(`rare word ${rare}: in ${rareIncidents} incidents`);
await live.close();
const warm = await measureWarmRestarts({
  dataDir: dataset.jsonDir,
  indexPath,
  word: rare,
  wordIncidents: rareIncidents,
  expected: size,
  repetitions: 3,
  onError: (message) => log(`warm: ${message}`),
});
log(`warm restarts: ${JSON.stringify(warm)}`);
log(`floor ${floor.ms.toFixed(0)} ms → 0.1× = ${(floor.ms / 10).toFixed(0)} ms`);
