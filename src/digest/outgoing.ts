// How a digest run's messages look and where they go (DIGEST_<n>_FORMAT, _MENTION_ROLE, _THREAD,
// _FORUM_TAGS), decided once when the run is composed and saved with it, so a resumed run posts the same
// messages to the same place.
import type { DigestConfig } from '../config.ts';
import { foldKey } from '../incidents/text.ts';
import type { Answer } from '../render/answer.ts';
import { type MessagePayload, toDiscordPages } from '../render/discord.ts';
import { toDiscordTextPages } from '../render/discord-text.ts';
import { DISCORD_LIMITS } from '../render/limits.ts';
import { truncate } from '../render/truncate.ts';
import { formatZoned } from './compose.ts';
import { type ChannelInfo, FORUM_TYPES } from './runner.ts';

/** Where a run posts. A thread or forum post records its id once made, so a resumed run uses it. */
export type RunTarget =
  | { kind: 'channel' }
  | { kind: 'thread'; name: string; threadId?: string }
  | {
      kind: 'forum';
      name: string;
      /** Tag ids. */
      tags: string[];
      guildId?: string;
      threadId?: string;
      /** A create was sent: before sending another, look for the post it may have made. */
      tried?: boolean;
    };

/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;

/** The run's messages in the digest's format, the first one pinging its role when it has one. */
export function digestMessages(
  digest: Pick<DigestConfig, 'format' | 'mentionRole'>,
  answer: Answer,
  maxPages: number,
  embedPages?: MessagePayload[],
): MessagePayload[] {
  const pages =
    digest.format === 'text'
      ? toDiscordTextPages(answer, { maxPages })
      : (embedPages ?? toDiscordPages(answer, { maxPages }));
  return digest.mentionRole ? withRoleMention(pages, digest.mentionRole) : pages;
}

/**
 * The first page with `<@&role>` in front and allowed_mentions naming that role and nothing else: the
 * text of incidents is escaped and neutralised as always, so only this one role can ever be pinged.
 */
export function withRoleMention(pages: MessagePayload[], role: string): MessagePayload[] {
  const [first, ...rest] = pages;
  if (!first) return pages;
  const ping = `<@&${role}>`;
  const text = first.content ?? '';
  const content = text === '' ? ping : `${ping} ${truncate(text, DISCORD_LIMITS.content - ping.length - 1)}`;
  return [{ ...first, content, allowed_mentions: { parse: [], roles: [role] } }, ...rest];
}

/**
 * Where a run made at `asOf` posts: a forum channel takes one post per run (named after the digest and
 * the time, with the configured tags that the forum has); a text channel with DIGEST_<n>_THREAD a
 * thread per run on the run's first message; else the channel itself. `warn` hears of tag names the
 * forum does not have.
 */
export function runTarget(
  digest: Pick<DigestConfig, 'title' | 'timezone' | 'thread' | 'forumTags'>,
  channel: ChannelInfo | undefined,
  asOf: number,
  warn: (missing: string[]) => void,
): RunTarget {
  const name = truncate(`${digest.title} · ${formatZoned(asOf, digest.timezone)}`, THREAD_NAME_MAX);
  if (channel && FORUM_TYPES.has(channel.type)) {
    const wanted = digest.forumTags ?? [];
    const tags: string[] = [];
    const missing: string[] = [];
    for (const tagName of wanted) {
      const tag = channel.tags.find((t) => foldKey(t.name) === foldKey(tagName));
      if (tag) tags.push(tag.id);
      else missing.push(tagName);
    }
    if (missing.length > 0) warn(missing);
    return { kind: 'forum', name, tags, ...(channel.guildId ? { guildId: channel.guildId } : {}) };
  }
  if (digest.thread) return { kind: 'thread', name };
  return { kind: 'channel' };
}
