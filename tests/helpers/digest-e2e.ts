// What the digest end-to-end tests run the bot on: a temporary folder with a copy of the example data
// and an SQLite state store beside it, and incidents to drop into that folder.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DigestWorkspace {
  work: string;
  dataDir: string;
  storeUrl: string;
  remove(): Promise<void>;
}

export async function digestWorkspace(name: string): Promise<DigestWorkspace> {
  const work = await mkdtemp(path.join(tmpdir(), `sitrep-${name}-`));
  const dataDir = path.join(work, 'data');
  await cp('data', dataDir, { recursive: true });
  return {
    work,
    dataDir,
    storeUrl: `sqlite://${path.join(work, 'state.sqlite')}`,
    remove: () => rm(work, { recursive: true, force: true }),
  };
}

/** An incident file's JSON: an air strike in Idlib, Syria, from one wire source, with `fields` over it. */
export function incidentJson(id: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    title: `Strike ${id}`,
    date: { start: '2026-11-20' },
    location: { country: 'Syria', iso3: 'SYR', admin1: 'Idlib' },
    type: { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
    summary: 'A neutral summary written for the test.',
    sources: [{ id: 's1', name: 'Wire', affiliation: 'independent' }],
    ...fields,
  });
}

/** `casualties` of one claim each: Claimant 1 claims the first figure killed, and so on. */
export const killed = (...figures: number[]) =>
  figures.map((best, i) => ({ claimant: `Claimant ${i + 1}`, killed: { best }, source: 's1' }));
