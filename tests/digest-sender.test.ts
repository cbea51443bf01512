/**
 * The digest's Discord sender (src/digest/discord-sender.ts) through discord.js' REST client against
 * the local stand-in: channel info cached per channel, threads on messages (idempotent), forum posts with
 * tags and a chart (multipart), finding a post again by name, and every failure as a DeliveryError.
 */
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { restSender } from '../src/digest/discord-sender.ts';
import { DeliveryError, type DigestSender, type OutgoingMessage } from '../src/digest/runner.ts';
import { type Standin, standinRestOptions, startStandin } from './discord/standin.ts';

// The first bytes of a PNG are enough: the stand-in stores what was uploaded, it does not decode it.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let standin: Standin;
let sender: DigestSender;
let textId: string;
let forumId: string;
let tags: { id: string; name: string }[];

const message = (content: string, nonce: string): OutgoingMessage => ({
  content,
  embeds: [],
  allowed_mentions: { parse: [] },
  nonce,
  enforce_nonce: true,
});

/** The sender's optional methods, which restSender has. */
function full(s: DigestSender): Required<DigestSender> {
  const { channel, startThread, createPost, findPost } = s;
  if (!channel || !startThread || !createPost || !findPost) throw new Error('restSender lacks a method');
  return s as Required<DigestSender>;
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

const count = (method: string, path: string) =>
  standin.requests.filter((r) => r.method === method && r.path === path && !r.injected).length;

beforeAll(async () => {
  standin = await startStandin({
    guilds: [
      {
        name: 'Sender Test',
        channels: [
          { name: 'briefings' },
          { name: 'digests', type: 15, available_tags: [{ name: 'daily' }, { name: 'weekly' }] },
        ],
      },
    ],
  });
  textId = standin.guilds[0]?.channels[0]?.id ?? '';
  forumId = standin.guilds[0]?.channels[1]?.id ?? '';
  tags = standin.guilds[0]?.channels[1]?.availableTags ?? [];
  // No retries of 5xx in discord.js, so a fault reaches the sender as it is.
  const rest = new REST({ ...standinRestOptions(standin), retries: 0 }).setToken(standin.token);
  sender = restSender(rest, { perSecond: 1000 });
});

afterEach(() => {
  standin.clearFaults();
  expect(standin.violations).toEqual([]);
});

afterAll(async () => {
  await standin?.close();
});

describe('restSender', () => {
  it('asks for a channel once, and tells a forum (with its tags) from a text channel', async () => {
    const { channel } = full(sender);
    const [forum, again] = await Promise.all([channel(forumId), channel(forumId)]);
    expect(forum).toEqual({ type: 15, guildId: standin.guildId, tags });
    expect(tags.map((tag) => tag.name)).toEqual(['daily', 'weekly']);
    expect(again).toEqual(forum);
    expect(await channel(forumId)).toEqual(forum);
    expect(count('GET', `/channels/${forumId}`)).toBe(1);
    expect(await channel(textId)).toEqual({ type: 0, guildId: standin.guildId, tags: [] });
    expect(count('GET', `/channels/${textId}`)).toBe(1);
  });

  it('forgets a failed channel lookup, so the next one asks again', async () => {
    const { channel } = full(sender);
    const other = standin.guilds[0]?.channels[0]?.id ?? '';
    // A fresh sender, so nothing is cached yet.
    const fresh = full(
      restSender(new REST({ ...standinRestOptions(standin), retries: 0 }).setToken(standin.token), {
        perSecond: 1000,
      }),
    );
    standin.failNext({ method: 'GET', path: `/channels/${other}`, status: 503 });
    const error = await failure(fresh.channel(other));
    expect([error.status, error.permanent]).toEqual([503, false]);
    expect((await fresh.channel(other)).type).toBe(0);
    expect(await channel(other)).toEqual(await fresh.channel(other));
  });

  it('starts a thread on a message, and a repeat resolves with the same thread', async () => {
    const { startThread, send } = full(sender);
    const first = await send(textId, message('Morning briefing', 'run-a.0'));
    const thread = await startThread(textId, first.id, 'Briefing — 3 Dec');
    expect(thread).toEqual({ id: first.id });
    expect(await startThread(textId, first.id, 'Briefing — 3 Dec')).toEqual({ id: first.id });
    const attempts = standin.requests.filter(
      (r) => r.path === `/channels/${textId}/messages/${first.id}/threads`,
    );
    expect(attempts.map((r) => r.status)).toEqual([201, 400]);

    // The rest of the run goes into the thread: a thread is a channel.
    await send(thread.id, message('page 2', 'run-a.1'));
    await send(thread.id, message('page 2', 'run-a.1')); // a re-send: enforce_nonce drops it
    expect(standin.messagesIn(thread.id).map((r) => r.message.content)).toEqual(['page 2']);
    expect(standin.threads.find((t) => t.id === thread.id)).toMatchObject({
      parent_id: textId,
      name: 'Briefing — 3 Dec',
      owner_id: standin.botUser.id,
    });

    const missing = await failure(startThread(textId, '1', 'x'));
    expect([missing.status, missing.permanent]).toEqual([404, true]);
  });

  it('creates a forum post with tags and a chart (multipart), and finds it again by name', async () => {
    const { createPost, findPost } = full(sender);
    const daily = tags[0]?.id ?? '';
    const post = await createPost(forumId, {
      name: 'Daily digest — 3 Dec',
      appliedTags: [daily],
      message: {
        content: 'Three new incidents',
        embeds: [{ title: 'Incidents per day', image: { url: 'attachment://chart.png' } }],
        allowed_mentions: { parse: [] },
        attachments: [{ name: 'chart.png', description: 'Incidents per day, last 7 days', data: PNG }],
      },
    });
    expect(post.messageId).toBe(post.id);
    const request = standin.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${forumId}/threads`,
    );
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(request?.files).toEqual(['chart.png']);
    expect(request?.body).toMatchObject({
      name: 'Daily digest — 3 Dec',
      applied_tags: [daily],
      message: { attachments: [{ id: '0', filename: 'chart.png' }] },
    });
    expect(standin.threads.find((t) => t.id === post.id)).toMatchObject({
      parent_id: forumId,
      applied_tags: [daily],
      origin: 'post',
    });
    expect(standin.messagesIn(post.id)[0]?.message).toMatchObject({
      id: post.id,
      content: 'Three new incidents',
      attachments: [{ filename: 'chart.png' }],
    });

    // A second post, of another name, that findPost must not mistake for the first.
    // Its message an OutgoingMessage: its nonce must not reach Discord, which takes none on a post.
    const other = await createPost(forumId, {
      name: 'Daily digest — 4 Dec',
      appliedTags: [],
      message: message('Nothing new', 'run-b.0'),
    });
    expect(other.id).not.toBe(post.id);
    expect(await findPost(forumId, standin.guildId, 'Daily digest — 3 Dec')).toEqual({ id: post.id });
    expect(await findPost(forumId, standin.guildId, 'Daily digest — 4 Dec')).toEqual({ id: other.id });
    expect(await findPost(forumId, standin.guildId, 'Daily digest — 5 Dec')).toBeUndefined();
    // Only posts of that channel, and only the bot's own.
    expect(await findPost(textId, standin.guildId, 'Daily digest — 3 Dec')).toBeUndefined();
    const theirs = { id: '1500000000000000001', type: 11, parent_id: forumId, owner_id: standin.user.id };
    standin.failNext({
      method: 'GET',
      path: `/guilds/${standin.guildId}/threads/active`,
      status: 200,
      body: { threads: [{ ...theirs, name: 'Daily digest — 6 Dec' }], members: [] },
    });
    expect(await findPost(forumId, standin.guildId, 'Daily digest — 6 Dec')).toBeUndefined();
    expect(count('GET', '/users/@me')).toBe(1);

    // A name longer than Discord's 100 is cut (between characters), and findPost cuts it the same way.
    const long = `${'x'.repeat(99)}🌍 and more`;
    const cut = await createPost(forumId, {
      name: long,
      appliedTags: [],
      message: { content: 'x', embeds: [], allowed_mentions: { parse: [] } },
    });
    expect(standin.threads.find((t) => t.id === cut.id)?.name).toBe('x'.repeat(99));
    expect(await findPost(forumId, standin.guildId, long)).toEqual({ id: cut.id });

    const unknownTag = await failure(
      createPost(forumId, {
        name: 'x',
        appliedTags: ['1'],
        message: { content: 'x', embeds: [], allowed_mentions: { parse: [] } },
      }),
    );
    expect([unknownTag.status, unknownTag.permanent]).toEqual([400, true]);
  });

  it('turns every failure into a DeliveryError with its status and whether to retry', async () => {
    const { createPost, send, findPost } = full(sender);
    const unknown = await failure(send('1', message('x', 'e.0')));
    expect(unknown).toMatchObject({ status: 404, permanent: true });
    expect(unknown.message).toMatch(/^Discord answered 404: Unknown Channel \(no such channel/);

    standin.failNext({ method: 'POST', path: `/channels/${forumId}/threads`, status: 403 });
    const forbidden = await failure(
      createPost(forumId, {
        name: 'x',
        appliedTags: [],
        message: { content: 'x', embeds: [], allowed_mentions: { parse: [] } },
      }),
    );
    expect(forbidden).toMatchObject({ status: 403, permanent: true });
    expect(forbidden.message).toMatch(/Create Posts/);

    standin.failNext({ method: 'GET', path: `/guilds/${standin.guildId}/threads/active`, status: 500 });
    expect(await failure(findPost(forumId, standin.guildId, 'x'))).toMatchObject({
      status: 500,
      permanent: false,
    });

    standin.failNext({ method: 'POST', path: `/channels/${textId}/messages`, status: 502 });
    expect(await failure(send(textId, message('x', 'e.1')))).toMatchObject({ status: 502, permanent: false });

    // No answer at all (the network): transient, no status.
    const offline = full(
      restSender(
        new REST({
          ...standinRestOptions(standin),
          retries: 0,
          makeRequest: () => Promise.reject(new Error('ECONNRESET')),
        }).setToken(standin.token),
        { perSecond: 1000 },
      ),
    );
    const network = await failure(offline.channel(textId));
    expect(network.permanent).toBe(false);
    expect(network.status).toBeUndefined();
    expect(network.message).toMatch(/ECONNRESET/);
  });
});
