// Delivering one digest run with its guarantees: the pending run is persisted before posting, every
// message carries a nonce with enforce_nonce (so Discord drops a re-send), the cursor moves only after
// Discord accepted every message, and transient failures are retried with backoff.
import { createHash, randomUUID } from 'node:crypto';
import type { DigestConfig } from '../config.ts';
import type { Catalog } from '../incidents/catalog.ts';
import type { Logger } from '../logger.ts';
import type { Answer } from '../render/answer.ts';
import type { MessagePayload } from '../render/discord.ts';
import type { StateStore } from '../state/store.ts';
import { composeDigest, selectDigestItems } from './compose.ts';
import type { IncidentTracker } from './tracker.ts';

export type OutgoingMessage = MessagePayload & { nonce: string; enforce_nonce: true };

export interface DigestSender {
  /** Posts one message; resolves once Discord accepted it. Throws DeliveryError. */
  send(channelId: string, message: OutgoingMessage): Promise<{ id: string }>;
}

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** Retrying cannot help: the channel is gone or forbids the bot, or the body was refused. */
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface PendingRun {
  runId: string;
  /** Changes seen up to this time are covered; the cursor moves here on success. */
  asOf: number;
  scheduledFor: number | undefined;
  messages: MessagePayload[];
  /** Message ids Discord returned, by index; a hole is a message still to post. */
  sent: (string | null)[];
  createdAt: number;
}

export interface RunOutcome {
  at: number;
  scheduledFor: number | undefined;
  reason: 'scheduled' | 'catch-up' | 'resume' | 'manual';
  outcome: 'posted' | 'empty' | 'failed' | 'busy';
  messages: number;
  incidents: number;
  error?: string;
  permanent?: boolean;
}

export interface DigestState {
  cursor: number | undefined;
  pending: PendingRun | undefined;
  last: RunOutcome | undefined;
  lastScheduled: number | undefined;
}

export interface RunnerOptions {
  store: StateStore;
  tracker: IncidentTracker;
  catalog: () => Catalog;
  send: DigestSender;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per message for transient failures (5xx, network), with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
}

export const digestKey = (digest: Pick<DigestConfig, 'id' | 'channelId'>, part: string) =>
  `digest:${digest.id}:${digest.channelId}:${part}`;

/**
 * The identity of a new run, and so of its nonces (`<runId>.<index>`). It must never repeat for one
 * digest while Discord still remembers a nonce, or Discord drops the new run's messages as duplicates
 * of the old one and the cursor moves past incidents nobody saw. It is derived from what makes the
 * run unique: its slot (the scheduled time, or none), the cursor it starts from (which every delivered
 * run moves forward), and the run resumed just before it in the same call (a resumed run and the run
 * composed after it share their slot). Two processes firing the same slot from the same cursor still
 * derive the same id, so Discord drops the second one's re-send. A manual run is never shared: it gets
 * a random id.
 */
export function runIdFor(
  digest: Pick<DigestConfig, 'id' | 'channelId'>,
  run: {
    scheduledFor: number | undefined;
    since: number | undefined;
    after?: string | undefined;
    reason: RunOutcome['reason'];
  },
): string {
  const slot = run.reason === 'manual' ? `manual:${randomUUID()}` : String(run.scheduledFor ?? 'unscheduled');
  return createHash('sha1')
    .update(`${digest.id}:${digest.channelId}:${slot}:${run.since ?? 'first'}:${run.after ?? ''}`)
    .digest('base64url')
    .slice(0, 12);
}

