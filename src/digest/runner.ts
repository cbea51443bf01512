// Delivering one digest run with its guarantees: the pending run is persisted before posting, every
// message carries a nonce with enforce_nonce (so Discord drops a re-send), the cursor moves only after
// Discord accepted every message, and transient failures are retried with backoff. Across processes
// on one store, a run is made only while holding its digest's lease (lease.ts): the pending run and
// the cursor are written only with that lease's fencing token, a process whose lease lapsed stops
// before its next message, and whoever takes the lease over resumes the pending run with its nonces.
import { createHash, randomUUID } from 'node:crypto';
import { withDigestChart } from '../charts/digest-chart.ts';
import type { DigestConfig } from '../config.ts';
import { DEFAULT_ALERT_CAP } from '../config.ts';
import type { Catalog } from '../incidents/catalog.ts';
import type { Logger } from '../logger.ts';
import type { Answer } from '../render/answer.ts';
import type { MessagePayload } from '../render/discord.ts';
import { previewSection } from '../render/present-delivery.ts';
import { localLeases } from '../state/leases.ts';
import type { StateStore } from '../state/store.ts';
import {
  type AlertChannelState,
  alertAnswer,
  alertChannelKey,
  alertChannelLease,
  heldAnswer,
  planAlerts,
} from './alerts.ts';
import { type RunTrace, runRecordOf, type ShownIncident, shownIn } from './audit.ts';
import { composeDigest, DIGEST_CAPS, selectDigestItems } from './compose.ts';
import { filterKindsRejecting } from './explain.ts';
import { digestFilter } from './filters.ts';
import { createLeaseKeeper, type HeldLease, type LeaseKeeper, LeaseLostError } from './lease.ts';
import { digestMessages, type RunTarget, runTarget } from './outgoing.ts';
import { createDeliveryRecord } from './record.ts';
import type { IncidentTracker } from './tracker.ts';

export type OutgoingMessage = MessagePayload & { nonce: string; enforce_nonce: true };

export interface DigestSender {
  /** Posts one message; resolves once Discord accepted it. Throws DeliveryError. */
  send(channelId: string, message: OutgoingMessage): Promise<{ id: string }>;
  /**
   * What the channel is (Discord's channel type, its server, a forum's tags), asked once per process and
   * channel. Absent on senders that only post (tests, the offline preview): every channel is a text one.
   */
  channel?(channelId: string): Promise<ChannelInfo>;
  /**
   * Opens a thread on message `messageId` of text channel `channelId`, named `name`. Idempotent: a
   * message has at most one thread and its id is the message's, so a repeat (Discord answers 400, code
   * 160004) resolves with that same id. Throws DeliveryError.
   */
  startThread?(channelId: string, messageId: string, name: string): Promise<{ id: string }>;
  /**
   * Creates a post (a thread with its first message) in forum channel `channelId`. Discord takes no nonce
   * here, so a caller that may have created it before (a resumed run) asks `findPost` first.
   * Throws DeliveryError.
   */
  createPost?(channelId: string, post: ForumPost): Promise<{ id: string; messageId: string }>;
  /**
   * The active post in forum `channelId` named exactly `name` that this bot created, if any: how a
   * resumed run finds the post it made before it stopped.
   */
  findPost?(channelId: string, guildId: string, name: string): Promise<{ id: string } | undefined>;
}

export interface ChannelInfo {
  /** Discord's channel type: 0 text, 5 announcement, 15 forum, 16 media, 11/12 threads… */
  type: number;
  guildId?: string;
  /** A forum's available tags. */
  tags: { id: string; name: string }[];
}

export interface ForumPost {
  name: string;
  /** Tag ids (ChannelInfo.tags). */
  appliedTags: string[];
  message: MessagePayload;
}

/** Discord's channel types a digest posts to as forum posts (GUILD_FORUM, GUILD_MEDIA). */
export const FORUM_TYPES: ReadonlySet<number> = new Set([15, 16]);

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
  /** Where it posts (outgoing.ts); absent: the channel itself, as runs saved by earlier versions did. */
  target?: RunTarget;
  /** The cursor it started from (none: the channel's first run), and the channel's server (for links). */
  since?: number;
  guildId?: string;
  /** The incidents it shows, for the delivery record (absent in runs saved by earlier versions). */
  shown?: ShownIncident[];
}

