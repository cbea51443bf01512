// End to end: the real bot (startBot → discord.js) against the local Discord stand-in on 127.0.0.1.
// Every request body is validated against Discord's published schema by the stand-in.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SlashCommandBuilder } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import type { Command } from '../commands/types.ts';
import type { BotConfig } from '../src/config.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { testIndexPath } from './helpers/bot-config.ts';

const boom: Command = {
  data: new SlashCommandBuilder().setName('boom').setDescription('Throws, for the test').toJSON(),
  execute() {
    throw new Error('kaboom in a handler');
  },
};

const slow: Command = {
  data: new SlashCommandBuilder().setName('slow').setDescription('Answers late, for the test').toJSON(),
  async execute() {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { sections: [{ title: 'Late but here' }] };
  },
};

function manyQuotesIncident(): string {
  const quotes = Array.from({ length: 25 }, (_, i) => ({
    speaker: `Speaker ${i + 1}`,
    role: 'Spokesperson',
    organization: 'Example Relief Agency',
    date: '2020-05-02',
    source: 's1',
    text: `Statement number ${i + 1}: ${'the situation on the ground remains very difficult for civilians. '.repeat(12).trim()}`,
  }));
  return JSON.stringify({
    id: '2020-05-01-many-quotes',
    title: 'An incident with many long quotes @everyone',
    date: { start: '2020-05-01' },
    location: { country: 'Iraq', iso3: 'IRQ' },
    type: { event: 'battles', sub: 'armed_clash' },
    summary:
      'Ping attempt: @everyone <@123456789012345678> <@&123456789012345678> [masked](https://example.org).',
    quotes,
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

let standin: Standin;
let bot: RunningBot;
let dataDir: string;
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sitrep-e2e-'));
  await cp('data', dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'many-quotes.json'), manyQuotesIncident());
  standin = await startStandin();
  const config: BotConfig = {
    dataDir,
    indexPath: testIndexPath(dataDir),
    logLevel: 'debug',
    token: standin.token,
    applicationId: standin.applicationId,
    guildId: standin.guildId,
    apiUrl: standin.apiUrl,
    storeUrl: `sqlite://${path.join(dataDir, '..', `${path.basename(dataDir)}.sqlite`)}`,
    digests: [],
    access: { roleIds: [], channelIds: [] },
  };
  const logger = createLogger({
    level: 'debug',
    secrets: [standin.token],
    destination: { write: (line: string) => void logLines.push(line) },
  });
  await deployCommands([...commands, boom, slow], config);
  bot = await startBot({ config, logger, commands: [...commands, boom, slow], deferAfterMs: 150, pollMs: 0 });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  expect(standin.violations).toEqual([]);
});

const embedsOf = (message: unknown) =>
  (message as { embeds?: { title?: string; description?: string }[] })?.embeds ?? [];
const textOf = (message: unknown) => JSON.stringify(message);

