// Posting digest messages through discord.js' REST client (429s are waited out there, per route).
import { DiscordAPIError, HTTPError, type RawFile, type REST, Routes } from 'discord.js';
import type { MessagePayload } from '../render/discord.ts';
import { spacedTurns } from './pacer.ts';
import { type ChannelInfo, DeliveryError, type DigestSender, type OutgoingMessage } from './runner.ts';

/** Statuses where retrying cannot help: bad body, no access, no such channel. */
const PERMANENT = new Set([400, 401, 403, 404]);

export interface PaceOptions {
  /**
   * Posts per second, spread evenly. Discord allows a bot 50 requests per second; discord.js' own
   * limiter lets 50 go at the start of each second, and a burst that straddles Discord's window is
   * answered 429 (hundreds of them when 500 digests are due in the same minute). An even 46 per
   * second stays under any one-second window with room for jitter (a GC pause, a busy event loop, the
   * network): four requests' worth, about 90 ms.
   */
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function restSender(rest: REST, pace: PaceOptions = {}): DigestSender {
  const interval = 1000 / (pace.perSecond ?? 46);
  const now = pace.now ?? (() => performance.now());
  const sleep = pace.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Requests take turns, `interval` apart (pacer.ts spacedTurns).
  const turn = spacedTurns({ interval, now, sleep });
  /** One paced request; whatever goes wrong becomes a DeliveryError. */
  const request = async <T>(call: () => Promise<unknown>, forbidden: string): Promise<T> => {
    await turn();
    try {
      return (await call()) as T;
    } catch (error) {
      throw deliveryError(error, forbidden);
    }
  };
  /** Asked once per process; a failure is not remembered, so the next caller asks again. */
  const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let pending = cache.get(key);
    if (!pending) {
      pending = load();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  };
  const channels = new Map<string, Promise<ChannelInfo>>();
  const me = new Map<string, Promise<string>>();

  return {
    async send(channelId, message) {
      const created = await request<{ id: string }>(
        () => rest.post(Routes.channelMessages(channelId), withFiles(message)),
        SEND_HINT,
      );
      return { id: created.id };
    },

    channel(channelId) {
      return once(channels, channelId, async () => {
        const channel = await request<APIChannelLike>(() => rest.get(Routes.channel(channelId)), VIEW_HINT);
        return {
          type: channel.type,
          ...(channel.guild_id ? { guildId: channel.guild_id } : {}),
          tags: (channel.available_tags ?? []).map((tag) => ({ id: tag.id, name: tag.name })),
        };
      });
    },

    async startThread(channelId, messageId, name) {
      try {
        const thread = await request<{ id: string }>(
          () => rest.post(Routes.threads(channelId, messageId), { body: { name: threadName(name) } }),
          THREAD_HINT,
        );
        return { id: thread.id };
      } catch (error) {
        // The message has its thread already (an earlier attempt got through): its id is the message's.
        if (error instanceof DeliveryError && error.cause instanceof DiscordAPIError) {
          if (error.cause.code === THREAD_ALREADY_CREATED) return { id: messageId };
        }
        throw error;
      }
    },

    async createPost(channelId, post) {
      // Discord takes no nonce on a post: an OutgoingMessage passed as the post's message loses its own.
      const { nonce: _nonce, enforce_nonce: _enforce, ...message } = post.message as Partial<OutgoingMessage>;
      const { body, files } = withFiles(message as MessagePayload);
      const thread = await request<{ id: string; message?: { id: string } }>(
        () =>
          rest.post(Routes.threads(channelId), {
            body: { name: threadName(post.name), applied_tags: post.appliedTags, message: body },
            ...(files ? { files } : {}),
          }),
        POST_HINT,
      );
      // Discord gives a post's starter message the post's id.
      return { id: thread.id, messageId: thread.message?.id ?? thread.id };
    },

    async findPost(channelId, guildId, name) {
      const botId = await once(me, '@me', async () => {
        const user = await request<{ id: string }>(() => rest.get(Routes.user('@me')), '');
        return user.id;
      });
      const active = await request<{ threads: APIChannelLike[] }>(
        () => rest.get(Routes.guildActiveThreads(guildId)),
        VIEW_HINT,
      );
      // The newest, should a run have left more than one of the same name.
      const found = active.threads
        .filter(
          (thread) =>
            thread.parent_id === channelId && thread.owner_id === botId && thread.name === threadName(name),
        )
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1))[0];
      return found ? { id: found.id } : undefined;
    },
  };
}

