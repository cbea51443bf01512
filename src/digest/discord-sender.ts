// Posting digest messages through discord.js' REST client (429s are waited out there, per route).
import { DiscordAPIError, HTTPError, type REST, Routes } from 'discord.js';
import { DeliveryError, type DigestSender } from './runner.ts';

/** Statuses where retrying cannot help: bad body, no access, no such channel. */
const PERMANENT = new Set([400, 401, 403, 404]);

export function restSender(rest: REST): DigestSender {
  return {
    async send(channelId, message) {
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
