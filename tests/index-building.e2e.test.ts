// End to end: the real bot on the stand-in, started on a data folder it has never indexed. It answers
// at once, and every answer given before the first build is done says it is partial.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';
import { numberedIncidentYaml } from './helpers/incident-yaml.ts';

const FILES = 4000;
let work: string;
let standin: Standin;
let bot: RunningBot;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-partial-'));
  const data = path.join(work, 'data');
  await mkdir(data);
  for (let i = 0; i < FILES; i += 200) {
    await Promise.all(
      Array.from({ length: 200 }, (_, k) =>
        writeFile(path.join(data, `i-${i + k}.yaml`), numberedIncidentYaml('partial', i + k)),
      ),
    );
  }
  standin = await startStandin();
  const config = standinConfig(standin, { dataDir: data, indexPath: path.join(work, 'index.sqlite') });
  await deployCommands(commands, config);
  bot = await startBot({
    config,
    logger: createLogger({ level: 'silent' }),
    commands,
    pollMs: 0,
    firstSyncWaitMs: 0,
  });
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the bot during a first build of the index', () => {
  it('answers at once, says the answer is partial while it builds, and stops saying so when done', async () => {
    let partial: string | undefined;
    // Building before and after the answer means building while it was made: then it must say so.
    while (partial === undefined && bot.live.snapshot.building !== undefined) {
      const exchange = await standin.invoke(standin.chatInput({ name: 'latest', options: {} }));
      expect(exchange.callback?.latencyMs).toBeLessThan(3000);
      const content = (exchange.message as { content?: string } | undefined)?.content ?? '';
      if (bot.live.snapshot.building !== undefined) partial = content;
    }
    expect(partial, 'the build ended before one answer could be asked: make FILES larger').toBeDefined();
    expect(partial).toMatch(/^Still indexing the data.*this answer covers only what is indexed so far\./);

    await bot.live.ready;
    const after = await standin.invoke(standin.chatInput({ name: 'latest', options: {} }));
    const content = (after.message as { content?: string } | undefined)?.content ?? '';
    expect(content).not.toMatch(/Still indexing/);
    expect(content).toMatch(/4,000|4000/);
    expect(standin.violations).toEqual([]);
  }, 120_000);
});
