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
        const latest = record.versions.at(-1)?.t ?? record.first;
        this.lastObserved = Math.max(this.lastObserved, latest);
      }
    }
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
    for (const incident of catalog.incidents) {
      const facets = facetsOf(incident);
      const record = this.records.get(incident.id);
      if (!record) {
        dirty.add(this.remember(incident.id, { first: t, versions: [{ t, facets }] }));
      } else if (record.versions.at(-1)?.facets.hash !== facets.hash) {
        record.versions.push({ t, facets });
        if (record.versions.length > KEEP_VERSIONS)
          record.versions.splice(0, record.versions.length - KEEP_VERSIONS);
        dirty.add(shardOf(incident.id));
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
    return t;
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
