// The cluster drill of issue 15: three real `sitrep start` processes on one state store (Redis, or one
// SQLite file), many digests on a short cron schedule, a new incident file every second, and every
// so often the process holding the most digest leases killed with SIGKILL as a slot's runs begin, and
// started again. Every incident is counted in every channel from the raw POSTs the Discord stand-in
// accepted (its nonce memory is off: each accepted POST is a message), so a re-send Discord would
// take after its nonce window counts as a duplicate. `tests/cluster.e2e.test.ts` runs a short
// version; `sitrep bench --cluster-only` a long one.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStateStore, type StateStore } from '../src/state/store.ts';
import type { RecordedRequest } from '../tests/discord/standin.ts';
import { sleep, until } from '../tests/helpers/wait.ts';

const BIN = fileURLToPath(new URL('../bin/sitrep.js', import.meta.url));
const MESSAGES = '/channels/:channelId/messages';
/** Discord keeps a nonce "for the past few minutes": a re-send with the same nonce this soon is dropped. */
export const NONCE_GRACE_MS = 60_000;
const COUNTRIES = [
  { country: 'Syria', iso3: 'SYR' },
  { country: 'Iraq', iso3: 'IRQ' },
  { country: 'Ukraine', iso3: 'UKR' },
  { country: 'Yemen', iso3: 'YEM' },
] as const;
/** Digest n gets FILTERS[n % 4]: every filter matches an incident at least every 4 s. */
const FILTERS: readonly (readonly string[])[] = [[], ['Syria'], ['Iraq', 'Ukraine'], ['Yemen']];

export interface ClusterOptions {
  /** `Redis` or `SQLite (one file)`, for the report. */
  label: string;
  /** `redis://…` (flushed by the caller) or `sqlite://<file>`. */
  storeUrl: string;
  /** A folder of its own is made here, and removed after the run unless something went wrong. */
  workDir: string;
  processes?: number;
  digests: number;
  /** The cron schedule's step in seconds (every digest is due at the same seconds). */
  everySeconds: number;
  /** How long new incident files are added (one every `addEveryMs`). */
  addForMs: number;
  addEveryMs?: number;
  /** A SIGKILL at the next slot after every `killEveryMs` of adding (none in the last slot and a half). */
  killEveryMs: number;
  /** Keep the processes' logs even when nothing went wrong (they are kept anyway when something did). */
  keepLogs?: boolean;
  /** The stand-in's global limit (Discord's is 50 requests/s). */
  perSecond?: number;
  log?: (line: string) => void;
}

export interface ClusterKill {
  at: number;
  slot: number;
  process: number;
  /** Digest leases the killed process held at the kill, and their channels. */
  leasesHeld: number;
  owned: string[];
  /** Channels whose run of `slot` had not posted at the kill. */
  due: number;
  /** From the kill to the first post of a run the killed process owned: taken over by another. */
  takeoverMs: number | undefined;
  /** From the kill to the last of those channels' next accepted post; undefined when none was due. */
  failoverMs: number | undefined;
}

export interface ClusterResult {
  label: string;
  processes: number;
  digests: number;
  everySeconds: number;
  durationMs: number;
  incidents: number;
  /** (incident, channel) pairs that should be posted: the channel's filter matches the incident. */
  expected: number;
  /** Pairs listed by id in an accepted message. */
  listed: number;
  /**
   * Pairs not listed in a channel whose digests summarised at least that many incidents without
   * listing them (a run covering more than 25): delivered as a count and a /latest line.
   */
  summarised: number;
  /** Incidents listed in a channel whose filter does not match them. */
  misrouted: number;
  /** Pairs posted in two messages (distinct nonces, or one nonce re-sent after NONCE_GRACE_MS). */
  postedTwice: number;
  /** Pairs neither listed nor accounted for by a summary. */
  lost: number;
  /** Accepted re-sends of a message with its nonce within NONCE_GRACE_MS (Discord drops them). */
  nonceResends: number;
  kills: ClusterKill[];
  maxFailoverMs: number | undefined;
  maxTakeoverMs: number | undefined;
  posts: number;
  rateLimited: number;
  otherStatuses: Record<string, number>;
  /** From the processes' logs. */
  resumes: number;
  leasesLost: number;
  errors: number;
  /** A few of the duplicates and losses, for the report of a defect. */
  examples: { twice: string[]; lost: string[] };
  /** The processes' logs, kept when something was posted twice, lost or logged as an error (else removed). */
  logDir: string | undefined;
}

interface Life {
  slot: number;
  child: ChildProcess;
  ready: boolean;
  exited: Promise<unknown>;
}

