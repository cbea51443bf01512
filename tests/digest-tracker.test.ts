// The digest tracker in its store-backed form: it reads only what the index wrote since its last
// observation, survives a restart and a rebuilt index without reporting anything twice, and reads
// stores written by earlier versions.
import { describe, expect, it, vi } from 'vitest';
import { selectDigestItems } from '../src/digest/compose.ts';
import { incidentFacets } from '../src/digest/facets.ts';
import { IncidentTracker, partOf } from '../src/digest/tracker.ts';
import { type Catalog, shardOf } from '../src/incidents/catalog.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';
import { memoryStore } from './helpers/memory-store.ts';

const incident = (id: string, summary = 'A neutral summary.') =>
  makeIncident({ id, title: `Incident ${id}`, summary, date: { start: '2020-01-01' } });

/** Replaces one file's incidents in `catalog`, as the watcher does after an edit. */
function write(catalog: Catalog, file: string, incidents: Incident[]): void {
  catalog.transaction(() =>
    catalog.applyFile(
      { path: file, display: file, size: 1, mtimeMs: Date.now(), ino: 1, hash: String(Math.random()) },
      { file, incidents, problems: [] },
    ),
  );
}

function clock(start = Date.parse('2026-11-25T06:00:00Z')) {
  let t = start;
  return { now: () => t, tick: (ms = 60_000) => (t += ms) };
}