export function createDigestRunner(options: RunnerOptions) {
  const { store, tracker, logger } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 1000;
  const running = new Map<string, Promise<RunOutcome>>();
  let stopping = false;

  async function state(digest: DigestConfig): Promise<DigestState> {
    const [cursor, pending, last, lastScheduled] = await Promise.all([
      store.get<number>(digestKey(digest, 'cursor')),
      store.get<PendingRun>(digestKey(digest, 'pending')),
      store.get<RunOutcome>(digestKey(digest, 'last')),
      store.get<number>(digestKey(digest, 'scheduled')),
    ]);
    return { cursor, pending, last, lastScheduled };
  }

  /** The digest's items over (since, asOf]: the tracker's log names the candidates, the index the rest. */
  async function select(catalog: Catalog, digest: DigestConfig, since: number | undefined, asOf: number) {
    const changed = since === undefined ? [] : await tracker.changedSince(since, asOf);
    const records = await tracker.records(changed);
    return selectDigestItems(catalog, records, since, asOf, digest.countries, changed);
  }

  /** What the next run would post now, without posting or changing any state. */
  async function preview(digest: DigestConfig): Promise<Answer | undefined> {
    const { cursor, pending } = await state(digest);
    const since = pending?.asOf ?? cursor;
    const asOf = tracker.lastObservedAt;
    const selection = await select(options.catalog(), digest, since, asOf);
    return composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'post' })?.answer;
  }

  async function postWithRetry(digest: DigestConfig, message: OutgoingMessage): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await options.send.send(digest.channelId, message)).id;
      } catch (error) {
        const failure =
          error instanceof DeliveryError
            ? error
            : new DeliveryError(error instanceof Error ? error.message : String(error), false);
        if (failure.permanent || attempt >= attempts) throw failure;
        if (stopping)
          throw new DeliveryError(
            `${failure.message}; shutting down, so the run resumes at the next start`,
            false,
          );
        const wait = backoffMs * 2 ** (attempt - 1);
        logger.warn(
          { digest: digest.id, channelId: digest.channelId, attempt, waitMs: wait, err: failure.message },
          'digest post failed; retrying',
        );
        await sleep(wait);
      }
    }
  }

  /** Posts what is left of a pending run, saving each accepted message, then moves the cursor. */
  async function deliver(digest: DigestConfig, pending: PendingRun): Promise<void> {
    for (const [index, message] of pending.messages.entries()) {
      if (pending.sent[index]) continue;
      const id = await postWithRetry(digest, {
        ...message,
        nonce: `${pending.runId}.${index}`,
        enforce_nonce: true,
      });
      pending.sent[index] = id;
      await store.set(digestKey(digest, 'pending'), pending);
    }
    await store.set(digestKey(digest, 'cursor'), pending.asOf);
    await store.delete(digestKey(digest, 'pending'));
  }

  async function runOnce(
    digest: DigestConfig,
    scheduledFor: number | undefined,
    reason: RunOutcome['reason'],
  ): Promise<RunOutcome> {
    const outcome = (partial: Omit<RunOutcome, 'at' | 'scheduledFor' | 'reason'>): RunOutcome => ({
      at: now(),
      scheduledFor,
      reason,
      ...partial,
    });
    let posted = 0;
    let incidents = 0;
    try {
      const { cursor, pending } = await state(digest);
      let since = cursor;
      let resumed: string | undefined;
      if (pending) {
        // A run that did not finish (a crash, an outage): finish it first, with the same nonces.
        logger.info({ digest: digest.id, runId: pending.runId }, 'resuming an unfinished digest run');
        await deliver(digest, pending);
        posted += pending.messages.length;
        since = pending.asOf;
        resumed = pending.runId;
      }
      // Note the current data (cheap when nothing changed); this also saves changes an outage held back.
      const catalog = options.catalog();
      await tracker.observe(catalog);
      const asOf = tracker.lastObservedAt;
      const selection = await select(catalog, digest, since, asOf);
      const composed = composeDigest({ ...digest, ...selection, since, asOf });
      if (!composed) {
        if (since === undefined || asOf > since) await store.set(digestKey(digest, 'cursor'), asOf);
        return outcome({ outcome: posted > 0 ? 'posted' : 'empty', messages: posted, incidents: 0 });
      }
      incidents = selection.total;
      const run: PendingRun = {
        runId: runIdFor(digest, { scheduledFor, since, after: resumed, reason }),
        asOf,
        scheduledFor,
        messages: composed.messages,
        sent: composed.messages.map(() => null),
        createdAt: now(),
      };
      await store.set(digestKey(digest, 'pending'), run);
      await deliver(digest, run);
      posted += run.messages.length;
      return outcome({ outcome: 'posted', messages: posted, incidents });
    } catch (error) {
      const permanent = error instanceof DeliveryError && error.permanent;
      const message = error instanceof Error ? error.message : String(error);
      logger.error(
        { digest: digest.id, channelId: digest.channelId, err: message, permanent },
        permanent
          ? 'digest channel refused the post; the run waits until it is fixed'
          : 'digest run failed; it will be retried at the next run',
      );
      return outcome({ outcome: 'failed', messages: posted, incidents, error: message, permanent });
    }
  }

  /** Runs a digest unless a run of it is already under way (runs of one digest never overlap). */
  async function run(
    digest: DigestConfig,
    { scheduledFor, reason }: { scheduledFor?: number; reason: RunOutcome['reason'] },
  ): Promise<RunOutcome> {
    const key = digestKey(digest, 'run');
    const busy = running.get(key);
    if (stopping) return { at: now(), scheduledFor, reason, outcome: 'busy', messages: 0, incidents: 0 };
    if (busy) {
      await busy;
      return { at: now(), scheduledFor, reason, outcome: 'busy', messages: 0, incidents: 0 };
    }
    const task = (async () => {
      const result = await runOnce(digest, scheduledFor, reason);
      await store.set(digestKey(digest, 'last'), result).catch((error: unknown) => {
        logger.warn(
          { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
          'could not record the digest outcome',
        );
      });
      if (result.outcome !== 'failed') logger.info({ digest: digest.id, ...result }, 'digest run finished');
      return result;
    })();
    running.set(key, task);
    try {
      return await task;
    } finally {
      running.delete(key);
    }
  }

  /**
   * Stops taking runs and waits (up to `timeoutMs`) for those under way: a run between retries gives up
   * at once and keeps its pending state, so the next start finishes it with the same nonces.
   */
  async function stop(timeoutMs = 5000): Promise<void> {
    stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running.values()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  return { run, preview, state, stop };
}

export type DigestRunner = ReturnType<typeof createDigestRunner>;
