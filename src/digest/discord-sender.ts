// Posting digest messages through discord.js' REST client (429s are waited out there, per route).
import { DiscordAPIError, HTTPError, type RawFile, type REST, Routes } from 'discord.js';
import { DeliveryError, type DigestSender, type OutgoingMessage } from './runner.ts';

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
  // Posts take turns: each waits for the one before it, then until `interval` after that one went.
  // Measured when a post actually goes, so a stalled event loop delays the queue but never bunches it.
  let queue: Promise<void> = Promise.resolve();
  let lastSent = Number.NEGATIVE_INFINITY;
  const turn = (): Promise<void> => {
    const mine = queue.then(async () => {
      const wait = lastSent + interval - now();
      if (wait > 0) await sleep(wait);
      lastSent = now();
    });
    queue = mine.catch(() => undefined);
    return mine;
  };
  return {
    async send(channelId, message) {
      await turn();
      try {
        const created = (await rest.post(Routes.channelMessages(channelId), withFiles(message))) as {
          id: string;
        };
        return { id: created.id };
      } catch (error) {
        if (error instanceof DiscordAPIError || error instanceof HTTPError) {
          const hint =
            error.status === 403
              ? ' (the bot lacks View Channel / Send Messages / Embed Links there)'
              : error.status === 404
                ? ' (no such channel, or the bot is not in its server)'
                : '';
          throw new DeliveryError(
            `Discord answered ${error.status}: ${error.message}${hint}`,
            PERMANENT.has(error.status),
            error.status,
          );
        }
        throw new DeliveryError(error instanceof Error ? error.message : String(error), false);
      }
    },
  };
}

/**
 * The request for one message: plain JSON, or with files (a digest's chart) multipart, the files
 * uploaded as `files[n]` and described in the body's `attachments` by the same n, with their alt text.
 */
export function withFiles(message: OutgoingMessage): { body: unknown; files?: RawFile[] } {
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
