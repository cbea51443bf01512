// What the digest end-to-end tests run the bot on: a temporary folder with a copy of the example data
// and an SQLite state store beside it, the stand-in's server they post to, and incidents to drop into
// that folder.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commands } from '../../commands/index.ts';
import { type BotConfig, loadDigestSettings } from '../../src/config.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { type Standin, type StandinOptions, startStandin } from '../discord/standin.ts';
import { standinConfig } from './bot-config.ts';

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

type DeskGuild = NonNullable<StandinOptions['guilds']>[number];

export interface Desk {
  standin: Standin;
  /** The bot's settings: the stand-in, the workspace's data and store, the digests of `env`. */
  config: BotConfig;
}

/**
 * The stand-in with one server, "Desk", of these channels (and roles), and the bot's settings over the
 * workspace with the digests of `env` (DIGEST_<n>_ keys, read as the env file is), commands deployed.
 */
export async function startDesk(
  space: DigestWorkspace,
  desk: {
    channels: NonNullable<DeskGuild['channels']>;
    roles?: DeskGuild['roles'];
    env?: Record<string, string>;
    standin?: Omit<StandinOptions, 'guilds'>;
  },
): Promise<Desk> {
  const standin = await startStandin({
    guilds: [{ name: 'Desk', channels: desk.channels, ...(desk.roles ? { roles: desk.roles } : {}) }],
    interactionAckTimeoutMs: 0,
    ...desk.standin,
  });
  const config = standinConfig(standin, {
    dataDir: space.dataDir,
    storeUrl: space.storeUrl,
    digests: desk.env ? loadDigestSettings(desk.env).digests : [],
  });
  await deployCommands(commands, config);
  return { standin, config };
}

/** What was posted to a channel (or thread) from its `from`-th message on, as one string to search. */
export const postedText = (standin: Standin, channelId: string, from = 0): string =>
  JSON.stringify(
    standin
      .messagesIn(channelId)
      .slice(from)
      .map((m) => m.body),
  );