describe('the digest tracker', () => {
  it('logs each new or changed incident once, and a restarted tracker reads the same', async () => {
    const store = memoryStore();
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    const catalog = makeCatalog([incident('a'), incident('b')]);
    const t1 = await tracker.observe(catalog);
    expect((await tracker.changedSince(0, t1)).sort()).toEqual(['a', 'b']);

    time.tick();
    write(catalog, 'data/a.yaml', [incident('a', 'A revised summary.')]);
    const t2 = await tracker.observe(catalog);
    expect(await tracker.changedSince(t1, t2)).toEqual(['a']);

    const restarted = new IncidentTracker(store, time.now);
    expect(await restarted.changedSince(t1, t2)).toEqual(['a']);
    expect((await restarted.record('a'))?.versions).toHaveLength(2);
    expect(restarted.lastObservedAt).toBe(t2);
  });

  it('reads only what the index wrote since the last observation, and writes nothing when nothing changed', async () => {
    const store = memoryStore();
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    const catalog = makeCatalog(Array.from({ length: 300 }, (_, i) => incident(`i-${i}`)));
    await tracker.observe(catalog);

    const setMany = vi.spyOn(store, 'setMany');
    const get = vi.spyOn(store, 'get');
    time.tick();
    await tracker.observe(catalog);
    expect(setMany).not.toHaveBeenCalled();

    time.tick();
    write(catalog, 'data/i-7.yaml', [incident('i-7', 'Revised.')]);
    await tracker.observe(catalog);
    // The head, then the one part of the one shard of the changed id (and its shard's old whole key,
    // a marker since the first write); written back with one log chunk and the head.
    const part = `seen:${shardOf('i-7')}:${partOf('i-7')}`;
    const shardsRead = get.mock.calls.map(([key]) => key).filter((key) => /^seen:[0-9a-f]{2}/.test(key));
    expect(shardsRead).toEqual([`seen:${shardOf('i-7')}`, part]);
    expect(setMany).toHaveBeenCalledTimes(1);
    const written = setMany.mock.calls[0]?.[0].map((e) => e.key) ?? [];
    expect(written).toHaveLength(3);
    expect(written).toEqual(
      expect.arrayContaining(['seen:head', part, expect.stringMatching(/^seen:log:\d+$/)]),
    );
    // The part holds a sixteenth of the shard's records, or so.
    const records = (await store.get<Record<string, unknown>>(part)) ?? {};
    expect(Object.keys(records).length).toBeLessThan(10);
    expect(Object.keys(records)).toContain('i-7');
  });

  it('reports nothing again when the index is deleted and rebuilt with the same content', async () => {
    const store = memoryStore();
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    const incidents = [incident('a'), incident('b')];
    const t1 = await tracker.observe(makeCatalog(incidents));
    time.tick();
    // A new index (another generation): the tracker compares everything, and nothing changed.
    const rebuilt = makeCatalog(incidents);
    const t2 = await tracker.observe(rebuilt);
    expect(await tracker.changedSince(t1, t2)).toEqual([]);
    const records = await tracker.records(['a', 'b']);
    expect(selectDigestItems(rebuilt, records, t1, t2, [], ['a', 'b']).total).toBe(0);

    // A real change after the rebuild is still seen, once.
    time.tick();
    write(rebuilt, 'data/b.yaml', [incident('b', 'Now with news.')]);
    const t3 = await tracker.observe(rebuilt);
    expect(await tracker.changedSince(t2, t3)).toEqual(['b']);
  });

  it('upgrades a store written before the log without reporting anything again', async () => {
    const store = memoryStore();
    const old = Date.parse('2026-11-20T06:00:00Z');
    const a = incident('a');
    // The earlier format: records only, by shard, no head and no log.
    await store.set(`seen:${shardOf('a')}`, {
      a: { first: old, versions: [{ t: old, facets: incidentFacets(a) }] },
    });
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    await tracker.load();
    expect(tracker.lastObservedAt).toBe(old);
    const t = await tracker.observe(makeCatalog([a, incident('b')]));
    expect(await tracker.changedSince(old, t)).toEqual(['b']);
  });

  it('reads a store whose shards are whole (before parts), and splits a shard at its first write', async () => {
    const store = memoryStore();
    const time = clock();
    const ids = Array.from({ length: 400 }, (_, i) => `i-${i}`);
    const catalog = makeCatalog(ids.map((id) => incident(id)));
    const t1 = await new IncidentTracker(store, time.now).observe(catalog);
    // Rewrite the store in the earlier format: each shard's records under one key, no parts.
    for (const key of [...store.data.keys()]) {
      const m = /^seen:([0-9a-f]{2}):[0-9a-f]$/.exec(key);
      if (!m) continue;
      const whole = (await store.get<Record<string, unknown>>(`seen:${m[1]}`)) ?? {};
      await store.set(`seen:${m[1]}`, { ...whole, ...(await store.get<Record<string, unknown>>(key)) });
      await store.delete(key);
    }
    const tracker = new IncidentTracker(store, time.now);
    const before = await tracker.records(ids);
    expect(before.size).toBe(400);
    // A change to one incident splits its shard, with a marker under the old key; nothing else counts
    // as changed, and every record of that shard is still there.
    time.tick();
    write(catalog, 'data/i-7.yaml', [incident('i-7', 'Revised.')]);
    const t2 = await tracker.observe(catalog);
    expect(await tracker.changedSince(t1, t2)).toEqual(['i-7']);
    expect(await store.get(`seen:${shardOf('i-7')}`)).toEqual({ '#moved': true });
    const after = await new IncidentTracker(store, time.now).records(ids);
    expect(after.size).toBe(400);
    expect(after.get('i-7')?.versions).toHaveLength(2);
    for (const id of ids.filter((id) => id !== 'i-7')) expect(after.get(id)).toEqual(before.get(id));
    // A rebuilt index compares every shard and splits them all, reporting nothing.
    time.tick();
    const rebuilt = makeCatalog(ids.map((id) => incident(id, id === 'i-7' ? 'Revised.' : undefined)));
    const t3 = await tracker.observe(rebuilt);
    expect(await tracker.changedSince(t2, t3)).toEqual([]);
    const wholeLeft = [...store.data.keys()].filter((key) => /^seen:[0-9a-f]{2}$/.test(key));
    for (const key of wholeLeft) expect(await store.get(key)).toEqual({ '#moved': true });
  });

  it('never counts changes whose save failed, and finds them again at the next observation', async () => {
    const store = memoryStore();
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    const catalog = makeCatalog([incident('a')]);
    const t1 = await tracker.observe(catalog);
    time.tick();
    write(catalog, 'data/b.yaml', [incident('b')]);
    store.failWrites = true;
    await expect(tracker.observe(catalog)).rejects.toThrow('store unavailable');
    expect(tracker.lastObservedAt).toBe(t1);
    store.failWrites = false;
    time.tick();
    const t3 = await tracker.observe(catalog);
    expect(await tracker.changedSince(t1, t3)).toEqual(['b']);
  });
});

describe('digest selection from the index', () => {
  it('shows at most the cap, counts every due incident, and reads only the shown ones whole', async () => {
    const store = memoryStore();
    const time = clock();
    const tracker = new IncidentTracker(store, time.now);
    const catalog = makeCatalog([incident('seed')]);
    const t1 = await tracker.observe(catalog);
    time.tick();
    write(
      catalog,
      'data/bulk.json',
      Array.from({ length: 1000 }, (_, i) =>
        makeIncident({
          id: `bulk-${i}`,
          date: { start: `2021-${String((i % 12) + 1).padStart(2, '0')}-01` },
        }),
      ),
    );
    const t2 = await tracker.observe(catalog);
    const changed = await tracker.changedSince(t1, t2);
    expect(changed).toHaveLength(1000);
    const get = vi.spyOn(catalog, 'get');
    const selection = selectDigestItems(catalog, await tracker.records(changed), t1, t2, [], changed);
    expect(selection.total).toBe(1000);
    expect(selection.fresh).toBe(1000);
    expect(selection.items).toHaveLength(25);
    expect(get).toHaveBeenCalledTimes(25);
    expect(selection.items[0]?.incident.date.start).toBe('2021-12-01');
  });
});
