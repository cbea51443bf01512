// REST budget across processes (issue 15): 500 digests due in the same minute, configured alike in
// three real `sitrep start` processes on one state store (one Redis, then one SQLite file), against a
// stand-in that enforces Discord's global 50 requests per second in any sliding second. The leases give
// each run one owner; the shared budget (src/digest/pacer.ts) keeps the three processes' posts together
// under the limit. Reports the posts, the 429s, the busiest sliding second from the stand-in's request
// log, and the time to post them all.
//   npx tsx bench/fanout-cluster.ts [--digests 500] [--processes 3] [--stores redis,sqlite] [--json]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordedRequest } from '../tests/discord/standin.ts';
import { flushedRedis } from '../tests/helpers/redis.ts';
import { type BotProcess, startBotProcess } from './bot-process.ts';
import { incidentsJson } from './dataset.ts';
import { generateIncidents } from './generate.ts';

export interface ClusterFanoutResult {
  store: string;
  processes: number;
  digests: number;
  /** Channel POSTs Discord accepted; each channel's first digest, one message here. */
  accepted: number;
  channelsPosted: number;
  /** Every request counted against the global limit (interaction routes are exempt). */
  requests: number;
  rateLimited: number;
  /** The most requests counted against the global limit in any one second, sliding. */
  busiestSecond: number;
  /** From the scheduled minute to the first post, and to the last accepted one. */
  startLagMs: number;
  totalMs: number;
  /** Accepted posts per second from the first post to the last. */
  achievedPerSecond: number;
}

const MESSAGES = /^\/channels\/\d+\/messages$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The most of `times` (ms) within any one second: (t - 1000, t], as the stand-in counts. */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[start] ?? 0) <= (sorted[end] ?? 0) - 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const counted = (r: RecordedRequest) =>
  !r.path.startsWith('/interactions/') && !r.path.startsWith('/webhooks/');