/**
 * A thread's name as Discord takes it: at most 100 characters (UTF-16 units), cut between characters.
 * findPost compares with the name so cut, so a long name still finds its post.
 */
export function threadName(name: string): string {
  if (name.length <= THREAD_NAME_MAX) return name;
  let cut = '';
  for (const char of name) {
    if (cut.length + char.length > THREAD_NAME_MAX) break;
    cut += char;
  }
  return cut;
}

const THREAD_NAME_MAX = 100;

/** Discord's JSON error code for a second thread on one message. */
const THREAD_ALREADY_CREATED = 160004;

const SEND_HINT = ' (the bot lacks View Channel / Send Messages / Embed Links there)';
const VIEW_HINT = ' (the bot lacks View Channel there)';
const THREAD_HINT = ' (the bot lacks View Channel / Create Public Threads / Send Messages in Threads there)';
const POST_HINT = ' (the bot lacks View Channel / Send Messages (Create Posts) / Embed Links there)';

/** What the sender reads of a channel or thread object. */
interface APIChannelLike {
  id: string;
  type: number;
  guild_id?: string;
  parent_id?: string | null;
  owner_id?: string;
  name?: string;
  available_tags?: { id: string; name: string }[];
}

/**
 * A failed request as a DeliveryError: permanent for what retrying cannot help (a bad body, no access,
 * no such channel), with the status and, on a 403, what the bot probably lacks (`forbidden`). The
 * original error is its `cause`.
 */
export function deliveryError(error: unknown, forbidden = SEND_HINT): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const hint =
      error.status === 403
        ? forbidden
        : error.status === 404
          ? ' (no such channel, or the bot is not in its server)'
          : '';
    const delivery = new DeliveryError(
      `Discord answered ${error.status}: ${error.message}${hint}`,
      PERMANENT.has(error.status),
      error.status,
    );
    delivery.cause = error;
    return delivery;
  }
  const delivery = new DeliveryError(error instanceof Error ? error.message : String(error), false);
  delivery.cause = error;
  return delivery;
}

/**
 * The request for one message: plain JSON, or with files (a digest's chart) multipart, the files
 * uploaded as `files[n]` and described in the body's `attachments` by the same n, with their alt text.
 */
export function withFiles(message: MessagePayload): { body: unknown; files?: RawFile[] } {
  const { attachments, ...body } = message;
  if (attachments === undefined || attachments.length === 0) return { body };
  return {
    body: {
      ...body,
      attachments: attachments.map((file, index) => ({
        id: String(index),
        filename: file.name,
        description: file.description,
      })),
    },
    files: attachments.map((file, index) => ({
      key: `files[${index}]`,
      name: file.name,
      data: fileBytes(file.data),
      contentType: file.name.endsWith('.png') ? 'image/png' : 'application/octet-stream',
    })),
  };
}

/**
 * A file's bytes as a Buffer. A pending run is saved as JSON before it is posted, so a run resumed after
 * a restart holds its files as JSON made them: a Buffer's `{ type: 'Buffer', data }`, or a Uint8Array's
 * `{ "0": …, "1": … }`.
 */
export function fileBytes(data: unknown): Buffer {
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  if (data !== null && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    if (record.type === 'Buffer' && Array.isArray(record.data)) return Buffer.from(record.data as number[]);
    const values = Object.keys(record)
      .filter((key) => /^\d+$/.test(key))
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => Number(record[key]));
    return Buffer.from(values);
  }
  throw new TypeError('a message attachment without its bytes');
}
