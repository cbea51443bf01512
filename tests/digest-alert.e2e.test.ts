// An alert end to end: the real bot against the local Discord stand-in, DIGEST_1_MODE=alert for "any
// incident in Syria with at least 10 claimed deaths". A matching incident dropped into the data folder is
// posted within a minute (at the default poll), on its own; a restart posts nothing twice; /digest why
// then explains, in that channel, a posted, a filtered-out and a never-seen incident.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../src/config.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import type { Standin } from './discord/standin.ts';
import {
  type DigestWorkspace,
  digestWorkspace,
  incidentJson,
  killed,
  startDesk,
} from './helpers/digest-e2e.ts';
import { sleep, until } from './helpers/wait.ts';

const ALERTS = '100000000000000031';

const incident = (id: string, deaths: number, country = 'Syria', iso3 = 'SYR') =>
  incidentJson(id, {
    date: { start: '2026-11-22' },
    location: { country, iso3, admin1: 'Idlib' },
    casualties: killed(deaths),
  });

describe('an alert digest on the stand-in', () => {
  let standin: Standin;
  let space: DigestWorkspace;
  let dataDir: string;
  let bot: RunningBot | undefined;
  let config: BotConfig;

  const start = async (alertPollMs?: number) => {
    bot = await startBot({
      config,
      logger: createLogger({ level: 'silent' }),
      pollMs: 0,
      ...(alertPollMs === undefined ? {} : { alertPollMs }),
    });
  };
  const alerts = () => standin.messagesIn(ALERTS);
  const why = async (id: string) => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'digest why', options: { incident: id }, channelId: ALERTS }),
    );
    return JSON.stringify(exchange.callback?.data ?? {});
  };

  beforeAll(async () => {
    space = await digestWorkspace('digest-alert');
    dataDir = space.dataDir;
    ({ standin, config } = await startDesk(space, {
      channels: [{ id: ALERTS, name: 'alerts' }],
      env: {
        DIGEST_1_CHANNEL: ALERTS,
        DIGEST_1_MODE: 'alert',
        DIGEST_1_TITLE: 'Deadly in Syria',
        DIGEST_1_COUNTRIES: 'Syria',
        DIGEST_1_MIN_DEATHS: '10',
      },
    }));
    await start();
  });

  afterAll(async () => {
    await bot?.stop();
    await standin.close();
    await space.remove();
  });

  it('posts a matching new incident within a minute, alone, and never the archive', async () => {
    // The first poll starts the alert from now: the example data is not alerted.
    await sleep(1500);
    expect(alerts()).toHaveLength(0);
    const written = Date.now();
    await writeFile(path.join(dataDir, 'deadly.json'), incident('deadly-strike', 14));
    await writeFile(path.join(dataDir, 'minor.json'), incident('minor-strike', 2));
    await writeFile(path.join(dataDir, 'iraq.json'), incident('iraq-strike', 30, 'Iraq', 'IRQ'));
    await until('the alert', () => alerts().length >= 1, 60_000);
    expect(Date.now() - written).toBeLessThan(60_000);
    await sleep(500);
    expect(alerts()).toHaveLength(1);
    const [alert] = alerts();
    expect(String(alert?.body.content)).toContain('Deadly in Syria — new incident in Syria');
    expect(JSON.stringify(alert?.body)).toContain('id: deadly-strike');
    expect(alert?.body.allowed_mentions).toEqual({ parse: [] });
  }, 90_000);

  it('posts nothing twice across a restart, and the next match once', async () => {
    await bot?.stop();
    await start(500);
    await sleep(2000);
    expect(alerts()).toHaveLength(1);
    await writeFile(path.join(dataDir, 'next.json'), incident('next-strike', 25));
    await until('the next alert', () => alerts().length >= 2, 30_000);
    await sleep(1500);
    expect(alerts()).toHaveLength(2);
    expect(JSON.stringify(alerts()[1]?.body)).toContain('id: next-strike');
  }, 60_000);

  it('/digest why in the channel explains a posted, a filtered-out and a never-seen incident', async () => {
    const posted = await why('deadly-strike');
    expect(posted).toContain('Posted');
    expect(posted).toContain(`/${ALERTS}/${alerts()[0]?.message.id}`);
    const minor = await why('minor-strike');
    expect(minor).toContain('Filtered out');
    expect(minor).toMatch(/deaths: at least 10/);
    const iraq = await why('iraq-strike');
    expect(iraq).toMatch(/countries: Syria/);
    const never = await why('no-such-strike');
    expect(never).toContain('Never seen');
    expect(standin.violations).toEqual([]);
  });
});
