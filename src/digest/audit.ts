// A run as the delivery record keeps it (record.ts): pure, from what the runner traced while making it.
import type { RunTarget } from './outgoing.ts';
import type { FilterKind, IncidentFate, RunRecord } from './record.ts';
import type { DeliveryError, PendingRun, RunOutcome } from './runner.ts';

/** What a run saw and did, gathered by the runner as it goes. */
export interface RunTrace {
  /** The window the run covers, once known: changes seen in (since, asOf]. */
  since?: number;
  asOf?: number;
  /** The run delivered (a resumed one, or the new one), with which incidents it shows. */
  pending?: PendingRun;
  /** Candidates left out, held back or summarised (compose.ts SelectionAudit), with their filter kinds. */
  filtered?: { id: string; kinds: FilterKind[] }[];
  filteredCount?: number;
  heldBack?: string[];
  heldBackCount?: number;
  summarized?: string[];
  summarizedCount?: number;
  /** Alerts over the channel's cap: listed ids and their count. */
  overCap?: string[];
  overCapCount?: number;
  failure?: DeliveryError;
}

/** An incident shown by a run: its id, new or updated, and the message (index) that shows it. */
export interface ShownIncident {
  id: string;
  kind: 'new' | 'updated';
  message: number;
}

/** Statuses that mean the channel forbids the bot or is gone: an admin must act. */
const FORBIDDEN = new Set([403, 404]);

/** Where message `index` of a run went: its first message to the channel (or the forum post), the rest to the thread. */
function messageChannel(target: RunTarget | undefined, channelId: string, index: number): string {
  if (!target || target.kind === 'channel') return channelId;
  if (target.kind === 'forum') return target.threadId ?? channelId;
  return index === 0 ? channelId : (target.threadId ?? channelId);
}

/**
 * The record of a run, or undefined for one not worth keeping: an empty run that considered nothing
 * (an alert polls every 20 seconds; its quiet polls would push real runs out of the record).
 */
export function runRecordOf(
  result: RunOutcome,
  trace: RunTrace,
  digest: { channelId: string },
  asOfFallback: number,
): RunRecord | undefined {
  const { pending, failure } = trace;
  const considered =
    (trace.filteredCount ?? 0) + (trace.heldBackCount ?? 0) + (trace.overCapCount ?? 0) + (pending ? 1 : 0);
  if (result.outcome === 'busy') return undefined;
  if (result.outcome === 'empty' && considered === 0 && result.messages === 0) return undefined;
  const forbidden =
    failure?.permanent === true && failure.status !== undefined && FORBIDDEN.has(failure.status);
  const incidents: Record<string, IncidentFate> = {};
  const shown = pending?.shown ?? [];
  for (const item of shown) {
    const sent = pending?.sent[item.message];
    incidents[item.id] = sent
      ? { fate: 'posted', kind: item.kind, message: item.message }
      : forbidden
        ? { fate: 'forbidden', status: failure?.status as number }
        : {
            fate: 'failed',
            ...(failure?.status === undefined ? {} : { status: failure.status }),
            error: failure?.message ?? 'not posted',
          };
  }
  for (const id of trace.summarized ?? []) incidents[id] ??= { fate: 'summarized' };
  for (const id of trace.overCap ?? []) incidents[id] ??= { fate: 'over-cap' };
  for (const { id, kinds } of trace.filtered ?? []) incidents[id] ??= { fate: 'filtered', by: kinds };
  for (const id of trace.heldBack ?? []) incidents[id] ??= { fate: 'held-back' };
  const filteredBy: Partial<Record<FilterKind, number>> = {};
  for (const { kinds } of trace.filtered ?? [])
    for (const kind of kinds) filteredBy[kind] = (filteredBy[kind] ?? 0) + 1;
  const posted = shown.filter((item) => pending?.sent[item.message]).length;
  const counts = {
    posted,
    summarized: trace.summarizedCount ?? trace.summarized?.length ?? 0,
    overCap: trace.overCapCount ?? 0,
    filtered: trace.filteredCount ?? 0,
    heldBack: trace.heldBackCount ?? 0,
    failed: shown.length - posted,
  };
  const listed =
    shown.length +
    (trace.summarized?.length ?? 0) +
    (trace.overCap?.length ?? 0) +
    (trace.filtered?.length ?? 0) +
    (trace.heldBack?.length ?? 0);
  const total = shown.length + counts.summarized + counts.overCap + counts.filtered + counts.heldBack;
  const messages = (pending?.sent ?? []).flatMap((id, index) =>
    id ? [{ channelId: messageChannel(pending?.target, digest.channelId, index), id }] : [],
  );
  return {
    runId: pending?.runId ?? `${result.reason}:${result.at}`,
    at: result.at,
    reason: result.reason,
    outcome: result.outcome === 'failed' ? (forbidden ? 'forbidden' : 'failed') : result.outcome,
    since: pending ? pending.since : trace.since,
    asOf: pending?.asOf ?? trace.asOf ?? asOfFallback,
    guildId: pending?.guildId,
    messages,
    counts,
    filteredBy,
    status: failure?.status,
    error: result.outcome === 'failed' ? result.error : undefined,
    incidents,
    unlisted: Math.max(0, total - listed),
  };
}

/**
 * Which message of a run shows each incident: the first whose text names its id ("id: <id>", as
 * incidentEntry writes it). An incident the pages cut out of every message is attributed to the first.
 */
export function shownIn(
  messages: readonly unknown[],
  items: readonly { incident: { id: string }; kind: 'new' | 'updated' }[],
): ShownIncident[] {
  const texts = messages.map((message) => JSON.stringify(message));
  return items.map(({ incident, kind }) => {
    const at = texts.findIndex((text) => text.includes(`id: ${incident.id}`));
    return { id: incident.id, kind, message: Math.max(0, at) };
  });
}
