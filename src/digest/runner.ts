// Delivering one digest run with its guarantees: the pending run is persisted before posting, every
// message carries a nonce with enforce_nonce (so Discord drops a re-send), the cursor moves only after
// Discord accepted every message, and transient failures are retried with backoff. Across processes
// on one store, a run is made only while holding its digest's lease (lease.ts): the pending run and
// the cursor are written only with that lease's fencing token, a process whose lease lapsed stops
// before its next message, and whoever takes the lease over resumes the pending run with its nonces.
import { createHash, randomUUID } from 'node:crypto';
import { withDigestChart } from '../charts/digest-chart.ts';
import type { DigestConfig } from '../config.ts';
import type { Catalog } from '../incidents/catalog.ts';
import type { Logger } from '../logger.ts';
import type { Answer } from '../render/answer.ts';
import type { MessagePayload } from '../render/discord.ts';
import { localLeases } from '../state/leases.ts';
import type { StateStore } from '../state/store.ts';
import { composeDigest, selectDigestItems } from './compose.ts';
import { digestFilter } from './filters.ts';
import { createLeaseKeeper, type HeldLease, type LeaseKeeper, LeaseLostError } from './lease.ts';
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
  /** The process posting it and its lease's fencing token (absent in runs saved by earlier versions). */
  owner?: string;
  token?: number;
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
  /** The latest slot whose run is finished (by whichever process). */
  lastDone?: number | undefined;
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
  /** Leases shared with other processes on the store; by default the store's own, or local ones. */
  leases?: LeaseKeeper;
  /**
   * Brings `catalog()` up to date with the data folder. Another process may have noted a change this
   * one's index has not loaded yet; the run waits for it rather than moving its cursor past it.
   */
  refresh?: () => Promise<void>;
}

/** The lease a digest's runs are made under, and the one for noting incident changes. */
export const digestLeaseName = (digest: Pick<DigestConfig, 'id' | 'channelId'>) =>
  `digest:${digest.id}:${digest.channelId}`;
