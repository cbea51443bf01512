// The failover drill of tests/digest-failover*.e2e.test.ts: two real `sitrep start` processes on one
// state store; the one running a digest is killed with SIGKILL in the middle of a run (its post
// failing); the other must take the run over within 15 s and finish it: every incident posted, none
// POSTed twice (counted as raw POSTs the stand-in accepted, not after its nonce de-duplication).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createStateStore } from '../../src/state/store.ts';
import { type Standin, startStandin } from '../discord/standin.ts';
import { sleep, until } from './wait.ts';

const CHANNEL = '100000000000000031';

let standin: Standin;
let work: string;
let dataDir: string;
const children: ChildProcess[] = [];

/** Registers the stand-in, the data folder and the clean-up for a test file. */
export function setUpFailover(): void {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'sitrep-failover-'));
    dataDir = path.join(work, 'data');
    await cp('data', dataDir, { recursive: true });
    standin = await startStandin({ guilds: [{ name: 'Desk', channels: [{ id: CHANNEL, name: 'drill' }] }] });
  });
  afterEach(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    standin.clearFaults();
  });
  afterAll(async () => {
    await standin?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });
}

function incident(id: string, title: string): string {
  return JSON.stringify({
    id,
    title,
    date: { start: '2026-11-26' },
    location: { country: 'Syria', iso3: 'SYR' },
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Written for the failover test.',
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

/** Raw channel POSTs the stand-in accepted that carry `text` (a nonce re-send counts again). */
const rawPosts = (text: string) =>
  standin.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === `/channels/${CHANNEL}/messages` &&
      r.status === 200 &&
      JSON.stringify(r.body).includes(text),
  ).length;

/** `sitrep start` as a child process, each with its own index, on the shared store. */
function startChild(name: string, storeUrl: string) {
  let output = '';
  const child = spawn(process.execPath, [path.resolve('bin/sitrep.js'), 'start'], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      DISCORD_TOKEN: standin.token,
      DISCORD_API_URL: standin.apiUrl,
      DATA_DIR: dataDir,
      INDEX_PATH: path.join(work, `index-${name}.sqlite`),
      STORE_URL: storeUrl,
      DIGEST_1_CHANNEL: CHANNEL,
      DIGEST_1_CRON: '*/2 * * * * *',
      DIGEST_1_TIMEZONE: 'UTC',
      DIGEST_1_TITLE: 'Failover drill',
      LOG_LEVEL: 'info',
    },
  });
  children.push(child);
  const collect = (c: Buffer) => {
    output += c.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { name, child, output: () => output };
}

/** Makes Discord fail every post and adds an incident: the run carrying it stays pending, its owner retrying. */
async function pendingRun(title: string, file: string): Promise<void> {
  const fault = standin.failNext({
    method: 'POST',
    path: `/channels/${CHANNEL}/messages`,
    status: 503,
    times: 1000,
  });
  await writeFile(path.join(dataDir, `${file}.json`), incident(`2026-11-26-${file}`, title));
  await until('a post attempt of the pending run', () => fault.hits >= 1, 20_000);
}

/** Which of `lives` holds the digest's lease now (its owner string names its pid). */
async function leaseHolder<T extends { child: ChildProcess }>(storeUrl: string, lives: T[]): Promise<T> {
  const shared = createStateStore(storeUrl);
  const holder = await shared.leases?.holder(`digest:1:${CHANNEL}`);
  await shared.close();
  const owner = lives.find((l) => holder?.owner.split(':')[1] === String(l.child.pid));
  if (!owner) throw new Error(`no lease holder among the children: ${JSON.stringify(holder)}`);
  return owner;
}

/**
 * The drill on `store` (an SQLite file in the test's folder when undefined): the SIGKILL, then with
 * `sigterm`, a third process joins and the next owner is stopped with SIGTERM mid-run. Returns the
 * time from the SIGKILL to the survivor's post, and from the SIGTERM to the other's taking over.
 */
export async function failoverDrill(
  name: string,
  store: string | undefined,
  { sigterm = false } = {},
): Promise<{ failoverMs: number; handoverMs: number | undefined }> {
  const storeUrl = store ?? `sqlite://${path.join(work, 'shared.sqlite')}`;
  const tag = name === 'Redis' ? 'r' : 's';
  const firstDigests = () => rawPosts('first digest in this channel');
  const before = firstDigests();
  const lives = [startChild(`${tag}a`, storeUrl), startChild(`${tag}b`, storeUrl)];
  const scheduling = (l: ReturnType<typeof startChild>) => l.output().includes('digest schedules started');
  await until('both processes to run their schedules', () => lives.every(scheduling), 40_000);
  await until('the first digest', () => firstDigests() > before, 20_000);

  const title = `Strike at the failover ${tag}`;
  await pendingRun(title, `failover-${tag}`);
  // Kill whichever process holds the digest's lease, outright.
  const owner = await leaseHolder(storeUrl, lives);
  const survivor = lives.find((l) => l !== owner) ?? owner;
  owner.child.kill('SIGKILL');
  const killedAt = Date.now();
  await once(owner.child, 'exit');
  standin.clearFaults();

  await until('the survivor to post the run', () => rawPosts(title) >= 1, 20_000);
  const failoverMs = Date.now() - killedAt;
  console.info(`failover on ${name}: ${failoverMs} ms from SIGKILL to the run's post`);
  expect(failoverMs).toBeLessThanOrEqual(15_000);
  await sleep(2500);
  expect(rawPosts(title)).toBe(1);
  expect(firstDigests() - before).toBe(1);
  expect(survivor.output()).toContain('resuming an unfinished digest run');

  let handoverMs: number | undefined;
  let last = survivor;
  if (sigterm) {
    const third = startChild(`${tag}c`, storeUrl);
    await until('the third process to run its schedule', () => scheduling(third), 40_000);
    const stopping = [survivor, third];
    const title2 = `Shelling at the handover ${tag}`;
    await pendingRun(title2, `handover-${tag}`);
    const holder = await leaseHolder(storeUrl, stopping);
    const other = stopping.find((l) => l !== holder) ?? holder;
    const seen = other.output().length;
    holder.child.kill('SIGTERM');
    const stoppedAt = Date.now();
    const [code] = (await once(holder.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // The other process resumes the run at once (the lease was handed back), not after the lease's TTL.
    const resumed = () =>
      other
        .output()
        .slice(seen)
        .split('\n')
        .find((line) => line.includes('resuming an unfinished digest run'));
    await until('the other process to resume the run', () => resumed() !== undefined, 20_000);
    handoverMs = (JSON.parse(resumed() ?? '{}') as { time: number }).time - stoppedAt;
    console.info(`handover on ${name}: ${handoverMs} ms from SIGTERM to the other's resuming the run`);
    standin.clearFaults();
    await until('the run after the handover', () => rawPosts(title2) >= 1, 20_000);
    await sleep(2500);
    expect(rawPosts(title2)).toBe(1);
    last = other;
  }
  last.child.kill('SIGTERM');
  const [code] = (await once(last.child, 'exit')) as [number | null];
  expect(code).toBe(0);
  return { failoverMs, handoverMs };
}
