// One dispatcher owns try/catch, logging and the reply: handlers only return an Answer or throw.
import { randomBytes } from 'node:crypto';
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type AttachmentPayload,
  type AutocompleteInteraction,
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  ComponentType,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { Command, CommandContext, OptionValues } from '../../commands/types.ts';
import { OPTION_LIMITS } from '../constants.ts';
import { UserError } from '../errors.ts';
import { cutCodePoints, wellFormed } from '../incidents/text.ts';
import type { Logger } from '../logger.ts';
import type { InteractionEvent, InteractionOutcome } from '../ops/metrics.ts';
import { type Answer, withBuildingNote } from '../render/answer.ts';
import { type MessagePayload, toDiscordPages } from '../render/discord.ts';
import { toPlainText } from '../render/markdown.ts';
import { presentError } from '../render/present.ts';
import { truncate } from '../render/truncate.ts';
import { decodePageId, encodePageId, hashPages, isPageId } from './paging.ts';

export interface DispatcherOptions {
  commands: readonly Command[];
  context: () => CommandContext;
  logger: Logger;
  /** Defer when an answer is not ready by then, well inside Discord's 3-second window. */
  deferAfterMs?: number;
  /** Who may ask and where: empty lists allow everyone and everywhere. */
  access?: AccessRules;
  /** Per-user pause between uses of the heavier commands, in ms, by command name. */
  cooldowns?: Readonly<Record<string, number>>;
  now?: () => number;
  /** Told of every command, autocomplete and page button handled, with its outcome and time (metrics). */
  onInteraction?: (event: InteractionEvent) => void;
}

export interface AccessRules {
  roleIds: readonly string[];
  channelIds: readonly string[];
}

export const DEFAULT_COOLDOWNS: Readonly<Record<string, number>> = {
  search: 3000,
  casualties: 5000,
  trends: 5000,
  map: 10_000,
};

const NO_MENTIONS: { parse: [] } = { parse: [] };