export interface RunOutcome {
  at: number;
  scheduledFor: number | undefined;
  reason: 'scheduled' | 'catch-up' | 'resume' | 'manual' | 'alert';
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
  // A manual run, and an alert run (its summary of held matches may go out from the same cursor twice),
  // is never composed twice by two processes (the lease): a random id.
  const slot =
    run.reason === 'manual' || run.reason === 'alert'
      ? `${run.reason}:${randomUUID()}`
      : String(run.scheduledFor ?? 'unscheduled');
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
  const record = createDeliveryRecord(store, { now });
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
    const how = { timeline: digest.chart === true, onlyNew: digest.mode === 'alert' };
    const filter = digestFilter(digest);
    const selection = selectDigestItems(catalog, records, since, asOf, filter, changed, how);
    return withDigestChart(selection, digest, (err) =>
      logger.warn({ digest: digest.id, err }, 'digest chart not drawn'),
    );
  }

  /**
   * What the next run would post now, without posting or changing any state, with a section saying why
   * each incident it considered is in or out.
   */
  async function preview(digest: DigestConfig): Promise<Answer | undefined> {
    const { cursor, pending } = await state(digest);
    const since = pending?.asOf ?? cursor;
    const asOf = tracker.lastObservedAt;
    const catalog = options.catalog();
    const selection = await select(catalog, digest, since, asOf);
    const answer = composeDigest({ ...digest, ...selection, since, asOf, whenEmpty: 'post' })?.answer;
    if (!answer || !selection.audit) return answer;
    const trace: RunTrace = {};
    traceSelection(catalog, digest, selection, trace);
    const audit = {
      shown: selection.items.length,
      summarized: selection.total - selection.items.length,
      filtered: trace.filtered ?? [],
      filteredCount: trace.filteredCount ?? 0,
      heldBack: trace.heldBack ?? [],
      heldBackCount: trace.heldBackCount ?? 0,
    };
    return { ...answer, sections: [...answer.sections, previewSection(digest, audit)] };
  }

  /**
   * One Discord call of a run (a post, a thread, a forum post), retried with backoff on transient
   * failures. Before each try the lease is confirmed: another process may own the run by now (this one
   * stalled, or lost the store), and then it posts, not this one. One store round trip per call.
   */
  async function withRetry<T>(digest: DigestConfig, lease: HeldLease, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await lease.confirm();
      try {
        return await call();
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

  /** The sender's optional part, or an error naming what this sender cannot do. */
  function able<K extends 'startThread' | 'createPost' | 'findPost'>(name: K): NonNullable<DigestSender[K]> {
    const method = options.send[name];
    if (!method) throw new DeliveryError(`this sender cannot ${name}`, true);
    return method.bind(options.send) as NonNullable<DigestSender[K]>;
  }

  /**
   * Posts message `index` of `pending` where its target says, and returns its id. A forum run's first
   * message makes the post (Discord takes no nonce there: a retry or a resumed run looks for the post it
   * may have made first); a thread run's later messages go into the thread opened on its first.
   */
  async function postMessage(
    digest: DigestConfig,
    pending: PendingRun,
    index: number,
    lease: HeldLease,
  ): Promise<string> {
    const message = pending.messages[index] as MessagePayload;
    const target = pending.target ?? { kind: 'channel' as const };
    const save = () => lease.write([{ key: digestKey(digest, 'pending'), value: pending }]);
    if (target.kind === 'forum' && index === 0) {
      return withRetry(digest, lease, async () => {
        if (target.tried && target.guildId) {
          const found = await able('findPost')(digest.channelId, target.guildId, target.name);
          if (found) {
            target.threadId = found.id;
            return found.id;
          }
        }
        target.tried = true;
        await save();
        const post = await able('createPost')(digest.channelId, {
          name: target.name,
          appliedTags: target.tags,
          message,
        });
        target.threadId = post.id;
        return post.messageId;
      });
    }
    if (target.kind === 'thread' && index > 0 && target.threadId === undefined) {
      const first = pending.sent[0];
      if (first) {
        const thread = await withRetry(digest, lease, () =>
          able('startThread')(digest.channelId, first, target.name),
        );
        target.threadId = thread.id;
        await save();
      }
    }
    const channelId =
      (target.kind !== 'channel' && index > 0 ? target.threadId : undefined) ?? digest.channelId;
    const outgoing: OutgoingMessage = { ...message, nonce: `${pending.runId}.${index}`, enforce_nonce: true };
    return withRetry(digest, lease, async () => (await options.send.send(channelId, outgoing)).id);
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
    for (const index of pending.messages.keys()) {
      if (pending.sent[index]) continue;
      if (stopping) throw new ShuttingDown();
      pending.sent[index] = await postMessage(digest, pending, index, lease);
      await lease.write([{ key: digestKey(digest, 'pending'), value: pending }]);
    }
    // A one-message thread run still opens its thread (and a resumed one whose first message went out).
    const target = pending.target;
    if (target?.kind === 'thread' && target.threadId === undefined && pending.sent[0]) {
      const first = pending.sent[0];
      target.threadId = (
        await withRetry(digest, lease, () => able('startThread')(digest.channelId, first, target.name))
      ).id;
    }
    await finish(digest, lease, pending.asOf, pending.scheduledFor, true);
  }

  /** Where a run made now posts, and the channel's server: asked once per process (the sender caches it). */
  async function targetFor(
    digest: DigestConfig,
    asOf: number,
  ): Promise<{ target: RunTarget; guildId?: string }> {
    const channel = options.send.channel ? await options.send.channel(digest.channelId) : undefined;
    const target = runTarget(digest, channel, asOf, (missing) =>
      logger.warn(
        {
          digest: digest.id,
          channelId: digest.channelId,
          missing,
          available: channel?.tags.map((t) => t.name),
        },
        'the forum has no tag of these names (DIGEST_<n>_FORUM_TAGS); posting without them',
      ),
    );
    return { target, ...(channel?.guildId ? { guildId: channel.guildId } : {}) };
  }

  /** The filtered, held-back and summarised candidates of a selection, in the trace, with their filter kinds. */
  function traceSelection(
    catalog: Catalog,
    digest: DigestConfig,
    selection: Awaited<ReturnType<typeof select>>,
    trace: RunTrace,
  ): void {
    const { audit } = selection;
    if (!audit) return;
    const kinds = filterKindsRejecting(
      catalog,
      digest,
      audit.filtered.map((f) => f.rowid),
    );
    trace.filtered = audit.filtered.map((f) => ({ id: f.id, kinds: kinds.get(f.rowid) ?? [] }));
    trace.filteredCount = audit.filteredCount;
    trace.heldBack = audit.heldBack;
    trace.heldBackCount = audit.heldBackCount;
    if (digest.mode !== 'alert') {
      trace.summarized = audit.summarized;
      trace.summarizedCount = selection.total - selection.items.length;
    }
  }

  /** Keeps a run in the delivery record, fenced by its lease; a record that cannot be kept is only logged. */
  async function keep(
    digest: DigestConfig,
    lease: HeldLease,
    result: RunOutcome,
    trace: RunTrace,
  ): Promise<void> {
    const run = runRecordOf(result, trace, digest, tracker.lastObservedAt);
    if (!run) return;
    await record
      .add(digest, run, (entries, deletes) => lease.write(entries, deletes))
      .catch((error: unknown) => {
        logger.warn(
          { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
          'could not keep the digest run in the delivery record',
        );
      });
  }

  /**
   * A new run: where it posts decided, saved as pending (fenced by the lease) before anything is posted,
   * then delivered.
   */
  async function post(
    digest: DigestConfig,
    lease: HeldLease,
    trace: RunTrace,
    run: Pick<PendingRun, 'runId' | 'asOf' | 'scheduledFor' | 'messages' | 'shown'> & {
      since: number | undefined;
    },
  ): Promise<void> {
    const { since, ...rest } = run;
    const pending: PendingRun = {
      ...rest,
      sent: run.messages.map(() => null),
      createdAt: now(),
      owner: lease.owner,
      token: lease.token,
      ...(await targetFor(digest, run.asOf)),
      ...(since === undefined ? {} : { since }),
    };
    trace.pending = pending;
    await lease.write([{ key: digestKey(digest, 'pending'), value: pending }]);
    await deliver(digest, pending, lease);
  }

  /**
   * An alert run over (since, asOf]: each new matching incident its own message, under the channel's
   * hourly cap (alerts.ts), the rest held for a summary. The channel's count is planned and saved under
   * its own lease (alert digests sharing a channel share the cap) before the run is saved as pending, so
   * a crash in between over-counts the hour and never posts twice. An alert's first run posts nothing:
   * it starts the alert from now, not from the archive.
   */
  async function alertRun(
    digest: DigestConfig,
    lease: HeldLease,
    catalog: Catalog,
    since: number | undefined,
    asOf: number,
    resumed: string | undefined,
    trace: RunTrace,
  ): Promise<Pick<RunOutcome, 'outcome' | 'messages' | 'incidents'>> {
    const selection = since === undefined ? undefined : await select(catalog, digest, since, asOf);
    if (selection) traceSelection(catalog, digest, selection, trace);
    const key = alertChannelKey(digest.channelId);
    // Nothing new and nothing held for a summary (the usual poll): no lease, no write.
    const busy =
      selection !== undefined &&
      (selection.total > 0 || (await store.get<AlertChannelState>(key))?.held !== undefined);
    const planned = !busy
      ? undefined
      : await leases.exclusive(alertChannelLease(digest.channelId), async () => {
          const state = await store.get<AlertChannelState>(key);
          const due = selection as NonNullable<typeof selection>;
          const unlisted = due.items.length < due.total ? (due.summary?.hidden ?? []) : [];
          const at = now();
          const plan = planAlerts(state, due.items, digest.alertCap ?? DEFAULT_ALERT_CAP, at, unlisted);
          await store.set(key, plan.next);
          return { plan, at };
        });
    if (planned) {
      trace.overCap = planned.plan.held.map((item) => item.incident.id);
      // Every new match not alerted is over the cap, listed or not.
      trace.overCapCount = (selection?.total ?? 0) - planned.plan.post.length;
    }
    const answers = planned
      ? [
          ...planned.plan.post.map((item) => alertAnswer(digest, item)),
          ...(planned.plan.summary ? [heldAnswer(digest, planned.plan.summary, planned.at)] : []),
        ]
      : [];
    if (answers.length === 0) {
      await finish(digest, lease, since === undefined || asOf > since ? asOf : since, undefined, false);
      return { outcome: 'empty', messages: 0, incidents: 0 };
    }
    // Each alert pings the digest's role, if it has one: an alert is news to act on.
    const messages = answers.flatMap((answer) => digestMessages(digest, answer, 1));
    await post(digest, lease, trace, {
      runId: runIdFor(digest, { scheduledFor: undefined, since, after: resumed, reason: 'alert' }),
      asOf,
      scheduledFor: undefined,
      since,
      messages,
      shown: shownIn(messages, planned?.plan.post ?? []),
    });
    return { outcome: 'posted', messages: messages.length, incidents: planned?.plan.post.length ?? 0 };
  }

  async function runOnce(
    digest: DigestConfig,
    scheduledFor: number | undefined,
    reason: RunOutcome['reason'],
    lease: HeldLease,
    trace: RunTrace,
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
      if (cursor !== undefined) trace.since = cursor;
      let resumed: string | undefined;
      if (pending) {
        // A run that did not finish (a crash, an outage, another process that stopped): finish it
        // first, with the same nonces.
        logger.info(
          { digest: digest.id, runId: pending.runId, previousOwner: pending.owner, fence: lease.token },
          'resuming an unfinished digest run',
        );
        trace.pending = pending;
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
        // The resumed run is a record of its own; the run composed next gets a fresh trace.
        await keep(
          digest,
          lease,
          {
            ...outcome({ outcome: 'posted', messages: posted, incidents: pending.shown?.length ?? 0 }),
            reason: 'resume',
          },
          { pending },
        );
        delete trace.pending;
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
      if (since !== undefined) trace.since = since;
      trace.asOf = asOf;
      if (digest.mode === 'alert') {
        const alerted = await alertRun(digest, lease, catalog, since, asOf, resumed, trace);
        return outcome({ ...alerted, messages: posted + alerted.messages });
      }
      const selection = await select(catalog, digest, since, asOf);
      traceSelection(catalog, digest, selection, trace);
      const composed = composeDigest({ ...digest, ...selection, since, asOf });
      if (!composed) {
        await finish(digest, lease, since === undefined || asOf > since ? asOf : since, scheduledFor, false);
        return outcome({ outcome: posted > 0 ? 'posted' : 'empty', messages: posted, incidents: 0 });
      }
      incidents = selection.total;
      const messages = digestMessages(digest, composed.answer, DIGEST_CAPS.messages, composed.messages);
      await post(digest, lease, trace, {
        runId: runIdFor(digest, { scheduledFor, since, after: resumed, reason }),
        asOf,
        scheduledFor,
        since,
        messages,
        shown: shownIn(messages, selection.items),
      });
      posted += messages.length;
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
      if (error instanceof DeliveryError) trace.failure = error;
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
        const trace: RunTrace = {};
        const result = await runOnce(digest, scheduledFor, reason, lease, trace);
        if (!result) return skipped();
        await keep(digest, lease, result, trace);
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

  return { run, preview, state, stop, observe, record };
}

class ShuttingDown extends Error {
  override readonly name = 'ShuttingDown';
  constructor() {
    super('shutting down; the run is resumed by another process or at the next start');
  }
}

export type DigestRunner = ReturnType<typeof createDigestRunner>;
