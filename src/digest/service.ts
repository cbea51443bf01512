// The digest port the commands use: preview and status as Answers. The bot and the offline CLI both
// build one; commands never touch the store or the scheduler themselves.
import type { DigestConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import type { Answer, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { truncate } from '../render/truncate.ts';
import { formatZoned } from './compose.ts';
import { describeFilters } from './filters.ts';
import type { DigestRunner, RunOutcome } from './runner.ts';
import { nextRunOf } from './scheduler.ts';

export interface DigestService {
  readonly digests: readonly DigestConfig[];
  preview(id: string | undefined): Promise<Answer>;
  status(): Promise<Answer>;
}

export function createDigestService(
  digests: readonly DigestConfig[],
  runner: Pick<DigestRunner, 'preview' | 'state'>,
  now: () => number = Date.now,
): DigestService {
  const find = (id: string | undefined): DigestConfig => {
    if (digests.length === 0) {
      throw new UserError(
        'No digests are configured. An admin sets DIGEST_1_CHANNEL and DIGEST_1_CRON in the env file.',
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

  return {
    digests,
    async preview(id) {
      const digest = find(id);
      const answer = await runner.preview(digest);
      const next = nextRunOf(digest, now());
      const when =
        next === undefined ? 'no next run scheduled' : `next run ${formatZoned(next, digest.timezone)}`;
      const note = `Preview of digest ${digest.id} (${digest.title}) for channel ${digest.channelId}, ${when}. Nothing has been posted.`;
      return {
        ...(answer ?? { sections: [] }),
        content: answer?.content ? `${note}\n${answer.content}` : note,
        ephemeral: true,
      };
    },
    async status() {
      if (digests.length === 0)
        return {
          content: 'No digests are configured (DIGEST_<n>_CHANNEL, DIGEST_<n>_CRON).',
          sections: [],
          ephemeral: true,
        };
      const sections: Section[] = [];
      for (const digest of digests) {
        const { cursor, pending, last } = await runner.state(digest);
        const next = nextRunOf(digest, now());
        sections.push({
          title: `Digest ${digest.id}: ${digest.title}`,
          color: last?.outcome === 'failed' ? COLORS.error : COLORS.list,
          fields: [
            { name: 'Channel', value: digest.channelId, inline: true },
            { name: 'Schedule', value: `${digest.cron} (${digest.timezone})`, inline: true },
            {
              name: 'Next run',
              value: next === undefined ? 'none' : formatZoned(next, digest.timezone),
              inline: true,
            },
            {
              name: 'Countries',
              value: digest.countries.length > 0 ? digest.countries.join(', ') : 'all',
              inline: true,
            },
            ...filtersField(digest),
            {
              name: 'When empty',
              value: digest.whenEmpty === 'post' ? 'posts "nothing new"' : 'stays quiet',
              inline: true,
            },
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
