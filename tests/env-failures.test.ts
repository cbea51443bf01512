// The translation of Discord and store failures into one line and a sysexits code, for the cases the
// end-to-end tests cannot cause quickly (timeouts, 5xx, unknown ids). See env-failures.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { compareCommands } from '../src/discord/deploy.ts';
import { explainDiscordFailure } from '../src/discord/failures.ts';
import { describeCause } from '../src/errors.ts';

const config = {
  token: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.thesecretparthere',
  apiUrl: 'https://discord.com/api',
  guildId: undefined,
};

function withFields(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('explainDiscordFailure', () => {
  it('a timeout is "cannot reach", 69, naming DISCORD_API_URL', () => {
    const abort = withFields('This operation was aborted', { name: 'AbortError' });
    const failure = explainDiscordFailure(abort, config);
    expect(failure?.exitCode).toBe(69);
    expect(failure?.message).toMatch(/^DISCORD_API_URL: cannot reach Discord at https:\/\/discord\.com\/api/);
    expect(failure?.message).toMatch(/check the network, a proxy, or DISCORD_API_URL$/);
  });

  it('finds the network code in a cause or an AggregateError (IPv4 and IPv6 both refused)', () => {
    const refused = (address: string) =>
      withFields(`connect ECONNREFUSED ${address}`, { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([refused('::1:443'), refused('127.0.0.1:443')], '');
    const wrapped = new TypeError('fetch failed', { cause: aggregate });
    const failure = explainDiscordFailure(wrapped, config);
    expect(failure?.exitCode).toBe(69);
    expect(failure?.message).toContain(
      'fetch failed: connect ECONNREFUSED ::1:443; connect ECONNREFUSED 127.0.0.1:443',
    );
  });

  it('a 5xx is "Discord may be down", 69', () => {
    const failure = explainDiscordFailure(withFields('Service Unavailable', { status: 503 }), config);
    expect(failure?.exitCode).toBe(69);
    expect(failure?.message).toMatch(/^DISCORD_API_URL: Discord answered 503/);
  });

  it('a refused token is 77 naming DISCORD_TOKEN, and the token never appears', () => {
    for (const error of [
      withFields('An invalid token was provided.', { code: 'TokenInvalid' }),
      withFields(`401: Unauthorized (${config.token})`, { status: 401, code: 0 }),
    ]) {
      const failure = explainDiscordFailure(error, config);
      expect(failure?.exitCode).toBe(77);
      expect(failure?.message).toMatch(/^DISCORD_TOKEN: Discord refused the token/);
      expect(failure?.message).not.toContain('thesecretparthere');
    }
  });

  it('an unknown application or server names its key; a 400 is not an environment failure', () => {
    expect(
      explainDiscordFailure(withFields('Unknown Application', { status: 404, code: 10002 }), config)?.key,
    ).toBe('DISCORD_APPLICATION_ID');
    const guild = { ...config, guildId: '123456789012345678' };
    const missing = explainDiscordFailure(withFields('Missing Access', { status: 403, code: 50001 }), guild);
    expect([missing?.key, missing?.exitCode]).toEqual(['DISCORD_GUILD_ID', 77]);
    expect(explainDiscordFailure(withFields('Invalid Form Body', { status: 400, code: 50035 }), config)).toBe(
      undefined,
    );
  });
});

describe('describeCause', () => {
  it('joins messages and causes on one line, without repeating or trailing periods', () => {
    const inner = new Error('getaddrinfo ENOTFOUND discord.com.');
    expect(describeCause(new Error('fetch failed', { cause: inner }))).toBe(
      'fetch failed: getaddrinfo ENOTFOUND discord.com',
    );
    expect(describeCause(new Error('line one\n  line two'))).toBe('line one line two');
  });
});

describe('compareCommands', () => {
  const registered = () => commands.map((c) => ({ ...c.data, id: '1', version: '2', application_id: '3' }));

  it('nothing to report when Discord offers the shipped commands', () => {
    expect(compareCommands(commands, registered())).toEqual({ missing: [], changed: [], extra: [] });
  });

  it('reports missing, changed and no longer shipped commands', () => {
    const offered = registered()
      .filter((c) => c.name !== 'map')
      .map((c) => (c.name === 'latest' ? { ...c, description: 'old text' } : c));
    offered.push({ ...offered[0], name: 'retired' } as (typeof offered)[number]);
    expect(compareCommands(commands, offered)).toEqual({
      missing: ['map'],
      changed: ['latest'],
      extra: ['retired'],
    });
  });
});