const incidentId = (tag: string, n: number) => `2026-11-26-cluster-${tag}-${String(n).padStart(5, '0')}`;

function incidentJson(id: string, n: number): string {
  const place = COUNTRIES[n % COUNTRIES.length] ?? COUNTRIES[0];
  return JSON.stringify({
    id,
    title: `Clash ${n} of the cluster drill`,
    date: { start: '2026-11-26' },
    location: place,
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Written for the cluster drill.',
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

const matches = (filter: readonly string[], country: string) =>
  filter.length === 0 || filter.includes(country);

export async function runCluster(options: ClusterOptions): Promise<ClusterResult> {
  const log = options.log ?? (() => {});
  const processes = options.processes ?? 3;
  const addEveryMs = options.addEveryMs ?? 1000;
  const tag = options.label.startsWith('Redis') ? 'r' : 's';
  const work = path.join(options.workDir, `sitrep-cluster-${tag}-${Date.now()}`);
  const dataDir = path.join(work, 'data');
  const logDir = path.join(work, 'logs');
  await mkdir(dataDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  // One incident per country, so every channel's first digest has something to say.
  for (const [n] of COUNTRIES.entries())
    await writeFile(path.join(dataDir, `base-${n}.json`), incidentJson(`2026-11-26-base-${n}`, n));

  const channels = Array.from({ length: options.digests }, (_, i) =>
    String(300_000_000_000_000_000n + BigInt(i)),
  );
  const filterOf = (i: number) => FILTERS[(i + 1) % FILTERS.length] ?? [];
  const { startStandin } = await import('../tests/discord/standin.ts');
  const standin = await startStandin({
    guilds: [{ name: 'Desks', channels: channels.map((id, i) => ({ id, name: `desk-${i + 1}` })) }],
    nonceWindowMs: 0,
    globalRateLimit: { perSecond: options.perSecond ?? 50 },
    interactionAckTimeoutMs: 0,
  });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISCORD_TOKEN: standin.token,
    DISCORD_API_URL: standin.apiUrl,
    DATA_DIR: dataDir,
    STORE_URL: options.storeUrl,
    DIGEST_TIMEZONE: 'UTC',
    LOG_LEVEL: 'info',
    TZ: 'UTC',
  };
  channels.forEach((id, i) => {
    env[`DIGEST_${i + 1}_CHANNEL`] = id;
    env[`DIGEST_${i + 1}_CRON`] = `*/${options.everySeconds} * * * * *`;
    env[`DIGEST_${i + 1}_TITLE`] = `Desk ${i + 1}`;
    const filter = filterOf(i);
    if (filter.length > 0) env[`DIGEST_${i + 1}_COUNTRIES`] = filter.join(',');
  });

  let lives = 0;
  const start = (slot: number): Life => {
    const file = createWriteStream(path.join(logDir, `p${slot}-${++lives}.log`));
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: work,
      env: { ...env, INDEX_PATH: path.join(work, `index-p${slot}.sqlite`) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const life: Life = { slot, child, ready: false, exited: once(child, 'exit') };
    let tail = '';
    const take = (chunk: Buffer) => {
      file.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      if (!life.ready && tail.includes('digest schedules started')) life.ready = true;
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    void life.exited.then(() => file.end());
    return life;
  };

  const shared: StateStore = createStateStore(options.storeUrl);
  const running: Life[] = Array.from({ length: processes }, (_, slot) => start(slot));
  const all = [...running];
  const started = Date.now();
  const kills: ClusterKill[] = [];
  const added: { id: string; country: string }[] = [];
  const accepted = () =>
    standin.requests.filter(
      (r) => r.method === 'POST' && r.route === MESSAGES && r.status === 200 && !r.injected,
    );
  const channelOf = (r: RecordedRequest) => r.path.split('/')[2] ?? '';
  const step = options.everySeconds * 1000;
  let keep = false;
  let adding: Promise<void> = Promise.resolve();
  let stopAdding = false;
  try {
    await until('every process to start its digest schedules', () => running.every((l) => l.ready), 120_000);
    log(`${processes} processes started; waiting for every channel's first digest`);
    await until(
      "every channel's first digest",
      () => new Set(accepted().map(channelOf)).size >= channels.length,
      options.everySeconds * 1000 * 3 + 30_000,
    );

    const addStart = Date.now();
    adding = (async () => {
      for (let n = 0; !stopAdding && Date.now() - addStart < options.addForMs; n++) {
        const id = incidentId(tag, n);
        // Written beside the folder and renamed in: the bot never reads half a file.
        const tmp = path.join(work, `${id}.json`);
        await writeFile(tmp, incidentJson(id, n));
        await rename(tmp, path.join(dataDir, `${id}.json`));
        added.push({ id, country: (COUNTRIES[n % COUNTRIES.length] ?? COUNTRIES[0]).country });
        await sleep(Math.max(0, addStart + (n + 1) * addEveryMs - Date.now()));
      }
    })();

    for (let k = 1; addStart + k * options.killEveryMs < addStart + options.addForMs - 1.5 * step; k++) {
      await sleep(addStart + k * options.killEveryMs - Date.now());
      const kill = await killAnOwner(running, Math.ceil(Date.now() / step) * step);
      if (!kill) continue;
      kills.push(kill);
      const victim = running[kill.process];
      log(
        `kill ${kills.length}: process ${kill.process} (holding ${kill.leasesHeld} digest leases) at ${new Date(kill.at).toISOString()}, ${kill.due} runs due`,
      );
      if (victim) await victim.exited;
      const life = start(kill.process);
      running[kill.process] = life;
      all.push(life);
    }
    await adding;
    log(`${added.length} incidents added; waiting for the last runs`);

    const expectedPairs = added.flatMap(({ id, country }) =>
      channels.flatMap((channel, i) => (matches(filterOf(i), country) ? [`${channel} ${id}`] : [])),
    );
    // Counting reads every post's body: once a second is enough.
    const lastWait = Date.now() + step * 3 + 25_000;
    for (;;) {
      const { seen } = deliveries(accepted(), tag);
      const missing = expectedPairs.filter((pair) => !seen.has(pair)).length;
      if (missing === 0) break;
      if (Date.now() > lastWait) {
        log(`${missing} incident deliveries still missing; counting them as lost`);
        break;
      }
      await sleep(1000);
    }
    // A late duplicate has one more slot to show itself.
    await sleep(step + 3000);

    const posts = accepted();
    const expectedSet = new Set(expectedPairs);
    const { seen, twice, nonceResends, hidden } = deliveries(posts, tag);
    const misrouted = [...seen].filter((pair) => !expectedSet.has(pair)).length;
    // A pair missing from a channel whose summaries counted that many unlisted incidents was delivered
    // as a count (and a /latest line), not lost.
    const missing = new Map<string, string[]>();
    for (const pair of expectedPairs.filter((p) => !seen.has(p))) {
      const channel = pair.split(' ')[0] ?? '';
      missing.set(channel, [...(missing.get(channel) ?? []), pair]);
    }
    const lost = [...missing].flatMap(([channel, pairs]) =>
      pairs.length > (hidden.get(channel) ?? 0) ? pairs : [],
    );
    const summarised = [...missing].reduce(
      (sum, [channel, pairs]) => sum + Math.min(pairs.length, hidden.get(channel) ?? 0),
      0,
    );
    for (const kill of kills) Object.assign(kill, failoverOf(kill, posts));
    const most = (values: (number | undefined)[]) => {
      const known = values.filter((v): v is number => v !== undefined);
      return known.length > 0 ? Math.max(...known) : undefined;
    };
    const otherStatuses: Record<string, number> = {};
    const messagePosts = standin.requests.filter((r) => r.method === 'POST' && r.route === MESSAGES);
    for (const r of messagePosts)
      if (r.status !== 200 && r.status !== 429) otherStatuses[r.status] = (otherStatuses[r.status] ?? 0) + 1;
    await stopAll(running);
    const logs = await readLogs(logDir);
    const errors = count(logs, '"level":50');
    keep = twice.length > 0 || lost.length > 0 || misrouted > 0 || errors > 0 || options.keepLogs === true;
    return {
      label: options.label,
      processes,
      digests: options.digests,
      everySeconds: options.everySeconds,
      durationMs: Date.now() - started,
      incidents: added.length,
      expected: expectedPairs.length,
      listed: expectedPairs.filter((pair) => seen.has(pair)).length,
      misrouted,
      summarised,
      postedTwice: twice.length,
      lost: lost.length,
      nonceResends,
      kills,
      maxFailoverMs: most(kills.map((k) => k.failoverMs)),
      maxTakeoverMs: most(kills.map((k) => k.takeoverMs)),
      posts: posts.length,
      rateLimited: standin.globalRateLimited,
      otherStatuses,
      resumes: count(logs, 'resuming an unfinished digest run'),
      leasesLost: count(logs, 'lease lost'),
      errors,
      examples: { twice: twice.slice(0, 5), lost: lost.slice(0, 5) },
      logDir: keep ? logDir : undefined,
    };
  } finally {
    stopAdding = true;
    await adding.catch(() => undefined);
    await stopAll(running);
    for (const life of all)
      if (life.child.exitCode === null && life.child.signalCode === null) life.child.kill('SIGKILL');
    await shared.close();
    await standin.close();
    // The logs (and indexes) stay when something was posted twice or lost: they say what happened.
    await rm(keep ? dataDir : work, { recursive: true, force: true });
  }

  /**
   * Waits for `slot`, then for a process to hold the leases of at least half its share of the digests
   * whose runs have not posted yet (or, 1.5 s after the slot, of any), and kills the process holding the
   * most of them: the owner of runs under way.
   */
  async function killAnOwner(running: Life[], slot: number): Promise<ClusterKill | undefined> {
    await sleep(Math.max(0, slot - Date.now()));
    const deadline = slot + Math.min(step, 5000);
    const share = Math.ceil(channels.length / running.length / 2);
    while (Date.now() < deadline) {
      const posted = new Set(
        accepted()
          .filter((r) => r.at >= slot)
          .map(channelOf),
      );
      const waiting = channels.flatMap((channel, i) =>
        posted.has(channel) ? [] : [`digest:${i + 1}:${channel}`],
      );
      const holders = await Promise.all(waiting.map((name) => shared.leases?.holder(name)));
      const held = new Map<number, number>();
      const ownerOf = holders.map((holder) => {
        const pid = holder?.owner.split(':')[1];
        const slotOf = running.findIndex((l) => String(l.child.pid) === pid);
        if (slotOf >= 0) held.set(slotOf, (held.get(slotOf) ?? 0) + 1);
        return slotOf;
      });
      const [victim, leasesHeld] = [...held].sort((a, b) => b[1] - a[1])[0] ?? [];
      const life = victim === undefined ? undefined : running[victim];
      // Processes take their leases one run at a time: wait (a little) for one that owns a good share.
      const enough = (leasesHeld ?? 0) >= share || Date.now() > slot + 1500;
      if (life && victim !== undefined && leasesHeld !== undefined && enough) {
        life.child.kill('SIGKILL');
        const at = Date.now();
        const due =
          channels.length -
          new Set(
            accepted()
              .filter((r) => r.at >= slot)
              .map(channelOf),
          ).size;
        const owned = waiting.filter((_, i) => ownerOf[i] === victim).map((name) => name.split(':')[2] ?? '');
        return {
          at,
          slot,
          process: victim,
          leasesHeld,
          owned,
          due,
          takeoverMs: undefined,
          failoverMs: undefined,
        };
      }
      await sleep(10);
    }
    log(`no process held a lease of a due run within ${deadline - slot} ms of the slot; no kill`);
    return undefined;
  }

  /**
   * From the kill to the first post of a run the killed process owned, and to the post of the last run
   * due at the kill (whoever owned it).
   */
  function failoverOf(kill: ClusterKill, posts: RecordedRequest[]) {
    const before = new Set(posts.filter((r) => r.at >= kill.slot && r.at < kill.at).map(channelOf));
    const gap = (channel: string) => {
      const next = posts.find((r) => r.at >= kill.at && channelOf(r) === channel);
      return next === undefined ? Number.POSITIVE_INFINITY : next.at - kill.at;
    };
    const due = channels.filter((channel) => !before.has(channel)).map(gap);
    const owned = kill.owned.filter((channel) => !before.has(channel)).map(gap);
    return {
      takeoverMs: owned.length > 0 ? Math.min(...owned) : undefined,
      failoverMs: due.length > 0 ? Math.max(...due) : undefined,
    };
  }
}

/**
 * Which (channel, incident) pairs the accepted posts delivered, and which they delivered twice: posts
 * of one nonce within NONCE_GRACE_MS of its first are one message (Discord drops the re-send); any
 * other second post of an incident in a channel is a duplicate. `hidden`: per channel, how many
 * incidents messages counted in their summary (a run with more than a digest shows) without listing.
 */
export function deliveries(posts: RecordedRequest[], tag: string) {
  const pattern = new RegExp(`2026-11-26-cluster-${tag}-\\d{5}`, 'g');
  const messages = new Map<string, { nonce: unknown; at: number }[]>();
  const firstOfNonce = new Map<string, number>();
  const hidden = new Map<string, number>();
  let nonceResends = 0;
  for (const r of posts) {
    const channel = r.path.split('/')[2] ?? '';
    const nonce = (r.body as { nonce?: unknown } | null)?.nonce;
    const key = `${channel} ${String(nonce)}`;
    const first = nonce === undefined ? undefined : firstOfNonce.get(key);
    if (first !== undefined && r.at - first < NONCE_GRACE_MS) {
      nonceResends += 1;
      continue;
    }
    if (nonce !== undefined) firstOfNonce.set(key, r.at);
    const text = JSON.stringify(r.body);
    const summary = /Summary: ([\d,]+) incidents?, the newest ([\d,]+) shown below/.exec(text);
    if (summary) {
      const [total, shown] = [summary[1], summary[2]].map((n) => Number((n ?? '0').replace(/,/g, '')));
      hidden.set(channel, (hidden.get(channel) ?? 0) + (total ?? 0) - (shown ?? 0));
    }
    for (const id of new Set(text.match(pattern) ?? [])) {
      const pair = `${channel} ${id}`;
      messages.set(pair, [...(messages.get(pair) ?? []), { nonce, at: r.at }]);
    }
  }
  const twice = [...messages]
    .filter(([, list]) => list.length > 1)
    .map(([pair, list]) => `${pair} ×${list.length}`);
  return { seen: new Set(messages.keys()), twice, nonceResends, hidden };
}

async function stopAll(running: Life[]): Promise<void> {
  await Promise.all(
    running.map(async (life) => {
      if (life.child.exitCode !== null || life.child.signalCode !== null) return;
      life.child.kill('SIGTERM');
      const timer = setTimeout(() => life.child.kill('SIGKILL'), 10_000);
      await life.exited;
      clearTimeout(timer);
    }),
  );
}

async function readLogs(dir: string): Promise<string> {
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The figures as a table, one row per store. */
export function formatCluster(results: ClusterResult[]): string {
  const first = results[0];
  if (!first) return 'Cluster: not run\n';
  const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
  const header = [
    'store'.padEnd(18),
    'time'.padStart(8),
    'incidents'.padStart(9),
    'expected'.padStart(8),
    'listed'.padStart(7),
    'summarised'.padStart(10),
    'twice'.padStart(5),
    'lost'.padStart(4),
    're-sent'.padStart(7),
    'kills'.padStart(5),
    'takeover'.padStart(8),
    'failover'.padStart(8),
    '429s'.padStart(4),
    'posts'.padStart(6),
    'resumes'.padStart(7),
  ];
  const rows = results.map((r) =>
    [
      r.label,
      seconds(r.durationMs),
      r.incidents,
      r.expected,
      r.listed,
      r.summarised,
      r.postedTwice,
      r.lost,
      r.nonceResends,
      r.kills.length,
      seconds(r.maxTakeoverMs),
      seconds(r.maxFailoverMs),
      r.rateLimited,
      r.posts,
      r.resumes,
    ]
      .map((value, i) =>
        i === 0 ? String(value).padEnd(18) : String(value).padStart(header[i]?.length ?? 0),
      )
      .join(' '),
  );
  const notes = results.flatMap((r) => [
    ...(r.examples.twice.length > 0 ? [`${r.label}: posted twice, e.g. ${r.examples.twice.join('; ')}`] : []),
    ...(r.examples.lost.length > 0 ? [`${r.label}: lost, e.g. ${r.examples.lost.join('; ')}`] : []),
    ...(r.misrouted > 0
      ? [`${r.label}: ${r.misrouted} incidents listed in a channel whose filter does not match`]
      : []),
    ...(r.logDir ? [`${r.label}: the processes' logs are kept in ${r.logDir}`] : []),
    ...(Object.keys(r.otherStatuses).length > 0
      ? [`${r.label}: other statuses ${JSON.stringify(r.otherStatuses)}`]
      : []),
    `${r.label}: per kill, takeover/failover (s): ${r.kills.map((k) => `${seconds(k.takeoverMs).replace(' s', '')}/${seconds(k.failoverMs).replace(' s', '')}`).join(', ') || 'none'}; digest leases the killed process held: ${r.kills.map((k) => k.leasesHeld).join(', ')}; lease losses logged ${r.leasesLost}, errors logged ${r.errors}`,
  ]);
  return [
    `Cluster: ${first.processes} processes, ${first.digests} digests every ${first.everySeconds} s, a new incident file every second, the process holding the most leases of due runs SIGKILLed as a slot begins (and restarted)`,
    header.join(' '),
    ...rows,
    ...notes,
    `(expected: (incident, channel) pairs whose filter matches; listed: by id in an accepted POST; summarised: counted, not listed, by a run covering more than a digest lists; twice: in two messages of one channel, from raw accepted POSTs; re-sent: the same nonce again within ${NONCE_GRACE_MS / 1000} s, which Discord drops; takeover: the longest from a kill to the first post of a run the killed process owned; failover: the longest from a kill to the post of the last run then due)`,
    '',
  ].join('\n');
}
