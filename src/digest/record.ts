// The delivery record: every digest run, and what became of each incident it considered (posted with
// its message, left out by which filters, held back as an unchanged re-save, summarised beyond the run's
// cap, over an alert's hourly cap, failed), so an admin can ask "why didn't incident X post?".
//
// The store has no expiry and no key listing, so the record keeps its own bounds. Per digest and
// channel, one key per run holds its full record (`digest:<id>:<channel>:run:<runId>:<at>`), and an
// index (`digest:<id>:<channel>:runs`) holds small summaries of the runs kept, newest first: at most
// `maxRuns`, at most `maxBytes` of records together, none older than `maxAgeMs`. Adding a run reads the
// index and writes the run, the index and the deletion of the runs it drops, in one write: O(run size),
// never O(history). A run lists at most `maxListed` incidents, keeping the most telling fates; the rest
// are only counted (`unlisted`).
import type { DigestConfig } from '../config.ts';
import type { StateStore } from '../state/store.ts';
import type { FilterKind } from './explain.ts';

export type { FilterKind } from './explain.ts';

export type IncidentFate =
  /** `message`: its index in RunRecord.messages. */
  | { fate: 'posted'; kind: 'new' | 'updated'; message: number }
  /** Due, but beyond the run's shown items: counted in its summary, with a /latest line. */
  | { fate: 'summarized' }
  /** An alert: the channel's hourly cap was reached. */
  | { fate: 'over-cap' }
  | { fate: 'filtered'; by: FilterKind[] }
  /** Re-saved without a change digests show. */
  | { fate: 'held-back' }
  | { fate: 'failed'; status?: number; error: string }
  /** The channel forbids the bot (403) or is gone (404). */
  | { fate: 'forbidden'; status: number };

export interface RunRecord {
  runId: string;
  at: number;
  reason: string;
  outcome: 'posted' | 'empty' | 'failed' | 'forbidden';
  /** The run covered changes seen in (since, asOf]; no since: the channel's first run. */
  since?: number | undefined;
  asOf: number;
  /** Where each message went: channel or thread id, message id; guildId (when known) makes links. */
  guildId?: string | undefined;
  messages: { channelId: string; id: string }[];
  counts: {
    posted: number;
    summarized: number;
    overCap: number;
    filtered: number;
    heldBack: number;
    failed: number;
  };
  filteredBy: Partial<Record<FilterKind, number>>;
  status?: number | undefined;
  error?: string | undefined;
  /** Per-incident fates, at most maxListed. */
  incidents: Record<string, IncidentFate>;
  /** How many incidents the run considered but does not list. */
  unlisted: number;
}

/** What the index keeps of each run. */
interface RunSummary {
  /** The run record's size as stored (JSON characters); absent in indexes written before it was kept. */
  bytes?: number;
  /** The run's key suffix: `run:<runId>:<at>`. */
  key: string;
  runId: string;
  at: number;
  since?: number;
  asOf: number;
}

/** A write of the record: by default the store's setMany then delete; a run passes its lease's fenced write. */
export type RecordWrite = (entries: { key: string; value: unknown }[], deletes?: string[]) => Promise<void>;

export interface DeliveryRecordOptions {
  /** Runs kept per digest and channel (200). */
  maxRuns?: number;
  /** Characters of run records kept per digest and channel (256 KiB): the newest run is always kept. */
  maxBytes?: number;
  /** Runs older than this are dropped (30 days). */
  maxAgeMs?: number;
  /** Incidents listed per run (500). */
  maxListed?: number;
  now?: () => number;
}

export const DELIVERY_RECORD_DEFAULTS = {
  maxRuns: 200,
  maxBytes: 256 * 1024,
  maxAgeMs: 30 * 24 * 60 * 60 * 1000,
  maxListed: 500,
} as const;

/** The longest error text a run keeps. */
const MAX_ERROR = 500;

type DigestRef = Pick<DigestConfig, 'id' | 'channelId'>;

/** The record's keys, in the runner's digestKey format (`digest:<id>:<channelId>:<part>`). */
export const recordKeys = {
  index: (digest: DigestRef) => `digest:${digest.id}:${digest.channelId}:runs`,
  run: (digest: DigestRef, suffix: string) => `digest:${digest.id}:${digest.channelId}:${suffix}`,
};

/** "https://discord.com/channels/<guild>/<channel>/<message>" */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** Which fates a run keeps listing first when it has too many: deliveries and failures, then the rest. */
const RANK: Readonly<Record<IncidentFate['fate'], number>> = {
  posted: 0,
  failed: 0,
  forbidden: 0,
  summarized: 1,
  'over-cap': 1,
  filtered: 2,
  'held-back': 2,
};

