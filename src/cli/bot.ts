// `sitrep start` and `sitrep deploy`: the commands that need a token.
import { commands } from '../../commands/index.ts';
import { loadBotConfig, requireDataDir } from '../config.ts';
import { startBot } from '../discord/bot.ts';
import { deployCommands } from '../discord/deploy.ts';
import { explainDiscordFailure } from '../discord/failures.ts';
import { EnvironmentError } from '../errors.ts';
import { createLogger, redactLine } from '../logger.ts';
import type { CliIo } from './io.ts';

/**
 * Environment failures (no data folder, store or Discord unreachable, token refused) are thrown as
 * EnvironmentError: the CLI prints them as one line and exits with their sysexits code.
 */
export async function startCommand(io: CliIo): Promise<number> {
  const config = loadBotConfig();
  await requireDataDir(config.dataDir);
  const logger = createLogger({ level: config.logLevel, secrets: [config.token] });
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, logger });
  } catch (error) {
    if (error instanceof EnvironmentError) {
      // For the service's log; no stack: the message says all there is.
      logger.fatal({ key: error.key, exitCode: error.exitCode }, `could not start: ${error.message}`);
      throw error;
    }
    logger.fatal({ err: error }, 'could not start');
    io.err(`${redactLine(error instanceof Error ? error.message : String(error), [config.token])}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      // Everything that matters is done when stop resolves (runs paused, leases handed back, store
      // closed): a socket or timer left behind (discord.js reconnecting to an unreachable Discord) must
      // not keep the service from exiting.
      const exit = (code: number) => {
        resolve(code);
        setTimeout(() => process.exit(code), 200).unref();
      };
      bot.stop().then(
        () => exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          exit(1);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

export async function deployCommand(io: CliIo): Promise<number> {
  const config = loadBotConfig();
  try {
    const result = await deployCommands(commands, config);
    io.out(
      `Registered ${result.names.length} commands ${result.scope === 'guild' ? `in guild ${config.guildId} (available now)` : 'globally (may take up to an hour to appear)'}: ${result.names.map((n) => `/${n}`).join(' ')}\n`,
    );
    return 0;
  } catch (error) {
    const failure = explainDiscordFailure(error, config);
    if (failure) throw failure;
    io.err(
      `deploy failed: ${redactLine(error instanceof Error ? error.message : String(error), [config.token])}\n`,
    );
    return 1;
  }
}
