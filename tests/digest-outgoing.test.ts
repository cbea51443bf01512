// Where and how a digest posts (DIGEST_<n>_THREAD, _FORUM_TAGS, _MENTION_ROLE, _FORMAT), through the
// runner with a fake Discord: a thread per run opened once, a forum post per run made once even when
// the run is resumed, one role pinged and nobody else, plain text that says what the embeds say.
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { withRoleMention } from '../src/digest/outgoing.ts';
import { DeliveryError } from '../src/digest/runner.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { toDiscordPages } from '../src/render/discord.ts';
import { toDiscordTextPages } from '../src/render/discord-text.ts';
import { runnerSetup } from './helpers/digest-runner.ts';
import { makeIncident } from './helpers/incidents.ts';

const TEXT = '111111111111111111';
const FORUM = '222222222222222222';
const ROLE = '999999999999999999';
const channels = {
  [FORUM]: {
    type: 15,
    guildId: '555555555555555555',
    tags: [
      { id: '1', name: 'Syria' },
      { id: '2', name: 'Daily' },
    ],
  },
};

const digest: DigestConfig = {
  id: '1',
  channelId: TEXT,
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: [],
  title: 'Morning briefing',
  whenEmpty: 'quiet',
};

const many = (n: number, from = 0): Incident[] =>
  Array.from({ length: n }, (_, i) =>
    makeIncident({
      id: `inc-${from + i}`,
      title: `Incident ${from + i} ${'with a long headline '.repeat(8)}`,
      summary: 'A summary that takes room. '.repeat(30),
      date: { start: '2026-11-20' },
    }),
  );

/** A digest whose next run posts several messages: an empty first run, then 25 long incidents. */
async function setupBusy() {
  const t = runnerSetup([], undefined, channels);
  return {
    ...t,
    async busyRun(d: DigestConfig) {
      await t.runner.run(d, { reason: 'manual' });
      await t.update(many(25));
      return t.makeRunner().run(d, { reason: 'manual' });
    },
  };
}

describe('a thread per run (DIGEST_<n>_THREAD)', () => {
  it('posts the first message in the channel, opens one thread on it, and the rest go into the thread', async () => {
    const t = await setupBusy();
    const threaded = { ...digest, thread: true };
    await t.busyRun(threaded);
    expect(t.discord.threads).toHaveLength(1);
    const [thread] = t.discord.threads;
    expect(thread).toMatchObject({ parentId: TEXT, id: '1', calls: 1 });
    expect(thread?.name).toMatch(/^Morning briefing · \d+ \w+ 2026 \d\d:\d\d UTC$/);
    expect(t.discord.posted[0]?.channelId).toBe(TEXT);
    expect(t.discord.posted.length).toBeGreaterThan(1);
    for (const p of t.discord.posted.slice(1)) expect(p.channelId).toBe('1');
  });

  it('a run resumed after its first message opens the thread on that message, once', async () => {
    const t = await setupBusy();
    const threaded = { ...digest, thread: true };
    // The first message goes out; then the thread cannot be opened (every try), and the run stops.
    const start = t.discord.sender.startThread?.bind(t.discord.sender);
    let refuse = true;
    t.discord.sender.startThread = async (channelId, messageId, name) => {
      if (refuse) throw new DeliveryError('Discord answered 502', false, 502);
      return (start as NonNullable<typeof start>)(channelId, messageId, name);
    };
    const failed = await t.busyRun(threaded);
    expect(failed.outcome).toBe('failed');
    expect(t.discord.posted).toHaveLength(1);
    refuse = false;
    await t.makeRunner().run(threaded, { reason: 'resume' });
    expect(t.discord.threads).toEqual([expect.objectContaining({ id: '1', parentId: TEXT, calls: 1 })]);
    expect(t.discord.posted.length).toBeGreaterThan(1);
    for (const p of t.discord.posted.slice(1)) expect(p.channelId).toBe('1');
  });
});

