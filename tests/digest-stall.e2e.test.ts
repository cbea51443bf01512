// A digest due while the event loop is blocked (a 100,000-incident file parsed on the main thread, a
// long garbage collection) runs as soon as the process is free again, not at its next due time. The
// real bot, the real node-cron and a daily schedule whose time falls inside a blocked stretch.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';
import { until } from './helpers/wait.ts';

const channelId = '100000000000000011';
let standin: Standin;
let work: string;
let bot: RunningBot | undefined;
const logLines: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-stall-'));
  await cp('data', path.join(work, 'data'), { recursive: true });
  standin = await startStandin({
    guilds: [{ name: 'Desk', channels: [{ id: channelId, name: 'briefings' }] }],
    interactionAckTimeoutMs: 0,
  });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  await rm(work, { recursive: true, force: true });
});

/** A daily 6-field schedule (UTC) at the whole second `at`. */
function dailyAt(at: number): string {
  const d = new Date(at);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
}

it('a daily run due while the event loop is blocked runs as soon as it is free, once', async () => {
  const console_ = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'log'), vi.spyOn(console, 'error')];
  const due = Math.ceil((Date.now() + 4000) / 1000) * 1000;
  const digest: DigestConfig = {
    id: '1',
    channelId,
    cron: dailyAt(due),
    timezone: 'UTC',
    countries: [],
    title: 'Morning briefing',
    whenEmpty: 'quiet',
  };
  const config = standinConfig(standin, {
    dataDir: path.join(work, 'data'),
    logLevel: 'info',
    storeUrl: `sqlite://${path.join(work, 'state.sqlite')}`,
    digests: [digest],
  });
  const logger = createLogger({
    level: 'info',
    destination: { write: (l: string) => void logLines.push(l) },
  });
  bot = await startBot({ config, logger, pollMs: 0, digestRetry: { attempts: 3, backoffMs: 20 } });
  expect(Date.now()).toBeLessThan(due - 800);

  // Block the event loop from just before the due second until 3 s after it: node-cron's timer fires
  // late, past its one-second tolerance, and it reports the tick as missed.
  while (Date.now() < due - 500) await new Promise((resolve) => setTimeout(resolve, 20));
  const blockedUntil = due + 3000;
  while (Date.now() < blockedUntil) {
    // busy: nothing else runs
  }

  await until(
    'the digest after the stall',
    () => standin.messages.some((m) => m.channelId === channelId),
    8000,
  );
  const postedAt = Date.now();
  expect(postedAt - blockedUntil).toBeLessThan(8000);
  const text = JSON.stringify(standin.messages.map((m) => m.body));
  expect(text).toContain('Shelling of government-held west Aleppo');
  await until('the run to be recorded', async () => (await bot?.digests.state(digest))?.last !== undefined);
  const state = await bot.digests.state(digest);
  expect(state.last?.scheduledFor).toBe(due);
  expect(state.last?.outcome).toBe('posted');
  expect(logLines.some((l) => l.includes('running it now'))).toBe(true);

  // Once: the watchdog and node-cron's own report of the missed tick do not run it again.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(standin.messages.filter((m) => m.channelId === channelId)).toHaveLength(1);

  // node-cron's own messages went to the JSON log, not to the console.
  for (const spy of console_) {
    expect(spy.mock.calls.flat().join(' ')).not.toMatch(/missed execution/i);
    spy.mockRestore();
  }
  expect(standin.violations).toEqual([]);
});
