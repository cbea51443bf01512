// Digests managed from Discord (/digest-admin subscribe, edit, pause, resume, remove), kept in the state
// store so they survive restarts and are shared by every process on it.
//
// Storage: one small index key, `digest-subscriptions` → { revision, nextId, ids }, and one key per
// subscription, `digest-subscription:<id>` → its record. The index is what other processes poll (one
// small read every 30 s, however many subscriptions there are); a change rewrites the index and the one
// record it touches, both in one fenced write under the lease `digest-subscriptions`, so two processes
// never allocate the same id nor lose each other's changes. Each record keeps the raw settings, as the
// env file would spell them (CRON → "0 7 * * *"), so an edit re-validates the merged settings through
// the very parser the env file goes through (config.ts parseDigestEntry).
//
// Ids are "s1", "s2", …: env digests are numbers, so the two never collide, and an id is never reused
// (a removed subscription's state under `digest:<id>:…` can never be taken for a new one's).

import {
  type DigestConfig,
  type DigestKey,
  type DigestProblem,
  type DigestSettings,
  parseDigestEntry,
} from '../config.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { StoreEntry } from '../state/leases.ts';
import type { StateStore } from '../state/store.ts';
import type { LeaseKeeper } from './lease.ts';

export const SUBSCRIPTIONS_INDEX_KEY = 'digest-subscriptions';
export const SUBSCRIPTIONS_LEASE = 'digest-subscriptions';
export const subscriptionKey = (id: string) => `digest-subscription:${id}`;

/** At most this many subscriptions per server (autocomplete shows at most 25 choices). */
export const MAX_SUBSCRIPTIONS_PER_GUILD = 25;

/** A digest's settings by their DIGEST_<n>_ suffix, as text (as in the env file). */
export type DigestSettingsInput = Partial<Record<DigestKey, string>>;

