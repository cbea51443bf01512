// `sitrep start`: the Discord client wired to the dispatcher, the live data folder and the digests.
import { statSync } from 'node:fs';
import { Client, Events, GatewayIntentBits, RESTEvents, Routes, Status } from 'discord.js';
import { commands as allCommands } from '../../commands/index.ts';
import type { Command } from '../../commands/types.ts';
import { type BotConfig, indexPathFor } from '../config.ts';
import { startAlertLoop } from '../digest/alerts.ts';
import { restSender } from '../digest/discord-sender.ts';
import { createDigestInquiry } from '../digest/inquiry.ts';
import { createLeaseKeeper, fencedStore, type LeaseEvent, LeaseLostError } from '../digest/lease.ts';
import { pacedSender } from '../digest/pacer.ts';
import { createDigestRunner, type DigestRunner, type DigestSender, TRACKER_LEASE } from '../digest/runner.ts';
import { type DigestSchedules, startDigestSchedules } from '../digest/scheduler.ts';
import { createDigestService } from '../digest/service.ts';
import { createSubscriptions, defaultZoneOf } from '../digest/subscriptions.ts';
import { IncidentTracker } from '../digest/tracker.ts';
import { LiveCatalog } from '../incidents/live.ts';
import { formatProblem } from '../incidents/parse.ts';
import type { Logger } from '../logger.ts';
import { type OpsServer, startOpsServer } from '../ops/http.ts';
import { type BotMetrics, createBotMetrics } from '../ops/metrics.ts';
import { localLeases } from '../state/leases.ts';
import { connectStateStore, type StateStore } from '../state/store.ts';
import { VERSION } from '../version.ts';
import { checkDeployed, DEPLOY_HINT } from './deploy.ts';
import { createDispatcher } from './dispatcher.ts';
import { explainDiscordFailure } from './failures.ts';

export interface RunningBot {
  client: Client;
  live: LiveCatalog;
  store: StateStore;
  digests: DigestRunner;
  /** /healthz and /metrics, when HTTP_PORT is set. */
  ops: OpsServer | undefined;
  /** Resolves once the latest data change has been noted for the digests. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: BotConfig;
  logger: Logger;
  /** The commands to answer; the shipped list by default. */
  commands?: readonly Command[];
  /** For tests: how often to rescan the data folder in the background. */
  pollMs?: number;
  /**
   * How long the start waits for the first sync of the index with the data folder (default 2 s). A
   * complete index from an earlier run answers meanwhile, a first build answers with what it has indexed
   * (the snapshot says `building`); the sync goes on in the background.
   */
  firstSyncWaitMs?: number;
  deferAfterMs?: number;
  /** For tests: digest retry pacing, and a sender that wraps the real one. */
  digestRetry?: { attempts: number; backoffMs: number };
  wrapSender?: (sender: DigestSender) => DigestSender;
  /** How often to look for subscriptions changed by another process (default 30 s). */
  subscriptionPollMs?: number;
  /** How often alert digests look for new incidents (default ALERT_POLL_MS, 20 s). */
  alertPollMs?: number;
}

/** How often a process looks at the store's subscription revision for changes made by another process. */
export const SUBSCRIPTION_POLL_MS = 30_000;