export const TRACKER_LEASE = 'tracker';

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
  const leases = options.leases ?? createLeaseKeeper({ backend: store.leases ?? localLeases(store), logger });
  const running = new Map<string, Promise<RunOutcome>>();
  let stopping = false;
  let signalStop = () => {};
  const stopped = new Promise<void>((resolve) => {
    signalStop = resolve;
  });

  async function state(digest: DigestConfig): Promise<DigestState> {
    const [cursor, pending, last, lastScheduled, lastDone] = await Promise.all([
      store.get<number>(digestKey(digest, 'cursor')),
      store.get<PendingRun>(digestKey(digest, 'pending')),
      store.get<RunOutcome>(digestKey(digest, 'last')),
      store.get<number>(digestKey(digest, 'scheduled')),
      store.get<number>(digestKey(digest, 'done')),
    ]);
    return { cursor, pending, last, lastScheduled, lastDone };
  }

  /**
   * Notes data changes while no other process does (their change logs would interleave). Runs under
   * way together share one observation: a hundred digests due at once would otherwise queue for the
   * tracker's lease one by one, each polling the store every 50 ms. A run that joins an observation
   * already under way covers up to that observation's time; anything noted later is in its next run.
   */
  let observing: Promise<number> | undefined;
  function observe(catalog: Catalog): Promise<number> {
    observing ??= leases
      .exclusive(TRACKER_LEASE, () => tracker.observe(catalog))
      .finally(() => {
        observing = undefined;
      });
    return observing;
  }

  /** Nothing left to do for this run: its slot was finished (or its pending run resumed) elsewhere. */
  async function doneElsewhere(
    digest: DigestConfig,
    scheduledFor: number | undefined,
    reason: RunOutcome['reason'],
  ): Promise<boolean> {
    const { pending, lastDone } = await state(digest);
    if (pending) return false;
    if (reason === 'resume') return true;
    if (scheduledFor === undefined || lastDone === undefined) return false;
    // A tick older than a slot already run is stale; a catch-up of an older slot still runs (it covers
    // what changed while this process was down, as one run).
    return lastDone === scheduledFor || (reason === 'scheduled' && lastDone > scheduledFor);
  }

  /** The digest's items over (since, asOf]: the tracker's log names the candidates, the index the rest. */
  async function select(catalog: Catalog, digest: DigestConfig, since: number | undefined, asOf: number) {
    const changed = since === undefined ? [] : await tracker.changedSince(since, asOf);
    const records = await tracker.records(changed);
    const timeline = { timeline: digest.chart === true };
    const filter = digestFilter(digest);
    const selection = selectDigestItems(catalog, records, since, asOf, filter, changed, timeline);
    return withDigestChart(selection, digest, (err) =>
      logger.warn({ digest: digest.id, err }, 'digest chart not drawn'),
    );
  }

  /** What the next run would post now, without posting or changing any state. */
  async function preview(digest: DigestConfig): Promise<Answer | undefined> {
    const { cursor, pending } = await state(digest);
    const since = pending?.asOf ?? cursor;
    const asOf = tracker.lastObservedAt;
    const selection = await select(options.catalog(), digest, since, asOf);
    return composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'post' })?.answer;
  }

  async function postWithRetry(
    digest: DigestConfig,
    message: OutgoingMessage,
    lease: HeldLease,
  ): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      // Another process may own the run by now (this one stalled, or lost the store): it posts, not
      // this one. One store round trip per post, against Discord's own.
      await lease.confirm();
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
        // A shutdown cuts the wait short: the run is handed over now, not after the backoff.
        await Promise.race([sleep(wait), stopped]);
        if (stopping) throw new ShuttingDown();
      }
    }
  }

  /** The cursor and the record of the latest finished slot, as one fenced write. */
  async function finish(
    digest: DigestConfig,
    lease: HeldLease,
    asOf: number,
    slot: number | undefined,
    clearPending: boolean,
  ): Promise<void> {
    const done = await store.get<number>(digestKey(digest, 'done'));
    await lease.write(
      [
        { key: digestKey(digest, 'cursor'), value: asOf },
        ...(slot !== undefined && (done === undefined || slot > done)
          ? [{ key: digestKey(digest, 'done'), value: slot }]
          : []),
      ],
      clearPending ? [digestKey(digest, 'pending')] : [],
    );
  }

  /**
   * Posts what is left of a pending run under `lease`, saving each accepted message, then moves the
   * cursor. Every write is fenced by the lease: once another process owns the run, nothing moves here.
   */
  async function deliver(digest: DigestConfig, pending: PendingRun, lease: HeldLease): Promise<void> {
    if (pending.owner !== lease.owner || pending.token !== lease.token) {
      pending.owner = lease.owner;
      pending.token = lease.token;
      await lease.write([{ key: digestKey(digest, 'pending'), value: pending }]);
    }
    for (const [index, message] of pending.messages.entries()) {
      if (pending.sent[index]) continue;
      if (stopping) throw new ShuttingDown();
      const id = await postWithRetry(
        digest,
        { ...message, nonce: `${pending.runId}.${index}`, enforce_nonce: true },
        lease,
      );
      pending.sent[index] = id;
      await lease.write([{ key: digestKey(digest, 'pending'), value: pending }]);
    }
    await finish(digest, lease, pending.asOf, pending.scheduledFor, true);
  }

  async function runOnce(
    digest: DigestConfig,
    scheduledFor: number | undefined,
    reason: RunOutcome['reason'],
    lease: HeldLease,
  ): Promise<RunOutcome | undefined> {
    const outcome = (partial: Omit<RunOutcome, 'at' | 'scheduledFor' | 'reason'>): RunOutcome => ({
      at: now(),
      scheduledFor,
      reason,
      ...partial,
    });
    let posted = 0;
    let incidents = 0;
    try {
      // Read under the lease: what the previous owner left is final.
      if (await doneElsewhere(digest, scheduledFor, reason)) return undefined;
      const { cursor, pending } = await state(digest);
      let since = cursor;
      let resumed: string | undefined;
      if (pending) {
        // A run that did not finish (a crash, an outage, another process that stopped): finish it
        // first, with the same nonces.
        logger.info(
          { digest: digest.id, runId: pending.runId, previousOwner: pending.owner, fence: lease.token },
          'resuming an unfinished digest run',
        );
        await deliver(digest, pending, lease);
        posted += pending.messages.length;
        since = pending.asOf;
        resumed = pending.runId;
        // The resumed run was this slot's own (its owner stopped): the slot is done.
        if (
          scheduledFor !== undefined &&
          pending.scheduledFor !== undefined &&
          pending.scheduledFor >= scheduledFor
        )
          return outcome({ outcome: 'posted', messages: posted, incidents: 0 });
      }
      // Note the current data (cheap when nothing changed); this also saves changes an outage held back.
      let catalog = options.catalog();
      await observe(catalog);
      const asOf = tracker.lastObservedAt;
      if (since !== undefined && options.refresh) {
        const noted = await tracker.changedSince(since, asOf);
        if (noted.some((id) => !catalog.has(id))) {
          await options.refresh();
          catalog = options.catalog();
        }
      }
      const selection = await select(catalog, digest, since, asOf);
      const composed = composeDigest({ ...digest, ...selection, since, asOf });
      if (!composed) {
        await finish(digest, lease, since === undefined || asOf > since ? asOf : since, scheduledFor, false);
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
        owner: lease.owner,
        token: lease.token,
      };
      await lease.write([{ key: digestKey(digest, 'pending'), value: run }]);
      await deliver(digest, run, lease);
      posted += run.messages.length;
      return outcome({ outcome: 'posted', messages: posted, incidents });
    } catch (error) {
      if (error instanceof LeaseLostError || error instanceof ShuttingDown) {
        // Not a failure of the run: its pending state stays for the next owner (or the next start).
        logger.warn(
          { digest: digest.id, channelId: digest.channelId, err: error.message, fence: lease.token },
          'digest run handed over unfinished; the next owner resumes it with the same nonces',
        );
        return undefined;
      }
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
    const skipped = (): RunOutcome => ({
      at: now(),
      scheduledFor,
      reason,
      outcome: 'busy',
      messages: 0,
      incidents: 0,
    });
    if (stopping) return skipped();
    if (busy) {
      await busy;
      return skipped();
    }
    const task = (async () => {
      // Wait while another process runs this digest, unless it finished the run this one was for:
      // if it stops (a crash), this process takes the lease over when it lapses and finishes the run.
      const lease = await leases.hold(digestLeaseName(digest), {
        keepWaiting: async () => !stopping && !(await doneElsewhere(digest, scheduledFor, reason)),
      });
      if (!lease) return skipped();
      try {
        const result = await runOnce(digest, scheduledFor, reason, lease);
        if (!result) return skipped();
        await lease.write([{ key: digestKey(digest, 'last'), value: result }]).catch((error: unknown) => {
          logger.warn(
            { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
            'could not record the digest outcome',
          );
        });
        if (result.outcome !== 'failed') logger.info({ digest: digest.id, ...result }, 'digest run finished');
        return result;
      } finally {
        await lease.release();
      }
    })().catch((error: unknown) => {
      // The store failed while taking the lease: the run is tried again at the next time.
      logger.error(
        { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
        'digest run failed; it will be retried at the next run',
      );
      return { ...skipped(), outcome: 'failed' as const, error: String(error) };
    });
    running.set(key, task);
    try {
      return await task;
    } finally {
      running.delete(key);
    }
  }

  /**
   * Stops taking runs and waits (up to `timeoutMs`) for those under way: a run stops before its next
   * message (or between retries) and keeps its pending state; then every lease is handed back at once,
   * so another process resumes the run with the same nonces now, or this one at its next start.
   */
  async function stop(timeoutMs = 5000): Promise<void> {
    stopping = true;
    signalStop();
    leases.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running.values()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await leases.stop();
  }

  return { run, preview, state, stop, observe };
}

class ShuttingDown extends Error {
  override readonly name = 'ShuttingDown';
  constructor() {
    super('shutting down; the run is resumed by another process or at the next start');
  }
}

export type DigestRunner = ReturnType<typeof createDigestRunner>;
