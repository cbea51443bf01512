// Posting digest messages through discord.js' REST client (429s are waited out there, per route).
import { DiscordAPIError, HTTPError, type REST, Routes } from 'discord.js';
import { DeliveryError, type DigestSender } from './runner.ts';

/** Statuses where retrying cannot help: bad body, no access, no such channel. */
const PERMANENT = new Set([400, 401, 403, 404]);

export interface PaceOptions {
  /**
   * Posts per second, spread evenly. Discord allows a bot 50 requests per second; discord.js' own
   * limiter lets 50 go at the start of each second, and a burst that straddles Discord's window is
   * answered 429 (hundreds of them when 500 digests are due in the same minute). An even 48 per
   * second stays under any one-second window with room for network jitter.
   */
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function restSender(rest: REST, pace: PaceOptions = {}): DigestSender {
  const interval = 1000 / (pace.perSecond ?? 48);
  const now = pace.now ?? (() => performance.now());
  const sleep = pace.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** When the next post may go: each post takes the next slot, so posts never bunch up after a wait. */
  let nextSlot = 0;
  return {
    async send(channelId, message) {
      const slot = Math.max(now(), nextSlot);
      nextSlot = slot + interval;
      const wait = slot - now();
      if (wait > 0) await sleep(wait);
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
