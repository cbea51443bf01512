// /digest and /digest-admin in `sitrep run` and the console: answered from the env's DIGEST_<n>_* keys
// and the state store opened read-only, as `sitrep digest preview` does; nothing is posted or written.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerSlashLine } from '../src/cli/run.ts';
import { UserError } from '../src/errors.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { toText } from '../src/render/text.ts';

let catalog: Catalog;
let dir = '';
const NOW = new Date();

beforeAll(async () => {
  catalog = (await loadCatalog('data')).catalog;
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitrep-offline-digest-'));
  vi.stubEnv('STORE_URL', `sqlite://${path.join(dir, 'state.sqlite')}`);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const answer = (line: string) => answerSlashLine(line, catalog, NOW, NOW);

describe('/digest offline', () => {
  it('previews the first digest of the env file, and a named one, without creating the store', async () => {
    vi.stubEnv('DIGEST_1_CHANNEL', '123456789012345678');
    vi.stubEnv('DIGEST_1_CRON', '0 7 * * *');
    vi.stubEnv('DIGEST_2_CHANNEL', '123456789012345679');
    vi.stubEnv('DIGEST_2_CRON', '30 18 * * 1-5');
    vi.stubEnv('DIGEST_2_TITLE', 'Evening');
    const first = await answer('/digest preview');
    expect(first.content).toMatch(
      /^Preview of digest 1 \(Digest 1\) for channel 123456789012345678, next run /,
    );
    expect(first.ephemeral).toBe(true);
    expect(toText(first)).toContain('Nothing has been posted.');
    const second = await answer('/digest preview digest:Evening');
    expect(second.content).toMatch(/^Preview of digest 2 \(Evening\)/);
    const status = await answer('/digest-admin status');
    expect(toText(status)).toMatch(/Schedule: 30 18 \* \* 1-5 \(UTC\)/);
    expect(existsSync(path.join(dir, 'state.sqlite'))).toBe(false);
  });

  it('says how to configure digests when there are none, and names a wrong key', async () => {
    await expect(answer('/digest preview')).rejects.toThrow(UserError);
    await expect(answer('/digest preview')).rejects.toThrow(
      /No digests are configured\. An admin sets DIGEST_1_CHANNEL/,
    );
    vi.stubEnv('DIGEST_1_CHANNEL', '123456789012345678');
    vi.stubEnv('DIGEST_1_CRON', '0 25 * * *');
    await expect(answer('/digest preview')).rejects.toThrow(/DIGEST_1_CRON: hour 25 is out of range 0–23/);
    // Other commands never read the digest settings: a wrong one does not stop them.
    await expect(answer('/latest count:1')).resolves.toBeDefined();
  });
});