export function createDispatcher({
  commands,
  context,
  logger,
  deferAfterMs = 1500,
  access = { roleIds: [], channelIds: [] },
  cooldowns = DEFAULT_COOLDOWNS,
  now = Date.now,
  onInteraction,
}: DispatcherOptions) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const lastUse = new Map<string, number>();

  /** Throws a polite UserError when this member may not ask here. */
  function checkAccess(interaction: Interaction): void {
    if (access.channelIds.length > 0 && !access.channelIds.includes(interaction.channelId ?? '')) {
      const parent =
        interaction.channel && 'parentId' in interaction.channel ? interaction.channel.parentId : null;
      if (!parent || !access.channelIds.includes(parent)) {
        throw new UserError(
          'sitrep does not answer in this channel. Ask in one of the channels the server set up for it.',
        );
      }
    }
    if (access.roleIds.length > 0 && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      const roles = memberRoleIds(interaction);
      if (!access.roleIds.some((id) => roles.includes(id))) {
        throw new UserError(
          'sitrep is limited to certain roles in this server, and you do not have one of them.',
        );
      }
    }
  }

  function checkCooldown(interaction: ChatInputCommandInteraction): void {
    const pause = cooldowns[interaction.commandName];
    if (!pause) return;
    const key = `${interaction.user.id}:${interaction.commandName}`;
    const at = now();
    const previous = lastUse.get(key);
    if (previous !== undefined && at - previous < pause) {
      const wait = Math.ceil((pause - (at - previous)) / 1000);
      throw new UserError(
        `/${interaction.commandName} can be used once every ${Math.round(pause / 1000)} s per person; please try again in ${wait} s.`,
      );
    }
    lastUse.set(key, at);
    if (lastUse.size > 10_000) {
      for (const [k, t] of lastUse) if (at - t > 60_000) lastUse.delete(k);
    }
  }

  async function handle(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const kind = kindOf(interaction);
    if (kind === undefined) return;
    let outcome: InteractionOutcome = 'answered';
    try {
      if (interaction.isAutocomplete()) await autocomplete(interaction);
      else if (interaction.isChatInputCommand()) await chatInput(interaction);
      else if (interaction.isButton()) await pageButton(interaction);
      logger.debug(
        { ...describe(interaction), ms: Math.round(performance.now() - started) },
        'interaction answered',
      );
    } catch (error) {
      outcome = error instanceof UserError ? 'refused' : 'failed';
      await fail(interaction, error);
    } finally {
      onInteraction?.({
        command: commandOf(interaction),
        kind,
        outcome,
        ms: performance.now() - started,
      });
    }
  }

  /** The command an interaction is about; a name this version does not ship counts as "other". */
  function commandOf(interaction: Interaction): string {
    let name: string | undefined;
    if (interaction.isAutocomplete() || interaction.isChatInputCommand()) name = interaction.commandName;
    else if (interaction.isButton()) {
      const decoded = decodePageId(interaction.customId);
      name = decoded.ok ? decoded.state.command : undefined;
    }
    return name !== undefined && byName.has(name) ? name : 'other';
  }

  async function autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    const focused = interaction.options.getFocused(true);
    let choices: { name: string; value: string }[] = [];
    try {
      checkAccess(interaction);
      choices =
        command?.autocomplete?.(
          { name: focused.name, value: wellFormed(String(focused.value)) },
          optionValues(interaction.options.data),
          { ...context(), invoker: invokerOf(interaction) },
        ) ?? [];
    } catch (error) {
      if (!(error instanceof UserError))
        logger.warn({ err: error, ...describe(interaction) }, 'autocomplete failed');
    }
    await interaction.respond(
      choices
        .slice(0, OPTION_LIMITS.autocompleteChoices)
        // Choice names show as written (no Markdown) but may come from data: neutralised like alt text.
        .map((c) => ({
          name: truncate(toPlainText(c.name), OPTION_LIMITS.choice),
          value: cutCodePoints(wellFormed(c.value), OPTION_LIMITS.choice),
        }))
        .filter((c) => c.name !== '' && c.value !== ''),
    );
  }

  async function chatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    if (!interaction.inGuild())
      throw new UserError('sitrep answers in server channels, not in direct messages.');
    checkAccess(interaction);
    checkCooldown(interaction);
    const command = byName.get(interaction.commandName);
    if (!command)
      throw new UserError(
        `This server has an old /${interaction.commandName} command; ask an admin to run sitrep deploy.`,
      );
    const options = optionValues(interaction.options.data);
    const asked = { ...context(), invoker: invokerOf(interaction) };
    const work = Promise.resolve()
      .then(() => command.execute(options, asked))
      .then((answer) => withBuildingNote(answer, asked.building));
    const answer = await raceDeferral(interaction, work);
    const pages = toDiscordPages(answer);
    const payload = withButtons(pages, 0, command.data.name, options);
    if (interaction.deferred) await interaction.editReply(toEdit(payload));
    else await interaction.reply(toReply(payload));
  }

  /** Waits for the answer; if it is slow, defers first so Discord's 3-second window is kept. */
  async function raceDeferral(
    interaction: ChatInputCommandInteraction,
    work: Promise<Answer>,
  ): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), deferAfterMs);
    });
    try {
      const first = await Promise.race([work, slow]);
      if (first !== 'slow') return first;
      await interaction.deferReply();
      return await work;
    } finally {
      clearTimeout(timer);
    }
  }

  async function pageButton(interaction: ButtonInteraction): Promise<void> {
    const decoded = decodePageId(interaction.customId);
    if (!decoded.ok) {
      await interaction.reply(
        toReply({
          content:
            decoded.reason === 'expired'
              ? 'These buttons have expired (the bot restarted since). Run the command again for fresh results.'
              : 'This button is not one sitrep understands any more. Run the command again.',
          embeds: [],
          allowed_mentions: NO_MENTIONS,
          flags: MessageFlags.Ephemeral,
        }),
      );
      return;
    }
    checkAccess(interaction);
    const { state } = decoded;
    const command = byName.get(state.command);
    if (!command) throw new UserError(`/${state.command} no longer exists. Run another command.`);
    const options = cleanOptions(state.options);
    const pages = toDiscordPages(
      await command.execute(options, { ...context(), invoker: invokerOf(interaction) }),
    );
    const changed = hashPages(pages) !== state.hash;
    const page = Math.min(state.page, pages.length - 1);
    const payload = withButtons(pages, page, state.command, options);
    const notes: string[] = [];
    if (changed) notes.push('The data changed since this list was posted; this is the current version.');
    if (page !== state.page)
      notes.push(`There are only ${pages.length} page${pages.length === 1 ? '' : 's'} now.`);
    if (notes.length > 0) payload.content = joinContent(notes.join(' '), payload.content);
    await interaction.update({ ...toEdit(payload) });
  }

  async function fail(interaction: Interaction, error: unknown): Promise<void> {
    let content: string;
    // A user error may echo what was typed: escape it like any other text, so nothing renders or pings.
    if (error instanceof UserError)
      content = toDiscordPages(presentError(error.message))[0]?.content ?? error.message;
    else {
      const errorId = randomBytes(4).toString('hex');
      logger.error({ err: error, errorId, ...describe(interaction) }, 'command failed');
      content = `Something went wrong on our side (error id \`${errorId}\`). The team can find the details in the log.`;
    }
    if (!interaction.isRepliable()) return;
    const payload = {
      content: truncate(content, 2000),
      allowedMentions: NO_MENTIONS,
      flags: MessageFlags.Ephemeral,
    } as const;
    try {
      if (interaction.deferred && !interaction.replied) {
        // The deferred reply is public; replace it with a private note.
        await interaction.deleteReply().catch(() => undefined);
        await interaction.followUp(payload);
      } else if (interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    } catch (replyError) {
      logger.warn({ err: replyError, ...describe(interaction) }, 'could not tell the user about an error');
    }
  }

  return { handle };
}

