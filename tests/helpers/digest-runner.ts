// A digest runner over an in-memory store and a changing catalog, on a clock the test moves, posting to a
// fake Discord that, like Discord, drops a message whose nonce the channel has already seen.
import type { DigestConfig } from '../../src/config.ts';
import { composeDigest, selectDigestItems } from '../../src/digest/compose.ts';
import {
  type ChannelInfo,
  createDigestRunner,
  type DeliveryError,
  type DigestSender,
} from '../../src/digest/runner.ts';
import { IncidentTracker } from '../../src/digest/tracker.ts';
import type { Catalog } from '../../src/incidents/catalog.ts';
import type { Incident } from '../../src/incidents/schema.ts';
import { createLogger } from '../../src/logger.ts';
import type { MessagePayload } from '../../src/render/discord.ts';
import { makeCatalog } from './incidents.ts';
import { memoryStore } from './memory-store.ts';

export const quiet = createLogger({ level: 'silent' });

/** A plain daily digest: every country, 07:00 Berlin time, quiet when empty. */
export const MORNING_DIGEST: DigestConfig = {
  id: '1',
  channelId: '111111111111111111',
  cron: '0 7 * * *',
  timezone: 'Europe/Berlin',
  countries: [],
  title: 'Morning briefing',
  whenEmpty: 'quiet',
};

/**
 * `channels`: the kinds of channel the fake knows (others are text channels); with it, the sender also
 * opens threads (once per message, as Discord) and makes forum posts, recorded in `threads`.
 */
export function fakeDiscord(channels?: Record<string, ChannelInfo>) {
  const posted: { channelId: string; message: MessagePayload & { nonce?: string } }[] = [];
  const byNonce = new Map<string, string>();
  const failures: (DeliveryError | Error)[] = [];
  const threads: { id: string; parentId: string; name: string; tags: string[]; calls: number }[] = [];
  const lookups: string[] = [];
  const threadOps: DigestSender = channels
    ? {
        async channel(channelId) {
          lookups.push(channelId);
          return channels[channelId] ?? { type: 0, tags: [] };
        },
        async startThread(channelId, messageId, name) {
          const failure = failures.shift();
          if (failure) throw failure;
          const existing = threads.find((t) => t.id === messageId);
          if (existing) {
            existing.calls++;
            return { id: messageId };
          }
          threads.push({ id: messageId, parentId: channelId, name, tags: [], calls: 1 });
          return { id: messageId };
        },
        async createPost(channelId, post) {
          const failure = failures.shift();
          if (failure) throw failure;
          const id = String(posted.length + 1);
          posted.push({ channelId: id, message: post.message });
          threads.push({ id, parentId: channelId, name: post.name, tags: post.appliedTags, calls: 1 });
          return { id, messageId: id };
        },
        async findPost(channelId, _guildId, name) {
          const found = threads.find((t) => t.parentId === channelId && t.name === name);
          return found ? { id: found.id } : undefined;
        },
        send: async () => '' as never,
      }
    : { send: async () => '' as never };
  const sender: DigestSender = {
    ...threadOps,
    async send(channelId, message) {
      const failure = failures.shift();
      if (failure) throw failure;
      const key = `${channelId}:${message.nonce}`;
      const existing = byNonce.get(key);
      if (existing) return { id: existing };
      const id = String(posted.length + 1);
      posted.push({ channelId, message });
      byNonce.set(key, id);
      return { id };
    },
  };
  return { sender, posted, failures, threads, lookups };
}

/** The morning digest's first run over `catalog` (its current incidents in `countries`), composed. */
export function composeFirstDigest(catalog: Catalog, countries: string[] = []) {
  const selection = selectDigestItems(catalog, new Map(), undefined, 1, countries);
  return composeDigest({ ...MORNING_DIGEST, ...selection, since: undefined, asOf: 1, whenEmpty: 'quiet' });
}

/** `update` moves the clock a minute and lets the tracker see the new incidents; `tick` moves it. */
export function runnerSetup(
  initial: Incident[],
  start = Date.parse('2026-11-25T06:00:00Z'),
  channels?: Record<string, ChannelInfo>,
) {
  const store = memoryStore();
  let clock = start;
  const now = () => clock;
  const tracker = new IncidentTracker(store, now);
  let catalog: Catalog = makeCatalog(initial);
  const discord = fakeDiscord(channels);
  const makeRunner = () =>
    createDigestRunner({
      store,
      tracker,
      catalog: () => catalog,
      send: discord.sender,
      logger: quiet,
      now,
      sleep: async () => {},
      attempts: 3,
      backoffMs: 1,
    });
  return {
    store,
    tracker,
    discord,
    runner: makeRunner(),
    makeRunner,
    catalog: () => catalog,
    now,
    async update(incidents: Incident[]) {
      clock += 60_000;
      catalog = makeCatalog(incidents);
      await tracker.observe(catalog);
    },
    tick(ms = 60_000) {
      clock += ms;
    },
  };
}
