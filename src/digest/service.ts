// The digest port the commands use: preview and status as Answers, and the subscriptions made from
// Discord (subscribe, edit, pause, resume, remove, list). The bot and the offline CLI both build one;
// commands never touch the store or the scheduler themselves.
import { DEFAULT_ALERT_CAP, type DigestConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import type { Answer, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { truncate } from '../render/truncate.ts';
import { ALERT_POLL_MS } from './alerts.ts';
import { formatZoned } from './compose.ts';
import { describeFilters } from './filters.ts';
import type { DigestInquiry } from './inquiry.ts';
import type { DigestRunner, RunOutcome } from './runner.ts';
import { isScheduled, nextRunOf } from './scheduler.ts';
import type { Actor, DigestSettingsInput, Subscription, Subscriptions } from './subscriptions.ts';

export interface DigestService {
  /** Every digest now: the env file's and the subscriptions (paused ones too). */
  readonly digests: readonly DigestConfig[];
  preview(id: string | undefined): Promise<Answer>;
  status(): Promise<Answer>;
  /**
   * `/digest status`: the last runs of digest `id`, or of the digests posting to `channelId` (the
   * channel asked from), and what each posted and left out.
   */
  runs(id: string | undefined, channelId?: string): Promise<Answer>;
  /** `/digest why`: what became of an incident in digest `id`, or in those posting to `channelId`. */
  why(incidentId: string, id: string | undefined, channelId?: string): Promise<Answer>;
  /** The subscriptions made from Discord; absent where there is no store to keep them. */
  readonly subscriptions?: SubscriptionPort;
}

/**
 * /digest-admin subscribe and the rest. Settings arrive by their DIGEST_<n>_ suffix (CRON, COUNTRIES…);
 * invalid ones throw DigestSettingsError with each problem by that suffix, for the command to name
 * its own option.
 */
export interface SubscriptionPort {
  /** True offline: list works, changes are refused. */
  readonly readOnly: boolean;
  subscribe(settings: DigestSettingsInput, who: Actor): Promise<Answer>;
  edit(id: string, changes: DigestSettingsInput, who: Actor): Promise<Answer>;
  pause(id: string, who: Actor): Promise<Answer>;
  resume(id: string, who: Actor): Promise<Answer>;
  remove(id: string, who: Actor): Promise<Answer>;
  /** The env file's digests (read-only) and this server's subscriptions. */
  list(guildId: string | undefined): Answer;
  /** This server's subscriptions, for autocomplete. */
  choices(guildId: string | undefined): { id: string; title: string; paused: boolean }[];
}

export function createDigestService(
  list: readonly DigestConfig[] | (() => readonly DigestConfig[]),
  runner: Pick<DigestRunner, 'preview' | 'state'>,
  now: () => number = Date.now,
  subscriptions?: Subscriptions,
  inquiry?: DigestInquiry,
): DigestService {
  const current = typeof list === 'function' ? list : () => list;
  const find = (id: string | undefined): DigestConfig => {
    const digests = current();
    if (digests.length === 0) {
      throw new UserError(
        'No digests are configured. An admin sets DIGEST_1_CHANNEL and DIGEST_1_CRON in the env file, or subscribes a channel with /digest-admin subscribe.',
      );
    }
    if (id === undefined) return digests[0] as DigestConfig;
    const digest = digests.find(
      (d) => d.id === id.trim() || d.title.toLowerCase() === id.trim().toLowerCase(),
    );
    if (!digest)
      throw new UserError(
        `No digest "${truncate(id, 60)}". Digests: ${digests.map((d) => `${d.id} (${d.title})`).join(', ')}.`,
      );
    return digest;
  };

  /**
   * Digest `id`; else the digests posting to `channelId` (asked from Discord), else the only digest
   * there is; asked offline (no channel), every digest.
   */
  const chosen = (id: string | undefined, channelId: string | undefined): DigestConfig[] => {
    if (id !== undefined) return [find(id)];
    const digests = current();
    if (channelId === undefined) return digests.length > 0 ? [...digests] : [find(undefined)];
    const here = digests.filter((d) => d.channelId === channelId);
    if (here.length > 0) return here;
    if (digests.length === 1) return [digests[0] as DigestConfig];
    if (digests.length === 0) return [find(undefined)];
    throw new UserError(
      `No digest posts to this channel. Name one with digest: ${digests.map((d) => `${d.id} (${d.title})`).join(', ')}.`,
    );
  };
  const ask = (): DigestInquiry => {
    if (!inquiry) throw new UserError('The delivery record is not available in this process.');
    return inquiry;
  };
  /** One answer per digest, joined: their sections one after another. */
  const joined = async (
    digests: DigestConfig[],
    each: (d: DigestConfig) => Promise<Answer>,
  ): Promise<Answer> => {
    const answers = await Promise.all(digests.map(each));
    return {
      ...(answers.length === 1 && answers[0]?.content ? { content: answers[0].content } : {}),
      sections: answers.flatMap((a) => a.sections),
      ephemeral: true,
    };
  };

  return {
    get digests() {
      return current();
    },
    async runs(id, channelId) {
      return joined(chosen(id, channelId), (digest) => ask().runs(digest));
    },
    async why(incidentId, id, channelId) {
      if (incidentId.trim() === '')
        throw new UserError('Give the id of an incident: /digest why incident:<id>.');
      return joined(chosen(id, channelId), (digest) => ask().why(digest, incidentId));
    },
    ...(subscriptions ? { subscriptions: subscriptionPort(subscriptions, now) } : {}),
    async preview(id) {
      const digest = find(id);
      const answer = await runner.preview(digest);
      const next = isScheduled(digest) ? nextRunOf(digest, now()) : undefined;
      const when =
        digest.mode === 'alert'
          ? `an alert (it ${nextText(digest, next)} for new matches)`
          : next === undefined
            ? 'no next run scheduled'
            : `next run ${formatZoned(next, digest.timezone)}`;
      const note = `Preview of digest ${digest.id} (${digest.title}) for channel ${digest.channelId}, ${when}. Nothing has been posted.`;
      return {
        ...(answer ?? { sections: [] }),
        content: answer?.content ? `${note}\n${answer.content}` : note,
        ephemeral: true,
      };
    },
    async status() {
      const digests = current();
      if (digests.length === 0)
        return {
          content:
            'No digests are configured (DIGEST_<n>_CHANNEL, DIGEST_<n>_CRON in the env file, or /digest-admin subscribe).',
          sections: [],
          ephemeral: true,
        };
      const sections: Section[] = [];
      for (const digest of digests) {
        const { cursor, pending, last } = await runner.state(digest);
        const next = isScheduled(digest) ? nextRunOf(digest, now()) : undefined;
        sections.push({
          title: `Digest ${digest.id}: ${digest.title}${digest.paused ? ' (paused)' : ''}`,
          color: last?.outcome === 'failed' ? COLORS.error : COLORS.list,
          fields: [
            { name: 'Channel', value: digest.channelId, inline: true },
            { name: 'Schedule', value: scheduleText(digest), inline: true },
            {
              name: 'Next run',
              value: digest.paused ? 'paused (/digest-admin resume)' : nextText(digest, next),
              inline: true,
            },
            {
              name: 'Defined in',
              value: digest.source === 'discord' ? '/digest-admin subscribe' : 'env file',
              inline: true,
            },
            {
              name: 'Countries',
              value: digest.countries.length > 0 ? digest.countries.join(', ') : 'all',
              inline: true,
            },
            ...filtersField(digest),
            { name: 'Options', value: truncate(optionsOf(digest).join(', ') || 'none', 1024) },
            {
              name: 'Covered up to',
              value:
                cursor === undefined
                  ? 'nothing yet (first digest pending)'
                  : formatZoned(cursor, digest.timezone),
              inline: true,
            },
            { name: 'Last run', value: describeOutcome(last, digest.timezone) },
            ...(pending
              ? [
                  {
                    name: 'Unfinished run',
                    value: `${pending.sent.filter(Boolean).length} of ${pending.messages.length} messages posted${pending.owner ? ` by ${pending.owner}` : ''}; it is resumed at the next run, or by another process if that one stops.`,
                  },
                ]
              : []),
          ],
        });
      }
      return { sections, ephemeral: true };
    },
  };
}

function subscriptionPort(subscriptions: Subscriptions, now: () => number): SubscriptionPort {
  const done = (content: string, digest?: DigestConfig): Answer => ({
    content,
    sections: digest ? [describeDigest(digest, now())] : [],
    ephemeral: true,
  });
  const digestOf = (id: string) => subscriptions.digests().find((d) => d.id === id);
  return {
    readOnly: subscriptions.readOnly,
    async subscribe(settings, who) {
      const digest = await subscriptions.subscribe(settings, who);
      return done(
        `Subscribed: digest ${digest.id} (${digest.title}) posts to channel ${digest.channelId}${digest.mode === 'alert' ? ' as alerts' : ''}. Change it with /digest-admin edit id:${digest.id}.`,
        digest,
      );
    },
    async edit(id, changes, who) {
      const digest = await subscriptions.edit(id, changes, who);
      return done(`Digest ${digest.id} (${digest.title}) changed; the new settings apply from now.`, digest);
    },
    async pause(id, who) {
      const { subscription, changed } = await subscriptions.setPaused(id, true, who);
      return done(
        changed
          ? `Digest ${subscription.id} is paused: it keeps its settings and posts nothing until /digest-admin resume.`
          : `Digest ${subscription.id} was already paused.`,
        digestOf(subscription.id),
      );
    },
    async resume(id, who) {
      const { subscription, changed } = await subscriptions.setPaused(id, false, who);
      return done(
        changed
          ? `Digest ${subscription.id} runs again; its next digest covers what changed while it was paused.`
          : `Digest ${subscription.id} was not paused.`,
        digestOf(subscription.id),
      );
    },
    async remove(id, who) {
      const removed = await subscriptions.remove(id, who);
      return done(
        `Digest ${removed.id} (${removed.settings.TITLE ?? `Digest ${removed.id}`}) is removed; it posts nothing more.`,
      );
    },
    list(guildId) {
      const at = now();
      const env = subscriptions.envDigests();
      const mine = subscriptions.list(guildId);
      if (env.length === 0 && mine.length === 0)
        return {
          content: 'No digests yet. Add one with /digest-admin subscribe.',
          sections: [],
          ephemeral: true,
        };
      const sections: Section[] = [
        ...env.map((digest) => ({
          ...describeDigest(digest, at),
          title: truncate(`Digest ${digest.id}: ${digest.title} (env file, read-only)`, 256),
          color: COLORS.note,
        })),
        ...mine.map(({ subscription, digest, problems }) =>
          digest
            ? {
                ...describeDigest(digest, at),
                footer: madeBy(subscription),
              }
            : {
                title: truncate(`Digest ${subscription.id}: settings no longer valid`, 256),
                color: COLORS.error,
                description: truncate(
                  `${problems.map((p) => `${p.key}: ${p.message}`).join('\n')}\nFix them with /digest-admin edit id:${subscription.id}.`,
                  4000,
                ),
                footer: madeBy(subscription),
              },
        ),
      ];
      return {
        content: `${env.length} digest${env.length === 1 ? '' : 's'} from the env file, ${mine.length} subscription${mine.length === 1 ? '' : 's'} in this server.`,
        sections,
        ephemeral: true,
      };
    },
    choices(guildId) {
      return subscriptions.list(guildId).map(({ subscription, digest }) => ({
        id: subscription.id,
        title: digest?.title ?? subscription.settings.TITLE ?? `Digest ${subscription.id}`,
        paused: subscription.paused,
      }));
    },
  };
}

function madeBy(subscription: Subscription): string {
  const when = new Date(subscription.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  return `Subscription ${subscription.id}, made by user ${subscription.createdBy} on ${when} UTC`;
}

/** One digest's settings, as subscribe, edit and list show them. */
/** "0 7 * * * (Europe/Berlin)", or what an alert does instead. */
function scheduleText(digest: DigestConfig): string {
  return digest.mode === 'alert'
    ? `alert: each new match as it is seen, at most ${digest.alertCap ?? DEFAULT_ALERT_CAP} an hour in its channel`
    : `${digest.cron} (${digest.timezone})`;
}

function nextText(digest: DigestConfig, next: number | undefined): string {
  if (digest.mode === 'alert') return `looks every ${ALERT_POLL_MS / 1000} s`;
  return next === undefined ? 'none' : formatZoned(next, digest.timezone);
}

/** How and where a digest posts, in words. */
function optionsOf(digest: DigestConfig): string[] {
  return [
    ...(digest.mode === 'alert'
      ? []
      : [digest.whenEmpty === 'post' ? 'posts "nothing new"' : 'quiet when empty']),
    ...(digest.chart ? ['chart'] : []),
    ...(digest.thread ? ['thread per run'] : []),
    ...(digest.forumTags?.length ? [`forum tags ${digest.forumTags.join(', ')}`] : []),
    ...(digest.mentionRole ? [`pings role ${digest.mentionRole}`] : []),
    ...(digest.format === 'text' ? ['plain text'] : []),
  ];
}

function describeDigest(digest: DigestConfig, at: number): Section {
  const next = isScheduled(digest) ? nextRunOf(digest, at) : undefined;
  const options = optionsOf(digest);
  return {
    title: truncate(`Digest ${digest.id}: ${digest.title}${digest.paused ? ' (paused)' : ''}`, 256),
    color: digest.paused ? COLORS.note : COLORS.list,
    fields: [
      { name: 'Channel', value: digest.channelId, inline: true },
      { name: 'Schedule', value: scheduleText(digest), inline: true },
      { name: 'Next run', value: digest.paused ? 'paused' : nextText(digest, next), inline: true },
      {
        name: 'Countries',
        value: digest.countries.length > 0 ? truncate(digest.countries.join(', '), 1024) : 'all',
        inline: true,
      },
      ...filtersField(digest),
      { name: 'Options', value: truncate(options.join(', ') || 'none', 1024) },
    ],
  };
}

function describeOutcome(last: RunOutcome | undefined, timezone: string): string {
  if (!last) return 'never run';
  const when = formatZoned(last.at, timezone);
  switch (last.outcome) {
    case 'posted':
      return `${when}: posted ${last.messages} message${last.messages === 1 ? '' : 's'} (${last.incidents} incidents, ${last.reason})`;
    case 'empty':
      return `${when}: nothing new (${last.reason})`;
    case 'busy':
      return `${when}: skipped, a run was already under way`;
    case 'failed':
      return `${when}: FAILED${last.permanent ? ' (needs an admin)' : ' (will retry)'}: ${last.error ?? 'unknown error'}`;
  }
}

/** The digest's filters besides countries, when it has any (digest/filters.ts). */
function filtersField(digest: DigestConfig): { name: string; value: string }[] {
  const described = describeFilters(digest.filters);
  return described === undefined ? [] : [{ name: 'Filters', value: truncate(described, 1024) }];
}