describe('a forum channel', () => {
  it('gets one post per run, named and tagged, with every message of the run in it', async () => {
    const t = await setupBusy();
    const forum = { ...digest, channelId: FORUM, forumTags: ['syria', 'Weekly'] };
    await t.busyRun(forum);
    // The first, quiet run made no post.
    expect(t.discord.threads).toHaveLength(1);
    const [post] = t.discord.threads;
    expect(post).toMatchObject({ parentId: FORUM, tags: ['1'] });
    expect(t.discord.posted.length).toBeGreaterThan(1);
    for (const p of t.discord.posted.slice(1)) expect(p.channelId).toBe(post?.id);
    // The next run with something new is a new post.
    await t.update([...many(25), ...many(2, 100)]);
    await t.runner.run(forum, { reason: 'manual' });
    expect(t.discord.threads).toHaveLength(2);
  });

  it('a run that failed after making its post finds that post instead of making another', async () => {
    const t = await setupBusy();
    const forum = { ...digest, channelId: FORUM };
    // The post is made, then every later message fails until the run gives up.
    const send = t.discord.sender.send.bind(t.discord.sender);
    let refuse = true;
    t.discord.sender.send = async (channelId, message) => {
      if (refuse) throw new DeliveryError('Discord answered 503', false, 503);
      return send(channelId, message);
    };
    const failed = await t.busyRun(forum);
    expect(failed.outcome).toBe('failed');
    expect(t.discord.threads).toHaveLength(1);
    refuse = false;
    await t.makeRunner().run(forum, { reason: 'resume' });
    expect(t.discord.threads).toHaveLength(1);
    for (const p of t.discord.posted.slice(1)) expect(p.channelId).toBe(t.discord.threads[0]?.id);
  });
});

describe('a role mention (DIGEST_<n>_MENTION_ROLE)', () => {
  it('pings exactly that role on the first message only, and nobody on the others', async () => {
    const t = runnerSetup(many(10), undefined, channels);
    await t.runner.run({ ...digest, mentionRole: ROLE }, { reason: 'manual' });
    const [first, ...rest] = t.discord.posted;
    expect(first?.message.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(first?.message.content?.startsWith(`<@&${ROLE}> `)).toBe(true);
    for (const p of rest) expect(p.message.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps the first message within 2,000 characters', () => {
    const pages = withRoleMention(
      [{ content: 'x'.repeat(2000), embeds: [], allowed_mentions: { parse: [] } }],
      ROLE,
    );
    expect(pages[0]?.content?.length).toBeLessThanOrEqual(2000);
  });
});

describe('plain text (DIGEST_<n>_FORMAT=text)', () => {
  it('posts no embeds, every message within 2,000 characters, with the same incidents as the embeds', async () => {
    const t = runnerSetup(many(10), undefined, channels);
    await t.runner.run({ ...digest, format: 'text' }, { reason: 'manual' });
    const messages = t.discord.posted.map((p) => p.message);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.embeds).toEqual([]);
      expect(m.content?.length).toBeLessThanOrEqual(2000);
      expect(m.allowed_mentions).toEqual({ parse: [] });
    }
    const text = messages.map((m) => m.content).join('\n');
    for (let i = 0; i < 10; i++) expect(text).toContain(`id: inc-${i}`);
  });

  it('escapes Markdown and breaks mentions in the data, and says what it left out', () => {
    const answer = {
      content: 'Head @everyone',
      sections: Array.from({ length: 40 }, (_, i) => ({
        title: `Section *${i}*`,
        fields: [{ name: `<@&123> field ${i}`, value: 'v'.repeat(900) }],
      })),
    };
    const pages = toDiscordTextPages(answer, { maxPages: 3 });
    expect(pages).toHaveLength(3);
    const text = pages.map((p) => p.content).join('\n');
    expect(text).not.toMatch(/@everyone|<@&\d/);
    expect(text).toContain('### Section \\*0\\*');
    expect(pages[2]?.content).toMatch(/more lines not shown \(at most 3 messages\)/);
    // The embed rendering of the same answer shows the same first field.
    expect(JSON.stringify(toDiscordPages(answer)[0])).toContain('field 0');
  });
});
