// What a command is: its Discord definition beside its handler. The same handlers answer Discord
// interactions and the offline `sitrep run` / `sitrep console`.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { DigestService } from '../src/digest/service.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import type { Choice } from '../src/incidents/queries.ts';
import type { Answer } from '../src/render/answer.ts';

/** Option values by name, already converted to their declared types. */
export type OptionValues = Readonly<Record<string, string | number | boolean | undefined>>;

export interface CommandContext {
  catalog: Catalog;
  now: Date;
  version: string;
  /** When the data was last (re)loaded. */
  loadedAt: Date;
  /** While the index is first being built: how far it is (answers cover only what is indexed). */
  building?: { done: number; total: number } | undefined;
  /** Scheduled digests, where this process runs them (the bot, or the offline CLI's preview). */
  digests?: DigestService;
  /** Who asked, and where (Discord only; absent offline). */
  invoker?: { userId: string; guildId: string | undefined; channelId: string | undefined };
}

export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(options: OptionValues, context: CommandContext): Answer | Promise<Answer>;
  /** Answers from `context.digests`: the offline CLI opens the digests and the store only for these. */
  needsDigests?: boolean;
  /** Choices for the focused option, by its name and what has been typed so far. */
  autocomplete?(
    focused: { name: string; value: string },
    options: OptionValues,
    context: CommandContext,
  ): Choice[];
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function integerOption(options: OptionValues, name: string): number | undefined {
  const value = options[name];
  return typeof value === 'number' ? value : undefined;
}