describe('the bot on a local Discord stand-in', () => {
  it('logs in, gets ready and never logs the token', () => {
    expect(bot.client.isReady()).toBe(true);
    expect(logLines.some((l) => l.includes('connected to Discord'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(standin.token);
  });

  it('registers the commands in the guild by bulk overwrite; a second deploy changes nothing', async () => {
    const first = standin.commands.guild[standin.guildId]?.map((c) => c.name);
    expect(first).toEqual(
      expect.arrayContaining(['latest', 'incident', 'quotes', 'search', 'casualties', 'about']),
    );
    await deployCommands([...commands, boom, slow], {
      token: standin.token,
      apiUrl: standin.apiUrl,
      applicationId: standin.applicationId,
      guildId: standin.guildId,
    });
    expect(standin.commands.guild[standin.guildId]?.map((c) => c.name)).toEqual(first);
  });

  it('/latest answers with the newest incidents and their attributed claims', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'latest', options: { count: 3 } }));
    expect(exchange.callback?.type).toBe(4);
    const text = textOf(exchange.message);
    expect(text).toContain('Shelling of government-held west Aleppo');
    expect(text).toContain('Syrian military, 28–30 Oct 2016');
    expect(exchange.callback?.latencyMs).toBeLessThan(3000);
  });

  it('/latest with a country that has no incidents says so', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'latest', options: { country: 'Iraq', since: '2021' } }),
    );
    expect(textOf(exchange.message)).toMatch(/No incidents/);
  });

  it('/incident gives the full briefing with claims side by side', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'incident', options: { id: '2016-10-30-aleppo-west-shelling' } }),
    );
    const text = textOf(exchange.message);
    expect(text).toContain('at least 84 killed, 280 injured — Syrian military, 28–30 Oct 2016');
    expect(text).toContain('scores killed, hundreds injured');
    expect(text).toContain('Samah Hadid');
  });

  it('/incident with an unknown id is a private user error with suggestions', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'incident', options: { id: 'aleppo' } }));
    expect(exchange.callback?.data?.flags).toBe(64);
    expect(String(exchange.callback?.data?.content)).toMatch(/^No incident with id "aleppo"\. Did you mean/);
  });

  it('/quotes, /search, /casualties and /about answer', async () => {
    const quotes = await standin.invoke(standin.chatInput({ name: 'quotes', options: { speaker: 'Hadid' } }));
    expect(textOf(quotes.message)).toContain('Chemical weapons are internationally banned');
    const search = await standin.invoke(standin.chatInput({ name: 'search', options: { query: 'toxic' } }));
    expect(
      embedsOf(search.message)
        .map((e) => JSON.stringify(e))
        .join(),
    ).toContain('toxic-gas');
    const casualties = await standin.invoke(
      standin.chatInput({ name: 'casualties', options: { country: 'Syria' } }),
    );
    expect(textOf(casualties.message)).toContain('UN Special Envoy for Syria');
    const about = await standin.invoke(standin.chatInput({ name: 'about' }));
    expect(textOf(about.message)).toMatch(/Incidents/);
  });

  it('autocompletes incident ids and titles within Discord limits', async () => {
    const exchange = await standin.invoke(
      standin.autocomplete({ name: 'incident', options: { id: 'toxic' }, focused: 'id' }),
    );
    const choices = exchange.choices as { name: string; value: string }[];
    expect(choices.map((c) => c.value)).toContain('2016-10-30-aleppo-toxic-gas-shelling');
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('pages a long answer with buttons, and the next button shows page 2', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'quotes', options: { incident: '2020-05-01-many-quotes', count: 25 } }),
    );
    const components = (
      exchange.message as { components?: { components: { custom_id: string; label: string }[] }[] }
    )?.components;
    const buttons = components?.[0]?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual([
      '◀ Previous',
      expect.stringMatching(/^Page 1 of \d+$/),
      'Next ▶',
    ]);
    const next = buttons[2]?.custom_id ?? '';
    if (!exchange.message) throw new Error('no reply message');
    const click = await standin.invoke(standin.button({ customId: next, message: exchange.message }));
    expect(click.callback?.type).toBe(7);
    const label = JSON.stringify(click.callback?.data);
    expect(label).toMatch(/Page 2 of \d+/);
  });

  it('says politely when a page button is out of date because the data changed', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'quotes', options: { incident: '2020-05-01-many-quotes', count: 25 } }),
    );
    if (!exchange.message) throw new Error('no reply message');
    const components = (exchange.message as { components?: { components: { custom_id: string }[] }[] })
      .components;
    const next = components?.[0]?.components[2]?.custom_id ?? '';
    const incident = JSON.parse(manyQuotesIncident()) as { quotes: { text: string }[] };
    const [first] = incident.quotes;
    if (first) first.text = 'A revised first statement.';
    await writeFile(path.join(dataDir, 'many-quotes.json'), JSON.stringify(incident));
    await bot.live.refresh();
    const click = await standin.invoke(standin.button({ customId: next, message: exchange.message }));
    expect(String(click.callback?.data?.content)).toMatch(/^The data changed since this list was posted/);
    await writeFile(path.join(dataDir, 'many-quotes.json'), manyQuotesIncident());
    await bot.live.refresh();
  });

  it('answers an expired or unknown button privately', async () => {
    const click = await standin.invoke(standin.button({ customId: 'p|quotes|1|abcdef|~0123456789ab' }));
    expect(click.callback?.data?.flags).toBe(64);
    expect(String(click.callback?.data?.content)).toMatch(/expired/);
  });

  it('in a direct message says the commands work in servers', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'about', dm: true }));
    expect(String(exchange.callback?.data?.content)).toBe(
      'sitrep answers in server channels, not in direct messages.',
    );
  });

  it('never lets data ping anyone', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'incident', options: { id: '2020-05-01-many-quotes' } }),
    );
    const text = textOf(exchange.callback?.data);
    expect(text).not.toMatch(/(?<!\u200b)@everyone/);
    expect(text).not.toMatch(/<@&?\d/);
    expect(exchange.callback?.data?.allowed_mentions).toEqual({ parse: [] });
  });

  it('a handler that throws shows an error id and the log has the details; the bot keeps serving', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'boom' }));
    const content = String(exchange.callback?.data?.content);
    const id = /error id `([0-9a-f]{8})`/.exec(content)?.[1];
    expect(id).toBeDefined();
    expect(logLines.some((l) => l.includes(String(id)) && l.includes('kaboom in a handler'))).toBe(true);
    const after = await standin.invoke(standin.chatInput({ name: 'about' }));
    expect(after.callback?.type).toBe(4);
  });

  it('defers a slow answer and then edits it in', async () => {
    const exchange = await standin.invoke(standin.chatInput({ name: 'slow' }));
    expect(exchange.callback?.type).toBe(5);
    expect(exchange.edits.length).toBe(1);
    expect(textOf(exchange.message)).toContain('Late but here');
  });

  it('resumes after a gateway reconnect (op 7) and answers the next command', async () => {
    await standin.reconnect();
    const exchange = await standin.invoke(standin.chatInput({ name: 'about' }));
    expect(exchange.callback?.type).toBe(4);
  });

  it('retries a reply that gets a 429 and delivers it once', async () => {
    const fault = standin.failNext({
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      status: 429,
    });
    const exchange = await standin.invoke(standin.chatInput({ name: 'latest' }));
    expect(fault.hits).toBe(1);
    expect(exchange.callback?.type).toBe(4);
  });

  it('picks up a new incident file without a restart', async () => {
    const incident = JSON.parse(manyQuotesIncident()) as Record<string, unknown>;
    await writeFile(
      path.join(dataDir, 'fresh.json'),
      JSON.stringify({
        ...incident,
        id: '2021-01-01-fresh',
        title: 'A fresh incident',
        date: { start: '2021-01-01' },
        quotes: [],
      }),
    );
    await bot.live.refresh();
    const exchange = await standin.invoke(standin.chatInput({ name: 'latest', options: { count: 1 } }));
    expect(textOf(exchange.message)).toContain('A fresh incident');
  });
});
