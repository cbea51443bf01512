// A first build is never served as complete: the snapshot says how far it is, and every answer given
// meanwhile says it is partial.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCommand } from '../commands/index.ts';
import { LiveCatalog } from '../src/incidents/live.ts';
import { withBuildingNote } from '../src/render/answer.ts';
import { numberedIncidentYaml } from './helpers/incident-yaml.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('a first build of the index', () => {
  it('is marked as building until the sync is done, and answers meanwhile say they are partial', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sitrep-building-'));
    dirs.push(dir);
    const data = path.join(dir, 'data');
    await import('node:fs/promises').then((fs) => fs.mkdir(data));
    for (let i = 0; i < 300; i++)
      await writeFile(path.join(data, `i-${i}.yaml`), numberedIncidentYaml('build', i));
    const live = new LiveCatalog(data, { indexPath: path.join(dir, 'index.sqlite'), pollMs: 0 });
    try {
      const first = live.begin();
      expect(first.building).toBeDefined();
      const latest = findCommand('latest');
      if (!latest) throw new Error('no /latest');
      const asked = {
        catalog: first.catalog,
        now: new Date('2026-01-01T00:00:00Z'),
        version: 'test',
        loadedAt: new Date(),
        building: live.snapshot.building,
      };
      const partial = withBuildingNote(await latest.execute({}, asked), asked.building);
      expect(partial.content).toMatch(
        /^Still indexing the data.*: this answer covers only what is indexed so far\./,
      );

      const done = await live.ready;
      expect(done.building).toBeUndefined();
      expect(done.catalog.size).toBe(300);
      const complete = withBuildingNote(
        await latest.execute({}, { ...asked, building: done.building }),
        done.building,
      );
      expect(complete.content).not.toMatch(/Still indexing/);
    } finally {
      await live.close();
    }
  });

  it('says how far the build is', () => {
    expect(withBuildingNote({ sections: [] }, { done: 400_000, total: 1_000_000 }).content).toBe(
      'Still indexing the data (40%, 400,000 of 1,000,000 files): this answer covers only what is indexed so far.',
    );
    expect(withBuildingNote({ content: 'x', sections: [] }, undefined).content).toBe('x');
  });
});
