// `sitrep start`: the Discord client wired to the dispatcher and the live data folder.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { commands as allCommands } from '../../commands/index.ts';
import type { Command } from '../../commands/types.ts';
import type { BotConfig } from '../config.ts';
import { LiveCatalog } from '../incidents/live.ts';
import { formatProblem } from '../incidents/parse.ts';
import type { Logger } from '../logger.ts';
import { VERSION } from '../version.ts';
import { createDispatcher } from './dispatcher.ts';

export interface RunningBot {
  client: Client;
  live: LiveCatalog;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: BotConfig;
  logger: Logger;
  /** The commands to answer; the shipped list by default. */
  commands?: readonly Command[];
  /** For tests: how often to rescan the data folder in the background. */
  pollMs?: number;
  deferAfterMs?: number;
}

export async function startBot({
  config,
  logger,
  pollMs,
  deferAfterMs,
  commands = allCommands,
}: StartOptions): Promise<RunningBot> {
  const live = new LiveCatalog(config.dataDir, {
    ...(pollMs !== undefined ? { pollMs } : {}),
    onChange: (snapshot, changed) => {
      logger.info(
        {
          incidents: snapshot.catalog.size,
          problems: snapshot.problems.length,
          changed: changed.slice(0, 20),
        },
        'data reloaded',
      );
      for (const problem of snapshot.problems.slice(0, 50))
        logger.warn({ file: problem.file }, formatProblem(problem));
    },
    onError: (error) => logger.error({ err: error }, 'data reload failed'),
  });
  const first = await live.start();
  logger.info({ dataDir: config.dataDir, incidents: first.catalog.size, files: first.files }, 'data loaded');

  const client = new Client({
    // Slash commands need no privileged intent: Guilds is all the gateway must send.
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.apiUrl },
    allowedMentions: { parse: [] },
  });
  const dispatcher = createDispatcher({
    commands,
    logger,
    ...(deferAfterMs !== undefined ? { deferAfterMs } : {}),
    context: () => {
      const snapshot = live.snapshot;
      return { catalog: snapshot.catalog, now: new Date(), version: VERSION, loadedAt: snapshot.loadedAt };
    },
  });
  client.on(Events.InteractionCreate, (interaction) => {
    // The dispatcher catches its own errors; this guard keeps any surprise from taking the process down.
    dispatcher
      .handle(interaction)
      .catch((error: unknown) => logger.error({ err: error }, 'interaction handler crashed'));
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.token);
    await ready;
  } catch (error) {
    live.stop();
    await client.destroy();
    throw error;
  }
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');

  return {
    client,
    live,
    async stop() {
      live.stop();
      await client.destroy();
    },
  };
}
