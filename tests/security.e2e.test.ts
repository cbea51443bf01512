// Secrets and permissions: the token never reaches a log line, admin commands carry default member
// permissions, ALLOWED_ROLE_IDS / ALLOWED_CHANNEL_IDS restrict who may ask and where, cooldowns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger, REDACTED } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';

const ROLE = '300000000000000001';
const [OPEN, CLOSED] = ['200000000000000001', '200000000000000002'];

let standin: Standin;
let bot: RunningBot;
const logLines: string[] = [];

beforeAll(async () => {
  standin = await startStandin({
    guilds: [
      {
        name: 'Desk',
        channels: [
          { id: OPEN, name: 'briefings' },
          { id: CLOSED, name: 'chat' },
        ],
        roles: [{ id: ROLE, name: 'analysts' }],
      },
    ],
  });
  const config = standinConfig(standin, {
    logLevel: 'debug',
    access: { roleIds: [ROLE], channelIds: [OPEN] },
  });
  await deployCommands(commands, config);
  const logger = createLogger({
    level: 'debug',
    secrets: [standin.token],
    destination: { write: (line: string) => void logLines.push(line) },
  });
  bot = await startBot({ config, logger, pollMs: 0 });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
});

describe('secrets', () => {
  it('never writes the token to a log line, even at debug level with discord.js debug output', () => {
    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.some((l) => l.includes('"source":"discord.js"'))).toBe(true);
    const all = logLines.join('\n');
    expect(all).not.toContain(standin.token);
    // The last part is the secret; discord.js itself prints the first two (the bot id and a timestamp).
    expect(all).not.toContain(standin.token.split('.')[2]);
  });

  it('redacts the token from errors thrown by libraries, message and stack', () => {
    const lines: string[] = [];
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx-abc.recognisable_fake_token_value';
    const logger = createLogger({
      level: 'debug',
      secrets: [token],
      destination: { write: (l: string) => void lines.push(l) },
    });
    const error = new Error(`request failed for Bot ${token}`);
    logger.debug({ err: error, token, headers: { authorization: `Bot ${token}` } }, `retrying with ${token}`);
    logger.error(error);
    expect(lines.join('\n')).not.toContain('recognisable_fake_token_value');
    expect(lines.join('\n')).toContain(REDACTED);
  });
});

describe('permissions', () => {
  it('deploys admin commands with default member permissions (Manage Server) and the rest without', () => {
    const registered = standin.commands.guild[standin.guildId] ?? [];
    const admin = registered.find((c) => c.name === 'digest-admin') as
      | { default_member_permissions?: unknown }
      | undefined;
    expect(String(admin?.default_member_permissions)).toBe('32');
    const latest = registered.find((c) => c.name === 'latest') as
      | { default_member_permissions?: unknown }
      | undefined;
    expect(latest?.default_member_permissions ?? null).toBeNull();
  });

  it('answers members with an allowed role in an allowed channel', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'about', roles: [ROLE], channelId: OPEN }),
    );
    expect(exchange.callback?.type).toBe(4);
    expect(exchange.callback?.data?.flags).toBeUndefined();
  });

  it('refuses, privately, a member without an allowed role', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'about', channelId: OPEN }));
    expect(exchange.callback?.data?.flags).toBe(64);
    expect(String(exchange.callback?.data?.content)).toMatch(/limited to certain roles/);
  });

  it('lets server managers ask without the role', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'about', channelId: OPEN, admin: true }));
    expect(exchange.callback?.data?.flags).toBeUndefined();
  });

  it('refuses, privately, in a channel that is not allowed, and offers no autocomplete there', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'about', roles: [ROLE], channelId: CLOSED }),
    );
    expect(exchange.callback?.data?.flags).toBe(64);
    expect(String(exchange.callback?.data?.content)).toMatch(/does not answer in this channel/);
    const choices = await standin.invoke(
      standin.autocomplete({
        name: 'incident',
        options: { id: 'aleppo' },
        focused: 'id',
        roles: [ROLE],
        channelId: CLOSED,
      }),
    );
    expect(choices.choices).toEqual([]);
  });

  it('asks a member to wait between two searches, politely and privately', async () => {
    const first = await standin.invoke(
      standin.chatInput({ name: 'search', options: { query: 'aleppo' }, roles: [ROLE], channelId: OPEN }),
    );
    expect(first.callback?.data?.flags).toBeUndefined();
    const second = await standin.invoke(
      standin.chatInput({ name: 'search', options: { query: 'toxic' }, roles: [ROLE], channelId: OPEN }),
    );
    expect(second.callback?.data?.flags).toBe(64);
    expect(String(second.callback?.data?.content)).toMatch(
      /^\/search can be used once every 3 s per person; please try again in [1-3] s\.$/,
    );
  });

  it('lets the bot survive a dropped gateway connection and answer again', async () => {
    standin.disconnect(4000);
    await standin.waitForSession({ timeoutMs: 15_000 });
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'about', roles: [ROLE], channelId: OPEN }),
    );
    expect(exchange.callback?.type).toBe(4);
    expect(standin.violations).toEqual([]);
  });
});
