// Done-when of issue 14 (digests): a digest after importing 1,000 new incidents posts at most the
// message cap, leading with the summary, and nothing is lost: every incident is counted in it. The real
// bot, a schedule with seconds, the local Discord stand-in (which validates every body against
// Discord's OpenAPI schemas and checks that nothing pings), and a SQLite state store.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIEmbed } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import { DIGEST_CAPS, DIGEST_CHART_FILE } from '../src/digest/compose.ts';
import { type RunningBot, startBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/logger.ts';
import { type Standin, startStandin } from './discord/standin.ts';
import { standinConfig } from './helpers/bot-config.ts';
import { sleep, until } from './helpers/wait.ts';

const COUNTRIES = [
  { country: 'Syria', iso3: 'SYR', admin1: 'Idlib' },
  { country: 'Iraq', iso3: 'IRQ', admin1: 'Nineveh' },
  { country: 'Yemen', iso3: 'YEM', admin1: 'Taiz' },
  { country: 'Afghanistan', iso3: 'AFG', admin1: 'Helmand' },
];

/** 1,000 incidents as an import writes them: one list file, each figure claimed by the dataset. */
function importedList(n: number): string {
  return JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      id: `acled-bulk-${String(i).padStart(4, '0')}`,
      title: `Imported event ${i}`,
      date: { start: new Date(Date.UTC(2025, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10) },
      location: COUNTRIES[i % COUNTRIES.length],
      type:
        i % 3 === 0
          ? { event: 'battles', sub: 'armed_clash' }
          : { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
      summary: 'A neutral summary of an imported event.',
      casualties: [{ claimant: 'ACLED', killed: { best: (i * 37) % 211 }, source: 'acled' }],
      sources: [{ id: 'acled', name: 'ACLED' }],
      external_ids: { acled: `BULK${i}` },
    })),
  );
}

describe('a digest after importing 1,000 new incidents', () => {
  let standin: Standin;
  let work: string;
  let dataDir: string;
  let bot: RunningBot | undefined;
  const channelId = '100000000000000011';
  const digest: DigestConfig = {
    id: '1',
    channelId,
    cron: '*/2 * * * * *',
    timezone: 'Europe/Berlin',
    countries: [],
    title: 'Morning briefing',
    whenEmpty: 'quiet',
    chart: true,
  };
  const messages = () => standin.messages.filter((m) => m.channelId === channelId && !m.deleted);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'sitrep-digest-bulk-'));
    dataDir = path.join(work, 'data');
    await cp('data', dataDir, { recursive: true });
    standin = await startStandin({
      guilds: [{ name: 'Desk', channels: [{ id: channelId, name: 'briefings' }] }],
      interactionAckTimeoutMs: 0,
    });
    const config = standinConfig(standin, {
      dataDir,
      storeUrl: `sqlite://${path.join(work, 'state.sqlite')}`,
      digests: [digest],
    });
    bot = await startBot({
      config,
      logger: createLogger({ level: 'warn', destination: { write: () => undefined } }),
      pollMs: 0,
      digestRetry: { attempts: 3, backoffMs: 20 },
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await standin?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('posts at most the message cap, leads with the summary, attaches the chart, and counts every incident', async () => {
    await until('the first digest', () => messages().length >= 1);
    await until(
      'the first run to finish',
      async () => (await bot?.digests.state(digest))?.last?.outcome === 'posted',
    );
    const before = messages().length;

    await mkdir(path.join(dataDir, 'imports'), { recursive: true });
    await writeFile(path.join(dataDir, 'imports', 'acled-bulk.json'), importedList(1000));
    await bot?.live.refresh();
    await bot?.settled();
    await until(
      'the digest of the import',
      async () => (await bot?.digests.state(digest))?.last?.incidents === 1000,
      60_000,
    );
    const state = await bot?.digests.state(digest);
    expect(state?.last?.outcome).toBe('posted');
    expect(state?.pending).toBeUndefined();
    const run = messages().slice(before);
    expect(run.length).toBe(state?.last?.messages);
    expect(run.length).toBeLessThanOrEqual(DIGEST_CAPS.messages);

    const bodies = run.map(
      (m) => m.body as { content?: string; embeds?: APIEmbed[]; allowed_mentions?: unknown },
    );
    expect(bodies[0]?.content).toMatch(/— 1,000 new incidents in Afghanistan, Iraq, Syria and Yemen since /);
    const lead = bodies[0]?.embeds?.[0];
    expect(lead?.title).toBe(`Summary: 1,000 incidents, the newest ${DIGEST_CAPS.regular} shown below`);
    const field = (name: string) => lead?.fields?.find((f) => f.name.startsWith(name))?.value ?? '';
    const sum = (line: string) =>
      line.split(' · ').reduce((n, part) => n + Number(part.replace(/.* /, '').replace(/,/g, '')), 0);
    expect(field('By country')).toBe('Afghanistan 250 · Iraq 250 · Syria 250 · Yemen 250');
    expect(sum(field('By event type'))).toBe(1000);
    expect(field('Deadliest new incidents')).toMatch(/^• 210 killed — ACLED, /);

    // Shown and not shown: every one of the 1,000 is counted exactly once.
    const shown = bodies
      .flatMap((b) => b.embeds ?? [])
      .flatMap((e) => e.fields ?? [])
      .filter((f) => /id: acled-bulk-\d{4}$/.test(f.value));
    expect(new Set(shown.map((f) => f.value.slice(-4))).size).toBe(DIGEST_CAPS.regular);
    const more = field('Not shown here');
    const hidden = Number(
      /^([\d,]+) more — \/latest since:2025-01-01; by country:/.exec(more)?.[1]?.replace(/,/g, ''),
    );
    expect(shown.length + hidden).toBe(1000);
    const perCountry = [...more.matchAll(/^• [\w ]+: (\d+) — \/latest country:/gm)].map((m) => Number(m[1]));
    expect(perCountry).toHaveLength(4);
    expect(perCountry.reduce((a, b) => a + b, 0)).toBe(hidden);

    // The chart: uploaded with the first message only, described, and shown in the summary.
    const posts = standin.requests.filter(
      (r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && r.status === 200,
    );
    const firstPost = posts.find(
      (r) => (r.body as { nonce?: string }).nonce === (run[0]?.body as { nonce?: string } | undefined)?.nonce,
    );
    expect(firstPost?.files).toEqual([DIGEST_CHART_FILE]);
    const attachments = (
      firstPost?.body as { attachments?: { id: string; filename: string; description: string }[] } | undefined
    )?.attachments;
    expect(attachments?.[0]).toMatchObject({ id: '0', filename: DIGEST_CHART_FILE });
    expect(attachments?.[0]?.description).toMatch(/^Bar chart: Morning briefing, 1,000 incidents per week /);
    expect(lead?.image?.url).toBe(`attachment://${DIGEST_CHART_FILE}`);
    expect(bodies.slice(1).every((b) => !('attachments' in b))).toBe(true);

    for (const body of bodies) expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(standin.violations).toEqual([]);

    // The cursor moved past all of them: the next runs post nothing more.
    const after = messages().length;
    await sleep(4500);
    expect(messages()).toHaveLength(after);
  }, 120_000);
});
