// The bot's settings for a test against the local Discord stand-in: its token, ids and address, no
// digests, no access rules, an in-memory store, the example data. Each test overrides what it is about.
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BotConfig } from '../../src/config.ts';
import type { Standin } from '../discord/standin.ts';

/**
 * Where the bot keeps its incident index in a test, so that none writes into the repository's var/: in
 * a temporary data folder, a hidden file beside the incidents (never listed, removed with the folder),
 * so a restart in the same test is a warm one; in memory for the repository's own data.
 */
export function testIndexPath(dataDir: string): string {
  const relative = path.relative(tmpdir(), path.resolve(dataDir));
  const temporary = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return temporary ? path.join(dataDir, '.sitrep-index.sqlite') : ':memory:';
}

export function standinConfig(standin: Standin, overrides: Partial<BotConfig> = {}): BotConfig {
  const dataDir = overrides.dataDir ?? 'data';
  return {
    dataDir,
    indexPath: testIndexPath(dataDir),
    logLevel: 'warn',
    token: standin.token,
    applicationId: standin.applicationId,
    guildId: standin.guildId,
    apiUrl: standin.apiUrl,
    storeUrl: 'sqlite://:memory:',
    digests: [],
    access: { roleIds: [], channelIds: [] },
    ...overrides,
  };
}
