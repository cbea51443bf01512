/**
 * Builders for INTERACTION_CREATE payloads the way Discord sends them to a bot over the gateway.
 *
 * When the bot has registered its commands with the stand-in (bulk overwrite), option types are taken
 * from that registration and the values are checked the way Discord's client checks them before it
 * sends anything (unknown option, missing required option, choice not offered, out of range): a test
 * that builds an interaction Discord could never send fails at once with a clear message. Pass
 * `options` as a raw array to bypass all of this.
 */
import {
  type APIInteraction,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionType,
  MessageType,
} from 'discord.js';
import {
  interactionToken,
  makeChannel,
  makeMember,
  makeMessage,
  makeUser,
  Permissions,
  type StandinGuild,
  type StoredMessage,
  snowflake,
} from './fixtures.ts';

export type InteractionPayload = APIInteraction;
export type OptionValue = string | number | boolean;

/** An option exactly as it appears in `data.options`. */
export interface RawOption {
  name: string;
  type: number;
  value?: OptionValue;
  focused?: boolean;
  options?: RawOption[];
}

/** Who invokes, and where. Defaults: the stand-in's member "analyst" in the first guild's first channel. */
export interface Invoker {
  user?: { id?: string; username?: string };
  /** Member permissions (bigint or decimal string). Default: an ordinary member. */
  permissions?: bigint | string;
  /** Shorthand for ordinary member permissions plus Administrator and Manage Server. */
  admin?: boolean;
  guildId?: string;
  channelId?: string;
  /** Invoke from a DM with the bot instead of a guild. */
  dm?: boolean;
  /** Role ids the member has. */
  roles?: string[];
  locale?: string;
}

export interface ChatInputSpec extends Invoker {
  /** Command name; sub-commands separated by spaces: `'digest preview'`. */
  name: string;
  options?: Record<string, OptionValue> | RawOption[];
}

export interface AutocompleteSpec extends ChatInputSpec {
  /** Name of the option the user is typing in; its value is the partial input. */
  focused: string;
}

export interface ButtonSpec extends Invoker {
  customId: string;
  /** The message carrying the button (e.g. `exchange.message` of an earlier reply). Default: a bot message with that button. */
  message?: StoredMessage;
}

export interface SelectSpec extends ButtonSpec {
  values: string[];
}

/** A command definition as the bot registered it (the PUT body item plus the id the stand-in assigned). */
export interface RegisteredCommand {
  id: string;
  name: string;
  type?: number;
  options?: CommandOptionDef[];
  [key: string]: unknown;
}

