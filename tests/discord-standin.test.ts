/**
 * Smoke test of the local Discord stand-in (tests/discord/standin.ts) with the real discord.js client:
 * login over the stand-in's gateway, slash command → reply, op 7 reconnect, a 429 that is retried,
 * autocomplete, deferred reply + @original edit, button update, and that the stand-in really catches
 * bad bodies (schema, strict unknown keys, mentions) and unknown routes. Then, on a second stand-in
 * with a forum channel and a role allowed to ping: threads on messages, forum posts with tags, the
 * active threads of a guild, and role mentions.
 */
import { once } from 'node:events';
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  ChannelType,
  Client,
  ComponentType,
  DiscordAPIError,
  type ForumChannel,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  REST,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InteractionSpecError, type Standin, standinRestOptions, startStandin } from './discord/standin.ts';

const quiet = { parse: [] as const };

let standin: Standin;
let client: Client;
const handlerErrors: unknown[] = [];
const seen: string[] = [];

async function onInteraction(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused().toLowerCase();
    const ids = ['2016-10-30-aleppo-west-shelling', '2016-10-28-aleppo-gas-claim', '2020-05-09-idlib-market'];
    await interaction.respond(ids.filter((id) => id.includes(typed)).map((id) => ({ name: id, value: id })));
    return;
  }
  if (interaction.isButton()) {
    await interaction.update({
      content: `page for ${interaction.customId}`,
      components: [],
      allowedMentions: quiet,
    });
    return;
  }
  if (!interaction.isChatInputCommand()) return;
  switch (interaction.commandName) {
    case 'ping':
      await interaction.reply({ content: 'pong', allowedMentions: quiet });
      return;
    case 'incident': {
      const id = interaction.options.getString('id', true);
      await interaction.deferReply();
      await interaction.editReply({
        content: `briefing ${id}`,
        allowedMentions: quiet,
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More', customId: 'more:1' },
            ],
          },
        ],
      });
      return;
    }
    case 'multi': {
      // Every webhook route: reply with a file (multipart) and with_response, follow-up, edits, fetch, delete.
      const response = await interaction.reply({
        content: 'first',
        allowedMentions: quiet,
        withResponse: true,
        files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'export.csv' }],
      });
      seen.push(response.resource?.message?.content ?? '(no resource)');
      const followUp = await interaction.followUp({
        content: 'second',
        allowedMentions: quiet,
        flags: MessageFlags.Ephemeral,
      });
      await interaction.editReply({ content: 'first, edited', allowedMentions: quiet });
      seen.push((await interaction.fetchReply()).content);
      await interaction.webhook.editMessage(followUp, { content: 'second, edited', allowedMentions: quiet });
      await interaction.deleteReply();
      return;
    }
    case 'loud': // forgets allowedMentions: the stand-in must notice
      await interaction.reply({ content: 'hello @everyone' });
      return;
    case 'long': // 2001 characters: Discord answers 400, the stand-in must too
      await interaction.reply({ content: 'x'.repeat(2001), allowedMentions: quiet }).catch((err: unknown) => {
        handlerErrors.push(err);
      });
      return;
  }
}

beforeAll(async () => {
  standin = await startStandin({ heartbeatIntervalMs: 250 });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: standinRestOptions(standin) });
  client.on('interactionCreate', (interaction) => {
    onInteraction(interaction).catch((err: unknown) => handlerErrors.push(err));
  });
  const ready = once(client, 'clientReady');
  await client.login(standin.token);
  await ready;
  const application = client.application;
  if (!application) throw new Error('no client.application after clientReady');
  await application.commands.set([
    { name: 'ping', description: 'Replies pong' },
    {
      name: 'incident',
      description: 'A full briefing',
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'id',
          description: 'incident id',
          required: true,
          autocomplete: true,
        },
      ],
    },
    { name: 'multi', description: 'Uses every webhook route' },
    { name: 'loud', description: 'Misbehaves' },
    { name: 'long', description: 'Misbehaves' },
  ]);
});

afterEach(() => {
  expect(handlerErrors).toEqual([]);
  expect(standin.violations).toEqual([]);
});

