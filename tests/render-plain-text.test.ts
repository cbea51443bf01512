// Text Discord shows outside content and embeds (chart and map alt text, file names, autocomplete
// choices) is neutralised like message text, and no half surrogate pair typed into an option is ever
// echoed back to Discord.
import type { CommandInteractionOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { casualtiesCommand } from '../commands/casualties.ts';
import { mapCommand } from '../commands/map.ts';
import { searchCommand } from '../commands/search.ts';
import type { CommandContext } from '../commands/types.ts';
import { parseSlashLine } from '../src/cli/slash-line.ts';
import { optionValues } from '../src/discord/dispatcher.ts';
import { wellFormed, withoutInvisible } from '../src/incidents/text.ts';
import { toDiscordPages, toFileName } from '../src/render/discord.ts';
import { escapeMarkdown, toPlainText } from '../src/render/markdown.ts';
import { inspectPages, problemsOf } from './corpus/discord-checks.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const HOSTILE = '@everyone <@&1> <@123> @here';
/** @everyone, @here, <@user>, <@&role>, <#channel> with nothing in between to break them. */
const LIVE_MENTION = /@(?:everyone|here)|<[@#]/i;
/** JSON.stringify writes a lone surrogate as an escape; a paired one as the character itself. */
const ESCAPED_LONE_SURROGATE = /\\ud[89a-f][0-9a-f]{2}/i;

function hostileContext(): CommandContext {
  const incident = makeIncident({
    id: 'hostile-claims',
    title: `Shelling ${HOSTILE}`,
    date: { start: '2020-05-01', precision: 'day' },
    location: { country: 'Syria', iso3: 'SYR', place: `Aleppo ${HOSTILE}`, lat: 36.2, lon: 37.15 },
    casualties: [
      {
        claimant: `Claimant ${HOSTILE}`,
        killed: { best: 12 },
        period: { from: '2020-05-01', to: '2020-05-01' },
        source: 'src-1',
      },
      {
        claimant: `Other ${HOSTILE}`,
        killed: { text: `scores ${HOSTILE}` },
        period: { from: '2020-05-01', to: '2020-05-01' },
        source: 'src-1',
      },
    ],
  });
  const now = new Date('2024-06-01T12:00:00Z');
  return {
    catalog: makeCatalog([incident]),
    now,
    version: '0.0.0-test',
    loadedAt: now,
  } as CommandContext;
}

describe('alt text and file names', () => {
  it('neutralise mentions from a claimant, place and title in the /casualties chart description', async () => {
    const answer = await casualtiesCommand.execute({}, hostileContext());
    const raw = answer.attachments?.[0]?.description ?? '';
    expect(raw).toContain('Claimant @everyone <@&1> <@123>'); // the raw answer keeps the text as written
    const pages = toDiscordPages(answer);
    const files = pages.flatMap((page) => page.attachments ?? []);
    expect(files.map((file) => file.name)).toEqual(['casualties.png']);
    for (const file of files) {
      expect(file.description).not.toMatch(LIVE_MENTION);
      expect(file.description).toContain('Claimant @\u200beveryone <\u200b@&1> <\u200b@123>');
    }
    expect(problemsOf(inspectPages(pages))).toEqual([]);
  });

  it('neutralise mentions in the /map description', async () => {
    const answer = await mapCommand.execute({ country: 'Syria' }, hostileContext());
    const pages = toDiscordPages(answer);
    const files = pages.flatMap((page) => page.attachments ?? []);
    expect(files).toHaveLength(1);
    for (const file of files) expect(file.description).not.toMatch(LIVE_MENTION);
    expect(problemsOf(inspectPages(pages))).toEqual([]);
  });

  it('keep only safe characters in file names, and the embed image still points at the file', () => {
    expect(toFileName('map-syria.png')).toBe('map-syria.png');
    expect(toFileName('@everyone <@1>.png')).toBe('everyone_1_.png');
    expect(toFileName('../../etc')).toBe('etc');
    const pages = toDiscordPages({
      sections: [{ title: 'Chart', image: '<@1> chart.png' }],
      attachments: [{ name: '<@1> chart.png', data: new Uint8Array(1), description: 'A chart <@1>' }],
    });
    expect(pages[0]?.attachments?.[0]?.name).toBe('1_chart.png');
    expect(pages[0]?.embeds[0]?.image?.url).toBe('attachment://1_chart.png');
    expect(pages[0]?.attachments?.[0]?.description).toBe('A chart <\u200b@1>');
  });
});

describe('half surrogate pairs', () => {
  it('are replaced by U+FFFD, and whole pairs kept', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb');
    expect(wellFormed('\udc00x\ud83d')).toBe('\ufffdx\ufffd');
    expect(wellFormed('ok 🇸🇾 \ud83d\ude00')).toBe('ok 🇸🇾 \ud83d\ude00');
  });

  it('leave option values at the boundary, from Discord and from a typed line', () => {
    const data = [
      { name: 'query', type: 3, value: 'aleppo \ud800' },
      { name: 'count', type: 4, value: 3 },
    ] as CommandInteractionOption[];
    expect(optionValues(data)).toEqual({ query: 'aleppo \ufffd', count: 3 });
    const parsed = parseSlashLine('/search query:aleppo \udc00 count:2', [searchCommand]);
    expect(parsed.options.query).toBe('aleppo \ufffd');
  });

  it('never reach a payload, even when a command echoes an option as given', async () => {
    const context = hostileContext();
    for (const query of ['\ud800', 'aleppo \ud800', '\udfff shelling', `${HOSTILE} \ud83d`]) {
      let answer: Awaited<ReturnType<typeof searchCommand.execute>>;
      try {
        answer = await searchCommand.execute({ query }, context);
      } catch (error) {
        answer = { content: (error as Error).message, sections: [] };
      }
      const json = JSON.stringify(toDiscordPages(answer));
      expect(json).not.toMatch(ESCAPED_LONE_SURROGATE);
    }
    // The payload builder replaces them in every part, as a last line.
    const json = JSON.stringify(
      toDiscordPages({
        content: 'c \ud800',
        sections: [
          {
            title: 't \ud800',
            url: 'https://example.org/\ud800',
            description: 'd \udc00',
            fields: [{ name: 'n \ud800', value: 'v \ud800' }],
            footer: 'f \ud800',
            image: 'x.png',
          },
        ],
        attachments: [{ name: 'x\ud800.png', data: new Uint8Array(1), description: 'alt \ud800' }],
      }),
    );
    expect(json).not.toMatch(ESCAPED_LONE_SURROGATE);
    expect(json).toContain('alt \ufffd');
  });
});

describe('bidirectional controls and hidden text', () => {
  it('are removed from every kind of text, while joiners, breaks and emoji tag sequences stay', () => {
    const england = '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}';
    expect(withoutInvisible('84\u202e killed\u202c, \u2067x\u2069 \u200f\u200e\u061c')).toBe('84 killed, x ');
    expect(withoutInvisible('Al\ufeffeppo \ufff9hidden\ufffb \u206a')).toBe('Aleppo hidden ');
    // ZWJ in an emoji sequence, ZWNJ in Persian, ZWSP and the word joiner as breaks: kept.
    const kept = '👨\u200d👩\u200d👧 می\u200cخواهم a\u200bb c\u2060d';
    expect(withoutInvisible(kept)).toBe(kept);
    expect(withoutInvisible(england)).toBe(england);
    // Tag characters outside a flag spell text nobody sees.
    expect(withoutInvisible('ok\u{e0001}\u{e0069}\u{e0067}\u{e006e}')).toBe('ok');
  });

  it('never reach Markdown text, plain text (footers, alt text, choices) or a link', () => {
    const rlo = 'West Aleppo \u202e48 killed';
    expect(escapeMarkdown(rlo)).toBe('West Aleppo 48 killed');
    expect(toPlainText(`\u2066${rlo}`)).toBe('West Aleppo 48 killed');
    const pages = toDiscordPages({
      content: rlo,
      sections: [
        {
          title: rlo,
          url: 'https://example.org/\u202eexe.txt',
          description: rlo,
          fields: [{ name: rlo, value: rlo }],
          footer: rlo,
          image: 'c.png',
        },
      ],
      attachments: [{ name: 'c.png', data: new Uint8Array(1), description: rlo }],
    });
    expect(JSON.stringify(pages)).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/);
    expect(problemsOf(inspectPages(pages))).toEqual([]);
  });
});
