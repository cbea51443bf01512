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

/** The digests this process schedules: neither alerts (they run separately) nor paused subscriptions. */
export function isScheduled(digest: DigestConfig): boolean {
  return digest.mode !== 'alert' && digest.paused !== true;
}

/** What a digest's schedule depends on: a change of any of it replaces its task. */
function fingerprint(digest: DigestConfig): string {
  return JSON.stringify(digest);
}

interface Entry {
  digest: DigestConfig;
  spec: ReturnType<typeof parseSchedule>;
  task: ScheduledTask | undefined;
  /** The latest slot this process has fired (or found handled in the store). */
  handled: number | undefined;
  /** The slot after `handled`, computed once per fire: the watchdog compares it with the clock. */
  nextDue: number | undefined;
  removed: boolean;
}

export interface DigestSchedules {
  /**
   * Makes the schedule match `digests` (by id): new ones start, changed ones are replaced, missing ones
   * stop. Alerts and paused digests are left out. Calls run one after another.
   */
  sync(digests: readonly DigestConfig[]): Promise<void>;
  /** Starts one digest's schedule (replacing one with the same id). */
  add(digest: DigestConfig): Promise<void>;
  /** Replaces a digest's schedule with its new settings; same as add. */
  replace(digest: DigestConfig): Promise<void>;
  /** Stops a digest's schedule; a run under way finishes. */
  remove(id: string): Promise<void>;
  /** The ids scheduled now. */
  ids(): string[];
  stop(): Promise<void>;
}

