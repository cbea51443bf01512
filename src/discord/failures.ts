// Failures talking to Discord that are about the surroundings, not the code: translated into one line
// that names the setting to look at and a sysexits code. Duck-typed, so this module loads no discord.js.
import type { BotConfig } from '../config.ts';
import { describeCause, EnvironmentError, EXIT, errorField, isNetworkFailure } from '../errors.ts';
import { redactLine } from '../logger.ts';

/**
 * The environment failure behind `error`, or undefined for anything else (a bug, a 400 from Discord):
 * unreachable (DNS, refused, timed out, 5xx) → 69 naming DISCORD_API_URL; a refused token → 77 naming
 * DISCORD_TOKEN; an unknown application or server → 78 naming its id's key. Never includes the token.
 */
export function explainDiscordFailure(
  error: unknown,
  config: Pick<BotConfig, 'token' | 'apiUrl' | 'guildId'>,
): EnvironmentError | undefined {
  const cause = redactLine(describeCause(error), [config.token]);
  const status = errorField(error, 'status');
  const code = errorField(error, 'code');
  if (isNetworkFailure(error)) {
    return new EnvironmentError(
      'DISCORD_API_URL',
      `cannot reach Discord at ${config.apiUrl} (${cause}); check the network, a proxy, or DISCORD_API_URL`,
      EXIT.unavailable,
    );
  }
  // discord.js turns a 401 at login into its TokenInvalid error; deploy sees the REST 401 itself.
  if (code === 'TokenInvalid' || status === 401) {
    return new EnvironmentError(
      'DISCORD_TOKEN',
      'Discord refused the token (401 Unauthorized); copy a fresh one from the developer portal (Bot → Reset Token)',
      EXIT.noPermission,
    );
  }
  if (typeof status === 'number' && status >= 500) {
    return new EnvironmentError(
      'DISCORD_API_URL',
      `Discord answered ${status} at ${config.apiUrl} (${cause}); it may be down (https://discordstatus.com), try again later`,
      EXIT.unavailable,
    );
  }
  // 10002 Unknown Application, 10004 Unknown Guild, 50001 Missing Access (the bot is not in that server).
  if (code === 10002) {
    return new EnvironmentError(
      'DISCORD_APPLICATION_ID',
      `Discord knows no such application (${cause}); copy it from the developer portal, or leave it unset`,
      EXIT.config,
    );
  }
  if ((code === 10004 || code === 50001) && config.guildId !== undefined) {
    return new EnvironmentError(
      'DISCORD_GUILD_ID',
      `Discord refused server ${config.guildId} (${cause}); invite the bot there with the applications.commands scope, or fix DISCORD_GUILD_ID`,
      code === 10004 ? EXIT.config : EXIT.noPermission,
    );
  }
  return undefined;
}
