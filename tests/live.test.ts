// Hot reload under churn: edits, renames and deletions while loads run, half-written files, and the
// data folder itself being replaced.
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveCatalog, pollDelay } from '../src/incidents/live.ts';
import { until } from './helpers/wait.ts';

const yaml = (id: string, title: string) => `id: ${id}
title: ${title}
date: { start: 2020-01-01 }
location: { country: Syria }
type: { event: battles }
summary: Written for the live reload tests.
sources: [{ id: s1, name: Wire }]
`;

let dir: string;
let live: LiveCatalog | undefined;
const titleOf = (id: string) => live?.snapshot.catalog.get(id)?.title;

async function folder(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'sitrep-live-'));
  return dir;
}

afterEach(async () => {
  await live?.close();
  live = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the live data folder', () => {
  it('keeps the last good version while a file is half-written, then takes the finished one', async () => {
    await folder();
    await writeFile(path.join(dir, 'a.yaml'), yaml('a', 'First version'));
    live = new LiveCatalog(dir, { pollMs: 0 });
    await live.start();
    const half = yaml('a', 'Second version').slice(0, 40);
    await writeFile(path.join(dir, 'a.yaml'), half);
    await live.refresh();
    expect(titleOf('a')).toBe('First version');
    expect(live.snapshot.problems.map((p) => p.message).join()).toMatch(
      /the last good version keeps serving/,
    );
    await writeFile(path.join(dir, 'a.yaml'), yaml('a', 'Second version'));
    await live.refresh();
    expect(titleOf('a')).toBe('Second version');
    expect(live.snapshot.problems).toEqual([]);
  });

  it('drops a deleted file’s incidents and follows a renamed file without a duplicate-id error', async () => {
    await folder();
    await writeFile(path.join(dir, 'a.yaml'), yaml('a', 'Kept'));
    await writeFile(path.join(dir, 'b.yaml'), yaml('b', 'Deleted'));
    live = new LiveCatalog(dir, { pollMs: 0 });
    await live.start();
    await unlink(path.join(dir, 'b.yaml'));
    await mkdir(path.join(dir, 'moved'));
    await rename(path.join(dir, 'a.yaml'), path.join(dir, 'moved', 'a-renamed.yaml'));
    await live.refresh();
    expect(titleOf('b')).toBeUndefined();
    expect(titleOf('a')).toBe('Kept');
    expect(live.snapshot.problems).toEqual([]);
    expect(live.snapshot.catalog.entry('a')?.file).toMatch(/moved[/\\]a-renamed\.yaml$/);
  });

  it('ends on the last content when files are edited, renamed and deleted while loads run', async () => {
    await folder();
    for (let i = 0; i < 20; i++) await writeFile(path.join(dir, `f${i}.yaml`), yaml(`f${i}`, 'v0'));
    live = new LiveCatalog(dir, { pollMs: 0 });
    await live.start();
    const loads: Promise<void>[] = [];
    for (let round = 1; round <= 5; round++) {
      loads.push(live.refresh());
      for (let i = 0; i < 20; i++) {
        if (i % 5 === 0 && round === 3) await unlink(path.join(dir, `f${i}.yaml`));
        else if (i % 5 === 1 && round === 4)
          await rename(path.join(dir, `f${i}.yaml`), path.join(dir, `g${i}.yaml`));
        else if (!(i % 5 === 0 && round >= 3)) {
          const file = i % 5 === 1 && round >= 4 ? `g${i}.yaml` : `f${i}.yaml`;
          await writeFile(path.join(dir, file), yaml(`f${i}`, `v${round}`));
        }
      }
      loads.push(live.refresh());
    }
    await Promise.all(loads);
    await live.refresh();
    for (let i = 0; i < 20; i++) {
      expect(titleOf(`f${i}`)).toBe(i % 5 === 0 ? undefined : 'v5');
    }
    expect(live.snapshot.problems).toEqual([]);
  });

  it('picks up a change by itself (file events), without an explicit refresh', async () => {
    await folder();
    await writeFile(path.join(dir, 'a.yaml'), yaml('a', 'Before'));
    live = new LiveCatalog(dir, { pollMs: 0, debounceMs: 50 });
    await live.start();
    await writeFile(path.join(dir, 'a.yaml'), yaml('a', 'After'));
    await until('the watcher to reload', () => titleOf('a') === 'After');
  });

  it('survives the folder itself being replaced', async () => {
    const parent = await folder();
    const data = path.join(parent, 'data');
    await mkdir(data);
    await writeFile(path.join(data, 'a.yaml'), yaml('a', 'Old folder'));
    live = new LiveCatalog(data, { pollMs: 200, debounceMs: 50 });
    await live.start();
    // Replace the folder the way a deploy or `git checkout` of a submodule might: build aside, swap in.
    const fresh = path.join(parent, 'data-new');
    await mkdir(fresh);
    await writeFile(path.join(fresh, 'a.yaml'), yaml('a', 'New folder'));
    await rename(data, path.join(parent, 'data-old'));
    await rename(fresh, data);
    await until('the new folder to be read', () => titleOf('a') === 'New folder');
    // And the new folder is watched: a later edit is picked up too.
    await writeFile(path.join(data, 'b.yaml'), yaml('b', 'Added later'));
    await until('a file added to the new folder', () => titleOf('b') === 'Added later');
  });
});

describe('the periodic rescan', () => {
  it('waits POLL_MS, or 20 times the last rescan when a huge folder makes that longer', () => {
    expect(pollDelay(30_000, 0)).toBe(30_000);
    expect(pollDelay(30_000, 1_000)).toBe(30_000);
    // A million files: an 8-second rescan runs every 160 s, never more than 5% of the time.
    expect(pollDelay(30_000, 8_000)).toBe(160_000);
  });
});
