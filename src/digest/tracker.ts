// When the bot first saw each incident and when its content last changed, kept in the state store.
// Digests select by these times ("new or changed since the channel's last digest"), not by event date.
import { hash } from 'node:crypto';
import type { Catalog } from '../incidents/catalog.ts';
import type { Incident } from '../incidents/schema.ts';
import type { StateStore } from '../state/store.ts';
import { type Facets, incidentFacets } from './facets.ts';

export interface SeenVersion {
  /** When the bot observed this version (ms since epoch). */
  t: number;
  facets: Facets;
}

export interface SeenRecord {
  /** When the bot first saw the incident (ms). */
  first: number;
  /** Oldest first; the last is the current content. Only the latest few are kept. */
  versions: SeenVersion[];
}

const SHARDS = 256;
const KEEP_VERSIONS = 4;
const facetCache = new WeakMap<Incident, Facets>();

function facetsOf(incident: Incident): Facets {
  let facets = facetCache.get(incident);
  if (!facets) {
    facets = incidentFacets(incident);
    facetCache.set(incident, facets);
  }
  return facets;
}

function shardOf(id: string): string {
  return hash('sha1', id, 'hex').slice(0, 2);
}

export class IncidentTracker {
  private readonly records = new Map<string, SeenRecord>();
  /** Ids by shard, in the order they were first recorded: saving a shard reads only its own ids. */
  private readonly shardIds = new Map<string, string[]>();
  /** Shards changed in memory and not yet saved (a store outage): saved at the next observation. */
  private readonly dirty = new Set<string>();
  /**
   * Every new record and new version as (time, id), oldest first: a digest looks up what changed since
   * its cursor here instead of testing all 100,000 records.
   */
  private readonly changes: { t: number; id: string }[] = [];
  /** The catalog of the last observation that was saved in full: observing it again changes nothing. */
  private observed: Catalog | undefined;
  private lastObserved = 0;
  /** The last observation whose changes are all saved; digests cover changes up to here only. */
  private lastSaved = 0;
  private loaded = false;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads every shard once; later observations keep memory and store in step. */
  async load(): Promise<void> {
    if (this.loaded) return;
    const keys = Array.from({ length: SHARDS }, (_, i) => `seen:${i.toString(16).padStart(2, '0')}`);
    const shards = await Promise.all(keys.map((key) => this.store.get<Record<string, SeenRecord>>(key)));
    for (const shard of shards) {
      for (const [id, record] of Object.entries(shard ?? {})) {
        this.remember(id, record);
        this.changes.push({ t: record.first, id });
        for (const version of record.versions) this.changes.push({ t: version.t, id });
        const latest = record.versions.at(-1)?.t ?? record.first;
        this.lastObserved = Math.max(this.lastObserved, latest);
      }
    }
    this.changes.sort((a, b) => a.t - b.t);
    this.lastSaved = this.lastObserved;
    this.loaded = true;
  }

  /**
   * Notes new incidents and changed content in `catalog`; returns the observation time. Saving the
   * same content again changes nothing (the hash is of the content, not the file).
   */
  async observe(catalog: Catalog): Promise<number> {
    await this.load();
    const t = Math.max(this.now(), this.lastObserved + 1);
    const dirty = this.dirty;
    // Every digest run observes (cheap when nothing changed): the same catalog, already saved in full,
    // has nothing new, and 500 digests due in the same minute need not each walk 100,000 incidents.
    if (catalog === this.observed && dirty.size === 0) {
      this.lastObserved = t;
      this.lastSaved = t;
      return t;
    }
    for (const incident of catalog.incidents) {
      const facets = facetsOf(incident);
      const record = this.records.get(incident.id);
      if (!record) {
        dirty.add(this.remember(incident.id, { first: t, versions: [{ t, facets }] }));
        this.changes.push({ t, id: incident.id });
      } else if (record.versions.at(-1)?.facets.hash !== facets.hash) {
        record.versions.push({ t, facets });
        if (record.versions.length > KEEP_VERSIONS)
          record.versions.splice(0, record.versions.length - KEEP_VERSIONS);
        dirty.add(shardOf(incident.id));
        this.changes.push({ t, id: incident.id });
      }
    }
    if (dirty.size > 0) {
      // Each dirty shard from its own ids (a shard holds 1/256 of the records), not by hashing every id.
      const shards = new Map<string, Record<string, SeenRecord>>();
      for (const shard of dirty) {
        const entries: Record<string, SeenRecord> = {};
        for (const id of this.shardIds.get(shard) ?? []) {
          const record = this.records.get(id);
          if (record) entries[id] = record;
        }
        shards.set(shard, entries);
      }
      this.lastObserved = t;
      // On failure the shards stay dirty and the time stays unsaved, so no digest counts on them.
      await this.store.setMany([...shards].map(([shard, value]) => ({ key: `seen:${shard}`, value })));
      dirty.clear();
    }
    this.lastObserved = t;
    this.lastSaved = t;
    this.observed = catalog;
    return t;
  }

  /**
   * Ids of incidents first seen or changed after `from` and by `to` (each once, in no particular
   * order): every incident a digest over (from, to] can report is among them.
   */
  changedSince(from: number, to: number): string[] {
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.changes[mid]?.t ?? 0) <= from) lo = mid + 1;
      else hi = mid;
    }
    const ids = new Set<string>();
    for (let i = lo; i < this.changes.length; i++) {
      const change = this.changes[i];
      if (!change || change.t > to) break;
      ids.add(change.id);
    }
    return [...ids];
  }

  /** Keeps `record` under `id`, noting a new id in its shard; returns the shard. */
  private remember(id: string, record: SeenRecord): string {
    const shard = shardOf(id);
    if (!this.records.has(id)) {
      const ids = this.shardIds.get(shard);
      if (ids) ids.push(id);
      else this.shardIds.set(shard, [id]);
    }
    this.records.set(id, record);
    return shard;
  }

  /** The latest observation that is safely stored: digests cover changes seen up to this time. */
  get lastObservedAt(): number {
    return this.lastSaved;
  }

  record(id: string): SeenRecord | undefined {
    return this.records.get(id);
  }
}
