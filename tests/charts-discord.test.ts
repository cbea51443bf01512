// The pictures through real discord.js against the local Discord stand-in, which validates every request
// body (multipart uploads included) against Discord's published schema.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casualtiesCommand } from '../commands/casualties.ts';
import { mapCommand } from '../commands/map.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import { snowflake } from './discord/fixtures.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';

let standin: Standin;
let bot: RunningBot;
let stateDir: string;

/** An incident with enough claims that /casualties runs to several pages. */
function manyClaimsIncident(): string {
  const casualties = Array.from({ length: 60 }, (_, i) => ({
    claimant: `Claimant ${String(i + 1).padStart(2, '0')}`,
    killed: { best: i + 1 },
    note: `civilians and fighters in the eastern districts, as counted by the claimant's own staff, ${'detail '.repeat(12).trim()}`,
    period: { from: '2020-05-01', to: `2020-05-${String(1 + (i % 28)).padStart(2, '0')}` },
    source: 's1',
  }));
  return JSON.stringify({
    id: '2020-05-01-many-claims',
    title: 'An incident with many casualty claims',
    date: { start: '2020-05-01', end: '2020-05-28' },
    location: { country: 'Iraq', iso3: 'IRQ', place: 'Mosul', lat: 36.34, lon: 43.13 },
    type: { event: 'battles', sub: 'armed_clash' },
    summary: 'Many parties gave figures.',
    casualties,
    sources: [{ id: 's1', name: 'Wire' }],
  });
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'sitrep-charts-'));
  const dataDir = path.join(stateDir, 'data');
  await cp('data', dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'many-claims.json'), manyClaimsIncident());
  standin = await startStandin();
  const config = standinConfig(standin, {
    dataDir,
    storeUrl: `sqlite://${path.join(stateDir, 'state.sqlite')}`,
  });
  const logger = createLogger({
    level: 'warn',
    secrets: [standin.token],
    destination: { write: () => undefined },
  });
  // Defer at once, so the picture goes out through the edit of the deferred reply (files + attachments).
  bot = await startBot({
    config,
    logger,
    commands: [casualtiesCommand, mapCommand],
    deferAfterMs: 1,
    pollMs: 0,
  });
});

afterAll(async () => {
  await bot?.stop();
  await standin?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

/** A new member for each command, so the per-person cooldowns never get in the way. */
const someone = () => ({ id: snowflake() });

interface Edit {
  embeds?: { image?: { url: string } }[];
  attachments?: { id: string | number; filename?: string; description?: string }[];
}

describe('pictures on Discord', () => {
  it.each([
    ['casualties', 'casualties.png', /^Chart: Casualty claims in Syria/],
    ['map', 'map-syria.png', /^Map of 2 incidents in Syria/],
  ])('/%s uploads %s with its alt text, shown in the embed', async (name, file, alt) => {
    const since = standin.requests.length;
    const exchange = await standin.invoke(
      standin.chatInput({ name, options: { country: 'Syria' }, user: someone() }),
    );
    expect(exchange.callback?.type).toBe(5);
    const edit = exchange.edits.at(-1) as Edit | undefined;
    expect(edit?.embeds?.[0]?.image?.url).toBe(`attachment://${file}`);
    expect(edit?.attachments).toHaveLength(1);
    expect(edit?.attachments?.[0]?.description).toMatch(alt);
    const upload = standin.requests.slice(since).find((r) => r.method === 'PATCH' && r.files.length > 0);
    expect(upload?.files).toEqual([file]);
    expect(standin.violations).toEqual([]);
  });

  it('keeps the chart with the first page only when paging, and uploads it once per showing', async () => {
    const exchange = await standin.invoke(
      standin.chatInput({ name: 'casualties', options: { country: 'Iraq' }, user: someone() }),
    );
    const first = exchange.edits.at(-1) as Edit & { components?: { components: { custom_id: string }[] }[] };
    expect(first.attachments?.map((a) => a.description?.slice(0, 6))).toEqual(['Chart:']);
    const [previous, , next] = first.components?.[0]?.components ?? [];
    if (!exchange.message || !next || !previous) throw new Error('expected a paged answer');

    const since = standin.requests.length;
    const page2 = await standin.invoke(
      standin.button({ customId: next.custom_id, message: exchange.message }),
    );
    expect(page2.callback?.type).toBe(7);
    const data2 = page2.callback?.data as Edit;
    expect(data2.attachments).toEqual([]);
    expect(data2.embeds?.some((e) => e.image !== undefined)).toBe(false);
    expect(standin.requests.slice(since).every((r) => r.files.length === 0)).toBe(true);

    const after = standin.requests.length;
    const back = (page2.callback?.data as { components?: { components: { custom_id: string }[] }[] })
      ?.components?.[0]?.components?.[0]?.custom_id;
    if (!page2.message || back === undefined) throw new Error('expected buttons on page 2');
    const page1 = await standin.invoke(standin.button({ customId: back, message: page2.message }));
    const data1 = page1.callback?.data as Edit;
    expect(data1.attachments).toHaveLength(1);
    expect(data1.embeds?.[0]?.image?.url).toBe('attachment://casualties.png');
    expect(standin.requests.slice(after).flatMap((r) => r.files)).toEqual(['casualties.png']);
    expect(standin.violations).toEqual([]);
  });
});
