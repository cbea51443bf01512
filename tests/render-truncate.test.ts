import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeOmitted, truncate, truncateDetailed } from '../src/render/truncate.ts';

const RUNS = { numRuns: 200 };

/** Pieces that are easy to cut wrongly: ZWJ families, flags, combining marks, Arabic, CJK, CRLF. */
const TRICKY = [
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🇸🇾',
  '👍🏽',
  'e\u0301',
  'a\u0301\u0302\u0303',
  'حلب',
  'قصف مدفعي',
  ' ',
  '  ',
  '\n',
  '\r\n',
  'word',
  'antidisestablishmentarianism',
  '阿勒颇',
  'क्षि',
  '\u0600 ',
  '𝔸',
  '…',
  '@everyone',
  '*',
];

const trickyText = fc.array(fc.constantFrom(...TRICKY), { maxLength: 60 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  trickyText,
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  // Lone surrogates too: JavaScript strings may hold them.
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  }),
);
const marker = fc.constantFrom('…', ' […]', '', '… (cut to fit Discord)');

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
function graphemeBoundaries(text: string): Set<number> {
  const out = new Set<number>([text.length]);
  for (const s of segmenter.segment(text)) out.add(s.index);
  return out;
}

describe('truncate', () => {
  it('never exceeds max, in UTF-16 code units, for any text', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 250 }), marker, (text, max, mark) => {
        expect(truncate(text, max, mark).length).toBeLessThanOrEqual(max);
      }),
      RUNS,
    );
  });

  it('returns the text unchanged when it fits', () => {
    fc.assert(
      fc.property(anyText, marker, (text, mark) => {
        expect(truncate(text, text.length, mark)).toBe(text);
        expect(truncate(text, text.length + 5, mark)).toBe(text);
        expect(truncateDetailed(text, text.length, mark)).toEqual({ text, truncated: false, omitted: 0 });
      }),
      RUNS,
    );
  });

  it('otherwise keeps a prefix of whole grapheme clusters and appends the marker', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 250 }), marker, (text, max, mark) => {
        fc.pre(text.length > max && max >= mark.length);
        const out = truncateDetailed(text, max, mark);
        expect(out.truncated).toBe(true);
        expect(out.text.endsWith(mark)).toBe(true);
        const kept = out.text.slice(0, out.text.length - mark.length);
        expect(text.startsWith(kept)).toBe(true);
        expect(graphemeBoundaries(text).has(kept.length)).toBe(true);
        expect(out.omitted).toBe(text.length - kept.length);
      }),
      RUNS,
    );
  });

  it('prefers to end on a whole word', () => {
    const words = fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(words, fc.integer({ min: 20, max: 120 }), (list, max) => {
        const text = list.join(' ');
        fc.pre(text.length > max);
        const kept = truncate(text, max).slice(0, -1);
        expect(kept).not.toMatch(/\s$/);
        // The cut falls between words: what follows in the original is a space.
        expect(text[kept.length]).toBe(' ');
      }),
      RUNS,
    );
  });

  it('cuts before a word rather than through it, and marks the cut', () => {
    expect(truncate('Chemical weapons are internationally banned', 30)).toBe('Chemical weapons are…');
    expect(truncate('at least 84 killed, 280 injured', 14)).toBe('at least 84…');
  });

  it('never splits an emoji ZWJ sequence, a flag or a combining mark', () => {
    const family = '👨‍👩‍👧‍👦';
    expect(truncate(`${family}${family}`, family.length + 2)).toBe(`${family}…`);
    expect(truncate('🇸🇾🇸🇾', 5)).toBe('🇸🇾…');
    expect(truncate('🇸🇾🇸🇾', 4)).toBe('…');
    expect(truncate('cafe\u0301 au lait', 5)).toBe('caf…');
    expect(truncate('e\u0301e\u0301e\u0301', 4)).toBe('e\u0301…');
  });

  it('keeps Arabic intact and cuts it between words', () => {
    const arabic = 'قصف مدفعي على الأحياء الغربية من حلب';
    expect(truncate(arabic, 100)).toBe(arabic);
    const cut = truncate(arabic, 20);
    expect(cut.endsWith('…')).toBe(true);
    expect(arabic.startsWith(cut.slice(0, -1))).toBe(true);
    expect(arabic[cut.length - 1]).toBe(' ');
  });

  it('falls back to a grapheme cut inside a very long word', () => {
    const url = `https://example.org/${'a'.repeat(300)}`;
    const out = truncate(`see ${url}`, 100);
    expect(out).toHaveLength(100);
    expect(out.startsWith('see https://example.org/aaa')).toBe(true);
  });

  it('shortens the marker itself when even it does not fit', () => {
    expect(truncate('abcdef', 2, '[cut]')).toBe('[c');
    expect(truncate('abcdef', 0)).toBe('');
  });

  it('says how much it cut', () => {
    expect(truncateDetailed('one two three', 8)).toEqual({ text: 'one two…', truncated: true, omitted: 6 });
    expect(describeOmitted(1)).toBe('1 more character');
    expect(describeOmitted(1234, 'field')).toBe('1,234 more fields');
  });
});
