// When the bot first saw each incident and when its content last changed, kept in the state store.
// Digests select by these times ("new or changed since the channel's last digest"), not by event date.
//
// Nothing here holds all incidents: the index (catalog.ts) numbers every write (`seq`), and an
// observation reads only the incidents written since the last one it saved. Records live in the store
// in 256 shards by id (`seen:<shard>`, the format of earlier versions), and each observation that found
// changes appends their ids to a log (`seen:log:<n>`), so a digest reads only the ids changed since its
// cursor. Each shard is kept as 16 parts (`seen:<shard>:<part>`, by the id's hash), so reading the records
// of a few ids parses a sixteenth of a shard each: about 25 records per part at 100,000 incidents, 250 at
// 1,000,000. A shard written whole by an earlier version is split at its first write, in the same write
// that leaves a marker under its old key, so a reader never takes stale records for current ones. The head (`seen:head`) says which index and write the records are up to date with; when the
// index is another one (deleted and rebuilt), the next observation compares every incident, shard by
// shard, and only what really changed counts as changed.
import { hash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Catalog, shardOf } from '../incidents/catalog.ts';
import type { Incident } from '../incidents/schema.ts';
import type { StateStore } from '../state/store.ts';
import { type Facets, incidentFacets } from './facets.ts';

export interface SeenVersion {
  /** When the bot observed this version (ms since epoch). */
  t: number;
  facets: Facets;
  /** The index's hash of this version (catalog.ts): equal means unchanged, without computing facets. */
  ih?: string;
}

export interface SeenRecord {
  /** When the bot first saw the incident (ms). */
  first: number;
  /** Oldest first; the last is the current content. Only the latest few are kept. */
  versions: SeenVersion[];
}

interface LogEntry {
  /** The chunk's key suffix. */
  n: number;
  /** When its changes were observed. */
  t: number;
}

interface Head {
  /** The index (its meta 'generation') and the last write (`seq`) the records are up to date with. */
  generation: string | undefined;
  seq: number;
  lastObserved: number;
  log: LogEntry[];
  next: number;
}

const SHARDS = 256;
/** Parts per shard: the third hex digit of the id's hash (the shard is the first two). */
const PARTS = 16;
const PART_NAMES = Array.from({ length: PARTS }, (_, i) => i.toString(16));
/** What an old whole-shard key holds once its records moved to parts (never an incident id). */
const MOVED = '#moved';

/** The part of its shard an id's record lives in. */
export function partOf(id: string): string {
  return hash('sha1', id, 'hex').slice(2, 3);
}

const partKey = (shard: string, part: string) => `seen:${shard}:${part}`;

type Records = Record<string, SeenRecord>;

/**
 * The parts `parts` of `shard` as stored. A shard still in the old whole format comes back split, every
 * part of it, with `legacy` set: the caller writes all its parts and the marker under the old key.
 */
async function readShard(
  store: StateStore,
  shard: string,
  parts: Iterable<string>,
): Promise<{ parts: Map<string, Records>; legacy: boolean }> {
  const whole = await store.get<Records>(`seen:${shard}`);
  if (whole && !Object.hasOwn(whole, MOVED)) {
    const split = new Map<string, Records>(PART_NAMES.map((part) => [part, {}]));
    for (const [id, record] of Object.entries(whole)) (split.get(partOf(id)) as Records)[id] = record;
    return { parts: split, legacy: true };
  }
  const names = [...new Set(parts)];
  const read = await Promise.all(names.map((part) => store.get<Records>(partKey(shard, part))));
  return { parts: new Map(names.map((part, i) => [part, read[i] ?? {}])), legacy: false };
}
const KEEP_VERSIONS = 4;
/** Ids per log chunk: a first observation of 1,000,000 incidents writes 100 chunks. */
const CHUNK = 10_000;
/** Incidents compared between two yields to the event loop: the bot keeps answering meanwhile. */
const YIELD_EVERY = 2_000;

const EMPTY_HEAD: Head = { generation: undefined, seq: 0, lastObserved: 0, log: [], next: 0 };

type Row = { id: string; shard: string; hash: string; seq: number };