export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { config, logger, pollMs, deferAfterMs, commands = allCommands } = options;
  // Before anything else: an unreachable store stops the start naming STORE_URL.
  const store = await connectStateStore(config.storeUrl);
  // Leases in the store give each digest run one owner among the processes sharing it; the tracker's
  // writes go through only while this process holds the tracker's lease.
  const indexPath = indexPathFor(config);
  const metrics = config.http ? createBotMetrics({ indexBytes: () => fileBytes(indexPath) }) : undefined;
  const leases = createLeaseKeeper({
    backend: store.leases ?? localLeases(store),
    logger,
    ...(metrics ? { onChange: (event: LeaseEvent, name: string) => metrics.leaseChange(name, event) } : {}),
  });
  const tracker = new IncidentTracker(fencedStore(store, leases, TRACKER_LEASE));
  // The env file's digests and those subscribed from Discord (kept in the store, shared by every process).
  const subscriptions = createSubscriptions({
    store,
    leases,
    envDigests: config.digests,
    defaultZone: defaultZoneOf(config),
    logger,
  });
  try {
    await subscriptions.load();
  } catch (error) {
    await store.close();
    throw error;
  }
  let observing: Promise<unknown> = Promise.resolve();
  // Only a process that runs digests notes changes for them: bots on other machines each keep their own
  // index, and one observing after another would make the tracker compare every incident each time.
  const runsDigests = () => subscriptions.digests().some((digest) => digest.paused !== true);
  const observe = (live: LiveCatalog) => {
    if (!runsDigests()) return observing;
    observing = observing
      .then(() => leases.exclusive(TRACKER_LEASE, () => tracker.observe(live.snapshot.catalog)))
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError)
          logger.warn({ err: error.message }, 'incident changes not noted');
        else logger.error({ err: error }, 'could not record incident changes for digests');
      });
    return observing;
  };

  let logged = { total: 0, tenth: -1 };
  const live: LiveCatalog = new LiveCatalog(config.dataDir, {
    indexPath,
    ...(pollMs !== undefined ? { pollMs } : {}),
    onRebuild: (reason) => logger.warn({ index: indexPath }, `rebuilding the incident index: ${reason}`),
    onWarning: (message) => logger.warn({ index: indexPath }, message),
    onProgress: (done, total) => {
      // Large syncs (a first build, a big import): a line every 10%.
      if (total < 10_000) return;
      if (logged.total !== total) logged = { total, tenth: -1 };
      const tenth = Math.floor((done * 10) / total);
      if (tenth <= logged.tenth) return;
      logged.tenth = tenth;
      logger.info({ done, total }, `indexing: ${done} of ${total} files read`);
    },
    onChange: (snapshot, changed, changedCount) => {
      logger.info(
        {
          incidents: snapshot.catalog.size,
          problems: snapshot.problems.length,
          changed: changed.slice(0, 20),
          changedCount,
        },
        'data reloaded',
      );
      for (const problem of snapshot.problems.slice(0, 50))
        logger.warn({ file: problem.file }, formatProblem(problem));
      void observe(live);
    },
    onError: (error) => logger.error({ err: error }, 'data reload failed'),
  });
  let opened: ReturnType<LiveCatalog['begin']>;
  try {
    opened = live.begin();
  } catch (error) {
    await store.close();
    throw error;
  }
  if (opened.building) {
    logger.info(
      { index: indexPath, indexed: opened.building.done },
      'building the incident index: answers are partial until it is done',
    );
  }
  void live.ready.then((first) =>
    logger.info(
      {
        dataDir: config.dataDir,
        index: first.catalog.file,
        incidents: first.catalog.size,
        files: first.files,
        store: store.description,
      },
      'data loaded',
    ),
  );
  // The first sync is `firstSync`; a failure within the wait stops the start, as a failed load always did.
  const firstSync = live.firstSync ?? live.ready;
  try {
    if (!(await settlesWithin(firstSync, options.firstSyncWaitMs ?? 2000)))
      logger.info({ index: indexPath }, 'the data folder is still being indexed; answering meanwhile');
  } catch (error) {
    await live.close();
    await store.close();
    throw error;
  }
  await observing;

  const client = new Client({
    // Slash commands need no privileged intent: Guilds is all the gateway must send.
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.apiUrl },
    allowedMentions: { parse: [] },
    // discord.js' own sharding: SHARD_IDS of SHARD_COUNT (several machines each running some), else the
    // count Discord recommends, asked below; a guild's interactions arrive on the shard that holds it.
    ...(config.shards ? { shards: [...config.shards.ids], shardCount: config.shards.count } : {}),
  });
  if (metrics)
    client.rest.on(RESTEvents.Response, (_request, response) => metrics.restResponse(response.status));
  // Digest posts from every process of the bot share one budget in the store (Discord's limit is per bot).
  const sender = pacedSender(restSender(client.rest), {
    budget: store.restBudget,
    key: () => client.application?.id ?? config.applicationId ?? 'bot',
    logger,
  });
  const runner = createDigestRunner({
    store,
    tracker,
    logger,
    catalog: () => live.snapshot.catalog,
    send: options.wrapSender ? options.wrapSender(sender) : sender,
    leases,
    refresh: () => live.refresh(),
    ...(options.digestRetry ?? {}),
  });
  const digests: DigestRunner = {
    ...runner,
    async run(digest, how) {
      // A digest is composed from the whole folder, never from an index still being built (unless
      // that first sync failed: then from what the index holds, as the commands answer).
      await Promise.race([live.ready, firstSync.catch(() => {})]);
      await observing;
      const result = await runner.run(digest, how);
      metrics?.digestRun(digest.id, result.outcome, result.messages);
      return result;
    },
  };
  const inquiry = createDigestInquiry({
    record: runner.record,
    tracker,
    catalog: () => live.snapshot.catalog,
    state: runner.state,
  });
  const digestService = createDigestService(
    () => subscriptions.digests(),
    digests,
    Date.now,
    subscriptions,
    inquiry,
  );
  const dispatcher = createDispatcher({
    commands,
    logger,
    access: config.access,
    ...(deferAfterMs !== undefined ? { deferAfterMs } : {}),
    ...(metrics ? { onInteraction: metrics.interaction } : {}),
    context: () => {
      const snapshot = live.snapshot;
      return {
        catalog: snapshot.catalog,
        now: new Date(),
        version: VERSION,
        loadedAt: snapshot.loadedAt,
        building: snapshot.building,
        digests: digestService,
      };
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
  if (logger.isLevelEnabled('debug'))
    client.on(Events.Debug, (message) => logger.debug({ source: 'discord.js' }, message));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  let schedules: DigestSchedules | undefined;
  let alerts: ReturnType<typeof startAlertLoop> | undefined;
  let ops: OpsServer | undefined;
  // A subscription made, changed, paused, resumed or removed (here, or by another process and found by
  // the poll) takes effect at once: the schedules follow the current list.
  let wasRunning = runsDigests();
  subscriptions.onChange(async () => {
    if (!wasRunning && runsDigests()) void observe(live); // the first digest of this process: note the data now
    wasRunning = runsDigests();
    await schedules?.sync(subscriptions.digests());
  });
  const pollSubscriptions = setInterval(() => {
    subscriptions
      .poll()
      .catch((error: unknown) =>
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'could not look for changed digest subscriptions; trying again later',
        ),
      );
  }, options.subscriptionPollMs ?? SUBSCRIPTION_POLL_MS);
  pollSubscriptions.unref();
  const stop = async () => {
    clearInterval(pollSubscriptions);
    await ops?.close();
    live.stop();
    alerts?.stop();
    await schedules?.stop();
    // Also hands this process's leases back at once: another process takes over the digests now.
    await runner.stop();
    // Bounded: while Discord is unreachable discord.js keeps reconnecting, and its destroy can wait on that.
    await settlesWithin(client.destroy(), 3000).catch(() => false);
    // Last: until the client is gone an interaction may still read the index.
    await live.close();
    await store.close();
  };
  try {
    // Up before the login, so a probe sees "not ready" while the gateway connects.
    if (config.http && metrics) ops = await startOps(config.http, metrics, client, store, logger);
    if (!config.shards) {
      // Asked once here, rather than with shards: 'auto', which asks Discord again at every reconnect.
      client.rest.setToken(config.token);
      const { shards } = (await client.rest.get(Routes.gatewayBot())) as { shards: number };
      client.options.shards = Array.from({ length: shards }, (_, id) => id);
      client.options.shardCount = shards;
    }
    await client.login(config.token);
    await ready;
    logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
    // Digests start once the client is ready, so a catch-up run can post.
    schedules = await startDigestSchedules({
      digests: subscriptions.digests(),
      runner: digests,
      store,
      logger,
    });
    // A change made while the schedules were starting.
    await schedules.sync(subscriptions.digests());
    // Alerts (MODE=alert, env or subscribed) look for new incidents every 20 s.
    alerts = startAlertLoop({
      digests: () => subscriptions.digests(),
      run: (digest) => digests.run(digest, { reason: 'alert' }),
      logger,
      ...(options.alertPollMs === undefined ? {} : { intervalMs: options.alertPollMs }),
    });
  } catch (error) {
    await stop();
    throw explainDiscordFailure(error, config) ?? error;
  }
  await warnIfNotDeployed(client, commands, config, logger);

  return {
    client,
    live,
    store,
    digests,
    ops,
    settled: async () => {
      await observing;
    },
    stop,
  };
}

/** The index file's size with its write-ahead log; 0 for an index in memory. */
function fileBytes(file: string): number {
  let bytes = 0;
  for (const part of [file, `${file}-wal`]) {
    try {
      bytes += statSync(part).size;
    } catch {
      // No such file: an index in memory, or no WAL at the moment.
    }
  }
  return bytes;
}

/** /healthz is ready when every gateway shard is ready and the store answers a read. */
async function startOps(
  http: NonNullable<BotConfig['http']>,
  metrics: BotMetrics,
  client: Client,
  store: StateStore,
  logger: Logger,
): Promise<OpsServer> {
  const server = await startOpsServer({
    ...http,
    registry: metrics.registry,
    checks: {
      gateway: async () => {
        const shards = [...client.ws.shards.values()];
        const waiting = shards.filter((shard) => shard.status !== Status.Ready).map((shard) => shard.id);
        if (shards.length > 0 && waiting.length === 0) return { ok: true };
        return {
          ok: false,
          detail: shards.length === 0 ? 'not connected' : `shard ${waiting.join(', ')} not ready`,
        };
      },
      store: async () => {
        await store.get('connection-check');
        return { ok: true };
      },
    },
  });
  logger.info({ port: server.port, host: http.host }, 'serving /healthz and /metrics');
  return server;
}

/** True when `promise` resolved within `ms`; false when it is still pending; throws when it rejected in time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A start with commands Discord does not offer (never deployed, or an older version's) only warns. */
async function warnIfNotDeployed(
  client: Client,
  commands: readonly Command[],
  config: BotConfig,
  logger: Logger,
): Promise<void> {
  try {
    const applicationId = client.application?.id ?? config.applicationId;
    if (applicationId === undefined) return;
    const check = await checkDeployed(commands, client.rest, applicationId, config.guildId);
    const { missing, changed, extra } = check;
    if (missing.length + changed.length + extra.length === 0) {
      logger.info({ scope: check.scope, commands: commands.length }, 'slash commands are deployed');
      return;
    }
    const slash = (names: string[]) => names.map((n) => `/${n}`).join(' ');
    const parts = [
      missing.length > 0 ? `missing ${slash(missing)}` : '',
      changed.length > 0 ? `changed ${slash(changed)}` : '',
      extra.length > 0 ? `no longer shipped ${slash(extra)}` : '',
    ].filter(Boolean);
    logger.warn(
      { scope: check.scope, missing, changed, extra },
      `the slash commands Discord offers${check.scope === 'guild' ? ` in guild ${config.guildId}` : ''} are not this version's (${parts.join('; ')}): run ${DEPLOY_HINT}`,
    );
  } catch (error) {
    logger.warn(
      { err: error },
      `could not check the deployed slash commands; if they are missing, run ${DEPLOY_HINT}`,
    );
  }
}