export async function startDigestSchedules({
  digests,
  runner,
  store,
  logger,
  now = Date.now,
  watchdogMs = 15_000,
}: SchedulerOptions): Promise<DigestSchedules> {
  const entries = new Map<string, Entry>();
  let stopped = false;

  const markHandled = (entry: Entry, slot: number) => {
    entry.handled = slot;
    entry.nextDue = nextFireTime(entry.spec, entry.digest.timezone, slot);
  };

  const fire = async (entry: Entry, scheduledFor: number, reason: 'scheduled' | 'catch-up') => {
    const { digest } = entry;
    // Each slot runs once per process, however it was noticed (its tick, a missed tick, the watchdog).
    if (stopped || entry.removed || scheduledFor <= (entry.handled ?? Number.NEGATIVE_INFINITY)) return;
    markHandled(entry, scheduledFor);
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
  const catchUp = async (entry: Entry, why: string) => {
    const last = entry.handled;
    if (last === undefined) return;
    const at = now();
    const missed = fireTimesBetween(entry.spec, entry.digest.timezone, last, at);
    const latest = missed.at(-1);
    if (latest === undefined) return;
    logger.info(
      {
        digest: entry.digest.id,
        missed: missed.length,
        scheduledFor: new Date(latest).toISOString(),
        lateMs: at - latest,
      },
      why,
    );
    await fire(entry, latest, 'catch-up');
  };

  /**
   * Where a digest's schedule starts. At start-up (`catchUp`), a slot missed while the bot was down runs
   * now; a digest added while running (a new, edited or resumed subscription) starts from now, as a
   * first start does. Either way an unfinished run is finished, with the ids and nonces it was saved with.
   */
  const begin = async (
    entry: Entry,
    catchUpMissed: boolean,
  ): Promise<(() => Promise<unknown>) | undefined> => {
    const { digest } = entry;
    const { lastScheduled, pending } = await runner.state(digest);
    if (lastScheduled === undefined || !catchUpMissed) {
      // First start with this digest (or a change while running): its schedule begins now.
      const at = now();
      if (lastScheduled === undefined || lastScheduled < at)
        await store.set(digestKey(digest, 'scheduled'), at);
      markHandled(entry, Math.max(at, lastScheduled ?? at));
    } else {
      markHandled(entry, lastScheduled);
      const before = entry.handled;
      await catchUp(entry, 'catching up a digest run missed while the bot was down');
      if (entry.handled !== before) return undefined; // the catch-up run finished the pending run first
    }
    // It is not a slot of its own: the schedule's record is left as it is.
    return pending ? () => runner.run(digest, { reason: 'resume' }) : undefined;
  };

  const startTask = (entry: Entry) => {
    const { digest } = entry;
    const task = schedule(
      digest.cron,
      async (context) => {
        // Let every other digest due this second see its tick first: composing hundreds of digests due
        // at the same minute takes a while.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const at = Math.floor(context.date.getTime() / 1000) * 1000;
        // node-cron's own idea of the time may differ on DST nights: fire only at times our schedule has.
        if (nextFireTime(entry.spec, digest.timezone, at - 1, 1) !== at) {
          logger.debug(
            { digest: digest.id, at },
            'skipping a tick that is not a scheduled time in this zone',
          );
          return;
        }
        await fire(entry, at, 'scheduled');
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
      catchUp(entry, 'a digest run was due while the process was busy; running it now'),
    );
    entry.task = task;
  };

  const newEntry = (digest: DigestConfig): Entry => ({
    digest,
    spec: parseSchedule(digest.cron),
    task: undefined,
    handled: undefined,
    nextDue: undefined,
    removed: false,
  });

  const drop = async (id: string) => {
    const entry = entries.get(id);
    if (!entry) return;
    entry.removed = true;
    entries.delete(id);
    await entry.task?.destroy();
  };

  const resumeLater = (digest: DigestConfig, resume: () => Promise<unknown>) => {
    resume().catch((error: unknown) =>
      logger.error(
        { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
        'digest run could not start',
      ),
    );
  };

  /** Starts a digest while running (not at start-up): an unfinished run is finished in the background. */
  const addNow = async (digest: DigestConfig) => {
    await drop(digest.id);
    if (stopped || !isScheduled(digest)) return;
    const entry = newEntry(digest);
    entries.set(digest.id, entry);
    try {
      const resume = await begin(entry, false);
      if (entry.removed || stopped) return;
      startTask(entry);
      if (resume) resumeLater(digest, resume);
    } catch (error) {
      // The store failed: the schedule still starts, from now.
      logger.error(
        { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
        'could not read the digest state; its schedule starts from now',
      );
      if (entry.handled === undefined) markHandled(entry, now());
      if (!entry.removed && !stopped && !entry.task) startTask(entry);
    }
    logger.info(
      { digest: digest.id, channelId: digest.channelId, cron: digest.cron, timezone: digest.timezone },
      'digest schedule started',
    );
  };

  // Changes run one after another, so a sync from a command and one from the poll never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  // Start-up: every digest at once, catching up what was missed while the bot was down.
  const initial = digests.filter(isScheduled);
  for (const digest of initial) entries.set(digest.id, newEntry(digest));
  await Promise.all(
    initial.map(async (digest) => {
      const entry = entries.get(digest.id) as Entry;
      const resume = await begin(entry, true);
      if (resume) await resume();
    }),
  );
  for (const entry of entries.values()) startTask(entry);

  // The last line of defence: whatever node-cron did or did not notice, a slot that is past due by more
  // than a few seconds runs now.
  const watchdog = setInterval(() => {
    const at = now();
    for (const entry of entries.values()) {
      const due = entry.nextDue;
      if (entry.task && due !== undefined && due <= at - 5_000) {
        void catchUp(entry, 'a digest run was due and did not start; running it now');
      }
    }
  }, watchdogMs);
  watchdog.unref();

  logger.info(
    {
      digests: initial.map((d) => ({ id: d.id, channelId: d.channelId, cron: d.cron, timezone: d.timezone })),
    },
    'digest schedules started',
  );

  return {
    sync: (wanted) =>
      serial(async () => {
        const keep = new Map(wanted.filter(isScheduled).map((d) => [d.id, d] as const));
        for (const id of [...entries.keys()]) {
          if (!keep.has(id)) {
            await drop(id);
            logger.info({ digest: id }, 'digest schedule stopped');
          }
        }
        for (const digest of keep.values()) {
          const entry = entries.get(digest.id);
          if (entry && fingerprint(entry.digest) === fingerprint(digest)) continue;
          await addNow(digest);
        }
      }),
    add: (digest) => serial(() => addNow(digest)),
    replace: (digest) => serial(() => addNow(digest)),
    remove: (id) =>
      serial(async () => {
        await drop(id);
      }),
    ids: () => [...entries.keys()],
    async stop() {
      stopped = true;
      clearInterval(watchdog);
      const tasks = [...entries.values()];
      for (const entry of tasks) entry.removed = true;
      entries.clear();
      await Promise.all(tasks.map((entry) => entry.task?.destroy()));
    },
  };
}