export class IncidentTracker {
  private head: Head = EMPTY_HEAD;
  /** The latest observation that found nothing new (not saved: nothing changed since the head's). */
  private quietAt = 0;
  private loaded = false;
  private observing: Promise<number> | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the head: a few hundred bytes, whatever the number of incidents. */
  async load(): Promise<void> {
    const head = await this.store.get<Head>('seen:head');
    if (head) this.head = head;
    else if (!this.loaded) this.head = { ...EMPTY_HEAD, lastObserved: await this.legacyLastObserved() };
    this.loaded = true;
  }

  /**
   * Notes new incidents and changed content in `catalog`; returns the observation time. Saving the
   * same content again changes nothing (the hash is of the content, not the file). Observations never
   * overlap; one that fails to save changes nothing, and the next one finds the same changes again.
   */
  async observe(catalog: Catalog): Promise<number> {
    while (this.observing) await this.observing.catch(() => undefined);
    this.observing = this.observeOnce(catalog);
    try {
      return await this.observing;
    } finally {
      this.observing = undefined;
    }
  }

  private async observeOnce(catalog: Catalog): Promise<number> {
    await this.load();
    const head = this.head;
    const t = Math.max(this.now(), head.lastObserved + 1, this.quietAt + 1);
    const generation = catalog.meta('generation');
    const seq = Number(catalog.meta('seq') ?? '0');
    const whole = generation !== head.generation;
    if (!whole && seq === head.seq) {
      this.quietAt = t;
      return t;
    }
    const rows = whole
      ? undefined
      : (catalog
          .statement<[number, number], Row>(
            'SELECT id, shard, hash, seq FROM incidents WHERE seq > ? AND seq <= ?',
          )
          .all(head.seq, seq) as Row[]);
    const changed: string[] = [];
    const byShard = new Map<string, Row[]>();
    for (const row of rows ?? []) {
      const list = byShard.get(row.shard);
      if (list) list.push(row);
      else byShard.set(row.shard, [row]);
    }
    const shardNames = whole
      ? Array.from({ length: SHARDS }, (_, i) => i.toString(16).padStart(2, '0'))
      : [...byShard.keys()];
    let compared = 0;
    /** Parts to write back (key → records), and old whole shards to mark as moved. */
    const dirtyParts = new Map<string, Records>();
    const moved: string[] = [];
    for (const shard of shardNames) {
      const shardRows = whole
        ? (catalog
            .statement<[string], Row>('SELECT id, shard, hash, seq FROM incidents WHERE shard = ?')
            .all(shard) as Row[])
        : (byShard.get(shard) ?? []);
      const read = await readShard(
        this.store,
        shard,
        whole ? PART_NAMES : shardRows.map((row) => partOf(row.id)),
      );
      if (read.legacy) {
        moved.push(shard);
        for (const [part, records] of read.parts) dirtyParts.set(partKey(shard, part), records);
      }
      for (const row of shardRows) {
        if (++compared % YIELD_EVERY === 0) await yieldToLoop();
        const part = partOf(row.id);
        let records = read.parts.get(part);
        if (!records) {
          records = {};
          read.parts.set(part, records);
        }
        // Gone or rewritten since the rows were listed: a rewrite has a later seq, seen next time.
        const noted = noteVersion(records, row, t, () => catalog.get(row.id));
        if (noted !== 'same') dirtyParts.set(partKey(shard, part), records);
        if (noted === 'changed') changed.push(row.id);
      }
    }
    const next: Head = { ...head, generation, seq, lastObserved: t, log: [...head.log] };
    const entries: { key: string; value: unknown }[] = [];
    for (let i = 0; i < changed.length; i += CHUNK) {
      entries.push({ key: `seen:log:${next.next}`, value: { t, ids: changed.slice(i, i + CHUNK) } });
      next.log.push({ n: next.next, t });
      next.next += 1;
    }
    for (const [key, records] of dirtyParts) entries.push({ key, value: records });
    for (const shard of moved) entries.push({ key: `seen:${shard}`, value: { [MOVED]: true } });
    entries.push({ key: 'seen:head', value: next });
    // One write: on failure nothing moves, and no digest counts on these changes.
    await this.store.setMany(entries);
    this.head = next;
    return t;
  }

