// Every text the bot sends, through real discord.js to the stand-in: chart alt text and autocomplete
// choices from hostile data mention nobody, and half a surrogate pair typed into an option never comes
// back. The stand-in flags live mentions in attachments and any half surrogate pair in a body.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casualtiesCommand } from '../commands/casualties.ts';
import { incidentCommand } from '../commands/incident.ts';
import { searchCommand } from '../commands/search.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import { snowflake } from './discord/fixtures.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';

const HOSTILE = '@everyone <@&1> <@123>';
const LIVE_MENTION = /@(?:everyone|here)|<[@#]/i;
/** JSON.stringify writes a lone surrogate as an escape; a paired one as the character itself. */
const ESCAPED_LONE_SURROGATE = /\\ud[89a-f][0-9a-f]{2}/i;
const commands = [casualtiesCommand, incidentCommand, searchCommand];

let standin: Standin;
let bot: RunningBot;
let work: string;

function hostileIncident(): string {
  return JSON.stringify({
    id: '2020-05-01-hostile-claims',
    title: `Shelling ${HOSTILE}`,
    date: { start: '2020-05-01' },
    location: { country: 'Iraq', iso3: 'IRQ', place: `Mosul ${HOSTILE}`, lat: 36.34, lon: 43.13 },
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Claims from parties whose names try to ping.',
    casualties: [
      { claimant: `Claimant ${HOSTILE}`, killed: { best: 12 }, source: 's1' },
      { claimant: `Other ${HOSTILE}`, killed: { text: 'scores' }, source: 's1' },
    ],
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-text-'));
  const dataDir = path.join(work, 'data');
  await cp('data', dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'hostile-claims.json'), hostileIncident());
  standin = await startStandin();
  const config = standinConfig(standin, { dataDir });
  const logger = createLogger({ level: 'warn', secrets: [standin.token], destination: { write: () => {} } });
  bot = await startBot({ config, logger, commands, pollMs: 0 });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A new member for each command, so the per-person cooldowns never get in the way. */
const someone = () => ({ id: snowflake() });

describe('text sent to Discord', () => {
  it('neutralises mentions from the data in the /casualties chart alt text', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'casualties', options: { country: 'Iraq' }, user: someone() }),
      { timeoutMs: 15_000 },
    );
    const bodies = [exchange.callback?.data, ...exchange.edits];
    const attachments = bodies.flatMap(
      (body) => (body?.attachments as { description?: string }[] | undefined) ?? [],
    );
    expect(attachments.length).toBeGreaterThan(0);
    for (const { description } of attachments) {
      expect(description).toContain('Claimant @\u200beveryone');
      expect(description).not.toMatch(LIVE_MENTION);
    }
    expect(standin.violations).toEqual([]);
  });

  it('neutralises mentions in autocomplete choices', async () => {
    const exchange = await standin.invoke(
      standin.autocomplete({ name: 'incident', options: { id: 'shelling' }, focused: 'id' }),
    );
    const names = ((exchange.choices ?? []) as { name: string }[]).map((c) => c.name);
    expect(names.some((name) => name.includes('Shelling @\u200beveryone'))).toBe(true);
    for (const name of names) expect(name).not.toMatch(LIVE_MENTION);
  });

  it('never echoes half a surrogate pair typed into an option', async () => {
    const since = standin.requests.length;
    for (const query of ['\ud800', 'shelling \udc00 mosul']) {
      await standin.invoke(standin.chatInput({ name: 'search', options: { query }, user: someone() }), {
        timeoutMs: 15_000,
      });
    }
    await standin.invoke(
      standin.autocomplete({ name: 'incident', options: { id: 'shell \ud83d' }, focused: 'id' }),
    );
    const sent = standin.requests.slice(since);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const request of sent) expect(JSON.stringify(request.body)).not.toMatch(ESCAPED_LONE_SURROGATE);
    expect(JSON.stringify(sent.map((r) => r.body))).toContain('\ufffd');
    expect(standin.violations).toEqual([]);
  });
});
