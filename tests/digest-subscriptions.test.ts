// Digests subscribed from Discord (/digest-admin subscribe …): validated exactly as the env file's
// DIGEST_<n>_* keys, ids unique across processes, edit re-validating the merged settings, pause, resume,
// remove, env digests read-only, and other processes picking changes up by the revision.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestAdminCommand } from '../commands/digest.ts';
import type { CommandContext, OptionValues } from '../commands/types.ts';
import { type ConfigError, type DigestConfig, loadDigestSettings } from '../src/config.ts';
import { createLeaseKeeper } from '../src/digest/lease.ts';
import type { DigestRunner } from '../src/digest/runner.ts';
import { startDigestSchedules } from '../src/digest/scheduler.ts';
import { createDigestService } from '../src/digest/service.ts';
import {
  type Actor,
  createSubscriptions,
  DigestSettingsError,
  type DigestSettingsInput,
  SUBSCRIPTIONS_INDEX_KEY,
  subscriptionKey,
} from '../src/digest/subscriptions.ts';
import { UserError } from '../src/errors.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { createLogger } from '../src/logger.ts';
import { toText } from '../src/render/text.ts';
import { localLeases } from '../src/state/leases.ts';
import { createStateStore, type StateStore } from '../src/state/store.ts';
import { memoryStore } from './helpers/memory-store.ts';

