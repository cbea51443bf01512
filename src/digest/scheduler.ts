// Runs each digest on its cron schedule in its time zone, catches up a run missed while the bot was
// down (once, at start-up), and keeps one digest's failure away from the others.
import { type ScheduledTask, schedule } from 'node-cron';
import type { DigestConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { StateStore } from '../state/store.ts';
import { type DigestRunner, digestKey } from './runner.ts';
import { fireTimesBetween, nextFireTime, parseSchedule } from './schedule.ts';

export interface SchedulerOptions {
  digests: readonly DigestConfig[];
  runner: DigestRunner;
  store: StateStore;
  logger: Logger;
  now?: () => number;
  /** How often the watchdog looks for a slot that is past due and did not run. */
  watchdogMs?: number;
}

export function nextRunOf(digest: DigestConfig, after: number): number | undefined {
  return nextFireTime(parseSchedule(digest.cron), digest.timezone, after);
}

/** node-cron's own messages ("missed execution", task errors) go to the JSON log, never to the console. */
function cronLogger(logger: Logger, digest: DigestConfig) {
  const log = logger.child({ component: 'node-cron', digest: digest.id });
  const say =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (message: string | Error, extra?: unknown): void => {
      const err =
        message instanceof Error ? message.message : extra instanceof Error ? extra.message : undefined;
      log[level](err ? { err } : {}, message instanceof Error ? 'node-cron error' : message);
    };
  return { info: say('info'), warn: say('warn'), error: say('error'), debug: say('debug') };
}

export async function startDigestSchedules({
  digests,
  runner,
  store,
  logger,
  now = Date.now,
  watchdogMs = 15_000,
}: SchedulerOptions) {
  const tasks: ScheduledTask[] = [];
  /** The latest slot this process has fired (or found handled in the store), per digest. */
  const handled = new Map<DigestConfig, number>();
  /** The slot after `handled`, computed once per fire: the watchdog compares it with the clock. */
  const nextDue = new Map<DigestConfig, number | undefined>();
  const specs = new Map(digests.map((digest) => [digest, parseSchedule(digest.cron)] as const));
  const spec = (digest: DigestConfig) => specs.get(digest) ?? parseSchedule(digest.cron);
  let stopped = false;

  const markHandled = (digest: DigestConfig, slot: number) => {
    handled.set(digest, slot);
    nextDue.set(digest, nextFireTime(spec(digest), digest.timezone, slot));
  };

  const fire = async (digest: DigestConfig, scheduledFor: number, reason: 'scheduled' | 'catch-up') => {
    // Each slot runs once per process, however it was noticed (its tick, a missed tick, the watchdog).
    if (stopped || scheduledFor <= (handled.get(digest) ?? Number.NEGATIVE_INFINITY)) return;
    markHandled(digest, scheduledFor);
    try {
      await store.set(digestKey(digest, 'scheduled'), scheduledFor);
      await runner.run(digest, { scheduledFor, reason });
    } catch (error) {
      logger.error(
        { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
        'digest run could not start',
      );
    }
  };

  /**
   * Runs the latest slot due since the last one handled, if any: at start-up (a run missed while the bot
   * was down), and whenever a tick was missed while the process was running (an event-loop stall, a
   * suspended machine, a clock jump), so a due time is never lost until the next one.
   */
  const catchUp = async (digest: DigestConfig, why: string) => {
    const last = handled.get(digest);
    if (last === undefined) return;
    const at = now();
    const missed = fireTimesBetween(spec(digest), digest.timezone, last, at);
    const latest = missed.at(-1);
    if (latest === undefined) return;
    logger.info(
      {
        digest: digest.id,
        missed: missed.length,
        scheduledFor: new Date(latest).toISOString(),
        lateMs: at - latest,
      },
      why,
    );
    await fire(digest, latest, 'catch-up');
  };

  await Promise.all(
    digests.map(async (digest) => {
      const { lastScheduled, pending } = await runner.state(digest);
      if (lastScheduled === undefined) {
        // First start with this digest: its schedule begins now; nothing was missed.
        const at = now();
        await store.set(digestKey(digest, 'scheduled'), at);
        markHandled(digest, at);
      } else {
        markHandled(digest, lastScheduled);
        const before = handled.get(digest);
        await catchUp(digest, 'catching up a digest run missed while the bot was down');
        if (handled.get(digest) !== before) return; // the catch-up run finished the pending run first
      }
      // An unfinished run (a crash, an outage): finish it now, with the ids and nonces it was saved with.
      // It is not a slot of its own: the schedule's record is left as it is.
      if (pending) await runner.run(digest, { reason: 'resume' });
    }),
  );

  for (const digest of digests) {
    const task = schedule(
      digest.cron,
      async (context) => {
        // Let every other digest due this second see its tick first: composing hundreds of digests due
        // at the same minute takes a while.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const at = Math.floor(context.date.getTime() / 1000) * 1000;
        // node-cron's own idea of the time may differ on DST nights: fire only at times our schedule has.
        if (nextFireTime(spec(digest), digest.timezone, at - 1, 1) !== at) {
          logger.debug(
            { digest: digest.id, at },
            'skipping a tick that is not a scheduled time in this zone',
          );
          return;
        }
        await fire(digest, at, 'scheduled');
      },
      {
        timezone: digest.timezone,
        noOverlap: true,
        name: `digest-${digest.id}`,
        logger: cronLogger(logger, digest),
      },
    );
    // node-cron gives up on a tick it delivers more than a second late (a long garbage collection, a
    // 100,000-incident file parsed on the main thread): run that slot as soon as the process can.
    task.on('execution:missed', () =>
      catchUp(digest, 'a digest run was due while the process was busy; running it now'),
    );
    tasks.push(task);
  }

  // The last line of defence: whatever node-cron did or did not notice, a slot that is past due by more
  // than a few seconds runs now.
  const watchdog = setInterval(() => {
    const at = now();
    for (const digest of digests) {
      const due = nextDue.get(digest);
      if (due !== undefined && due <= at - 5_000) {
        void catchUp(digest, 'a digest run was due and did not start; running it now');
      }
    }
  }, watchdogMs);
  watchdog.unref();

  logger.info(
    {
      digests: digests.map((d) => ({ id: d.id, channelId: d.channelId, cron: d.cron, timezone: d.timezone })),
    },
    'digest schedules started',
  );

  return {
    async stop() {
      stopped = true;
      clearInterval(watchdog);
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
