// Run identity and the scheduler's watchdog, in isolation: the ids that nonces are made of never repeat
// between two runs of a digest, and a due slot that node-cron never delivered still runs.
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import type { DigestRunner, RunOutcome } from '../src/digest/runner.ts';
import { runIdFor } from '../src/digest/runner.ts';
import { startDigestSchedules } from '../src/digest/scheduler.ts';
import { createLogger } from '../src/logger.ts';
import { MORNING_DIGEST } from './helpers/digest-runner.ts';
import { memoryStore } from './helpers/memory-store.ts';
import { sleep, until } from './helpers/wait.ts';

const digest = MORNING_DIGEST;

describe('runIdFor', () => {
  const slot = Date.parse('2026-11-25T06:00:00Z');

  it('differs for the run composed after a resumed run of the same slot', () => {
    const resumed = runIdFor(digest, { scheduledFor: slot, since: 100, reason: 'scheduled' });
    const after = runIdFor(digest, { scheduledFor: slot, since: 200, after: resumed, reason: 'scheduled' });
    expect(after).not.toBe(resumed);
    // Even when the cursor did not move (a "nothing new" post), the resumed run sets it apart.
    const sameCursor = runIdFor(digest, {
      scheduledFor: slot,
      since: 100,
      after: resumed,
      reason: 'scheduled',
    });
    expect(sameCursor).not.toBe(resumed);
  });

  it('differs by slot, by cursor and by digest; is shared by two processes firing the same slot', () => {
    const base = { scheduledFor: slot, since: 100, reason: 'scheduled' as const };
    const ids = new Set([
      runIdFor(digest, base),
      runIdFor(digest, { ...base, scheduledFor: slot + 86_400_000 }),
      runIdFor(digest, { ...base, since: 101 }),
      runIdFor(digest, { ...base, since: undefined }),
      runIdFor(digest, { ...base, scheduledFor: undefined }),
      runIdFor({ ...digest, id: '2' }, base),
      runIdFor({ ...digest, channelId: '222222222222222222' }, base),
    ]);
    expect(ids.size).toBe(7);
    expect(runIdFor(digest, base)).toBe(runIdFor(digest, { ...base, reason: 'catch-up' }));
  });

  it('gives every manual run an id of its own', () => {
    const manual = { scheduledFor: undefined, since: 100, reason: 'manual' as const };
    expect(runIdFor(digest, manual)).not.toBe(runIdFor(digest, manual));
  });
});

describe('the scheduler watchdog', () => {
  it('runs a slot that came due without a tick, once, as a catch-up', async () => {
    const store = memoryStore();
    const calls: { scheduledFor?: number | undefined; reason: RunOutcome['reason'] }[] = [];
    const runner = {
      state: async () => ({
        cursor: undefined,
        pending: undefined,
        last: undefined,
        lastScheduled: undefined,
      }),
      run: async (_digest: DigestConfig, how: { scheduledFor?: number; reason: RunOutcome['reason'] }) => {
        calls.push(how);
        return {
          at: 0,
          scheduledFor: how.scheduledFor,
          reason: how.reason,
          outcome: 'empty',
          messages: 0,
          incidents: 0,
        };
      },
    } as unknown as DigestRunner;
    // The clock jumps a day ahead after the start (a suspended machine, a stalled process): node-cron,
    // on the real clock, has nothing to fire; the watchdog sees this morning's slot past due.
    let clock = Date.parse('2026-11-25T05:00:00Z');
    const scheduler = await startDigestSchedules({
      digests: [digest],
      runner,
      store,
      logger: createLogger({ level: 'silent' }),
      now: () => clock,
      watchdogMs: 20,
    });
    try {
      await sleep(100);
      expect(calls).toEqual([]);
      clock = Date.parse('2026-11-26T05:00:00Z');
      await until('the watchdog to run the slot', () => calls.length > 0, 5000);
      await sleep(200);
      expect(calls).toEqual([{ scheduledFor: Date.parse('2026-11-25T06:00:00Z'), reason: 'catch-up' }]);
    } finally {
      await scheduler.stop();
    }
  });
});