  /**
   * Ids of incidents first seen or changed after `from` and by `to` (each once, in no particular
   * order): every incident a digest over (from, to] can report is among them. Reads only the log chunks
   * of that period.
   */
  async changedSince(from: number, to: number): Promise<string[]> {
    await this.load();
    const wanted = this.head.log.filter((entry) => entry.t > from && entry.t <= to);
    const chunks = await Promise.all(
      wanted.map((entry) => this.store.get<{ t: number; ids: string[] }>(`seen:log:${entry.n}`)),
    );
    const ids = new Set<string>();
    for (const chunk of chunks) for (const id of chunk?.ids ?? []) ids.add(id);
    if (this.head.generation === undefined && from < this.head.lastObserved) {
      // A store written by a version before the log: its times are in the records themselves.
      for (const id of await this.legacyChangedSince(from, to)) ids.add(id);
    }
    return [...ids];
  }

  /** The records of these ids (those that have one), reading only the parts of shards that hold them. */
  async records(ids: Iterable<string>): Promise<Map<string, SeenRecord>> {
    const byShard = new Map<string, string[]>();
    for (const id of ids) {
      const shard = shardOf(id);
      const list = byShard.get(shard);
      if (list) list.push(id);
      else byShard.set(shard, [id]);
    }
    const out = new Map<string, SeenRecord>();
    await Promise.all(
      [...byShard].map(async ([shard, list]) => {
        const { parts } = await readShard(
          this.store,
          shard,
          list.map((id) => partOf(id)),
        );
        for (const id of list) {
          const records = parts.get(partOf(id));
          const record = records && Object.hasOwn(records, id) ? records[id] : undefined;
          if (record) out.set(id, record);
        }
      }),
    );
    return out;
  }

  async record(id: string): Promise<SeenRecord | undefined> {
    return (await this.records([id])).get(id);
  }

  /** The latest observation that is safely stored: digests cover changes seen up to this time. */
  get lastObservedAt(): number {
    return Math.max(this.head.lastObserved, this.quietAt);
  }

  /** Before the log (sitrep ≤ 0.x stores): the latest time in any record. */
  private async legacyLastObserved(): Promise<number> {
    let latest = 0;
    for (const records of await this.allShards()) {
      for (const record of Object.values(records)) {
        latest = Math.max(latest, record.versions.at(-1)?.t ?? record.first);
      }
    }
    return latest;
  }

  private async legacyChangedSince(from: number, to: number): Promise<string[]> {
    const ids: string[] = [];
    for (const records of await this.allShards()) {
      for (const [id, record] of Object.entries(records)) {
        const times = [record.first, ...record.versions.map((v) => v.t)];
        if (times.some((time) => time > from && time <= to)) ids.push(id);
      }
    }
    return ids;
  }

  private async allShards(): Promise<Record<string, SeenRecord>[]> {
    const keys = Array.from({ length: SHARDS }, (_, i) => `seen:${i.toString(16).padStart(2, '0')}`);
    const shards = await Promise.all(keys.map((key) => this.store.get<Record<string, SeenRecord>>(key)));
    return shards.filter((s): s is Record<string, SeenRecord> => s !== undefined && !Object.hasOwn(s, MOVED));
  }
}

/**
 * Records `row`'s version at `t` unless it is the one already recorded: 'changed' for a new incident or
 * new content, 'touched' when only the index's hash was noted, 'same' when nothing was written.
 */
function noteVersion(
  records: Record<string, SeenRecord>,
  row: Row,
  t: number,
  /** The incident, read only when its hash differs from the recorded one (a rebuild compares them all). */
  read: () => Incident | undefined,
): 'changed' | 'touched' | 'same' {
  const record = Object.hasOwn(records, row.id) ? records[row.id] : undefined;
  const last = record?.versions.at(-1);
  if (last?.ih === row.hash) return 'same';
  const incident = read();
  if (incident === undefined) return 'same';
  const facets = incidentFacets(incident);
  if (!record) {
    records[row.id] = { first: t, versions: [{ t, facets, ih: row.hash }] };
    return 'changed';
  }
  if (last?.facets.hash === facets.hash) {
    // Same content under another index hash (a rebuilt index, an older record): note the hash only.
    last.ih = row.hash;
    return 'touched';
  }
  record.versions.push({ t, facets, ih: row.hash });
  if (record.versions.length > KEEP_VERSIONS)
    record.versions.splice(0, record.versions.length - KEEP_VERSIONS);
  return 'changed';
}