/** The kinds of interaction the dispatcher answers; undefined for any other. */
function kindOf(interaction: Interaction): InteractionEvent['kind'] | undefined {
  if (interaction.isAutocomplete()) return 'autocomplete';
  if (interaction.isChatInputCommand()) return 'command';
  if (interaction.isButton() && isPageId(interaction.customId)) return 'button';
  return undefined;
}

function withButtons(
  pages: MessagePayload[],
  index: number,
  command: string,
  options: OptionValues,
): Payload {
  const page = pages[index] ?? pages[0];
  if (!page) throw new Error('an answer rendered to no pages');
  if (pages.length <= 1) return { ...page };
  const hash = hashPages(pages);
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodePageId({ command, page: target, hash, options }),
    disabled,
  });
  const row: APIActionRowComponent<APIButtonComponent> = {
    type: ComponentType.ActionRow,
    components: [
      button('◀ Previous', Math.max(index - 1, 0), index === 0),
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: `Page ${index + 1} of ${pages.length}`,
        custom_id: 'p|indicator',
        disabled: true,
      },
      button('Next ▶', Math.min(index + 1, pages.length - 1), index === pages.length - 1),
    ],
  };
  return { ...page, components: [row] };
}

function joinContent(note: string, content: string | undefined): string {
  return truncate(content ? `${note}\n${content}` : note, 2000);
}

type Payload = MessagePayload & { components?: APIActionRowComponent<APIButtonComponent>[] };

/** The page's attachments as discord.js uploads them; the description is the image's alt text. */
function toFiles(payload: Payload): AttachmentPayload[] {
  return (payload.attachments ?? []).map((file) => ({
    attachment: Buffer.from(file.data),
    name: file.name,
    description: file.description,
  }));
}

function toReply(payload: Payload) {
  const files = toFiles(payload);
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components ?? [],
    allowedMentions: NO_MENTIONS,
    ...(payload.flags !== undefined ? { flags: payload.flags } : {}),
    ...(files.length > 0 ? { files } : {}),
  };
}

function toEdit(payload: Payload) {
  return {
    content: payload.content ?? null,
    embeds: payload.embeds,
    components: payload.components ?? [],
    allowedMentions: NO_MENTIONS,
    // An edit keeps the message's old files unless told otherwise: the page's own files replace them
    // (paging back to the first page must not upload the chart a second time).
    attachments: [],
    files: toFiles(payload),
  };
}

/**
 * Interaction options → plain values; a sub-command's name arrives as `subcommand`. Text loses any
 * half surrogate pair here, at the boundary, so nothing downstream can echo one back to Discord.
 */
export function optionValues(data: readonly CommandInteractionOption[]): OptionValues {
  const values: Record<string, string | number | boolean> = {};
  for (const option of data) {
    if (option.options) {
      values.subcommand = option.name;
      Object.assign(values, optionValues(option.options));
    } else if (option.value !== undefined && option.value !== null)
      values[option.name] = typeof option.value === 'string' ? wellFormed(option.value) : option.value;
  }
  return values;
}

/** Who asked, and where: for commands that record it (/digest-admin subscribe). */
function invokerOf(interaction: Interaction): NonNullable<CommandContext['invoker']> {
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId ?? undefined,
    channelId: interaction.channelId ?? undefined,
  };
}

/** Options decoded from a button's custom id, with text made well-formed as `optionValues` does. */
function cleanOptions(options: OptionValues): OptionValues {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [
      key,
      typeof value === 'string' ? wellFormed(value) : value,
    ]),
  );
}

function memberRoleIds(interaction: Interaction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}

function describe(interaction: Interaction) {
  return {
    interactionId: interaction.id,
    kind: interaction.type,
    command: 'commandName' in interaction ? interaction.commandName : undefined,
    customId: 'customId' in interaction ? interaction.customId : undefined,
    guildId: interaction.guildId ?? undefined,
    channelId: interaction.channelId ?? undefined,
    userId: interaction.user.id,
  };
}
