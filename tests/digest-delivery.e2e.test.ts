// Where and how digests post, end to end: the real bot against the local Discord stand-in, with digests
// configured through env: a forum channel gets one titled, tagged post per run; a text channel a thread
// per run whose first message pings exactly the configured role (allowed_mentions names it and nothing
// else, and the data's own mention syntax stays inert); another channel plain text without embeds.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../src/config.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import type { Standin } from './discord/standin.ts';
import { type DigestWorkspace, digestWorkspace, incidentJson, startDesk } from './helpers/digest-e2e.ts';
import { until } from './helpers/wait.ts';

const FORUM = '100000000000000021';
const TEXT = '100000000000000022';
const PLAIN = '100000000000000023';
const ROLE = '100000000000000099';

const incident = (id: string, title: string) =>
  incidentJson(id, {
    title,
    date: { start: '2026-11-21' },
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Reported by <@&100000000000000099> and @everyone, which must not ping.',
  });

describe('digests in a forum, a thread with a role ping, and plain text', () => {
  let standin: Standin;
  let space: DigestWorkspace;
  let dataDir: string;
  let bot: RunningBot | undefined;

  beforeAll(async () => {
    space = await digestWorkspace('digest-delivery');
    dataDir = space.dataDir;
    let config: BotConfig;
    ({ standin, config } = await startDesk(space, {
      channels: [
        { id: FORUM, name: 'briefings', type: 15, available_tags: [{ name: 'Syria' }, { name: 'Daily' }] },
        { id: TEXT, name: 'desk' },
        { id: PLAIN, name: 'bridge' },
      ],
      roles: [{ id: ROLE, name: 'On call' }],
      standin: { allowedRoleMentions: [ROLE] },
      env: {
        DIGEST_1_CHANNEL: FORUM,
        DIGEST_1_CRON: '*/2 * * * * *',
        DIGEST_1_TITLE: 'Forum briefing',
        DIGEST_1_FORUM_TAGS: 'syria, Weekly',
        DIGEST_2_CHANNEL: TEXT,
        DIGEST_2_CRON: '*/2 * * * * *',
        DIGEST_2_TITLE: 'Desk',
        DIGEST_2_THREAD: 'true',
        DIGEST_2_MENTION_ROLE: ROLE,
        DIGEST_3_CHANNEL: PLAIN,
        DIGEST_3_CRON: '*/2 * * * * *',
        DIGEST_3_TITLE: 'Bridge',
        DIGEST_3_FORMAT: 'text',
      },
    }));
    bot = await startBot({ config, logger: createLogger({ level: 'silent' }), pollMs: 0 });
  });

  afterAll(async () => {
    await bot?.stop();
    await standin.close();
    await space.remove();
  });

  const postsIn = (forum: string) => standin.threads.filter((t) => t.parent_id === forum);

  it('posts one titled, tagged forum post per run, and a thread per run whose first message pings the role', async () => {
    await until('the first runs', () => postsIn(FORUM).length >= 1 && postsIn(TEXT).length >= 1, 30_000);
    const tags = standin.guilds[0]?.channels.find((c) => c.id === FORUM)?.availableTags ?? [];
    const syria = tags.find((t) => t.name === 'Syria')?.id;
    const [post] = postsIn(FORUM);
    expect(post?.name).toMatch(/^Forum briefing · /);
    expect(post?.applied_tags).toEqual([syria]);
    expect(post?.origin).toBe('post');

    const [thread] = postsIn(TEXT);
    expect(thread?.origin).toBe('message');
    const first = standin.messagesIn(TEXT)[0];
    expect(first?.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(first?.message.mention_roles).toEqual([ROLE]);
    expect(String(first?.body.content)).toMatch(new RegExp(`^<@&${ROLE}> `));

    // A new incident: each digest makes a new post or thread; nobody but the role is ever pinged.
    await writeFile(path.join(dataDir, 'new.json'), incident('idlib-new', 'New clash near Idlib'));
    await until('the second runs', () => postsIn(FORUM).length >= 2 && postsIn(TEXT).length >= 2, 30_000);
    const pinged = standin.messages.flatMap((m) => m.message.mention_roles ?? []);
    expect(new Set(pinged)).toEqual(new Set([ROLE]));
    const inThreads = postsIn(TEXT).flatMap((t) => standin.messagesIn(t.id));
    for (const m of inThreads) expect(m.body.allowed_mentions).toEqual({ parse: [] });
    expect(standin.violations).toEqual([]);
  });

  it('posts plain text without embeds where FORMAT=text', async () => {
    await until('the plain digest', () => standin.messagesIn(PLAIN).length >= 1, 30_000);
    for (const m of standin.messagesIn(PLAIN)) {
      expect(m.body.embeds ?? []).toEqual([]);
      expect(String(m.body.content).length).toBeLessThanOrEqual(2000);
    }
    expect(JSON.stringify(standin.messagesIn(PLAIN).map((m) => m.body.content))).toContain('id: ');
    expect(standin.violations).toEqual([]);
  });
});
