import { describe, expect, it } from 'vitest';
import { loadBaseConfig, loadBotConfig, loadDigestSettings } from '../src/config.ts';
import { configErrorOf } from './helpers/expect.ts';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz0123';

const errorOf = configErrorOf;

describe('configuration', () => {
  it('has sensible defaults', () => {
    expect(loadBaseConfig({})).toEqual({ dataDir: './data', logLevel: 'info' });
    const bot = loadBotConfig({ DISCORD_TOKEN: token });
    expect(bot).toMatchObject({
      apiUrl: 'https://discord.com/api',
      storeUrl: 'sqlite://./var/sitrep.sqlite',
      digests: [],
      applicationId: undefined,
    });
    expect(Object.isFrozen(bot)).toBe(true);
  });

  it('treats an empty KEY= line as not set', () => {
    expect(loadBotConfig({ DISCORD_TOKEN: token, DISCORD_GUILD_ID: '', DATA_DIR: ' ' }).dataDir).toBe(
      './data',
    );
  });

  it('names every wrong key and never echoes a value', () => {
    const message = errorOf(() =>
      loadBotConfig({
        DISCORD_TOKEN: 'bad token value',
        LOG_LEVEL: 'loud',
        STORE_URL: 'mysql://x',
        TZ: 'Mars/Olympus',
      }),
    );
    expect(message).toMatch(/DISCORD_TOKEN: does not look like a bot token/);
    expect(message).toMatch(/LOG_LEVEL: expected one of/);
    expect(message).toMatch(/STORE_URL: expected sqlite:\/\/path or redis:\/\/host:port/);
    expect(message).toMatch(/TZ: expected an IANA time zone/);
    expect(message).not.toContain('bad token value');
  });

  it('reads digests by number, with the zone falling back to DIGEST_TIMEZONE, then TZ', () => {
    const settings = loadDigestSettings({
      TZ: 'Europe/London',
      DIGEST_TIMEZONE: 'Europe/Berlin',
      DIGEST_2_CHANNEL: '222222222222222222',
      DIGEST_2_CRON: '0 18 * * 1-5',
      DIGEST_2_TIMEZONE: 'Asia/Beirut',
      DIGEST_1_CHANNEL: '111111111111111111',
      DIGEST_1_CRON: '0 0 7 * * *',
      DIGEST_1_COUNTRIES: 'Syria, IRQ',
      DIGEST_1_TITLE: 'Morning briefing',
      DIGEST_1_WHEN_EMPTY: 'post',
    });
    expect(settings.digests).toEqual([
      {
        id: '1',
        channelId: '111111111111111111',
        cron: '0 0 7 * * *',
        timezone: 'Europe/Berlin',
        countries: ['Syria', 'IRQ'],
        title: 'Morning briefing',
        whenEmpty: 'post',
        chart: false,
        mode: 'digest',
        format: 'embed',
        source: 'env',
      },
      {
        id: '2',
        channelId: '222222222222222222',
        cron: '0 18 * * 1-5',
        timezone: 'Asia/Beirut',
        countries: [],
        title: 'Digest 2',
        whenEmpty: 'quiet',
        chart: false,
        mode: 'digest',
        format: 'embed',
        source: 'env',
      },
    ]);
    expect(
      loadDigestSettings({
        TZ: 'Asia/Tokyo',
        DIGEST_1_CHANNEL: '111111111111111111',
        DIGEST_1_CRON: '0 7 * * *',
      }).digests[0]?.timezone,
    ).toBe('Asia/Tokyo');
  });

  it('stops on an invalid cron, time zone or channel id, and on a misspelt digest key', () => {
    const message = errorOf(() =>
      loadDigestSettings({
        DIGEST_1_CHANNEL: '#briefings',
        DIGEST_1_CRON: '61 * * * *',
        DIGEST_1_TIMEZONE: 'Berlin',
        DIGEST_2_CRON: '0 7 * *',
        DIGEST_3_CHANEL: '1',
      }),
    );
    expect(message).toMatch(/DIGEST_1_CHANNEL: expected a Discord id/);
    expect(message).toMatch(/DIGEST_1_CRON: minute 61 is out of range 0–59\n/);
    expect(message).toMatch(/DIGEST_1_TIMEZONE: expected an IANA time zone/);
    expect(message).toMatch(/DIGEST_2_CHANNEL: required: the id of the channel/);
    expect(message).toMatch(
      /DIGEST_2_CRON: expected 5 fields \(minute hour day-of-month month weekday\), or 6 with seconds first; found 4/,
    );
    expect(message).toMatch(/DIGEST_3_CHANEL: unknown digest setting/);
  });

  it('reads an alert without a cron, and names each bad alert, thread, forum, mention or format value', () => {
    const [alert] = loadDigestSettings({
      DIGEST_1_CHANNEL: '111111111111111111',
      DIGEST_1_MODE: 'Alert',
      DIGEST_1_MENTION_ROLE: '222222222222222222',
    }).digests;
    expect(alert).toMatchObject({ mode: 'alert', alertCap: 10, mentionRole: '222222222222222222' });
    const message = errorOf(() =>
      loadDigestSettings({
        DIGEST_1_CHANNEL: '111111111111111111',
        DIGEST_1_MODE: 'alarm',
        DIGEST_2_CHANNEL: '111111111111111112',
        DIGEST_2_MODE: 'alert',
        DIGEST_2_ALERT_CAP: '40',
        DIGEST_2_THREAD: 'yes',
        DIGEST_2_FORUM_TAGS: 'a,b,c,d,e,f',
        DIGEST_2_MENTION_ROLE: '@here',
        DIGEST_2_FORMAT: 'html',
        DIGEST_3_CHANNEL: '111111111111111113',
      }),
    );
    expect(message).toContain('DIGEST_1_MODE: expected digest (default: on the CRON schedule) or alert');
    expect(message).toContain('DIGEST_2_ALERT_CAP: expected a whole number of alerts per hour, 1 to 25');
    expect(message).toContain('DIGEST_2_THREAD: expected true (open a thread per run) or false');
    expect(message).toContain('DIGEST_2_FORUM_TAGS: a forum post takes at most 5 tags');
    expect(message).toContain('DIGEST_2_MENTION_ROLE: expected a Discord id');
    expect(message).toContain('DIGEST_2_FORMAT: expected embed (default) or text');
    expect(message).toContain('DIGEST_3_CRON: required: a cron schedule');
    expect(message).not.toContain('@here');
  });

  it('names the cron field that is wrong and its allowed range, five fields or six', () => {
    const cronError = (cron: string) =>
      errorOf(() => loadDigestSettings({ DIGEST_1_CHANNEL: '123456789012345678', DIGEST_1_CRON: cron }));
    expect(cronError('0 25 * * *')).toBe(
      'Invalid configuration:\n  DIGEST_1_CRON: hour 25 is out of range 0–23',
    );
    expect(cronError('0 0 7 32 * *')).toMatch(/DIGEST_1_CRON: day of month 32 is out of range 1–31$/);
    expect(cronError('0 7 * 13 *')).toMatch(/DIGEST_1_CRON: month 13 is out of range 1–12 or jan–dec$/);
    expect(cronError('0 7 * * 1-8')).toMatch(/DIGEST_1_CRON: weekday 8 is out of range 0–7 or sun–sat/);
    expect(cronError('*/0 7 * * *')).toMatch(/DIGEST_1_CRON: minute step "\/0" must be a whole number/);
    expect(cronError('0 7 L * *')).toMatch(/DIGEST_1_CRON: day of month "L" is not supported/);
    expect(cronError('@daily')).toMatch(/found 1; nicknames such as @daily are not supported/);
  });
});