export interface Subscription {
  id: string;
  /** The server it was made in: only that server's admins see and change it. */
  guildId: string | undefined;
  settings: DigestSettingsInput;
  paused: boolean;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

interface SubscriptionIndex {
  /** Rises with every change: other processes compare it to know when to reload. */
  revision: number;
  nextId: number;
  ids: string[];
}

const EMPTY_INDEX: SubscriptionIndex = { revision: 0, nextId: 1, ids: [] };

/** Who makes a change, and where. */
export interface Actor {
  userId: string;
  guildId: string | undefined;
}

/** The settings do not make a digest: each problem by its DIGEST_<n>_ suffix (CRON), as the env file reports them. */
export class DigestSettingsError extends UserError {
  constructor(readonly problems: DigestProblem[]) {
    super(`Invalid digest settings: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  }
}

export interface SubscriptionView {
  subscription: Subscription;
  /** The digest it makes, or why its settings no longer make one (a stricter version). */
  digest: DigestConfig | undefined;
  problems: DigestProblem[];
}

export interface SubscriptionsOptions {
  store: StateStore;
  /** Without leases the subscriptions are read-only (the offline CLI). */
  leases?: LeaseKeeper;
  envDigests: readonly DigestConfig[];
  /** DIGEST_TIMEZONE, else TZ, else UTC: what a digest without TIMEZONE uses. */
  defaultZone: string;
  logger?: Logger;
  now?: () => number;
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;

/** The zone of a digest that names none: DIGEST_TIMEZONE, else TZ (config.ts), else UTC. */
export function defaultZoneOf(settings: Pick<DigestSettings, 'digestTimezone'>): string {
  return settings.digestTimezone ?? 'UTC';
}

/** The settings with blanks (cleared settings) left out. */
function withoutBlanks(settings: DigestSettingsInput): DigestSettingsInput {
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined && value.trim() !== ''),
  ) as DigestSettingsInput;
}

export function createSubscriptions(options: SubscriptionsOptions) {
  const { store, leases, envDigests, defaultZone, logger } = options;
  const now = options.now ?? Date.now;
  let index: SubscriptionIndex = EMPTY_INDEX;
  let views = new Map<string, SubscriptionView>();
  const listeners = new Set<() => Promise<void> | void>();
  /** Loads run one after another, each reading afresh: one started after a write always sees it. */
  let loading: Promise<unknown> = Promise.resolve();

  const validate = (id: string, settings: DigestSettingsInput) =>
    parseDigestEntry(id, withoutBlanks(settings) as Record<string, string>, defaultZone);

  const view = (subscription: Subscription): SubscriptionView => {
    const parsed = validate(subscription.id, subscription.settings);
    if ('problems' in parsed) return { subscription, digest: undefined, problems: parsed.problems };
    return {
      subscription,
      digest: { ...parsed.digest, source: 'discord', paused: subscription.paused },
      problems: [],
    };
  };

  const readIndex = async () => (await store.get<SubscriptionIndex>(SUBSCRIPTIONS_INDEX_KEY)) ?? EMPTY_INDEX;

  /** Reads everything from the store; true when it differs from what was loaded. */
  function load(): Promise<boolean> {
    const next = loading.then(async () => {
      const read = await readIndex();
      const records = await Promise.all(read.ids.map((id) => store.get<Subscription>(subscriptionKey(id))));
      // A newer state loaded meanwhile (after a change of this process's own) wins.
      if (read.revision < index.revision) return false;
      const changed = read.revision !== index.revision || views.size !== read.ids.length;
      index = read;
      views = new Map();
      for (const record of records) {
        if (!record) continue;
        const v = view(record);
        if (v.problems.length > 0)
          logger?.warn(
            { digest: record.id, problems: v.problems },
            'a digest subscription no longer has valid settings; it is not run until it is edited',
          );
        views.set(record.id, v);
      }
      return changed;
    });
    loading = next.catch(() => undefined);
    return next;
  }

  async function notify(): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener();
      } catch (error) {
        logger?.error({ err: error }, 'could not apply a change of digest subscriptions');
      }
    }
  }

  /** Reloads when another process changed the subscriptions (its revision moved), then tells the listeners. */
  async function poll(): Promise<boolean> {
    const read = await readIndex();
    if (read.revision === index.revision) return false;
    const changed = await load();
    if (changed) await notify();
    return changed;
  }

  function writable(): LeaseKeeper {
    if (!leases)
      throw new UserError(
        'Digest subscriptions are managed from Discord with /digest-admin; here they are read-only.',
      );
    return leases;
  }

  const envDigest = (id: string) => envDigests.find((d) => d.id === id.trim());

  /** The subscription `id` as it is in the store now, checked to belong to the actor's server. */
  async function own(id: string, who: Actor): Promise<Subscription> {
    const trimmed = id.trim();
    const env = envDigest(trimmed);
    if (env)
      throw new UserError(
        `Digest ${env.id} (${env.title}) is defined in the env file (DIGEST_${env.id}_*) and is read-only here: change it there and restart the bot.`,
      );
    const record = /^s\d+$/.test(trimmed)
      ? await store.get<Subscription>(subscriptionKey(trimmed))
      : undefined;
    if (!record || record.guildId !== who.guildId)
      throw new UserError(
        `No digest subscription "${trimmed.slice(0, 60)}" in this server. /digest-admin list shows them.`,
      );
    return record;
  }

  /** Runs `change` under the lease, then writes its records and the index with a new revision. */
  async function mutate<T>(
    change: (
      current: SubscriptionIndex,
    ) => Promise<{ index: SubscriptionIndex; set: Subscription[]; remove: string[]; result: T }>,
  ): Promise<T> {
    const keeper = writable();
    const result = await keeper.exclusive(SUBSCRIPTIONS_LEASE, async (lease) => {
      const current = await readIndex();
      const done = await change(current);
      if (done.set.length === 0 && done.remove.length === 0 && done.index === current) return done.result;
      const next: SubscriptionIndex = { ...done.index, revision: current.revision + 1 };
      const set: StoreEntry[] = [
        ...done.set.map((s) => ({ key: subscriptionKey(s.id), value: s })),
        { key: SUBSCRIPTIONS_INDEX_KEY, value: next },
      ];
      await lease.write(
        set,
        done.remove.map((id) => subscriptionKey(id)),
      );
      return done.result;
    });
    await load();
    await notify();
    return result;
  }

  function checked(id: string, settings: DigestSettingsInput): DigestConfig {
    const parsed = validate(id, settings);
    if ('problems' in parsed) throw new DigestSettingsError(parsed.problems);
    return parsed.digest;
  }

  return {
    load,
    poll,
    /** The revision loaded: rises with every change. */
    revision: () => index.revision,
    /** Called after every change, this process's own or one a poll found; awaited. */
    onChange(listener: () => Promise<void> | void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Every digest: the env file's, then the subscriptions whose settings are valid (paused ones too). */
    digests(): DigestConfig[] {
      const subscribed = [...views.values()]
        .flatMap((v) => (v.digest ? [v.digest] : []))
        .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
      return [...envDigests, ...subscribed];
    },
    /** The subscriptions made in `guildId` (all of them when undefined), in id order. */
    list(guildId?: string): SubscriptionView[] {
      return [...views.values()]
        .filter((v) => guildId === undefined || v.subscription.guildId === guildId)
        .sort((a, b) => Number(a.subscription.id.slice(1)) - Number(b.subscription.id.slice(1)));
    },
    envDigests: () => envDigests,
    readOnly: leases === undefined,

    /** Validates `settings` exactly as the env file's, then stores a new subscription with a fresh id. */
    async subscribe(settings: DigestSettingsInput, who: Actor): Promise<DigestConfig> {
      const clean = withoutBlanks(settings);
      // Checked before taking the lease (a wrong value needs no id); checked again with the real id.
      checked('s0', clean);
      return mutate(async (current) => {
        const inGuild = (
          await Promise.all(current.ids.map((id) => store.get<Subscription>(subscriptionKey(id))))
        ).filter((s) => s && s.guildId === who.guildId).length;
        if (inGuild >= MAX_SUBSCRIPTIONS_PER_GUILD)
          throw new UserError(
            `This server has ${inGuild} digest subscriptions, the most it may have; remove one first.`,
          );
        let nextId = Math.max(current.nextId, 1);
        while (envDigest(`s${nextId}`) || current.ids.includes(`s${nextId}`)) nextId += 1;
        const id = `s${nextId}`;
        const digest = checked(id, clean);
        const at = now();
        const subscription: Subscription = {
          id,
          guildId: who.guildId,
          settings: clean,
          paused: false,
          createdBy: who.userId,
          createdAt: at,
          updatedBy: who.userId,
          updatedAt: at,
        };
        return {
          index: { ...current, nextId: nextId + 1, ids: [...current.ids, id] },
          set: [subscription],
          remove: [],
          result: { ...digest, source: 'discord' as const, paused: false },
        };
      });
    },

    /** Merges `changes` (a blank value clears that setting) into the stored settings and re-validates them. */
    async edit(id: string, changes: DigestSettingsInput, who: Actor): Promise<DigestConfig> {
      writable();
      await own(id, who);
      return mutate(async (current) => {
        const record = await own(id, who);
        const settings = withoutBlanks({ ...record.settings, ...changes });
        const digest = checked(record.id, settings);
        const updated: Subscription = { ...record, settings, updatedBy: who.userId, updatedAt: now() };
        return {
          index: current,
          set: [updated],
          remove: [],
          result: { ...digest, source: 'discord' as const, paused: updated.paused },
        };
      });
    },

    /** Pauses (kept, not run) or resumes a subscription; false when it already was so. */
    async setPaused(
      id: string,
      paused: boolean,
      who: Actor,
    ): Promise<{ subscription: Subscription; changed: boolean }> {
      writable();
      await own(id, who);
      return mutate<{ subscription: Subscription; changed: boolean }>(async (current) => {
        const record = await own(id, who);
        if (record.paused === paused)
          return { index: current, set: [], remove: [], result: { subscription: record, changed: false } };
        if (!paused) checked(record.id, record.settings);
        const updated: Subscription = { ...record, paused, updatedBy: who.userId, updatedAt: now() };
        return {
          index: current,
          set: [updated],
          remove: [],
          result: { subscription: updated, changed: true },
        };
      });
    },

    async remove(id: string, who: Actor): Promise<Subscription> {
      writable();
      await own(id, who);
      return mutate(async (current) => {
        const record = await own(id, who);
        return {
          index: { ...current, ids: current.ids.filter((other) => other !== record.id) },
          set: [],
          remove: [record.id],
          result: record,
        };
      });
    },
  };
}
