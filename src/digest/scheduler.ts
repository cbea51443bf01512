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
}

export function nextRunOf(digest: DigestConfig, after: number): number | undefined {
  return nextFireTime(parseSchedule(digest.cron), digest.timezone, after);
}

export async function startDigestSchedules({
  digests,
  runner,
  store,
  logger,
  now = Date.now,
}: SchedulerOptions) {
  const tasks: ScheduledTask[] = [];

  const fire = async (
    digest: DigestConfig,
    scheduledFor: number,
    reason: 'scheduled' | 'catch-up' | 'resume',
  ) => {
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

  // Catch-up first, one digest at a time is not needed: each is independent.
  await Promise.all(
    digests.map(async (digest) => {
      const { lastScheduled, pending } = await runner.state(digest);
      const at = now();
      if (lastScheduled === undefined) {
        // First start with this digest: its schedule begins now; nothing was missed.
        await store.set(digestKey(digest, 'scheduled'), at);
        if (pending) await fire(digest, pending.scheduledFor ?? at, 'resume');
        return;
      }
      const missed = fireTimesBetween(parseSchedule(digest.cron), digest.timezone, lastScheduled, at);
      const latest = missed.at(-1);
      if (latest !== undefined) {
        logger.info(
          { digest: digest.id, missed: missed.length },
          'catching up a digest run missed while the bot was down',
        );
        await fire(digest, latest, 'catch-up');
      } else if (pending) await fire(digest, pending.scheduledFor ?? at, 'resume');
    }),
  );

  for (const digest of digests) {
    const spec = parseSchedule(digest.cron);
    const task = schedule(
      digest.cron,
      async (context) => {
        // Let every other digest due this second see its tick first. node-cron skips a tick it
        // delivers more than a second late, and composing hundreds of digests due at the same minute
        // takes longer than that: without this, most of them were silently skipped.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const at = Math.floor(context.date.getTime() / 1000) * 1000;
        // node-cron's own idea of the time may differ on DST nights: fire only at times our schedule has.
        if (nextFireTime(spec, digest.timezone, at - 1, 1) !== at) {
          logger.debug(
            { digest: digest.id, at },
            'skipping a tick that is not a scheduled time in this zone',
          );
          return;
        }
        await fire(digest, at, 'scheduled');
      },
      { timezone: digest.timezone, noOverlap: true, name: `digest-${digest.id}` },
    );
    tasks.push(task);
  }
  logger.info(
    {
      digests: digests.map((d) => ({ id: d.id, channelId: d.channelId, cron: d.cron, timezone: d.timezone })),
    },
    'digest schedules started',
  );

  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