afterAll(async () => {
  await client?.destroy();
  await standin?.close();
});

describe('discord stand-in with the real discord.js client', () => {
  it('logs in over the local gateway and answers a slash command', async () => {
    expect(client.guilds.cache.get(standin.guildId)?.channels.cache.has(standin.channelId)).toBe(true);
    expect(standin.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot')).toBe(true);
    expect(standin.gateway.identifies).toHaveLength(1);
    expect(standin.gateway.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(standin.commands.global.map((c) => c.name)).toEqual(['ping', 'incident', 'multi', 'loud', 'long']);

    const exchange = await standin.invoke(standin.chatInput({ name: 'ping' }));
    expect(exchange.callback?.type).toBe(4);
    expect(exchange.callback?.data).toMatchObject({ content: 'pong', allowed_mentions: { parse: [] } });
    expect(exchange.message?.content).toBe('pong');
    // The 204 reply parsed cleanly: discord.js resolved reply() (else handlerErrors would hold it).
    const callback = standin.requests.find((r) => r.route === '/interactions/:id/:token/callback');
    expect(callback?.status).toBe(204);
    expect(callback?.query).toEqual({ with_response: 'false' });
  });

  it('acknowledges heartbeats', async () => {
    await standin.waitFor(() => standin.gateway.heartbeats > 0, { what: 'a heartbeat' });
    await standin.waitFor(() => client.ws.ping >= 0, { what: 'a measured ping', timeoutMs: 2000 });
  });

  it('survives an op 7 reconnect: the client resumes and commands still work', async () => {
    await standin.reconnect();
    expect(standin.gateway.identifies).toHaveLength(1); // resumed, not re-identified
    expect(standin.gateway.connections.at(-1)).toMatch(/^\/resume\?/); // used resume_gateway_url
    const exchange = await standin.invoke(standin.chatInput({ name: 'ping' }));
    expect(exchange.message?.content).toBe('pong');
  });

  it('replays an interaction dispatched while the client was disconnected', async () => {
    standin.disconnect(4000);
    await standin.waitFor(() => standin.gateway.closes.includes(4000), { what: 'the close' });
    const payload = standin.chatInput({ name: 'ping' });
    standin.sendInteraction(payload); // buffered, replayed on RESUME
    const exchange = await standin.waitForResponse(payload, { timeoutMs: 4000 });
    expect(exchange.message?.content).toBe('pong');
  });

  it('retries a 429 on the interaction callback and then succeeds', async () => {
    const fault = standin.failNext({
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      status: 429,
    });
    const exchange = await standin.invoke(standin.chatInput({ name: 'ping' }));
    expect(fault.hits).toBe(1);
    expect(exchange.message?.content).toBe('pong');
    const attempts = standin.requests.filter((r) => r.path.startsWith(`/interactions/${exchange.id}/`));
    expect(attempts.map((r) => [r.status, r.injected])).toEqual([
      [429, true],
      [204, false],
    ]);
  });

  it('answers autocomplete with choices', async () => {
    const exchange = await standin.invoke(
      standin.autocomplete({ name: 'incident', options: { id: 'alep' }, focused: 'id' }),
    );
    expect(exchange.callback?.type).toBe(8);
    expect(exchange.choices).toEqual([
      { name: '2016-10-30-aleppo-west-shelling', value: '2016-10-30-aleppo-west-shelling' },
      { name: '2016-10-28-aleppo-gas-claim', value: '2016-10-28-aleppo-gas-claim' },
    ]);
  });

  it('follows a deferred reply to its @original edit, then a button updates that message', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'incident', options: { id: 'aleppo' } }));
    expect(exchange.callback?.type).toBe(5);
    expect(exchange.edits).toHaveLength(1);
    expect(exchange.message?.content).toBe('briefing aleppo');
    const edit = standin.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    expect(edit?.status).toBe(200);

    const message = exchange.message;
    if (!message) throw new Error('no message');
    const click = await standin.invoke(standin.button({ customId: 'more:1', message }));
    expect(click.callback?.type).toBe(7);
    expect(click.message?.content).toBe('page for more:1');
    expect(click.message?.components).toEqual([]);
  });

  it('retries a 500 on a channel post, and enforce_nonce drops the re-send', async () => {
    const channel = client.channels.cache.get(standin.channelId) as TextChannel;
    const fault = standin.failNext({ method: 'POST', path: '/channels/:id/messages', status: 500 });
    const options = {
      content: 'Morning briefing',
      allowedMentions: quiet,
      nonce: 'digest-1',
      enforceNonce: true,
    };
    const first = await channel.send(options);
    const second = await channel.send(options);
    expect(fault.hits).toBe(1);
    expect(second.id).toBe(first.id);
    expect(standin.messages).toHaveLength(1);
    expect(standin.messages[0]?.body).toMatchObject({ nonce: 'digest-1', enforce_nonce: true });
  });

  it('serves the webhook routes: multipart reply with_response, follow-up, edits, fetch, delete', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'multi' }), {
      until: (e) => e.deleted,
    });
    expect(seen).toEqual(['first', 'first, edited']);
    expect(exchange.callback?.query).toBe('with_response=true');
    const callback = standin.requests.find((r) => r.path.startsWith(`/interactions/${exchange.id}/`));
    expect(callback?.files).toEqual(['export.csv']);
    expect(exchange.followups).toHaveLength(1);
    expect(exchange.followupMessages[0]?.flags).toBe(MessageFlags.Ephemeral);
    expect(exchange.followupMessages[0]?.content).toBe('second, edited');
    expect(exchange.edits).toHaveLength(1);
    expect(standin.requests.filter((r) => r.path.includes(exchange.token)).map((r) => r.method)).toEqual([
      'POST', // the callback
      'POST',
      'PATCH',
      'GET',
      'PATCH',
      'DELETE',
    ]);
  });

  it('serves users/@me, applications/@me and guild command registration', async () => {
    const application = client.application;
    if (!application) throw new Error('no application');
    await application.fetch();
    expect(application.name).toBe(standin.botUser.username);
    expect((await client.users.fetch('@me', { force: true })).id).toBe(standin.applicationId);
    await application.commands.set(
      [{ name: 'ping', description: 'Guild ping', options: [{ type: 4, name: 'n', description: 'n' }] }],
      standin.guildId,
    );
    // The guild registration now wins for that guild, and typed the option as an integer.
    const payload = standin.chatInput({ name: 'ping', options: { n: 3 } });
    expect(payload.data).toMatchObject({ options: [{ name: 'n', type: 4, value: 3 }] });
    expect((await application.commands.fetch({ guildId: standin.guildId })).size).toBe(1);
    await application.commands.set([], standin.guildId);
  });

  it('builders refuse interactions Discord would never send', () => {
    expect(() => standin.chatInput({ name: 'incident' })).toThrow(InteractionSpecError);
    expect(() => standin.chatInput({ name: 'ping', options: { nope: 1 } })).toThrow(/no option "nope"/);
  });

  it('catches bodies that break the rules, and unknown routes', async () => {
    await standin.invoke(standin.chatInput({ name: 'loud' }));
    expect(standin.violations.map((v) => v.kind)).toEqual(['mentions']);
    standin.violations.length = 0;

    const long = standin.chatInput({ name: 'long' });
    standin.sendInteraction(long);
    await standin.waitFor(() => handlerErrors.length > 0, { what: 'the rejected reply' });
    expect(handlerErrors[0]).toBeInstanceOf(DiscordAPIError);
    expect((handlerErrors[0] as DiscordAPIError).status).toBe(400);
    expect(standin.violations).toEqual([
      {
        kind: 'schema',
        where: expect.stringMatching(/^POST \/interactions\//),
        message: expect.stringMatching(/^data\.content/),
      },
    ]);
    handlerErrors.length = 0;
    standin.violations.length = 0;

    // Strict objects: a key the API does not know is reported (Discord would silently ignore it).
    const raw = standin.chatInput({ name: 'unhandled' }); // not registered, and the bot ignores it
    standin.sendInteraction(raw);
    await client.rest.post(Routes.interactionCallback(raw.id, raw.token), {
      auth: false,
      body: { type: 4, data: { content: 'hi', allowed_mentions: { parse: [] }, colour: 'red' } },
    });
    expect(standin.violations.map((v) => v.message)).toEqual(['data: unknown key(s): colour']);
    standin.violations.length = 0;

    await expect(client.rest.get('/guilds/1/bogus')).rejects.toThrow(DiscordAPIError);
    expect(standin.violations.map((v) => v.kind)).toEqual(['route']);
    standin.violations.length = 0;
  });

  it('refuses to let a client talk to anything but the stand-in', async () => {
    const { makeRequest } = standinRestOptions(standin);
    await expect(makeRequest?.('https://discord.com/api/v10/users/@me', {})).rejects.toThrow(/refused/);
  });
});