const work = await mkdtemp(path.join(tmpdir(), 'sitrep-subscriptions-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const CHANNEL = '100000000000000001';
const GUILD = '200000000000000001';
const OTHER_GUILD = '200000000000000002';
const admin: Actor = { userId: '300000000000000001', guildId: GUILD };
const envDigest: DigestConfig = {
  id: '1',
  channelId: '100000000000000009',
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: [],
  title: 'Morning (env)',
  whenEmpty: 'quiet',
  source: 'env',
};

/** One "process": its own lease keeper and registry on `store`. */
function processOn(store: StateStore, envDigests: DigestConfig[] = [envDigest]) {
  const leases = createLeaseKeeper({ backend: store.leases ?? localLeases(store), pollMs: 10 });
  const subscriptions = createSubscriptions({ store, leases, envDigests, defaultZone: 'Europe/Berlin' });
  return { leases, subscriptions };
}

const runner = {
  preview: async () => undefined,
  state: async () => ({ cursor: undefined, pending: undefined, last: undefined, lastScheduled: undefined }),
} as unknown as Pick<DigestRunner, 'preview' | 'state'>;

function contextFor(subscriptions: ReturnType<typeof createSubscriptions>, who = admin): CommandContext {
  return {
    catalog: {} as Catalog,
    now: new Date(),
    version: 'test',
    loadedAt: new Date(),
    digests: createDigestService(() => subscriptions.digests(), runner, Date.now, subscriptions),
    invoker: { userId: who.userId, guildId: who.guildId, channelId: CHANNEL },
  };
}

/** The problems the env file reports for DIGEST_1_<key>=<value>…, as { key, message }. */
function envProblems(settings: DigestSettingsInput): { key: string; message: string }[] {
  const env = Object.fromEntries(Object.entries(settings).map(([key, value]) => [`DIGEST_1_${key}`, value]));
  try {
    loadDigestSettings({ DIGEST_TIMEZONE: 'Europe/Berlin', ...env });
  } catch (error) {
    return (error as ConfigError).message
      .split('\n')
      .slice(1)
      .map((line) => {
        const m = /^ {2}DIGEST_1_([A-Z_]+): (.*)$/.exec(line);
        if (!m) throw new Error(`unexpected line ${line}`);
        return { key: m[1] as string, message: (m[2] as string).replaceAll('DIGEST_1_', 'DIGEST_<n>_') };
      });
  }
  return [];
}

async function subscribeProblems(
  subscriptions: ReturnType<typeof createSubscriptions>,
  settings: DigestSettingsInput,
): Promise<{ key: string; message: string }[]> {
  try {
    await subscriptions.subscribe(settings, admin);
  } catch (error) {
    if (error instanceof DigestSettingsError) return error.problems;
    throw error;
  }
  return [];
}

const BAD: [string, DigestSettingsInput][] = [
  ['no schedule', { CHANNEL }],
  ['a schedule with too many fields', { CHANNEL, CRON: '0 7 * * * * *' }],
  ['an hour out of range', { CHANNEL, CRON: '0 25 * * *' }],
  ['a nickname', { CHANNEL, CRON: '@daily' }],
  ['an unknown time zone', { CHANNEL, CRON: '0 7 * * *', TIMEZONE: 'Mars/Olympus' }],
  ['an unknown event type', { CHANNEL, CRON: '0 7 * * *', TYPES: 'battles,picnics' }],
  ['a sub-event type as a type', { CHANNEL, CRON: '0 7 * * *', TYPES: 'air_drone_strike' }],
  [
    'a sub-event type outside the types',
    { CHANNEL, CRON: '0 7 * * *', TYPES: 'battles', SUBTYPES: 'air_drone_strike' },
  ],
  ['zero deaths', { CHANNEL, CRON: '0 7 * * *', MIN_DEATHS: '0' }],
  ['an unknown dataset', { CHANNEL, CRON: '0 7 * * *', DATASETS: 'twitter' }],
  ['a wrong when-empty', { CHANNEL, CRON: '0 7 * * *', WHEN_EMPTY: 'sometimes' }],
  ['a wrong mode', { CHANNEL, CRON: '0 7 * * *', MODE: 'loud' }],
  ['an alert cap out of range', { CHANNEL, MODE: 'alert', ALERT_CAP: '500' }],
  ['six forum tags', { CHANNEL, CRON: '0 7 * * *', FORUM_TAGS: 'a,b,c,d,e,f' }],
  ['a role that is no id', { CHANNEL, CRON: '0 7 * * *', MENTION_ROLE: 'moderators' }],
  ['a wrong format', { CHANNEL, CRON: '0 7 * * *', FORMAT: 'html' }],
  ['a channel that is no id', { CHANNEL: '#general', CRON: '0 7 * * *' }],
  ['a title too long', { CHANNEL, CRON: '0 7 * * *', TITLE: 'x'.repeat(201) }],
  ['several at once', { CHANNEL, CRON: 'soon', TIMEZONE: 'Nowhere', MIN_DEATHS: 'many' }],
];

describe('subscribe validates exactly as the env file', () => {
  const { subscriptions } = processOn(memoryStore());

  it.each(BAD)('%s: the same problems as DIGEST_1_*', async (_name, settings) => {
    const expected = envProblems(settings);
    expect(expected.length).toBeGreaterThan(0);
    expect(await subscribeProblems(subscriptions, settings)).toEqual(expected);
  });

  it('accepts what the env file accepts, with the same digest', async () => {
    const settings: DigestSettingsInput = {
      CHANNEL,
      CRON: '*/2 * * * * *',
      COUNTRIES: 'Syria, IRQ',
      TYPES: 'battles',
      MIN_DEATHS: '3',
      WHEN_EMPTY: 'post',
      CHART: 'true',
      TITLE: 'Desk',
    };
    const env = loadDigestSettings({
      DIGEST_TIMEZONE: 'Europe/Berlin',
      ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`DIGEST_1_${k}`, v])),
    }).digests[0];
    const made = await subscriptions.subscribe(settings, admin);
    expect(made.id).toMatch(/^s\d+$/);
    expect({ ...made, id: '1', source: 'env' }).toEqual({ ...env, paused: false });
    expect(made).toMatchObject({ source: 'discord', paused: false, timezone: 'Europe/Berlin' });
  });

  it('the command names its own option and the problem', async () => {
    const context = contextFor(subscriptions);
    const run = (options: OptionValues) =>
      digestAdminCommand.execute({ subcommand: 'subscribe', ...options }, context);
    await expect(run({ schedule: '0 25 * * *' })).rejects.toThrow(UserError);
    await expect(run({ schedule: '0 25 * * *' })).rejects.toThrow(/• schedule: hour 25 is out of range/);
    await expect(run({ schedule: '0 7 * * *', timezone: 'Mars/Olympus' })).rejects.toThrow(
      /• timezone: expected an IANA time zone/,
    );
    // A filter message that names another setting names its option instead.
    await expect(run({ schedule: '0 7 * * *', types: 'air_drone_strike' })).rejects.toThrow(
      /• types: .*list it in subtypes/,
    );
    await expect(run({})).rejects.toThrow(/• schedule: required: a cron schedule/);
    // The channel defaults to where the command is used.
    const answer = await run({ schedule: '0 7 * * *', title: 'Here' });
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(
      new RegExp(`^Subscribed: digest s\\d+ \\(Here\\) posts to channel ${CHANNEL}`),
    );
  });
});

