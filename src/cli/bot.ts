// `sitrep start` and `sitrep deploy`: the commands that need a token.
import { commands } from '../../commands/index.ts';
import { loadBotConfig } from '../config.ts';
import { startBot } from '../discord/bot.ts';
import { deployCommands } from '../discord/deploy.ts';
import { createLogger, redactLine } from '../logger.ts';
import type { CliIo } from './io.ts';

export async function startCommand(io: CliIo): Promise<number> {
  const config = loadBotConfig();
  const logger = createLogger({ level: config.logLevel, secrets: [config.token] });
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, logger });
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    io.err(`${redactLine(error instanceof Error ? error.message : String(error), [config.token])}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      bot.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          resolve(1);
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
    io.err(
      `deploy failed: ${redactLine(error instanceof Error ? error.message : String(error), [config.token])}\n`,
    );
    return 1;
  }
}
