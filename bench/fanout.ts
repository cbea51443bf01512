// Digest fan-out: many digests due in the same minute, posted by the real bot (its scheduler, runner,
// restSender and discord.js REST client) to a stand-in that enforces Discord's global rate limit.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncidentInput } from '../src/incidents/schema.ts';
import type { RecordedRequest, Standin, StandinOptions } from '../tests/discord/standin.ts';
import { startBotProcess } from './bot-process.ts';
import { incidentsJson } from './dataset.ts';
import { generateIncident } from './generate.ts';

export interface FanoutRound {
  /** `first`: each channel's first digest (the current picture); `regular`: a day's new incidents. */
  kind: 'first' | 'regular';
  /** POSTs to channel messages, including those answered 429. */
  requests: number;
  accepted: number;
  rateLimited: number;
  /** From the scheduled minute to the first post: composing and state writes before posting starts. */
  startLagMs: number;
  /** From the first post to the last accepted one. */
  spanMs: number;
  /** Accepted posts per second over that span. */
  achievedPerSecond: number;
  /** From the scheduled minute until the last post was accepted. */
  totalMs: number;
  channelsPosted: number;
  /** From the scheduled minute until 99% of the posts were accepted (one straggler aside). */
  p99Ms: number;
  /** Responses other than 200 and 429, by status. */
  otherStatuses: Record<string, number>;
}

export interface FanoutResult {
  digests: number;
  limitPerSecond: number;
  rounds: FanoutRound[];
  botRss: number;
  violations: number;
  /** The end of what the bot logged (warnings and errors), for a round that went wrong. */
  botLog: string;
}

export interface FanoutOptions {
  jsonDir: string;
  workDir: string;
  seed: number;
  digests: number;
  perSecond: number;
  /** New incidents for the regular round. */
  added: number;
  startStandin: (options: StandinOptions) => Promise<Standin>;
  log?: (line: string) => void;
  cpuProfileDir?: string | undefined;
}

