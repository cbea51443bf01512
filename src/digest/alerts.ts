// Alerts (DIGEST_<n>_MODE=alert): each matching new incident posted on its own as soon as the bot sees
// it, through the same runner as digests (pending run, nonces, fenced cursor), so still exactly once.
// A channel takes at most its cap of alerts in any hour; matches beyond it are held and named in one
// summary message, posted at once when the cap is first exceeded and then at most once an hour while
// the channel stays at its cap (or as soon as the channel has room again).
import type { DigestConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Answer } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { formatNumber } from '../render/format.ts';
import { incidentEntry, NOT_SUMMED } from '../render/present.ts';
import type { DigestItem } from './compose.ts';
import { formatZoned } from './compose.ts';

export const HOUR = 3_600_000;
/** How often alert digests look for new incidents: well inside the minute an alert promises. */
export const ALERT_POLL_MS = 20_000;
/** Held incidents named by id in a summary (the rest are counted). */
const HELD_IDS = 10;
/** Countries kept by name in the held counts (the rest are one "other countries" count). */
const HELD_COUNTRIES = 50;

/** What a channel's alerts have used of their hour, kept in the store under alertChannelKey. */
export interface AlertChannelState {
  /** When each alert of the last hour was posted (composed), oldest first. */
  sent: number[];
  /** Matches over the cap not yet named in a summary. */
  held?: HeldAlerts;
  /** When the last summary was composed. */
  lastSummary?: number;
}

export interface HeldAlerts {
  count: number;
  /** Seen from (the first held match's run). */
  since: number;
  byCountry: Record<string, number>;
  /** The first few held incidents' ids, for /incident. */
  ids: string[];
}

export const alertChannelKey = (channelId: string) => `alerts:${channelId}`;
export const alertChannelLease = (channelId: string) => `alerts:${channelId}`;

export interface AlertPlan {
  /** Posted one by one, in this order (oldest seen first). */
  post: DigestItem[];
  /** Named in one summary message after the alerts. */
  summary?: HeldAlerts;
  /** Held: over the cap this run, waiting for a summary. */
  held: DigestItem[];
  next: AlertChannelState;
}

/**
 * Which of `due` (new matching incidents, newest first as selected) to post now, under the channel's
 * `cap` per rolling hour, and whether to post a summary of the held ones. Pure.
 */
export function planAlerts(
  state: AlertChannelState | undefined,
  due: readonly DigestItem[],
  cap: number,
  now: number,
  /** New matches beyond the selection's items (it lists at most the largest cap), by country: all held. */
  unlisted: readonly { name: string; count: number }[] = [],
): AlertPlan {
  const sent = (state?.sent ?? []).filter((t) => t > now - HOUR);
  const room = Math.max(0, cap - sent.length);
  const oldestFirst = [...due].reverse();
  const post = oldestFirst.slice(0, room);
  const over = oldestFirst.slice(room);
  let held = state?.held;
  for (const item of over) held = hold(held, item.incident.location.country, 1, item.incident.id, now);
  for (const { name, count } of unlisted) held = hold(held, name, count, undefined, now);
  const next: AlertChannelState = {
    sent: [...sent, ...post.map(() => now)],
    ...(state?.lastSummary !== undefined ? { lastSummary: state.lastSummary } : {}),
  };
  const roomLeft = cap - next.sent.length;
  const summaryDue =
    held !== undefined &&
    held.count > 0 &&
    (state?.lastSummary === undefined || now - state.lastSummary >= HOUR || roomLeft > 0);
  if (summaryDue && held !== undefined) {
    next.lastSummary = now;
    return { post, summary: held, held: over, next };
  }
  if (held !== undefined) next.held = held;
  return { post, held: over, next };
}

/** `held` with `count` more matches in `country` (one of them `id`, when given). */
function hold(
  held: HeldAlerts | undefined,
  country: string,
  count: number,
  id: string | undefined,
  now: number,
): HeldAlerts {
  const byCountry = { ...(held?.byCountry ?? {}) };
  const key =
    country in byCountry || Object.keys(byCountry).length < HELD_COUNTRIES ? country : 'other countries';
  byCountry[key] = (byCountry[key] ?? 0) + count;
  const ids = held?.ids ?? [];
  return {
    count: (held?.count ?? 0) + count,
    since: held?.since ?? now,
    byCountry,
    ids: id !== undefined && ids.length < HELD_IDS ? [...ids, id] : ids,
  };
}

/** One alert's message: the incident in full, as /latest lists it, headed by the alert's title. */
export function alertAnswer(digest: Pick<DigestConfig, 'title' | 'timezone'>, item: DigestItem): Answer {
  const { incident } = item;
  return {
    content: `🔔 ${digest.title} — new incident in ${incident.location.country} (${incident.date.start})`,
    sections: [
      {
        title: incident.location.country,
        fields: [incidentEntry(incident)],
        footer: NOT_SUMMED,
        color: COLORS.list,
      },
    ],
  };
}

/** The summary of matches held over a channel's cap. */
export function heldAnswer(
  digest: Pick<DigestConfig, 'title' | 'timezone' | 'alertCap'>,
  held: HeldAlerts,
  now: number,
): Answer {
  const counts = Object.entries(held.byCountry)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([country, n]) => `${country} ${formatNumber(n)}`)
    .join(' · ');
  const named = held.ids.length < held.count ? `The first ${held.ids.length}` : 'They are';
  return {
    content: `🔔 ${digest.title} — alert limit reached: ${formatNumber(held.count)} more matching incident${held.count === 1 ? '' : 's'} seen ${formatZoned(held.since, digest.timezone)} to ${formatZoned(now, digest.timezone)} ${held.count === 1 ? 'was' : 'were'} not posted one by one (this channel takes at most ${digest.alertCap} alerts an hour).`,
    sections: [
      {
        title: 'Held back over the hourly limit',
        fields: [
          { name: 'By country', value: counts },
          {
            name: 'See them',
            value: `${named}: ${held.ids.join(', ')} (/incident id:…). /digest why incident:<id> says what happened to any incident.`,
          },
        ],
        color: COLORS.note,
      },
    ],
  };
}

export interface AlertLoopOptions {
  /** The current digests (env and Discord-managed); only unpaused alerts are polled. */
  digests: () => readonly DigestConfig[];
  run: (digest: DigestConfig) => Promise<unknown>;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Polls each alert digest every `intervalMs`: a run notes the data's changes and posts what is new.
 * A run still under way when the next poll comes is not started again (the runner skips it as busy).
 */
export function startAlertLoop({ digests, run, logger, intervalMs = ALERT_POLL_MS }: AlertLoopOptions) {
  let stopped = false;
  const inFlight = new Set<string>();
  const poll = () => {
    for (const digest of digests()) {
      if (stopped || digest.mode !== 'alert' || digest.paused) continue;
      const key = `${digest.id}:${digest.channelId}`;
      if (inFlight.has(key)) continue;
      inFlight.add(key);
      void run(digest)
        .catch((error: unknown) =>
          logger.error(
            { digest: digest.id, err: error instanceof Error ? error.message : String(error) },
            'alert run failed; it is tried again at the next poll',
          ),
        )
        .finally(() => inFlight.delete(key));
    }
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  // The first look right away: an alert after a restart does not wait a whole interval.
  setImmediate(poll);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
