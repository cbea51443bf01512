/**
 * Fake Discord objects (users, guilds, channels, messages) shaped like the real API payloads.
 * `satisfies` against discord-api-types (re-exported by discord.js) keeps them honest.
 */
import { randomBytes } from 'node:crypto';
import {
  type APIGuildForumChannel,
  type APIGuildMediaChannel,
  type APIGuildMember,
  type APIGuildTextChannel,
  type APIMessage,
  type APIPublicThreadChannel,
  type APIRole,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  ForumLayoutType,
  type GatewayGuildCreateDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type RoleFlags,
  SortOrderType,
  ThreadAutoArchiveDuration,
  type UserFlags,
} from 'discord.js';

/** Discord sends `flags: 0`; the discord-api-types enums have no 0 member. */
const noFlags = <T>(): T => 0 as T;

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh, well-formed snowflake (timestamp-ordered). */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** A token of Discord's shape: base64(user id).random.random — fake, never valid anywhere. */
export function fakeBotToken(userId: string): string {
  const id = Buffer.from(userId).toString('base64url');
  return `${id}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
}

/** Permission sets as Discord serialises them (decimal strings). */
export const Permissions = {
  /** What an ordinary member has in a text channel. */
  member:
    PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.EmbedLinks |
    PermissionFlagsBits.AttachFiles |
    PermissionFlagsBits.ReadMessageHistory |
    PermissionFlagsBits.AddReactions |
    PermissionFlagsBits.UseExternalEmojis |
    PermissionFlagsBits.UseApplicationCommands,
  /** A server admin. */
  admin: PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild,
  /** What the bot has in the channel (app_permissions). */
  bot:
    PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.EmbedLinks |
    PermissionFlagsBits.AttachFiles |
    PermissionFlagsBits.ReadMessageHistory |
    PermissionFlagsBits.UseExternalEmojis,
} as const;

export function makeUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    global_name: bot ? null : username,
    discriminator: bot ? '0001' : '0',
    avatar: null,
    flags: noFlags<UserFlags>(),
    public_flags: noFlags<UserFlags>(),
    ...(bot ? { bot: true } : {}),
  } satisfies APIUser;
}

export function makeMember(
  user: APIUser,
  permissions: bigint | string = Permissions.member,
  roles: string[] = [],
) {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: noFlags<GuildMemberFlags>(),
    pending: false,
    communication_disabled_until: null,
    permissions: permissions.toString(),
  } satisfies APIGuildMember & { permissions: string };
}

/** The channel types a stand-in guild can have: text, forum, media. */
export type StandinChannelType = ChannelType.GuildText | ChannelType.GuildForum | ChannelType.GuildMedia;

export interface StandinChannel {
  id: string;
  name: string;
  guildId: string;
  /** Discord's channel type. Default 0 (text); 15 forum and 16 media take posts, not messages. */
  type?: StandinChannelType;
  /** A forum's (or media channel's) tags. */
  availableTags?: { id: string; name: string }[];
}

/** A forum or media channel: one that holds only posts (threads), no messages of its own. */
export const isForumLike = (channel: StandinChannel): boolean =>
  channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia;

/**
 * A thread the bot created: started on a message of a text channel (`origin: 'message'`, its id is the
 * message's) or a forum post (`origin: 'post'`, its starter message's id is the thread's).
 */
export interface StandinThread {
  id: string;
  type: ChannelType.PublicThread;
  guild_id: string;
  parent_id: string;
  owner_id: string;
  name: string;
  applied_tags: string[];
  origin: 'message' | 'post';
  /** Messages posted in the thread, oldest first: a post's starter message, then every later one. */
  message_ids: string[];
  created_at: string;
}

export interface StandinGuild {
  id: string;
  name: string;
  channels: StandinChannel[];
  /** Extra roles (besides @everyone), by id and name. */
  roles?: { id: string; name: string }[];
}

/** What every guild channel of the stand-in has, text or forum. */
function channelBase(channel: StandinChannel, position: number) {
  return {
    id: channel.id,
    guild_id: channel.guildId,
    name: channel.name,
    position,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: noFlags<ChannelFlags>(),
  };
}

export function makeTextChannel(channel: StandinChannel, position = 0) {
  return {
    ...channelBase(channel, position),
    type: ChannelType.GuildText,
  } satisfies APIGuildTextChannel<ChannelType.GuildText>;
}

const FORUM_TAG = { moderated: false, emoji_id: null, emoji_name: null } as const;

/** A forum (15) or media (16) channel: its tags, no messages of its own. */
export function makeForumChannel(channel: StandinChannel, position = 0) {
  const common = {
    ...channelBase(channel, position),
    available_tags: (channel.availableTags ?? []).map((tag) => ({
      ...FORUM_TAG,
      id: tag.id,
      name: tag.name,
    })),
    default_reaction_emoji: null,
    default_sort_order: SortOrderType.LatestActivity,
  };
  if (channel.type === ChannelType.GuildMedia)
    return { ...common, type: ChannelType.GuildMedia } satisfies APIGuildMediaChannel;
  return {
    ...common,
    type: ChannelType.GuildForum,
    default_forum_layout: ForumLayoutType.ListView,
  } satisfies APIGuildForumChannel;
}

/** The channel object of a stand-in channel, whatever its type. */
export function makeChannel(channel: StandinChannel, position = 0) {
  return isForumLike(channel) ? makeForumChannel(channel, position) : makeTextChannel(channel, position);
}

/** The channel object of a thread, counting its messages as Discord does (a post's starter excluded). */
export function makeThreadChannel(thread: StandinThread, liveMessageIds: readonly string[]) {
  const counted = thread.origin === 'post' ? liveMessageIds.filter((id) => id !== thread.id) : liveMessageIds;
  return {
    id: thread.id,
    type: ChannelType.PublicThread,
    guild_id: thread.guild_id,
    parent_id: thread.parent_id,
    owner_id: thread.owner_id,
    name: thread.name,
    last_message_id: thread.message_ids.at(-1) ?? null,
    rate_limit_per_user: 0,
    flags: noFlags<ChannelFlags>(),
    thread_metadata: {
      archived: false,
      auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
      archive_timestamp: thread.created_at,
      locked: false,
      create_timestamp: thread.created_at,
    },
    message_count: counted.length,
    member_count: 1,
    total_message_sent: thread.origin === 'post' ? thread.message_ids.length - 1 : thread.message_ids.length,
    applied_tags: thread.applied_tags,
  } satisfies APIPublicThreadChannel;
}

export function makeGuildCreate(guild: StandinGuild, botUser: APIUser): GatewayGuildCreateDispatchData {
  const everyone: APIRole = {
    id: guild.id,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: Permissions.member.toString(),
    managed: false,
    mentionable: false,
    flags: noFlags<RoleFlags>(),
  };
  const now = new Date().toISOString();
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: snowflake(),
    region: 'europe',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: [
      everyone,
      ...(guild.roles ?? []).map((role, i) => ({
        ...everyone,
        id: role.id,
        name: role.name,
        position: i + 1,
      })),
    ],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    hub_type: null,
    incidents_data: null,
    joined_at: now,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [makeMember(botUser, Permissions.bot)],
    // In GUILD_CREATE the channels carry no guild_id.
    channels: guild.channels.map((channel, index) => {
      const { guild_id: _omit, ...rest } = makeChannel(channel, index);
      return rest;
    }),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** Body fields of a message request that end up on the stored message. */
export interface MessageBodyLike {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  flags?: unknown;
  tts?: unknown;
  nonce?: unknown;
  attachments?: unknown;
  poll?: unknown;
  allowed_mentions?: unknown;
}

/**
 * The roles a message pings, by Discord's rule: those its content mentions (`<@&id>`) that its
 * allowed_mentions lets through (listed in `roles`, or every one with `parse` holding "roles"; without
 * allowed_mentions, every one). Embeds never ping.
 */
export function pingedRoles(body: MessageBodyLike): string[] {
  const content = typeof body.content === 'string' ? body.content : '';
  const mentioned = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1] ?? ''))];
  if (mentioned.length === 0) return [];
  const allowed = body.allowed_mentions;
  if (typeof allowed !== 'object' || allowed === null) return mentioned;
  const { parse, roles } = allowed as { parse?: unknown; roles?: unknown };
  if (Array.isArray(parse) && parse.includes('roles')) return mentioned;
  const listed = Array.isArray(roles) ? roles : [];
  return mentioned.filter((id) => listed.includes(id));
}

/** A stored message is APIMessage-shaped plus whatever extra the stand-in keeps (nonce…). */
export type StoredMessage = APIMessage & Record<string, unknown>;

export function makeMessage(args: {
  channelId: string;
  guildId?: string | undefined;
  author: APIUser;
  body: MessageBodyLike;
  type?: MessageType;
  webhookId?: string;
  applicationId?: string;
  interaction?: { id: string; type: number; user: APIUser; guildId?: string | undefined };
}): StoredMessage {
  const { body } = args;
  const message: Record<string, unknown> = {
    id: snowflake(),
    channel_id: args.channelId,
    author: args.author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: pingedRoles(body),
    attachments: Array.isArray(body.attachments) ? body.attachments.map(toAttachment) : [],
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    components: Array.isArray(body.components) ? body.components : [],
    pinned: false,
    type: args.type ?? MessageType.Default,
    flags: typeof body.flags === 'number' ? body.flags : 0,
  };
  if (args.guildId) message.guild_id = args.guildId;
  if (body.nonce !== undefined && body.nonce !== null) message.nonce = body.nonce;
  if (args.webhookId) message.webhook_id = args.webhookId;
  if (args.applicationId) message.application_id = args.applicationId;
  if (body.poll) message.poll = body.poll;
  if (args.interaction) {
    const owners: Record<string, string> = args.interaction.guildId
      ? { '0': args.interaction.guildId }
      : { '1': args.interaction.user.id };
    message.interaction_metadata = {
      id: args.interaction.id,
      type: args.interaction.type,
      user: args.interaction.user,
      authorizing_integration_owners: owners,
    };
  }
  return message as StoredMessage;
}

function toAttachment(raw: unknown, index: number): Record<string, unknown> {
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = snowflake();
  const filename = typeof given.filename === 'string' ? given.filename : `file${index}`;
  return {
    id,
    filename,
    size: 0,
    url: `http://127.0.0.1/attachments/${id}/${filename}`,
    proxy_url: `http://127.0.0.1/attachments/${id}/${filename}`,
    ...(typeof given.description === 'string' ? { description: given.description } : {}),
  };
}

/** Apply an edit body to a stored message the way Discord does (only given fields change). */
export function applyEdit(message: StoredMessage, body: MessageBodyLike): void {
  const target = message as Record<string, unknown>;
  if (body.content !== undefined) target.content = typeof body.content === 'string' ? body.content : '';
  if (body.embeds !== undefined) target.embeds = Array.isArray(body.embeds) ? body.embeds : [];
  if (body.components !== undefined)
    target.components = Array.isArray(body.components) ? body.components : [];
  if (body.attachments !== undefined)
    target.attachments = Array.isArray(body.attachments) ? body.attachments.map(toAttachment) : [];
  if (typeof body.flags === 'number') target.flags = body.flags;
  target.edited_timestamp = new Date().toISOString();
}