export async function measureClusterFanout(options: {
  store: 'redis' | 'sqlite';
  redisUrl?: string | undefined;
  digests: number;
  processes: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<ClusterFanoutResult> {
  const { startStandin } = await import('../tests/discord/standin.ts');
  const channelIds = Array.from({ length: options.digests }, (_, i) =>
    String(400_000_000_000_000_000n + BigInt(i)),
  );
  const standin = await startStandin({
    guilds: [{ name: 'Desks', channels: channelIds.map((id, i) => ({ id, name: `desk-${i + 1}` })) }],
    globalRateLimit: { perSecond: 50 },
    interactionAckTimeoutMs: 0,
  });
  const work = await mkdtemp(path.join(options.workDir, `${options.store}-`));
  const dataDir = path.join(work, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    path.join(dataDir, 'incidents.json'),
    incidentsJson(generateIncidents({ seed: 1, count: 5 })),
  );
  const storeUrl =
    options.store === 'redis' ? (options.redisUrl ?? '') : `sqlite://${path.join(work, 'state.sqlite')}`;
  const env: Record<string, string> = { DIGEST_TIMEZONE: 'UTC', LOG_LEVEL: 'info', SITREP_FROM_SOURCE: '1' };
  channelIds.forEach((id, i) => {
    env[`DIGEST_${i + 1}_CHANNEL`] = id;
    env[`DIGEST_${i + 1}_CRON`] = '0 * * * * *';
    env[`DIGEST_${i + 1}_TITLE`] = `Desk ${i + 1} briefing`;
  });
  const bots: BotProcess[] = [];
  try {
    for (let n = 0; n < options.processes; n++) {
      // Each process its own index, as on one machine; all watch the same data folder.
      bots.push(
        await startBotProcess({
          standin,
          dataDir,
          storeUrl,
          cwd: work,
          env: { ...env, INDEX_PATH: path.join(work, `index-${n}.sqlite`) },
          label: `fanout-cluster-${n}`,
        }),
      );
    }
    // Watched on the stream: the bot's own tail of its output may have rolled past the line.
    const connected = new Set<BotProcess>();
    for (const bot of bots) {
      if (bot.output().includes('connected to Discord')) connected.add(bot);
      bot.child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('connected to Discord')) connected.add(bot);
      });
    }
    const deadline = Date.now() + 180_000;
    while (connected.size < bots.length) {
      if (Date.now() > deadline)
        throw new Error(
          `not every process connected: ${bots.map((b) => b.output().slice(-600)).join('\n---\n')}`,
        );
      await sleep(250);
    }
    const since = standin.requests.at(-1)?.seq ?? 0;
    options.log(`${options.store}: ${options.processes} processes connected; waiting for the next minute`);
    const posts = () =>
      standin.requests.filter((r) => r.seq > since && r.method === 'POST' && MESSAGES.test(r.path));
    const first = await standin.waitForRequest(
      { method: 'POST', path: '/channels/:channelId/messages', since },
      { timeoutMs: 150_000 },
    );
    // Every channel is due in this minute; then 5 s without a post.
    let reported = Date.now();
    for (;;) {
      await sleep(500);
      const all = posts();
      const channels = new Set(all.filter((r) => r.status === 200).map((r) => r.path.split('/')[2]));
      const last = all.at(-1);
      if (channels.size >= options.digests && last && Date.now() - last.at > 5000) break;
      if (Date.now() - reported > 10_000) {
        reported = Date.now();
        options.log(`${options.store}: ${all.length} posts, ${channels.size} of ${options.digests} channels`);
      }
      if (Date.now() > first.at + 240_000)
        throw new Error(
          `${options.store}: only ${channels.size} of ${options.digests} channels got a digest`,
        );
    }
    const all = posts();
    const accepted = all.filter((r) => r.status === 200);
    const lastAt = accepted.at(-1)?.at ?? first.at;
    const round = standin.requests.filter((r) => r.seq > since && counted(r) && r.at <= lastAt);
    const tick = Math.floor(first.at / 60_000) * 60_000;
    return {
      store: options.store === 'redis' ? 'Redis' : 'SQLite (one file)',
      processes: options.processes,
      digests: options.digests,
      accepted: accepted.length,
      channelsPosted: new Set(accepted.map((r) => r.path.split('/')[2])).size,
      requests: round.length,
      rateLimited: standin.requests.filter((r) => r.seq > since && r.status === 429).length,
      busiestSecond: busiestSecond(round.map((r) => r.at)),
      startLagMs: first.at - tick,
      totalMs: lastAt - tick,
      achievedPerSecond:
        accepted.length <= 1 ? 0 : ((accepted.length - 1) * 1000) / Math.max(1, lastAt - first.at),
    };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
    await standin.close();
    await rm(work, { recursive: true, force: true });
  }
}

export function formatClusterFanout(results: readonly ClusterFanoutResult[]): string {
  const rows = results.map(
    (r) =>
      `${r.store.padEnd(18)} ${String(r.processes).padStart(9)} ${String(r.digests).padStart(7)} ${`${r.accepted} (${r.channelsPosted} ch.)`.padStart(15)} ${String(r.rateLimited).padStart(5)} ${String(r.busiestSecond).padStart(14)} ${`${(r.startLagMs / 1000).toFixed(1)} s`.padStart(10)} ${`${(r.totalMs / 1000).toFixed(1)} s`.padStart(13)} ${`${r.achievedPerSecond.toFixed(1)}/s`.padStart(8)}`,
  );
  return [
    'store              processes digests  posts accepted   429s busiest second first post  last accepted     rate',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const { values } = parseArgs({
    options: {
      digests: { type: 'string', default: '500' },
      processes: { type: 'string', default: '3' },
      stores: { type: 'string', default: 'redis,sqlite' },
      json: { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const workDir = await mkdtemp(path.join(tmpdir(), 'sitrep-fanout-cluster-'));
  const results: ClusterFanoutResult[] = [];
  try {
    for (const store of (values.stores ?? '').split(',') as ('redis' | 'sqlite')[]) {
      const redisUrl = store === 'redis' ? await flushedRedis(6) : undefined;
      if (store === 'redis' && !redisUrl) {
        log('no Redis at REDIS_URL (unset, or it does not answer): the Redis run is skipped');
        continue;
      }
      results.push(
        await measureClusterFanout({
          store,
          redisUrl,
          digests: Number(values.digests),
          processes: Number(values.processes),
          workDir,
          log,
        }),
      );
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  process.stdout.write(`${values.json ? JSON.stringify(results, null, 2) : formatClusterFanout(results)}\n`);
}