export interface CommandOptionDef {
  type: number;
  name: string;
  required?: boolean;
  choices?: Array<{ name: string; value: OptionValue }>;
  options?: CommandOptionDef[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  autocomplete?: boolean;
}

export interface BuilderContext {
  applicationId: string;
  botUser: APIUser;
  defaultUser: APIUser;
  guilds: readonly StandinGuild[];
  findCommand(name: string, guildId: string | undefined): RegisteredCommand | undefined;
  commandIdFor(name: string): string;
}

export class InteractionSpecError extends Error {
  override name = 'InteractionSpecError';
}

function base(ctx: BuilderContext, who: Invoker, type: InteractionType, data: unknown) {
  const user =
    who.user?.id || who.user?.username
      ? makeUser(who.user.id ?? snowflake(), who.user.username ?? 'someone')
      : ctx.defaultUser;
  const locale = who.locale ?? 'en-US';
  const common = {
    id: snowflake(),
    application_id: ctx.applicationId,
    type,
    data,
    token: interactionToken(),
    version: 1,
    app_permissions: Permissions.bot.toString(),
    locale,
    entitlements: [],
    attachment_size_limit: 10_485_760,
  };
  if (who.dm) {
    const channelId = who.channelId ?? snowflake();
    return {
      ...common,
      channel: { id: channelId, type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [user] },
      channel_id: channelId,
      user,
      authorizing_integration_owners: { '1': user.id },
      context: 1,
    };
  }
  const guild = who.guildId ? ctx.guilds.find((g) => g.id === who.guildId) : ctx.guilds[0];
  if (!guild)
    throw new InteractionSpecError(`no such guild in the stand-in: ${who.guildId ?? '(none configured)'}`);
  const channel = who.channelId ? guild.channels.find((c) => c.id === who.channelId) : guild.channels[0];
  if (!channel)
    throw new InteractionSpecError(`guild ${guild.id} has no channel ${who.channelId ?? '(none)'}`);
  const permissions =
    who.permissions ?? (who.admin ? Permissions.member | Permissions.admin : Permissions.member);
  return {
    ...common,
    guild_id: guild.id,
    guild: { id: guild.id, locale: 'en-US', features: [] },
    guild_locale: 'en-US',
    channel: makeChannel(channel),
    channel_id: channel.id,
    member: makeMember(user, permissions, who.roles ?? []),
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
  };
}

function inferType(value: OptionValue): number {
  if (typeof value === 'string') return ApplicationCommandOptionType.String;
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
}

function checkValue(command: string, def: CommandOptionDef, value: OptionValue): void {
  const where = `/${command} ${def.name}`;
  const T = ApplicationCommandOptionType;
  const fail = (why: string) => {
    throw new InteractionSpecError(`${where}: Discord would not send ${JSON.stringify(value)}: ${why}`);
  };
  switch (def.type) {
    case T.String:
      if (typeof value !== 'string') fail('expected a string');
      break;
    case T.Integer:
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('expected an integer');
      break;
    case T.Number:
      if (typeof value !== 'number') fail('expected a number');
      break;
    case T.Boolean:
      if (typeof value !== 'boolean') fail('expected a boolean');
      break;
    default:
      if (typeof value !== 'string' || !/^\d{17,20}$/.test(value)) fail('expected a snowflake id');
  }
  if (def.choices && def.choices.length > 0 && !def.choices.some((choice) => choice.value === value)) {
    fail(`not one of the choices ${def.choices.map((choice) => JSON.stringify(choice.value)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (def.min_value !== undefined && value < def.min_value) fail(`below min_value ${def.min_value}`);
    if (def.max_value !== undefined && value > def.max_value) fail(`above max_value ${def.max_value}`);
  }
  if (typeof value === 'string') {
    if (def.min_length !== undefined && value.length < def.min_length) fail(`shorter than ${def.min_length}`);
    if (def.max_length !== undefined && value.length > def.max_length) fail(`longer than ${def.max_length}`);
  }
}

/** Build `data.options` for `name` ('cmd sub …') from values, guided by the registered definition. */
function buildOptions(
  registered: RegisteredCommand | undefined,
  path: readonly string[],
  values: Record<string, OptionValue>,
  focused: string | undefined,
): RawOption[] {
  const command = registered?.name ?? path[0] ?? '?';
  const leaf = (defs: readonly CommandOptionDef[] | undefined): RawOption[] => {
    const out: RawOption[] = [];
    for (const [name, value] of Object.entries(values)) {
      const def = defs?.find((candidate) => candidate.name === name);
      if (registered && !def) {
        const known = (defs ?? []).map((candidate) => candidate.name).join(', ') || 'none';
        throw new InteractionSpecError(`/${command} has no option "${name}" (options: ${known})`);
      }
      const isFocused = name === focused;
      // The focused option carries the user's partial input, which Discord does not check.
      if (def && !isFocused && focused === undefined) checkValue(command, def, value);
      out.push({
        name,
        type: def?.type ?? inferType(value),
        value,
        ...(isFocused ? { focused: true } : {}),
      });
    }
    if (focused !== undefined && !(focused in values)) {
      throw new InteractionSpecError(`focused option "${focused}" needs a value (the partial input)`);
    }
    if (registered && focused === undefined) {
      for (const def of defs ?? []) {
        if (def.required && !(def.name in values)) {
          throw new InteractionSpecError(`/${command}: required option "${def.name}" missing`);
        }
      }
    }
    return out;
  };

  const subPath = path.slice(1);
  if (subPath.length === 0) {
    const defs = registered?.options;
    if (registered && defs?.some((def) => def.type <= ApplicationCommandOptionType.SubcommandGroup)) {
      throw new InteractionSpecError(
        `/${command} needs a sub-command: ${defs.map((def) => def.name).join(', ')}`,
      );
    }
    return leaf(defs);
  }
  // Nest sub-command groups / sub-commands.
  let defs = registered?.options;
  const chain: Array<{ name: string; type: number }> = [];
  for (const [index, sub] of subPath.entries()) {
    const def = defs?.find((candidate) => candidate.name === sub);
    if (registered && (!def || def.type > ApplicationCommandOptionType.SubcommandGroup)) {
      throw new InteractionSpecError(
        `/${command} has no sub-command "${subPath.slice(0, index + 1).join(' ')}"`,
      );
    }
    const isLast = index === subPath.length - 1;
    chain.push({
      name: sub,
      type:
        def?.type ??
        (isLast ? ApplicationCommandOptionType.Subcommand : ApplicationCommandOptionType.SubcommandGroup),
    });
    defs = def?.options;
  }
  let options = leaf(defs);
  for (const link of chain.reverse()) options = [{ name: link.name, type: link.type, options }];
  return options;
}

function commandData(ctx: BuilderContext, spec: ChatInputSpec, focused: string | undefined) {
  const path = spec.name.trim().split(/\s+/);
  const top = path[0];
  if (!top) throw new InteractionSpecError('empty command name');
  const guildId = spec.dm ? undefined : (spec.guildId ?? ctx.guilds[0]?.id);
  const registered = ctx.findCommand(top, guildId);
  const options = Array.isArray(spec.options)
    ? spec.options
    : buildOptions(registered, path, spec.options ?? {}, focused);
  const data: Record<string, unknown> = {
    id: registered?.id ?? ctx.commandIdFor(top),
    name: top,
    type: ApplicationCommandType.ChatInput,
  };
  if (options.length > 0) data.options = options;
  if (registered && typeof registered.guild_id === 'string') data.guild_id = registered.guild_id;
  return data;
}

export function chatInputInteraction(ctx: BuilderContext, spec: ChatInputSpec): InteractionPayload {
  const data = commandData(ctx, spec, undefined);
  return base(ctx, spec, InteractionType.ApplicationCommand, data) as unknown as InteractionPayload;
}

export function autocompleteInteraction(ctx: BuilderContext, spec: AutocompleteSpec): InteractionPayload {
  const data = commandData(ctx, spec, spec.focused);
  return base(
    ctx,
    spec,
    InteractionType.ApplicationCommandAutocomplete,
    data,
  ) as unknown as InteractionPayload;
}

function componentMessage(ctx: BuilderContext, spec: ButtonSpec, channelId: string, guildId?: string) {
  if (spec.message) return spec.message;
  return makeMessage({
    channelId,
    guildId,
    author: ctx.botUser,
    type: MessageType.Default,
    applicationId: ctx.applicationId,
    body: {
      content: 'a message with a component',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: 1, label: 'More', custom_id: spec.customId }],
        },
      ],
    },
  });
}

function componentInteraction(ctx: BuilderContext, spec: ButtonSpec, data: Record<string, unknown>) {
  const payload = base(ctx, spec, InteractionType.MessageComponent, data);
  const guildId = 'guild_id' in payload ? payload.guild_id : undefined;
  return { ...payload, message: componentMessage(ctx, spec, payload.channel_id, guildId) };
}

export function buttonInteraction(ctx: BuilderContext, spec: ButtonSpec): InteractionPayload {
  const data = { custom_id: spec.customId, component_type: ComponentType.Button };
  return componentInteraction(ctx, spec, data) as unknown as InteractionPayload;
}

export function stringSelectInteraction(ctx: BuilderContext, spec: SelectSpec): InteractionPayload {
  const data = { custom_id: spec.customId, component_type: ComponentType.StringSelect, values: spec.values };
  return componentInteraction(ctx, spec, data) as unknown as InteractionPayload;
}
