// Filtered digests end to end: the real bot against the local Discord stand-in, two digests configured
// through env (DIGEST_<n>_KEYWORDS, _ACTORS, _TYPES on one; _REGIONS, _MIN_DEATHS, _DATASETS on the
// other) post only the incidents their filters let through, first run and later.
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
  postedText,
  startDesk,
} from './helpers/digest-e2e.ts';
import { sleep, until } from './helpers/wait.ts';

const [ch1, ch2] = ['100000000000000011', '100000000000000012'];

const incident = (id: string, fields: Record<string, unknown>): string =>
  incidentJson(id, {
    type: { event: 'explosions_remote_violence', sub: 'chemical_weapon' },
    actors: [{ name: 'Armed opposition groups', side: 'perpetrator' }],
    ...fields,
  });

describe('filtered digests on the stand-in', () => {
  let standin: Standin;
  let space: DigestWorkspace;
  let dataDir: string;
  let bot: RunningBot | undefined;
  let config: BotConfig;

  const messagesIn = (channelId: string) => standin.messagesIn(channelId);
  const textIn = (channelId: string, from = 0) => postedText(standin, channelId, from);

  beforeAll(async () => {
    space = await digestWorkspace('digest-filters');
    dataDir = space.dataDir;
    ({ standin, config } = await startDesk(space, {
      channels: [
        { id: ch1, name: 'chemical' },
        { id: ch2, name: 'idlib-deadly' },
      ],
      env: {
        DIGEST_1_CHANNEL: ch1,
        DIGEST_1_CRON: '*/2 * * * * *',
        DIGEST_1_TITLE: 'Chemical desk',
        DIGEST_1_TYPES: 'Explosions/Remote violence',
        DIGEST_1_ACTORS: 'OPPOSITION',
        DIGEST_1_KEYWORDS: 'chemical, toxic gas',
        DIGEST_2_CHANNEL: ch2,
        DIGEST_2_CRON: '*/2 * * * * *',
        DIGEST_2_TITLE: 'Idlib deadly',
        DIGEST_2_REGIONS: 'idlib',
        DIGEST_2_MIN_DEATHS: '10',
        DIGEST_2_DATASETS: 'hand-written',
      },
    }));
    bot = await startBot({ config, logger: createLogger({ level: 'silent' }), pollMs: 0 });
  });

  afterAll(async () => {
    await bot?.stop();
    await standin.close();
    await space.remove();
  });

  it('posts only the incidents each digest filter lets through, first run and later', async () => {
    await until('the first filtered digest', () => messagesIn(ch1).length >= 1);
    expect(textIn(ch1)).toContain('Alleged toxic-gas shelling');
    expect(textIn(ch1)).not.toContain('Shelling of government-held west Aleppo');
    expect(textIn(ch1)).toContain('1 current incident in Syria');
    await sleep(2500);
    expect(messagesIn(ch2)).toHaveLength(0); // nothing in the data passes digest 2 yet: quiet

    const before = messagesIn(ch1).length;
    const files: [string, string][] = [
      [
        'match.json',
        incident('idlib-chlorine', {
          title: 'Chlorine attack on Idlib clinic',
          summary: 'Chemical agent reported.',
          casualties: killed(12),
        }),
      ],
      [
        'battle.json',
        incident('idlib-battle', {
          title: 'Chemical depot clash',
          type: { event: 'battles', sub: 'armed_clash' },
          casualties: killed(40),
        }),
      ],
      [
        'no-word.json',
        incident('idlib-shelling', {
          title: 'Shelling of Idlib market',
          type: { event: 'explosions_remote_violence', sub: 'shelling_artillery_missile_attack' },
          casualties: killed(6, 6),
        }),
      ],
      [
        'imported.json',
        incident('idlib-acled', {
          title: 'Chemical strike, imported',
          casualties: killed(30),
          external_ids: { acled: 'SYR1' },
        }),
      ],
    ];
    for (const [file, content] of files) await writeFile(path.join(dataDir, file), content);
    await bot?.live.refresh();
    await bot?.settled();
    await until('the next runs', () => messagesIn(ch1).length > before && messagesIn(ch2).length >= 1);
    await sleep(2500); // another scheduled run passes: nothing more is posted

    const chemical = textIn(ch1, before);
    expect(chemical).toContain('Chlorine attack on Idlib clinic');
    expect(chemical).toContain('Chemical strike, imported');
    expect(chemical).not.toContain('Chemical depot clash'); // a battle: TYPES leaves it out
    expect(chemical).not.toContain('Shelling of Idlib market'); // no keyword
    const deadly = textIn(ch2);
    expect(deadly).toContain('Chlorine attack on Idlib clinic');
    expect(deadly).toContain('Chemical depot clash');
    expect(deadly).not.toContain('Shelling of Idlib market'); // 6 and 6 by two claimants: never a sum
    expect(deadly).not.toContain('Chemical strike, imported'); // ACLED's, not hand-written
    for (const title of ['Chlorine attack on Idlib clinic', 'Chemical strike, imported'])
      expect(textIn(ch1).split(title).length - 1, title).toBe(1);

    const status = await standin.invoke(standin.chatInput({ name: 'digest-admin status', admin: true }));
    const statusText = JSON.stringify(status.callback?.data);
    expect(statusText).toContain('regions: idlib; datasets: hand-written');
    expect(statusText).toContain('at least 10 killed by one claimant');
  });
});
