// Posting digest messages through discord.js' REST client (429s are waited out there, per route).
import { DiscordAPIError, HTTPError, type REST, Routes } from 'discord.js';
import { DeliveryError, type DigestSender } from './runner.ts';

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
        const created = (await rest.post(Routes.channelMessages(channelId), { body: message })) as {
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