/** The run as kept: at most `maxListed` incidents (in their order), the error cut short. */
function bounded(run: RunRecord, maxListed: number): RunRecord {
  const entries = Object.entries(run.incidents);
  let incidents = run.incidents;
  let unlisted = run.unlisted;
  if (entries.length > maxListed) {
    const kept = new Set(
      entries
        .map(([id, fate], order) => ({ id, rank: RANK[fate.fate] ?? 2, order }))
        .sort((a, b) => a.rank - b.rank || a.order - b.order)
        .slice(0, maxListed)
        .map((e) => e.id),
    );
    // fromEntries defines own properties: an id such as "__proto__" stays an id.
    incidents = Object.fromEntries(entries.filter(([id]) => kept.has(id)));
    unlisted += entries.length - kept.size;
  }
  const error =
    run.error !== undefined && run.error.length > MAX_ERROR
      ? `${run.error.slice(0, MAX_ERROR - 1)}…`
      : run.error;
  return { ...run, incidents, unlisted, ...(error === undefined ? {} : { error }) };
}

export function createDeliveryRecord(store: StateStore, options: DeliveryRecordOptions = {}) {
  const maxRuns = options.maxRuns ?? DELIVERY_RECORD_DEFAULTS.maxRuns;
  const maxBytes = options.maxBytes ?? DELIVERY_RECORD_DEFAULTS.maxBytes;
  const maxAgeMs = options.maxAgeMs ?? DELIVERY_RECORD_DEFAULTS.maxAgeMs;
  const maxListed = options.maxListed ?? DELIVERY_RECORD_DEFAULTS.maxListed;
  const now = options.now ?? Date.now;

  const storeWrite: RecordWrite = async (entries, deletes = []) => {
    await store.setMany(entries);
    for (const key of deletes) await store.delete(key);
  };

  /** The index's runs still within the age bound, newest first. */
  async function index(digest: DigestRef): Promise<RunSummary[]> {
    const cutoff = now() - maxAgeMs;
    const list = (await store.get<RunSummary[]>(recordKeys.index(digest))) ?? [];
    return list.filter((s) => s.at >= cutoff);
  }

  async function read(digest: DigestRef, summaries: readonly RunSummary[]): Promise<RunRecord[]> {
    const runs = await Promise.all(summaries.map((s) => store.get<RunRecord>(recordKeys.run(digest, s.key))));
    return runs.filter((run): run is RunRecord => run !== undefined);
  }

  return {
    /**
     * Records a run, bounded (see `bounded`), and drops the runs beyond `maxRuns` or `maxBytes` (the
     * newest always stays) or older than `maxAgeMs`, deleting their keys in the same write. The same run (runId and time) added again
     * replaces itself; a resumed run (same runId, later) is a run of its own.
     */
    async add(digest: DigestRef, run: RunRecord, write: RecordWrite = storeWrite): Promise<void> {
      const stored = bounded(run, maxListed);
      const summary: RunSummary = {
        key: `run:${run.runId}:${run.at}`,
        runId: run.runId,
        at: run.at,
        ...(run.since === undefined ? {} : { since: run.since }),
        asOf: run.asOf,
        bytes: JSON.stringify(stored).length,
      };
      const cutoff = now() - maxAgeMs;
      const previous = (await store.get<RunSummary[]>(recordKeys.index(digest))) ?? [];
      const all = [summary, ...previous.filter((s) => s.key !== summary.key)].sort((a, b) => b.at - a.at);
      const kept: RunSummary[] = [];
      const dropped: RunSummary[] = [];
      let bytes = 0;
      for (const s of all) {
        bytes += s.bytes ?? 0;
        const fits = kept.length === 0 || bytes <= maxBytes;
        (kept.length < maxRuns && s.at >= cutoff && fits ? kept : dropped).push(s);
      }
      const entries: { key: string; value: unknown }[] = [];
      if (kept.includes(summary)) entries.push({ key: recordKeys.run(digest, summary.key), value: stored });
      entries.push({ key: recordKeys.index(digest), value: kept });
      await write(
        entries,
        dropped.map((s) => recordKeys.run(digest, s.key)),
      );
    },

    /** The runs kept, newest first (at most `limit`). */
    async runs(digest: DigestRef, limit = maxRuns): Promise<RunRecord[]> {
      return read(digest, (await index(digest)).slice(0, Math.max(0, limit)));
    },

    /**
     * The kept runs that may have considered `incidentId`, newest first, with its fate where the run
     * lists it: those whose (since, asOf] holds one of `times` (the tracker's first-seen and version
     * times), and a first run (no since) made after the incident was first seen.
     */
    async find(
      digest: DigestRef,
      incidentId: string,
      times: readonly number[],
    ): Promise<{ run: RunRecord; fate: IncidentFate | undefined }[]> {
      if (times.length === 0) return [];
      const first = Math.min(...times);
      const covering = (await index(digest)).filter((s) =>
        s.since === undefined ? first <= s.asOf : times.some((t) => t > (s.since as number) && t <= s.asOf),
      );
      return (await read(digest, covering)).map((run) => ({
        run,
        fate: Object.hasOwn(run.incidents, incidentId) ? run.incidents[incidentId] : undefined,
      }));
    },
  };
}

export type DeliveryRecord = ReturnType<typeof createDeliveryRecord>;
