import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeMarkdown,
  formatClaimHeadline,
  formatDateRange,
  formatFigure,
  formatQuote,
  formatQuoteAttribution,
  formatSource,
  neutraliseMentions,
  quoteHit,
} from '../src/render/format.ts';
import { exampleIncident } from './helpers/expect.ts';
import { makeIncident } from './helpers/incidents.ts';

const shelling = exampleIncident('2016-10-30-aleppo-west-shelling');
const gas = exampleIncident('2016-10-30-aleppo-toxic-gas-shelling');

describe('casualty figures are claims: always with claimant and period', () => {
  it('gives the Syrian military’s figure with its claimant and period (founding example)', () => {
    const [military] = shelling.casualties;
    if (!military) throw new Error('example data changed');
    expect(formatClaimHeadline(military, shelling)).toBe(
      'at least 84 killed, 280 injured — Syrian military, 28–30 Oct 2016',
    );
  });

  it('gives the UN envoy’s worded figure with its note, as a separate claim', () => {
    const un = shelling.casualties[1];
    if (!un) throw new Error('example data changed');
    expect(formatClaimHeadline(un, shelling)).toBe(
      'scores killed, hundreds injured (civilians in west Aleppo, including children) — UN Special Envoy for Syria, 28–30 Oct 2016',
    );
  });

  it('uses the incident’s dates when a claim gives no period', () => {
    const incident = makeIncident({
      date: { start: '2016-10-28', end: '2016-11-02', precision: 'day' },
      casualties: [{ claimant: 'Local council', killed: { best: 12 }, source: 'src-1' }],
    });
    const [claim] = incident.casualties;
    if (!claim) throw new Error('no claim');
    expect(formatClaimHeadline(claim, incident)).toBe('12 killed — Local council, 28 Oct – 2 Nov 2016');
  });

  it('shows the SANA injured figure in its own words', () => {
    const [sana] = gas.casualties;
    if (!sana) throw new Error('example data changed');
    expect(formatClaimHeadline(sana, gas)).toBe(
      'at least three dozen injured — SANA (Syrian state news agency), 30 Oct 2016',
    );
  });

  it('every headline names its claimant and a period, for any figures', () => {
    const count = fc.option(fc.nat(100_000), { nil: undefined });
    const figure = fc.record({ best: count, low: count, high: count }).map(({ best, low, high }) => {
      const sorted = [low, best, high].filter((n) => n !== undefined).sort((a, b) => a - b);
      return sorted.length === 0 ? { best: 1 } : { best: sorted[1] ?? sorted[0] };
    });
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][a-z]{2,12}( [A-Z][a-z]{2,12})?$/),
        figure,
        figure,
        (claimant, killed, injured) => {
          const incident = makeIncident({ casualties: [{ claimant, killed, injured, source: 'src-1' }] });
          const [claim] = incident.casualties;
          if (!claim) throw new Error('no claim');
          expect(formatClaimHeadline(claim, incident)).toMatch(new RegExp(` — ${claimant}, 1 May 2020$`));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('formatFigure', () => {
  it.each([
    [{ best: 84, text: 'at least 84' }, 'at least 84'],
    [{ text: 'scores' }, 'scores'],
    [{ best: 84 }, '84'],
    [{ best: 84, low: 70, high: 90 }, '84 (70–90)'],
    [{ low: 70, high: 90 }, '70–90'],
    [{ low: 36 }, 'at least 36'],
    [{ high: 90 }, 'up to 90'],
    [{ best: 1200, low: 1000 }, '1,200 (at least 1,000)'],
    [{ best: 5, low: 5, high: 5 }, '5'],
  ])('%j → %s', (figure, expected) => {
    expect(formatFigure(figure)).toBe(expected);
  });
});

describe('formatDateRange', () => {
  it.each([
    ['2016-10-30', undefined, 'day', '30 Oct 2016'],
    ['2016-10-30', '2016-10-30', 'day', '30 Oct 2016'],
    ['2016-10-28', '2016-10-30', 'day', '28–30 Oct 2016'],
    ['2016-10-28', '2016-11-02', 'day', '28 Oct – 2 Nov 2016'],
    ['2016-12-30', '2017-01-02', 'day', '30 Dec 2016 – 2 Jan 2017'],
    ['2016-10-24', undefined, 'week', 'week of 24 Oct 2016'],
    ['2016-10-01', undefined, 'month', 'Oct 2016'],
    ['2016-10-01', '2016-11-30', 'month', 'Oct–Nov 2016'],
    ['2016-12-01', '2017-01-31', 'month', 'Dec 2016 – Jan 2017'],
    ['2016-01-01', '2017-12-31', 'year', '2016–2017'],
    ['2016-01-01', undefined, 'year', '2016'],
  ] as const)('%s – %s (%s) → %s', (from, to, precision, expected) => {
    expect(formatDateRange(from, to, precision)).toBe(expected);
  });
});

describe('sources and quotes', () => {
  it('shows a source with its affiliation and date', () => {
    const [pressTv] = shelling.sources;
    if (!pressTv) throw new Error('example data changed');
    expect(formatSource(pressTv, shelling.sources)).toBe('Press TV (state-affiliated (Iran)), 31 Oct 2016');
  });

  it('says through which outlet a report was carried, and gives the link', () => {
    const [sana] = gas.sources;
    if (!sana) throw new Error('example data changed');
    expect(formatSource(sana, gas.sources)).toBe(
      'SANA (Syrian Arab News Agency) (state news agency (Syria)), 30 Oct 2016, via Press TV (state-affiliated (Iran))',
    );
    expect(formatSource({ id: 'x', name: 'Wire', url: 'https://example.org/a' }, [])).toBe(
      'Wire · https://example.org/a',
    );
  });

  it('quotes verbatim, with speaker, role, organisation, date and source', () => {
    const quote = shelling.quotes[0];
    if (!quote) throw new Error('example data changed');
    const hit = quoteHit(quote, shelling);
    expect(formatQuoteAttribution(hit)).toBe(
      '— Samah Hadid, Deputy Director of Campaigns, Beirut regional office, Amnesty International · 31 Oct 2016 · Press TV (state-affiliated (Iran))',
    );
    expect(formatQuote(hit)).toBe(`“${quote.text}”\n${formatQuoteAttribution(hit)}`);
  });
});

/** What Discord shows for escaped text: a backslash before punctuation disappears. */
function rendered(escaped: string): string {
  return escaped
    .replace(/\\([^0-9A-Za-z\s])/g, '$1')
    .replaceAll('\u200b', '')
    .replace(/%(5B|5D|60|7C|40)/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Markdown Discord would still act on: unescaped specials outside links, or a line-start marker. */
function liveMarkdown(escaped: string): string[] {
  const found: string[] = [];
  const withoutLinks = escaped.replace(/https?:\/\/[^\s<>]*/g, 'LINK');
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i] ?? '';
    if (ch === '\\') {
      i++;
      continue;
    }
    if ('[]`|'.includes(ch)) found.push(`${ch} at ${i}`);
  }
  for (let i = 0; i < withoutLinks.length; i++) {
    const ch = withoutLinks[i] ?? '';
    if (ch === '\\') {
      i++;
      continue;
    }
    if ('*_~'.includes(ch)) found.push(`${ch} at ${i}`);
  }
  for (const line of escaped.split('\n')) {
    if (/^\s*(#|-#|>|[-+]\s|\d+[.)]\s)/.test(line)) found.push(`line start: ${line.slice(0, 20)}`);
  }
  if (/@(everyone|here)/i.test(escaped)) found.push('@everyone/@here');
  if (/<[@#:/]/.test(escaped)) found.push('mention');
  return found;
}

const HOSTILE = [
  '@everyone',
  '@here',
  '@Everyone',
  '<@123456789012345678>',
  '<@&123>',
  '<#123>',
  '<t:1700000000:R>',
  '</latest:123>',
  '[click](https://evil.example/x)',
  '[a](<https://evil.example>)',
  '**bold**',
  '__under__',
  '*it*',
  '~~strike~~',
  '||spoiler||',
  '`code`',
  '```js\n',
  '# ',
  '## ',
  '-# ',
  '> ',
  '>>> ',
  '- ',
  '+ ',
  '1. ',
  '\\',
  '\\*',
  '\n',
  ' ',
  'https://example.org/a_b*c~d[e]f`g|h@everyone(x)',
  'text',
  'حلب',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '(Iran)',
];
const hostileText = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 40 }).map((p) => p.join(''));

describe('escapeMarkdown: data never acts as markdown, a masked link or a mention', () => {
  it('neutralises every hostile mix and reads the same once rendered', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          fc.string({ maxLength: 200 }).filter((s) => !/[%\u200b]/.test(s)),
        ),
        (text) => {
          const escaped = escapeMarkdown(text);
          expect(liveMarkdown(escaped)).toEqual([]);
          expect(rendered(escaped)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('breaks masked links but leaves the real link clickable', () => {
    expect(escapeMarkdown('[official figures](https://evil.example/x)')).toBe(
      '\\[official figures\\](https://evil.example/x)',
    );
    expect(escapeMarkdown('see https://example.org/a_b_c.')).toBe('see https://example.org/a_b_c.');
  });

  it('escapes emphasis, code, spoilers and line-start markers readably', () => {
    expect(escapeMarkdown('**loud** _quiet_ `x` ||s||')).toBe(
      '\\*\\*loud\\*\\* \\_quiet\\_ \\`x\\` \\|\\|s\\|\\|',
    );
    expect(escapeMarkdown('# Breaking\n> quoted\n- item\n1. first\n-# small')).toBe(
      '\\# Breaking\n\\> quoted\n\\- item\n1\\. first\n\\-# small',
    );
    expect(escapeMarkdown('state-affiliated (Iran), 84 killed - reportedly')).toBe(
      'state-affiliated (Iran), 84 killed - reportedly',
    );
  });

  it('neutralises mentions with a zero-width space', () => {
    expect(escapeMarkdown('@everyone look')).toBe('@\u200beveryone look');
    expect(neutraliseMentions('<@123> <@&4> <#5> @here')).toBe(
      '<\u200b@123> <\u200b@&4> <\u200b#5> @\u200bhere',
    );
  });

  it('leaves Arabic and other scripts exactly as they are', () => {
    const arabic = 'قالت منظمة العفو الدولية إن الهجمات على الأحياء المدنية في حلب ترقى إلى جرائم حرب.';
    expect(escapeMarkdown(arabic)).toBe(arabic);
    expect(escapeMarkdown('阿勒颇 — 👨‍👩‍👧‍👦')).toBe('阿勒颇 — 👨‍👩‍👧‍👦');
  });
});