const MESSAGES = '/channels/:channelId/messages';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function measureFanout(options: FanoutOptions): Promise<FanoutResult> {
  const channelIds = Array.from({ length: options.digests }, (_, i) =>
    String(200_000_000_000_000_000n + BigInt(i)),
  );
  const standin = await options.startStandin({
    guilds: [{ name: 'Desks', channels: channelIds.map((id, i) => ({ id, name: `desk-${i + 1}` })) }],
    globalRateLimit: { perSecond: options.perSecond },
    interactionAckTimeoutMs: 0,
  });
  // The data folder links the dataset's lists and gets the new incidents of the second round beside them.
  const dataDir = path.join(options.workDir, `fanout-data-${Date.now()}`);
  await mkdir(dataDir, { recursive: true });
  await symlink(path.join(options.jsonDir, 'lists'), path.join(dataDir, 'lists'), 'dir');
  const env: Record<string, string> = { DIGEST_TIMEZONE: 'UTC' };
  channelIds.forEach((id, i) => {
    const n = i + 1;
    env[`DIGEST_${n}_CHANNEL`] = id;
    env[`DIGEST_${n}_CRON`] = '0 * * * * *';
    env[`DIGEST_${n}_TITLE`] = `Desk ${n} briefing`;
    if (n % 5 === 0) env[`DIGEST_${n}_COUNTRIES`] = 'Syria,Iraq,Ukraine';
  });
  const bot = await startBotProcess({
    standin,
    dataDir,
    storeUrl: `sqlite://${path.join(options.workDir, `fanout-${Date.now()}.sqlite`)}`,
    cwd: options.workDir,
    env,
    cpuProfileDir: options.cpuProfileDir,
    label: 'fanout',
  });
  try {
    await standin.waitForSession({ timeoutMs: 600_000 });
    const log = options.log ?? (() => {});
    const rounds: FanoutRound[] = [];
    let since = 0;
    try {
      log('the bot is connected; waiting for the next minute');
      rounds.push(await round(standin, 'first', since, options.digests, log));
      since = standin.requests.at(-1)?.seq ?? 0;
      const added = newIncidents(options.seed, options.added);
      await writeFile(path.join(dataDir, 'new-incidents.json'), incidentsJson(added));
      log(`${added.length} new incidents written; waiting for the next minute`);
      rounds.push(await round(standin, 'regular', since, options.digests, log));
    } catch (error) {
      const statuses = new Map<number, number>();
      for (const r of standin.requests) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; responses by status: ${JSON.stringify([...statuses])}; the bot said: ${bot.output().slice(-1500)}`,
      );
    }
    return {
      digests: options.digests,
      limitPerSecond: options.perSecond,
      rounds,
      botRss: bot.rss(),
      violations: standin.violations.length,
      botLog: bot.output().slice(-2000),
    };
  } finally {
    await bot.stop();
    await standin.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Waits for a minute's digests: every channel posted to, then 3 s without a post. */
async function round(
  standin: Standin,
  kind: FanoutRound['kind'],
  since: number,
  digests: number,
  log: (line: string) => void,
): Promise<FanoutRound> {
  const posts = () =>
    standin.requests.filter((r) => r.seq > since && r.method === 'POST' && r.route === MESSAGES);
  const first = await standin.waitForRequest(
    { method: 'POST', path: MESSAGES, since },
    { timeoutMs: 150_000 },
  );
  // Every channel is due in this minute: a digest not posted long after the next tick was skipped.
  const deadline = first.at + 120_000;
  let reported = Date.now();
  for (;;) {
    await sleep(500);
    const all = posts();
    const last = all.at(-1);
    const channels = new Set(all.filter((r) => r.status === 200).map((r) => r.path.split('/')[2]));
    if (channels.size >= digests && last && Date.now() - last.at > 3000) break;
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      log(`${kind}: ${all.length} posts, ${channels.size} of ${digests} channels so far`);
    }
    if (Date.now() > deadline)
      throw new Error(`fan-out (${kind}): only ${channels.size} of ${digests} channels got a digest`);
  }
  return summarizeRound(kind, first, posts());
}

function summarizeRound(
  kind: FanoutRound['kind'],
  first: RecordedRequest,
  posts: RecordedRequest[],
): FanoutRound {
  const accepted = posts.filter((r) => r.status === 200);
  const tick = Math.floor(first.at / 60_000) * 60_000;
  const lastAt = accepted.at(-1)?.at ?? first.at;
  const spanMs = Math.max(1, lastAt - first.at);
  const otherStatuses: Record<string, number> = {};
  for (const r of posts) {
    if (r.status !== 200 && r.status !== 429) otherStatuses[r.status] = (otherStatuses[r.status] ?? 0) + 1;
  }
  const p99At = accepted[Math.max(0, Math.ceil(accepted.length * 0.99) - 1)]?.at ?? lastAt;
  return {
    p99Ms: p99At - tick,
    otherStatuses,
    kind,
    requests: posts.length,
    accepted: accepted.length,
    rateLimited: posts.filter((r) => r.status === 429).length,
    startLagMs: first.at - tick,
    spanMs,
    achievedPerSecond: accepted.length <= 1 ? 0 : ((accepted.length - 1) * 1000) / spanMs,
    totalMs: lastAt - tick,
    channelsPosted: new Set(accepted.map((r) => r.path.split('/')[2])).size,
  };
}

/** A day's new incidents, dated the day before the benchmark's "now", ids marked as new. */
function newIncidents(seed: number, count: number): IncidentInput[] {
  return Array.from({ length: count }, (_, k) => {
    const raw = generateIncident(seed, 5_000_000 + k);
    const country = k % 3 === 0 ? { country: 'Syria', iso3: 'SYR' } : {};
    return {
      ...raw,
      id: `${raw.id}-new-${k}`,
      date: { start: '2025-01-14' },
      location: { ...raw.location, ...country },
    };
  });
}
