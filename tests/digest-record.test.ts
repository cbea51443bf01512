// The delivery record (src/digest/record.ts): bounded by runs, age and listed incidents, with the keys
// of dropped runs deleted in the same write, and runs found by the window they covered.
import { describe, expect, it } from 'vitest';
import {
  createDeliveryRecord,
  type IncidentFate,
  messageLink,
  type RunRecord,
  recordKeys,
} from '../src/digest/record.ts';
import { digestKey } from '../src/digest/runner.ts';
import { memoryStore } from './helpers/memory-store.ts';

const DIGEST = { id: '1', channelId: '111111111111111111' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function run(overrides: Partial<RunRecord> & { at: number }): RunRecord {
  return {
    runId: `r${overrides.at}`,
    reason: 'scheduled',
    outcome: 'posted',
    asOf: overrides.at,
    messages: [{ channelId: DIGEST.channelId, id: '900' }],
    counts: { posted: 1, summarized: 0, overCap: 0, filtered: 0, heldBack: 0, failed: 0 },
    filteredBy: {},
    incidents: {},
    unlisted: 0,
    ...overrides,
  };
}

const runKeys = (data: Map<string, string>) =>
  [...data.keys()].filter((k) => k.startsWith(`digest:1:${DIGEST.channelId}:run:`)).sort();

describe('delivery record', () => {
  it('keeps its keys in the runner format, and links messages', () => {
    expect(recordKeys.index(DIGEST)).toBe(digestKey(DIGEST, 'runs'));
    expect(recordKeys.run(DIGEST, 'run:a:1')).toBe(digestKey(DIGEST, 'run:a:1'));
    expect(messageLink('1', '2', '3')).toBe('https://discord.com/channels/1/2/3');
  });

  it('lists runs newest first and keeps at most maxRuns, deleting the keys of the ones it drops', async () => {
    const store = memoryStore();
    const now = 100 * DAY;
    const record = createDeliveryRecord(store, { maxRuns: 3, now: () => now });
    for (let i = 1; i <= 5; i++) await record.add(DIGEST, run({ at: now - (10 - i) * HOUR }));
    const runs = await record.runs(DIGEST);
    expect(runs.map((r) => r.at)).toEqual([now - 5 * HOUR, now - 6 * HOUR, now - 7 * HOUR]);
    expect(runKeys(store.data)).toHaveLength(3);
    expect(await record.runs(DIGEST, 1)).toHaveLength(1);
    // Added out of order (a slow process), a run still takes its place by time.
    await record.add(DIGEST, run({ at: now - 6.5 * HOUR, runId: 'late' }));
    expect((await record.runs(DIGEST)).map((r) => r.runId)).toEqual([
      `r${now - 5 * HOUR}`,
      `r${now - 6 * HOUR}`,
      'late',
    ]);
    expect(runKeys(store.data)).toHaveLength(3);
  });

  it('keeps at most maxBytes of runs, dropping the oldest, and always the newest run', async () => {
    const store = memoryStore();
    const now = 100 * DAY;
    const size = JSON.stringify(run({ at: now })).length;
    const record = createDeliveryRecord(store, { maxBytes: size * 2.5, now: () => now });
    for (let i = 1; i <= 6; i++) await record.add(DIGEST, run({ at: now - (10 - i) * HOUR }));
    expect((await record.runs(DIGEST)).map((r) => r.at)).toEqual([now - 4 * HOUR, now - 5 * HOUR]);
    expect(runKeys(store.data)).toHaveLength(2);
    // A run larger than the whole budget is still kept, alone.
    const huge = createDeliveryRecord(store, { maxBytes: 10, now: () => now });
    await huge.add(DIGEST, run({ at: now - HOUR }));
    expect((await record.runs(DIGEST)).map((r) => r.at)).toEqual([now - HOUR]);
    expect(runKeys(store.data)).toHaveLength(1);
  });

  it('drops runs older than maxAgeMs, at reading and (with their keys) at the next write', async () => {
    const store = memoryStore();
    let now = 100 * DAY;
    const record = createDeliveryRecord(store, { now: () => now });
    await record.add(DIGEST, run({ at: now - 29 * DAY }));
    await record.add(DIGEST, run({ at: now - DAY }));
    expect(await record.runs(DIGEST)).toHaveLength(2);
    now += 2 * DAY;
    expect((await record.runs(DIGEST)).map((r) => r.at)).toEqual([now - 3 * DAY]);
    expect(runKeys(store.data)).toHaveLength(2);
    await record.add(DIGEST, run({ at: now }));
    expect(runKeys(store.data)).toHaveLength(2);
    expect((await record.runs(DIGEST)).map((r) => r.at)).toEqual([now, now - 3 * DAY]);
    // A run already too old is not kept at all.
    await record.add(DIGEST, run({ at: now - 40 * DAY }));
    expect(runKeys(store.data)).toHaveLength(2);
  });

  it('writes through the given write (a lease), with the dropped keys as its deletes', async () => {
    const store = memoryStore();
    const record = createDeliveryRecord(store, { maxRuns: 1, now: () => 10 * HOUR });
    const writes: { keys: string[]; deletes: string[] | undefined }[] = [];
    const write = async (entries: { key: string; value: unknown }[], deletes?: string[]) => {
      writes.push({ keys: entries.map((e) => e.key), deletes });
      await store.setMany(entries);
      for (const key of deletes ?? []) await store.delete(key);
    };
    await record.add(DIGEST, run({ at: HOUR, runId: 'a' }), write);
    await record.add(DIGEST, run({ at: 2 * HOUR, runId: 'b' }), write);
    expect(writes[1]).toEqual({
      keys: [digestKey(DIGEST, `run:b:${2 * HOUR}`), digestKey(DIGEST, 'runs')],
      deletes: [digestKey(DIGEST, `run:a:${HOUR}`)],
    });
    expect(runKeys(store.data)).toEqual([digestKey(DIGEST, `run:b:${2 * HOUR}`)]);
    // A failed write leaves the record as it was.
    store.failWrites = true;
    await expect(record.add(DIGEST, run({ at: 3 * HOUR }))).rejects.toThrow();
    store.failWrites = false;
    expect((await record.runs(DIGEST)).map((r) => r.runId)).toEqual(['b']);
  });

  it('keeps a resumed run (same id, later) as a run of its own, and the same run added twice once', async () => {
    const store = memoryStore();
    const record = createDeliveryRecord(store, { now: () => 10 * HOUR });
    await record.add(DIGEST, run({ at: HOUR, runId: 'x', outcome: 'failed', status: 500, error: 'boom' }));
    await record.add(DIGEST, run({ at: HOUR, runId: 'x', outcome: 'failed', status: 500, error: 'boom' }));
    await record.add(DIGEST, run({ at: 2 * HOUR, runId: 'x' }));
    expect((await record.runs(DIGEST)).map((r) => [r.runId, r.outcome])).toEqual([
      ['x', 'posted'],
      ['x', 'failed'],
    ]);
  });

  it('lists at most maxListed incidents: posted and failed first, then summarized and over-cap', async () => {
    const store = memoryStore();
    const record = createDeliveryRecord(store, { maxListed: 5, now: () => 10 * HOUR });
    const incidents: Record<string, IncidentFate> = {
      f1: { fate: 'filtered', by: ['types'] },
      h1: { fate: 'held-back' },
      s1: { fate: 'summarized' },
      p1: { fate: 'posted', kind: 'new', message: 0 },
      f2: { fate: 'filtered', by: ['countries'] },
      o1: { fate: 'over-cap' },
      e1: { fate: 'failed', status: 500, error: 'x' },
      __proto__x: { fate: 'forbidden', status: 403 },
      s2: { fate: 'summarized' },
    };
    await record.add(DIGEST, run({ at: HOUR, incidents, unlisted: 7, error: 'e'.repeat(5000) }));
    const [kept] = await record.runs(DIGEST);
    expect(Object.keys(kept?.incidents ?? {})).toEqual(['s1', 'p1', 'o1', 'e1', '__proto__x']);
    expect(kept?.unlisted).toBe(7 + 4);
    expect(kept?.error?.length).toBeLessThanOrEqual(500);
    // Under the bound, nothing moves.
    await record.add(DIGEST, run({ at: 2 * HOUR, incidents: { a: { fate: 'held-back' } } }));
    expect((await record.runs(DIGEST, 1))[0]?.incidents).toEqual({ a: { fate: 'held-back' } });
  });

  it('keeps an id such as __proto__ as an id', async () => {
    const store = memoryStore();
    const record = createDeliveryRecord(store, { maxListed: 2, now: () => 10 * HOUR });
    const incidents = JSON.parse(
      '{"__proto__": {"fate": "held-back"}, "a": {"fate": "held-back"}, "b": {"fate": "summarized"}}',
    );
    await record.add(DIGEST, run({ at: 2 * HOUR, since: HOUR, incidents }));
    expect((await record.find(DIGEST, '__proto__', [1.5 * HOUR]))[0]?.fate).toEqual({ fate: 'held-back' });
    expect((await record.find(DIGEST, 'b', [1.5 * HOUR]))[0]?.fate).toEqual({ fate: 'summarized' });
    expect((await record.find(DIGEST, 'a', [1.5 * HOUR]))[0]?.fate).toBeUndefined();
    expect((await record.find(DIGEST, 'constructor', [1.5 * HOUR]))[0]?.fate).toBeUndefined();
  });

  it('finds the runs whose window (since, asOf] holds one of the times, and a first run after first seen', async () => {
    const store = memoryStore();
    const record = createDeliveryRecord(store, { now: () => 100 * HOUR });
    // A first run at 10, then windows (10, 20], (20, 30], a failed (30, 40] and its retry (30, 50].
    await record.add(DIGEST, run({ at: 10 * HOUR, runId: 'first', asOf: 10 * HOUR }));
    await record.add(
      DIGEST,
      run({
        at: 20 * HOUR,
        runId: 'b',
        since: 10 * HOUR,
        asOf: 20 * HOUR,
        incidents: { x: { fate: 'posted', kind: 'new', message: 0 } },
      }),
    );
    await record.add(DIGEST, run({ at: 30 * HOUR, runId: 'c', since: 20 * HOUR, asOf: 30 * HOUR }));
    await record.add(
      DIGEST,
      run({ at: 40 * HOUR, runId: 'd', since: 30 * HOUR, asOf: 40 * HOUR, outcome: 'failed', status: 503 }),
    );
    await record.add(
      DIGEST,
      run({
        at: 50 * HOUR,
        runId: 'e',
        since: 30 * HOUR,
        asOf: 50 * HOUR,
        incidents: { x: { fate: 'held-back' } },
      }),
    );
    const ids = async (times: number[]) =>
      (await record.find(DIGEST, 'x', times)).map((f) => [f.run.runId, f.fate?.fate]);
    // Seen at 5: the first run had it.
    expect(await ids([5 * HOUR])).toEqual([['first', undefined]]);
    // Seen at 15, changed at 35: run b posted it, d failed and e held the change back.
    expect(await ids([15 * HOUR, 35 * HOUR])).toEqual([
      ['e', 'held-back'],
      ['d', undefined],
      ['b', 'posted'],
    ]);
    // The window's end is in it, its start is not.
    expect(await ids([20 * HOUR])).toEqual([['b', 'posted']]);
    // Seen after every run: none yet.
    expect(await ids([60 * HOUR])).toEqual([]);
    expect(await ids([])).toEqual([]);
  });
});