describe('discord stand-in: threads, forum posts and role mentions', () => {
  const ROLE = '1300000000000000001';
  const OTHER_ROLE = '1300000000000000002';
  let forum: Standin;
  let rest: REST;
  let textId: string;
  let forumId: string;
  let dailyTag: string;

  beforeAll(async () => {
    forum = await startStandin({
      allowedRoleMentions: [ROLE],
      guilds: [
        {
          name: 'Forum Test',
          channels: [
            { name: 'briefings' },
            {
              name: 'digests',
              type: 15,
              available_tags: [{ name: 'daily' }, { id: '1400000000000000001', name: 'weekly' }],
            },
          ],
          roles: [
            { id: ROLE, name: 'analysts' },
            { id: OTHER_ROLE, name: 'everyone-else' },
          ],
        },
      ],
    });
    textId = forum.guilds[0]?.channels[0]?.id ?? '';
    forumId = forum.guilds[0]?.channels[1]?.id ?? '';
    dailyTag = forum.guilds[0]?.channels[1]?.availableTags?.[0]?.id ?? '';
    rest = new REST(standinRestOptions(forum)).setToken(forum.token);
  });

  afterEach(() => {
    forum.violations.length = 0;
  });

  afterAll(async () => {
    await forum?.close();
  });

  const post = (channelId: string, body: Record<string, unknown>) =>
    rest.post(Routes.channelMessages(channelId), { body }) as Promise<{
      id: string;
      mention_roles: string[];
    }>;
  const rejection = async (promise: Promise<unknown>): Promise<DiscordAPIError> => {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(error instanceof DiscordAPIError))
      throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
    return error;
  };

  it('serves a forum channel with its tags, to REST and in GUILD_CREATE', async () => {
    const channel = (await rest.get(Routes.channel(forumId))) as Record<string, unknown>;
    expect(channel).toMatchObject({
      id: forumId,
      type: 15,
      guild_id: forum.guildId,
      available_tags: [
        { id: dailyTag, name: 'daily', moderated: false },
        { id: '1400000000000000001', name: 'weekly' },
      ],
    });
    expect(dailyTag).toMatch(/^\d+$/);
    expect(((await rest.get(Routes.channel(textId))) as { type: number }).type).toBe(0);

    const bot = new Client({ intents: [GatewayIntentBits.Guilds], rest: standinRestOptions(forum) });
    try {
      const ready = once(bot, 'clientReady');
      await bot.login(forum.token);
      await ready;
      const cached = bot.channels.cache.get(forumId);
      expect(cached?.type).toBe(ChannelType.GuildForum);
      expect((cached as ForumChannel).availableTags.map((tag) => tag.name)).toEqual(['daily', 'weekly']);
    } finally {
      await bot.destroy();
    }
    expect(forum.violations).toEqual([]);
  });

  it('opens a thread on a message once (160004 on a repeat), and takes messages in it', async () => {
    const starter = await post(textId, { content: 'Morning briefing', allowed_mentions: { parse: [] } });
    const thread = (await rest.post(Routes.threads(textId, starter.id), {
      body: { name: 'Briefing 3 Dec' },
    })) as Record<string, unknown>;
    expect(thread).toMatchObject({
      id: starter.id,
      type: 11,
      parent_id: textId,
      owner_id: forum.botUser.id,
      guild_id: forum.guildId,
      name: 'Briefing 3 Dec',
    });

    const again = await rejection(
      rest.post(Routes.threads(textId, starter.id), { body: { name: 'Briefing 3 Dec' } }),
    );
    expect([again.status, again.code, again.message]).toEqual([
      400,
      160004,
      'A thread has already been created for this message',
    ]);

    const page = { content: 'page 2', allowed_mentions: { parse: [] }, nonce: 'run.1', enforce_nonce: true };
    const first = await post(starter.id, page);
    const second = await post(starter.id, page); // enforce_nonce: the same message
    expect(second.id).toBe(first.id);
    expect(forum.messagesIn(starter.id).map((record) => record.message.content)).toEqual(['page 2']);
    expect(forum.threads.find((t) => t.id === starter.id)).toMatchObject({
      parent_id: textId,
      origin: 'message',
      applied_tags: [],
      message_ids: [first.id],
    });
    // The starter stays in the channel, marked as having a thread.
    const parent = forum.messagesIn(textId).find((record) => record.message.id === starter.id);
    expect((parent?.message.flags ?? 0) & MessageFlags.HasThread).toBe(MessageFlags.HasThread);
    expect(((await rest.get(Routes.channel(starter.id))) as { type: number }).type).toBe(11);

    // No thread on a missing message, in a forum, or in a thread.
    expect((await rejection(rest.post(Routes.threads(textId, '1'), { body: { name: 'x' } }))).code).toBe(
      10008,
    );
    expect(
      (await rejection(rest.post(Routes.threads(starter.id, first.id), { body: { name: 'x' } }))).code,
    ).toBe(50024);
    expect(forum.violations).toEqual([]);

    // The body is checked against the spec: a name is required.
    expect(
      (await rejection(rest.post(Routes.threads(textId, first.id), { body: { title: 'x' } }))).status,
    ).toBe(400);
    expect(forum.violations.map((v) => v.kind)).toEqual(['schema', 'schema']);
  });

  it('creates a forum post with tags and its first message (multipart), and checks the tags', async () => {
    const created = (await rest.post(Routes.threads(forumId), {
      body: {
        name: 'Daily digest — 3 Dec',
        applied_tags: [dailyTag],
        message: {
          content: 'Three new incidents',
          embeds: [{ title: 'Aleppo', image: { url: 'attachment://chart.png' } }],
          allowed_mentions: { parse: [] },
          attachments: [{ id: '0', filename: 'chart.png', description: 'Incidents per day' }],
        },
      },
      files: [{ key: 'files[0]', name: 'chart.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }],
    })) as { id: string; type: number; parent_id: string; applied_tags: string[]; message: { id: string } };
    expect(created).toMatchObject({
      type: 11,
      parent_id: forumId,
      applied_tags: [dailyTag],
      name: 'Daily digest — 3 Dec',
    });
    expect(created.message.id).toBe(created.id);
    const request = forum.requests.find((r) => r.route === '/channels/:channelId/threads');
    expect(request?.files).toEqual(['chart.png']);
    const [starter] = forum.messagesIn(created.id);
    expect(starter?.message).toMatchObject({
      id: created.id,
      channel_id: created.id,
      content: 'Three new incidents',
      attachments: [{ filename: 'chart.png', description: 'Incidents per day' }],
    });
    expect(forum.threads.find((t) => t.id === created.id)).toMatchObject({
      origin: 'post',
      parent_id: forumId,
      owner_id: forum.botUser.id,
      applied_tags: [dailyTag],
      message_ids: [created.id],
    });
    // Later pages go into the post like into any channel.
    await post(created.id, { content: 'page 2', allowed_mentions: { parse: [] } });
    expect(forum.messagesIn(created.id)).toHaveLength(2);
    expect(forum.violations).toEqual([]);

    const unknownTag = await rejection(
      rest.post(Routes.threads(forumId), {
        body: { name: 'x', applied_tags: ['1'], message: { content: 'x', allowed_mentions: { parse: [] } } },
      }),
    );
    expect([unknownTag.status, unknownTag.code]).toEqual([400, 50035]);
    const inText = await rejection(
      rest.post(Routes.threads(textId), {
        body: { name: 'x', message: { content: 'x', allowed_mentions: { parse: [] } } },
      }),
    );
    expect([inText.status, inText.code]).toEqual([400, 50024]);
    const intoForum = await rejection(post(forumId, { content: 'x', allowed_mentions: { parse: [] } }));
    expect([intoForum.status, intoForum.code]).toEqual([400, 50008]);
    expect(forum.violations).toEqual([]);

    // The post's message must mention nobody either.
    await rest.post(Routes.threads(forumId), { body: { name: 'loud', message: { content: 'hi' } } });
    expect(forum.violations.map((v) => [v.kind, v.message])).toEqual([
      ['mentions', 'allowed_mentions is missing (it must be { parse: [] })'],
    ]);
  });

  it('lists the active threads of a guild', async () => {
    const active = (await rest.get(Routes.guildActiveThreads(forum.guildId))) as {
      threads: Array<{ id: string; parent_id: string; owner_id: string; name: string }>;
      members: unknown[];
    };
    expect(active.members).toEqual([]);
    expect(active.threads.map((t) => t.id)).toEqual(forum.threads.map((t) => t.id));
    expect(active.threads.map((t) => t.name)).toContain('Daily digest — 3 Dec');
    expect(active.threads.every((t) => t.owner_id === forum.botUser.id)).toBe(true);
    expect((await rejection(rest.get(Routes.guildActiveThreads('1')))).code).toBe(10004);
  });

  it('lets a message ping only the roles allowed, and records which roles it pinged', async () => {
    const pinged = await post(textId, {
      content: `<@&${ROLE}> new incidents`,
      allowed_mentions: { parse: [], roles: [ROLE] },
    });
    expect(pinged.mention_roles).toEqual([ROLE]);
    expect(forum.messagesIn(textId).at(-1)?.message.mention_roles).toEqual([ROLE]);
    // Mentioned but not allowed to ping: no ping. Allowed but not mentioned: no ping either.
    expect(
      (await post(textId, { content: `<@&${ROLE}>`, allowed_mentions: { parse: [] } })).mention_roles,
    ).toEqual([]);
    expect(
      (await post(textId, { content: 'quiet', allowed_mentions: { parse: [], roles: [ROLE] } }))
        .mention_roles,
    ).toEqual([]);
    // In a forum post's first message too.
    const created = (await rest.post(Routes.threads(forumId), {
      body: {
        name: 'pinged post',
        message: { content: `<@&${ROLE}>`, allowed_mentions: { parse: [], roles: [ROLE] } },
      },
    })) as { message: { mention_roles: string[] } };
    expect(created.message.mention_roles).toEqual([ROLE]);
    expect(forum.violations).toEqual([]);

    const bad: Array<Record<string, unknown>> = [
      { content: 'x', allowed_mentions: { parse: [], roles: [OTHER_ROLE] } },
      { content: `<@&${OTHER_ROLE}>`, allowed_mentions: { parse: [], roles: [ROLE] } },
      { content: 'x', allowed_mentions: { parse: ['roles'] } },
      { content: 'x', allowed_mentions: { parse: [], users: [forum.user.id] } },
      { content: 'x', allowed_mentions: { parse: [], roles: [ROLE], replied_user: true } },
    ];
    for (const body of bad) await post(textId, body);
    expect(forum.violations.map((v) => v.kind)).toEqual(bad.map(() => 'mentions'));
  });

  it('without allowedRoleMentions, any role in allowed_mentions is a violation', async () => {
    await client.rest.post(Routes.channelMessages(standin.channelId), {
      body: { content: `<@&${ROLE}>`, allowed_mentions: { parse: [], roles: [ROLE] } },
    });
    expect(standin.violations.map((v) => v.message)).toEqual(['allowed_mentions.roles must be empty']);
    standin.violations.length = 0;
  });
});