describe('subscriptions in the store', () => {
  it('ids are unique when two processes subscribe at the same time', async () => {
    const url = `sqlite://${path.join(work, 'concurrent.sqlite')}`;
    const [storeA, storeB] = [createStateStore(url), createStateStore(url)];
    const [a, b] = [processOn(storeA), processOn(storeB)];
    try {
      const made = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? a : b).subscriptions.subscribe(
            { CHANNEL, CRON: '0 7 * * *', TITLE: `Desk ${i}` },
            { userId: admin.userId, guildId: GUILD },
          ),
        ),
      );
      const ids = made.map((d) => d.id);
      expect(new Set(ids).size).toBe(12);
      expect([...ids].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s${i + 1}`).sort());
      await a.subscriptions.load();
      await b.subscriptions.load();
      expect(a.subscriptions.list(GUILD).map((v) => v.subscription.id)).toEqual(
        b.subscriptions.list(GUILD).map((v) => v.subscription.id),
      );
      expect(a.subscriptions.list(GUILD)).toHaveLength(12);
      const index = await storeA.get<{ revision: number; ids: string[] }>(SUBSCRIPTIONS_INDEX_KEY);
      expect(index?.revision).toBe(12);
      expect(index?.ids).toHaveLength(12);
    } finally {
      await a.leases.stop();
      await b.leases.stop();
      await storeA.close();
      await storeB.close();
    }
  });

  it('survives a restart: a new process on the same file loads them', async () => {
    const url = `sqlite://${path.join(work, 'restart.sqlite')}`;
    const first = createStateStore(url);
    const a = processOn(first);
    const made = await a.subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin);
    await a.subscriptions.setPaused(made.id, true, admin);
    await a.leases.stop();
    await first.close();
    const second = createStateStore(url);
    const b = processOn(second);
    try {
      await b.subscriptions.load();
      expect(b.subscriptions.digests().map((d) => [d.id, d.source, d.paused ?? false])).toEqual([
        ['1', 'env', false],
        [made.id, 'discord', true],
      ]);
      const record = await second.get<{ createdBy: string; createdAt: number; settings: unknown }>(
        subscriptionKey(made.id),
      );
      expect(record).toMatchObject({ createdBy: admin.userId, settings: { CHANNEL, CRON: '0 7 * * *' } });
      expect(record?.createdAt).toBeGreaterThan(0);
    } finally {
      await b.leases.stop();
      await second.close();
    }
  });

  it('edit re-validates the merged settings and keeps the old ones when they do not make a digest', async () => {
    const { subscriptions } = processOn(memoryStore());
    const made = await subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *', TYPES: 'battles' }, admin);
    // Valid alone, but not with the stored TYPES: the same problem as the env file gives.
    const problem = await subscriptions.edit(made.id, { SUBTYPES: 'air_drone_strike' }, admin).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(problem).toBeInstanceOf(DigestSettingsError);
    expect((problem as DigestSettingsError).problems).toEqual(
      envProblems({ CHANNEL, CRON: '0 7 * * *', TYPES: 'battles', SUBTYPES: 'air_drone_strike' }),
    );
    await expect(subscriptions.edit(made.id, { CRON: '61 * * * *' }, admin)).rejects.toThrow(
      DigestSettingsError,
    );
    expect(subscriptions.digests().find((d) => d.id === made.id)).toMatchObject({ cron: '0 7 * * *' });
    // A blank clears a setting: without TYPES the sub-event type is fine.
    const edited = await subscriptions.edit(
      made.id,
      { TYPES: '', SUBTYPES: 'air_drone_strike', CRON: '30 6 * * *' },
      admin,
    );
    expect(edited).toMatchObject({ cron: '30 6 * * *', filters: { subtypes: ['air_drone_strike'] } });
    expect(edited.filters?.types).toBeUndefined();
    // Through the command, "-" clears and the problem names the option.
    const context = contextFor(subscriptions);
    await expect(
      digestAdminCommand.execute({ subcommand: 'edit', id: made.id, schedule: '-' }, context),
    ).rejects.toThrow(/• schedule: required/);
    const answer = await digestAdminCommand.execute(
      { subcommand: 'edit', id: made.id, title: 'Renamed' },
      context,
    );
    expect(answer.content).toMatch(new RegExp(`^Digest ${made.id} \\(Renamed\\) changed`));
  });

  it('pause, resume and remove; the scheduler follows', async () => {
    const store = memoryStore();
    const { subscriptions } = processOn(store, []);
    const calls: string[] = [];
    const fakeRunner = {
      state: async () => ({
        cursor: undefined,
        pending: undefined,
        last: undefined,
        lastScheduled: undefined,
      }),
      run: async (digest: DigestConfig) => {
        calls.push(digest.id);
        return { outcome: 'empty', messages: 0 };
      },
    } as unknown as DigestRunner;
    const made = await subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin);
    const alert = await subscriptions.subscribe({ CHANNEL, MODE: 'alert' }, admin);
    const schedules = await startDigestSchedules({
      digests: subscriptions.digests(),
      runner: fakeRunner,
      store,
      logger: createLogger({ level: 'silent' }),
    });
    subscriptions.onChange(() => schedules.sync(subscriptions.digests()));
    try {
      // Alerts are not scheduled here.
      expect(schedules.ids()).toEqual([made.id]);
      const paused = await subscriptions.setPaused(made.id, true, admin);
      expect(paused.changed).toBe(true);
      expect(subscriptions.digests().find((d) => d.id === made.id)?.paused).toBe(true);
      expect(schedules.ids()).toEqual([]);
      expect((await subscriptions.setPaused(made.id, true, admin)).changed).toBe(false);
      await subscriptions.setPaused(made.id, false, admin);
      expect(schedules.ids()).toEqual([made.id]);
      await subscriptions.edit(made.id, { CRON: '0 8 * * *' }, admin);
      expect(schedules.ids()).toEqual([made.id]);
      await subscriptions.remove(made.id, admin);
      await subscriptions.remove(alert.id, admin);
      expect(schedules.ids()).toEqual([]);
      expect(subscriptions.digests()).toEqual([]);
      expect(await store.get(subscriptionKey(made.id))).toBeUndefined();
      await expect(subscriptions.setPaused(made.id, false, admin)).rejects.toThrow(
        /No digest subscription "s1"/,
      );
      // Ids are never reused.
      expect((await subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin)).id).toBe('s3');
      expect(calls).toEqual([]);
    } finally {
      await schedules.stop();
    }
  });

  it('env digests are read-only: listed as such, refused by edit, pause, resume and remove', async () => {
    const { subscriptions } = processOn(memoryStore());
    const context = contextFor(subscriptions);
    for (const subcommand of ['edit', 'pause', 'resume', 'remove']) {
      await expect(
        digestAdminCommand.execute({ subcommand, id: '1', title: 'Mine now' }, context),
      ).rejects.toThrow(
        /Digest 1 \(Morning \(env\)\) is defined in the env file \(DIGEST_1_\*\) and is read-only here/,
      );
    }
    await subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *', TITLE: 'Mine' }, admin);
    const list = toText(await digestAdminCommand.execute({ subcommand: 'list' }, context));
    expect(list).toContain('Digest 1: Morning (env) (env file, read-only)');
    expect(list).toContain('Digest s1: Mine');
    // Autocomplete offers only the subscriptions.
    const choices = digestAdminCommand.autocomplete?.(
      { name: 'id', value: '' },
      { subcommand: 'pause' },
      context,
    );
    expect(choices).toEqual([{ name: 's1: Mine', value: 's1' }]);
  });

  it("another server's subscriptions are neither listed nor changed", async () => {
    const { subscriptions } = processOn(memoryStore());
    const made = await subscriptions.subscribe({ CHANNEL, CRON: '0 7 * * *', TITLE: 'Theirs' }, admin);
    const stranger: Actor = { userId: '300000000000000002', guildId: OTHER_GUILD };
    await expect(subscriptions.remove(made.id, stranger)).rejects.toThrow(/No digest subscription/);
    await expect(subscriptions.edit(made.id, { TITLE: 'x' }, stranger)).rejects.toThrow(
      /No digest subscription/,
    );
    expect(subscriptions.list(OTHER_GUILD)).toEqual([]);
    const list = toText(
      await digestAdminCommand.execute({ subcommand: 'list' }, contextFor(subscriptions, stranger)),
    );
    expect(list).not.toContain('Theirs');
  });

  it('another process sees a change at its next poll, by the revision', async () => {
    const store = memoryStore();
    const shared = localLeases(store);
    const leasesA = createLeaseKeeper({ backend: shared, owner: 'A' });
    const leasesB = createLeaseKeeper({ backend: shared, owner: 'B' });
    const a = createSubscriptions({ store, leases: leasesA, envDigests: [], defaultZone: 'UTC' });
    const b = createSubscriptions({ store, leases: leasesB, envDigests: [], defaultZone: 'UTC' });
    await b.load();
    let seen = 0;
    b.onChange(() => {
      seen += 1;
    });
    expect(await b.poll()).toBe(false);
    await a.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin);
    expect(b.digests()).toEqual([]);
    expect(await b.poll()).toBe(true);
    expect(seen).toBe(1);
    expect(b.digests().map((d) => d.id)).toEqual(['s1']);
    expect(await b.poll()).toBe(false);
    await a.setPaused('s1', true, admin);
    expect(await b.poll()).toBe(true);
    expect(b.digests()[0]?.paused).toBe(true);
  });

  it('offline (no leases) lists but does not change', async () => {
    const store = memoryStore();
    const { subscriptions: writer } = processOn(store);
    await writer.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin);
    const reader = createSubscriptions({ store, envDigests: [envDigest], defaultZone: 'UTC' });
    await reader.load();
    expect(reader.digests().map((d) => d.id)).toEqual(['1', 's1']);
    await expect(reader.subscribe({ CHANNEL, CRON: '0 7 * * *' }, admin)).rejects.toThrow(
      /managed from Discord/,
    );
    await expect(reader.remove('s1', admin)).rejects.toThrow(/managed from Discord/);
  });
});
