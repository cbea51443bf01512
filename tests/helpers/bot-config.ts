// The bot's settings for a test against the local Discord stand-in: its token, ids and address, no
// digests, no access rules, an in-memory store, the example data. Each test overrides what it is about.
import type { BotConfig } from '../../src/config.ts';
import type { Standin } from '../discord/standin.ts';

export function standinConfig(standin: Standin, overrides: Partial<BotConfig> = {}): BotConfig {
  return {
    dataDir: 'data',
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
