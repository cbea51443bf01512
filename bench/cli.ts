// `sitrep bench`: options → runBench → a table (or --json) on stdout, progress on stderr.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '../src/cli/io.ts';
import { UserError } from '../src/errors.ts';
import { flushedRedis } from '../tests/helpers/redis.ts';
import { type ClusterResult, formatCluster, runCluster } from './cluster.ts';
import { formatProfiles, summarizeProfiles } from './profile.ts';
import { formatReport } from './report.ts';
import { runBench } from './run.ts';

export const BENCH_HELP = `sitrep bench: measure start-up, and on generated incidents the index (cold build, warm restart,
reload), queries, interactions, digests and memory

  --sizes 1000,10000,100000   dataset sizes (default 1000,10000,100000); up to 100000 as YAML files and
                              JSON lists, above as JSON lists only (e.g. --sizes 1000000)
  --seed 1                    generator seed (default 1)
  --out DIR                   where datasets are written and reused (default: <tmp>/sitrep-bench)
  --iterations 300            timed calls per query
  --warm 3                    fresh processes per warm-restart command (after one untimed)
  --interactions 100          interactions per command on the stand-in; 0 skips them
  --import 100000             then new incidents dropped into the bot's data folder while it answers
                              (at most the size); 0 skips it
  --fanout 500                digests due in the same minute; 0 skips the fan-out
  --fanout-size N             dataset size for the fan-out (default: the largest)
  --cpu-prof DIR              write a V8 CPU profile of every measuring process to DIR
  --fanout-only               measure only the fan-out
  --startup 10                fresh processes of sitrep --version, run "/latest" and start; 0 skips them
  --startup-only              measure only the start-up
  --cluster 100               then three sitrep processes on one Redis, then on one SQLite file: this
                              many digests every 10 s, an incident file a second, a SIGKILL every 20 s;
                              counts each incident in each channel (0 skips it)
  --cluster-minutes 4         how long incidents are added in the cluster run
  --cluster-only              run only the cluster
  --json                      print the report as JSON
`;

function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--${name} expects a whole number, not "${value}"`);
  return n;
}

export async function benchCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      iterations: { type: 'string' },
      warm: { type: 'string' },
      interactions: { type: 'string' },
      import: { type: 'string' },
      fanout: { type: 'string' },
      'fanout-size': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'fanout-only': { type: 'boolean' },
      startup: { type: 'string' },
      'startup-only': { type: 'boolean' },
      cluster: { type: 'string' },
      'cluster-minutes': { type: 'string' },
      'cluster-only': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(BENCH_HELP);
    return 0;
  }
  const sizes = (values.sizes ?? '1000,10000,100000').split(',').map((s) => whole(s.trim(), 'sizes', 0));
  if (sizes.some((s) => s < 10)) throw new UserError('--sizes: each size must be at least 10');
  sizes.sort((a, b) => a - b);
  const largest = sizes.at(-1) ?? 1000;
  const interactions = whole(values.interactions, 'interactions', 100);
  const digests = whole(values.fanout, 'fanout', 500);
  const startup = whole(values.startup, 'startup', 10);
  const clusterDigests = whole(values.cluster, 'cluster', 100);
  const clusterMs = whole(values['cluster-minutes'], 'cluster-minutes', 4) * 60_000;
  const log = (line: string) => io.err(`${line}\n`);
  if (values['cluster-only']) {
    const results = await clusterBench(clusterDigests, clusterMs, log);
    io.out(values.json ? `${JSON.stringify({ cluster: results }, null, 2)}\n` : formatCluster(results));
    return 0;
  }
  const workDir = await mkdtemp(path.join(tmpdir(), 'sitrep-bench-work-'));
  try {
    const report = await runBench({
      sizes,
      seed: whole(values.seed, 'seed', 1),
      dataRoot: path.resolve(values.out ?? path.join(tmpdir(), 'sitrep-bench')),
      workDir,
      queryIterations: whole(values.iterations, 'iterations', 300),
      warmRepetitions: Math.max(1, whole(values.warm, 'warm', 3)),
      queryBudgetMs: 3000,
      interaction: interactions > 0 ? { iterations: interactions } : false,
      importIncidents: whole(values.import, 'import', 100_000),
      fanout:
        digests > 0
          ? { size: whole(values['fanout-size'], 'fanout-size', largest), digests, perSecond: 50, added: 50 }
          : false,
      cpuProfileDir: values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']),
      fanoutOnly: values['fanout-only'] === true,
      startup: startup > 0 ? { repetitions: startup } : false,
      startupOnly: values['startup-only'] === true,
      log,
    });
    const cluster = clusterDigests > 0 ? await clusterBench(clusterDigests, clusterMs, log) : [];
    io.out(values.json ? `${JSON.stringify({ ...report, cluster }, null, 2)}\n` : formatReport(report));
    if (!values.json && cluster.length > 0) io.out(`\n${formatCluster(cluster)}`);
    if (values['cpu-prof'] !== undefined) {
      const profiles = formatProfiles(await summarizeProfiles(path.resolve(values['cpu-prof'])));
      // With --json, stdout stays one JSON document.
      if (values.json) io.err(`${profiles}\n`);
      else io.out(`\n${profiles}\n`);
    }
    // Missed targets are findings, not failures: the report says which.
    return 0;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The cluster run (bench/cluster.ts) on Redis, if one answers, then on one SQLite file. */
async function clusterBench(digests: number, addForMs: number, log: (line: string) => void) {
  const results: ClusterResult[] = [];
  if (digests === 0) return results;
  const redisUrl = await flushedRedis(8);
  const stores: [string, string | undefined][] = [
    ['Redis', redisUrl],
    ['SQLite (one file)', `sqlite://${path.join(tmpdir(), `sitrep-bench-cluster-${process.pid}.sqlite`)}`],
  ];
  for (const [label, storeUrl] of stores) {
    if (!storeUrl) {
      log(`cluster: no Redis at REDIS_URL (${process.env.REDIS_URL ?? 'unset'}); the Redis run is SKIPPED`);
      continue;
    }
    log(
      `cluster on ${label}: 3 processes, ${digests} digests every 10 s, ${addForMs / 60_000} min of incidents`,
    );
    const options = {
      label,
      storeUrl,
      workDir: tmpdir(),
      digests,
      everySeconds: 10,
      addForMs,
      killEveryMs: 20_000,
    };
    try {
      results.push(await runCluster({ ...options, log: (line) => log(`  ${line}`) }));
    } finally {
      if (storeUrl.startsWith('sqlite://'))
        for (const suffix of ['', '-wal', '-shm']) await rm(`${storeUrl.slice(9)}${suffix}`, { force: true });
    }
  }
  return results;
}
