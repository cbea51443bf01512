import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, AnswerField, Section } from '../src/render/answer.ts';
import { fitEscaped, type MessagePayload, toDiscordPages } from '../src/render/discord.ts';
import { DISCORD_LIMITS as L } from '../src/render/limits.ts';
import { specSchemas } from './discord/spec.ts';

/** Every limit Discord enforces on one message; returns what is wrong (empty when all is well). */
function violations(page: MessagePayload): string[] {
  const out: string[] = [];
  if (JSON.stringify(page.allowed_mentions) !== '{"parse":[]}') out.push('allowed_mentions not none');
  if ((page.content?.length ?? 0) > L.content) out.push(`content ${page.content?.length}`);
  if (page.embeds.length > L.embedsPerMessage) out.push(`${page.embeds.length} embeds`);
  if (page.embeds.length === 0 && !page.content?.trim()) out.push('empty message');
  let total = 0;
  for (const [i, e] of page.embeds.entries()) {
    const at = `embeds[${i}]`;
    if ((e.title?.length ?? 0) > L.embedTitle) out.push(`${at}.title ${e.title?.length}`);
    if ((e.description?.length ?? 0) > L.embedDescription)
      out.push(`${at}.description ${e.description?.length}`);
    if ((e.footer?.text.length ?? 0) > L.footerText) out.push(`${at}.footer ${e.footer?.text.length}`);
    if ((e.fields?.length ?? 0) > L.embedFields) out.push(`${at}.fields ${e.fields?.length}`);
    if (!e.title && !e.description && !e.fields?.length && !e.footer) out.push(`${at} empty`);
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
    for (const [j, f] of (e.fields ?? []).entries()) {
      if (f.name.trim() === '' || f.name.length > L.fieldName)
        out.push(`${at}.fields[${j}].name ${f.name.length}`);
      if (f.value.trim() === '' || f.value.length > L.fieldValue)
        out.push(`${at}.fields[${j}].value ${f.value.length}`);
      total += f.name.length + f.value.length;
    }
  }
  if (total > L.embedsTotal) out.push(`embeds total ${total}`);
  return out;
}

const PIECES = [
  'word ',
  'Aleppo ',
  'حلب ',
  'قصف مدفعي ',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '@everyone ',
  '<@123>',
  '[x](https://evil.example)',
  '**',
  '_',
  '\\',
  '\n# ',
  '\n> ',
  '\n- ',
  '`',
  '||',
  'https://example.org/a_(b)[c] ',
  ' ',
  '\n',
];

/** Text of any size, up to several times every Discord limit, built from hostile and tricky pieces. */
const text = (maxRepeat: number) =>
  fc
    .tuple(
      fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: maxRepeat }),
    )
    .map(([parts, repeat]) => parts.join('').repeat(repeat));

const field: fc.Arbitrary<AnswerField> = fc.record(
  { name: text(40), value: text(200), inline: fc.boolean() },
  { requiredKeys: ['name', 'value'] },
);

const section: fc.Arbitrary<Section> = fc.record(
  {
    title: text(40),
    url: fc.constantFrom('https://example.org/incident', 'not a url', 'javascript:alert(1)'),
    description: text(600),
    fields: fc.array(field, { maxLength: 60 }),
    footer: text(300),
    color: fc.oneof(fc.integer({ min: 0, max: 0xffffff }), fc.constant(-1), fc.constant(0x1000000)),
  },
  { requiredKeys: [] },
);

const answer: fc.Arbitrary<Answer> = fc.record(
  { content: text(300), sections: fc.array(section, { maxLength: 14 }), ephemeral: fc.boolean() },
  { requiredKeys: ['sections'] },
);

