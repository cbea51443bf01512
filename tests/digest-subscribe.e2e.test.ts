// A digest subscribed from Discord end to end: the real bot against the local Discord stand-in, no
// digest in the env file, a member with Manage Server runs /digest-admin subscribe, the digest posts at
// once, the bot is stopped and started again on the same SQLite store, and the subscription still posts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../src/config.ts';
import { createLeaseKeeper } from '../src/digest/lease.ts';
import { createSubscriptions } from '../src/digest/subscriptions.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import { createStateStore } from '../src/state/store.ts';
import type { Standin } from './discord/standin.ts';
import {
  type DigestWorkspace,
  digestWorkspace,
  incidentJson,
  postedText,
  startDesk,
} from './helpers/digest-e2e.ts';
import { sleep, until } from './helpers/wait.ts';

const [here, desk] = ['100000000000000021', '100000000000000022'];

const incident = (id: string, title: string): string =>
  incidentJson(id, { title, casualties: [{ claimant: 'Civil defence', killed: { best: 3 }, source: 's1' }] });

describe('/digest-admin subscribe on the stand-in', () => {
  let standin: Standin;
  let space: DigestWorkspace;
  let dataDir: string;
  let bot: RunningBot | undefined;
  let config: BotConfig;

  const start = async () => {
    bot = await startBot({
      config,
      logger: createLogger({ level: 'silent' }),
      pollMs: 0,
      subscriptionPollMs: 200,
      digestRetry: { attempts: 3, backoffMs: 20 },
    });
  };
  const stop = async () => {
    await bot?.stop();
    bot = undefined;
  };
  const messagesIn = (channelId: string) => standin.messagesIn(channelId);
  const textIn = (channelId: string, from = 0) => postedText(standin, channelId, from);
  const admin = async (name: string, options: Record<string, string | number | boolean> = {}) => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: `digest-admin ${name}`, options, admin: true }),
    );
    return exchange.callback?.data ?? {};
  };

  beforeAll(async () => {
    space = await digestWorkspace('digest-subscribe');
    dataDir = space.dataDir;
    ({ standin, config } = await startDesk(space, {
      channels: [
        { id: here, name: 'admin' },
        { id: desk, name: 'briefings' },
      ],
    }));
  });

  afterAll(async () => {
    await stop();
    await standin.close();
    await space.remove();
  });

  it('a subscription posts at once, and again after a restart on the same store', async () => {
    await start();
    // A wrong value is refused naming the option, as the env file would refuse it.
    const refused = await admin('subscribe', { channel: desk, schedule: '*/2 * * * *  *  *' });
    expect(refused.flags).toBe(64);
    expect(JSON.stringify(refused)).toContain('schedule: expected 5 fields');

    const made = await admin('subscribe', {
      channel: desk,
      schedule: '*/2 * * * * *',
      timezone: 'Europe/Berlin',
      countries: 'Syria',
      title: 'Subscribed desk',
    });
    expect(made.flags).toBe(64); // only the admin sees it
    expect(String(made.content)).toMatch(
      /^Subscribed: digest s1 \(Subscribed desk\) posts to channel 100000000000000022/,
    );
    // Without a channel: the channel where the command is used. Removed again at once.
    const second = await admin('subscribe', { schedule: '*/2 * * * * *', title: 'Here' });
    expect(String(second.content)).toMatch(
      /^Subscribed: digest s2 \(Here\) posts to channel 100000000000000021/,
    );
    const choices = await standin.invoke(
      standin.autocomplete({ name: 'digest-admin remove', focused: 'id', options: { id: '' }, admin: true }),
    );
    expect(choices.choices).toEqual([
      { name: 's1: Subscribed desk', value: 's1' },
      { name: 's2: Here', value: 's2' },
    ]);
    expect(String((await admin('remove', { id: 's2' })).content)).toMatch(/^Digest s2 \(Here\) is removed/);

    // Takes effect without a restart: the first run posts the current incidents.
    await until('the subscribed digest to post', () => messagesIn(desk).length >= 1, 15_000);
    expect(textIn(desk)).toContain('Subscribed desk');
    await sleep(2500);
    expect(messagesIn(here)).toHaveLength(0);

    await stop();
    const before = messagesIn(desk).length;
    await start();
    const list = JSON.stringify(await admin('list'));
    expect(list).toContain('Digest s1: Subscribed desk');
    expect(list).not.toContain('Digest s2');

    await writeFile(
      path.join(dataDir, 'after-restart.json'),
      incident('after-restart', 'Drone strike after the restart'),
    );
    await bot?.live.refresh();
    await bot?.settled();
    await until('the subscription to post after the restart', () => messagesIn(desk).length > before, 15_000);
    expect(textIn(desk, before)).toContain('Drone strike after the restart');
    expect(messagesIn(here)).toHaveLength(0);

    // Paused: it posts nothing more, until resumed.
    expect(String((await admin('pause', { id: 's1' })).content)).toMatch(/^Digest s1 is paused/);
    const paused = messagesIn(desk).length;
    await writeFile(path.join(dataDir, 'while-paused.json'), incident('while-paused', 'Strike while paused'));
    await bot?.live.refresh();
    await bot?.settled();
    await sleep(3000);
    expect(messagesIn(desk)).toHaveLength(paused);
    await admin('resume', { id: 's1' });
    await until('the resumed subscription to post', () => messagesIn(desk).length > paused, 15_000);
    expect(textIn(desk, paused)).toContain('Strike while paused');
    expect(standin.violations).toEqual([]);
  }, 90_000);

  it('a subscription made by another process on the store is picked up by the poll', async () => {
    if (!bot) await start();
    // Another process: its own connection to the SQLite file, its own leases.
    const other = createStateStore(config.storeUrl);
    const leases = createLeaseKeeper({ backend: other.leases as NonNullable<typeof other.leases> });
    try {
      const subscriptions = createSubscriptions({ store: other, leases, envDigests: [], defaultZone: 'UTC' });
      await subscriptions.load();
      const made = await subscriptions.subscribe(
        { CHANNEL: here, CRON: '*/2 * * * * *', TITLE: 'From elsewhere' },
        { userId: standin.user.id, guildId: standin.guildId },
      );
      expect(made.id).toBe('s3');
      await until('the other process subscription to post here', () => messagesIn(here).length >= 1, 15_000);
      expect(textIn(here)).toContain('From elsewhere');
      expect(JSON.stringify(await admin('list'))).toContain('Digest s3: From elsewhere');
    } finally {
      await leases.stop();
      await other.close();
    }
  }, 60_000);
});
