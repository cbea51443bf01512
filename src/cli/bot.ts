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
  // A signal may come while the bot is still starting (its schedules and alerts start after "connected
  // to Discord"): it is heard from now on. The stop waits for the start to finish, but at most a few
  // seconds: an unfinished start holds nothing a SIGKILL would not (pending runs resume elsewhere or at
  // the next start, with the same nonces).
  let stopRequested: NodeJS.Signals | undefined;
  let grace: NodeJS.Timeout | undefined;
  let onSignal: (signal: NodeJS.Signals) => void = (signal) => {
    logger.info({ signal }, 'shutting down (while starting)');
    grace = setTimeout(() => process.exit(0), START_STOP_GRACE_MS);
    stopRequested = signal;
  };
  const listener = (signal: NodeJS.Signals) => onSignal(signal);
  process.once('SIGINT', listener);
  process.once('SIGTERM', listener);
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, logger });
    clearTimeout(grace);
  } catch (error) {
    clearTimeout(grace);
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
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
    onSignal = shutdown;
    if (stopRequested) shutdown(stopRequested);
  });
}

/** How long a signal that came during the start waits for it to finish before the process exits. */
const START_STOP_GRACE_MS = 4000;

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