describe('toDiscordPages: every page within every Discord limit', () => {
  it('holds for huge and hostile answers, with mentions always off', () => {
    fc.assert(
      fc.property(answer, (a) => {
        const pages = toDiscordPages(a);
        expect(pages.length).toBeGreaterThan(0);
        for (const page of pages) {
          expect(violations(page)).toEqual([]);
          expect(page.flags).toBe(a.ephemeral ? 64 : undefined);
          const json = JSON.stringify(page);
          expect(json).not.toMatch(/@(everyone|here)/i);
          expect(json).not.toMatch(/<[@#]/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('loses no field: a section with more than 25 (or very long) fields continues in further embeds', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 120 }), (fields) => {
        const pages = toDiscordPages(
          { sections: [{ title: 'Casualty claims', fields }] },
          { maxPages: 1000 },
        );
        const shown = pages.flatMap((p) => p.embeds.flatMap((e) => e.fields ?? []));
        expect(shown).toHaveLength(fields.length);
        for (const page of pages) expect(violations(page)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('splits 60 short fields into embeds of 25, 25 and 10', () => {
    const fields = Array.from({ length: 60 }, (_, i) => ({ name: `Row ${i + 1}`, value: 'x' }));
    const [page, ...more] = toDiscordPages({ sections: [{ title: 'Rows', fields }] });
    expect(more).toHaveLength(0);
    expect(page?.embeds.map((e) => e.fields?.length)).toEqual([25, 25, 10]);
    expect(page?.embeds[0]?.title).toBe('Rows');
  });

  it('carries a section on to the next page with a continued title', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ name: `Row ${i + 1}`, value: 'y'.repeat(1000) }));
    const pages = toDiscordPages({ sections: [{ title: 'Rows', fields }] });
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[1]?.embeds[0]?.title).toBe('Rows (cont.)');
  });

  it('shortens a section too big for one message and says so', () => {
    const pages = toDiscordPages({
      sections: [{ title: 'T'.repeat(300), description: 'word '.repeat(2000), footer: 'f'.repeat(3000) }],
    });
    expect(pages).toHaveLength(1);
    const [embed] = pages[0]?.embeds ?? [];
    expect(violations(pages[0] as MessagePayload)).toEqual([]);
    expect(embed?.title?.endsWith('…')).toBe(true);
    expect(embed?.description?.endsWith('(cut to fit Discord)')).toBe(true);
    expect(embed?.footer?.text.endsWith('…')).toBe(true);
  });

  it('caps the number of pages and says how much was left out', () => {
    const fields = Array.from({ length: 500 }, (_, i) => ({ name: `Row ${i + 1}`, value: 'z'.repeat(900) }));
    const pages = toDiscordPages({ sections: [{ title: 'Rows', fields }] }, { maxPages: 3 });
    expect(pages).toHaveLength(3);
    for (const page of pages) expect(violations(page)).toEqual([]);
    const notice = pages[2]?.embeds.at(-1)?.description ?? '';
    const shown = pages.flatMap((p) => p.embeds.flatMap((e) => e.fields ?? [])).length;
    expect(notice).toContain(`${500 - shown} more entries not shown`);
  });

  it('puts the content on the first page only, and always sends something', () => {
    const pages = toDiscordPages({
      content: 'hello',
      sections: [{ description: 'a'.repeat(5000) }, { description: 'b'.repeat(5000) }],
    });
    expect(pages.map((p) => p.content)).toEqual(['hello', undefined]);
    expect(toDiscordPages({ sections: [] })).toEqual([
      { content: 'Nothing to show.', embeds: [], allowed_mentions: { parse: [] } },
    ]);
  });

  it('escapes markdown in text that renders it, not in footers (which would show the backslash)', () => {
    const [page] = toDiscordPages({
      content: '**x**',
      sections: [
        {
          title: '_t_',
          description: '[a](https://b.example)',
          fields: [{ name: '# n', value: '> v' }],
          footer: '*f* @everyone',
        },
      ],
    });
    expect(page?.content).toBe('\\*\\*x\\*\\*');
    const embed = page?.embeds[0];
    expect(embed?.title).toBe('\\_t\\_');
    expect(embed?.description).toBe('\\[a\\](https://b.example)');
    expect(embed?.fields).toEqual([{ name: '\\# n', value: '\\> v' }]);
    expect(embed?.footer?.text).toBe('*f* @\u200beveryone');
  });

  it('drops an unusable link and an out-of-range colour rather than have Discord reject the message', () => {
    const [page] = toDiscordPages({ sections: [{ title: 't', url: 'javascript:alert(1)', color: -5 }] });
    expect(page?.embeds[0]).toEqual({ title: 't' });
  });

  it('never cuts inside an escape or a neutralised mention', () => {
    fc.assert(
      fc.property(text(100), fc.integer({ min: 1, max: 300 }), (raw, max) => {
        const out = fitEscaped(raw, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/@(everyone|here)/i);
        // An odd run of backslashes at the end would escape the marker.
        const body = out.endsWith('…') ? out.slice(0, -1) : out;
        expect((/\\*$/.exec(body)?.[0].length ?? 0) % 2).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('produces message bodies that Discord’s own API schema accepts', () => {
    const schema = specSchemas(true).IncomingWebhookInteractionRequestSchema;
    if (!schema) throw new Error('schema missing from discord-api-spec');
    fc.assert(
      fc.property(answer, (a) => {
        for (const page of toDiscordPages(a)) {
          const result = schema.safeParse(page);
          expect(result.success ? [] : result.error.issues).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
