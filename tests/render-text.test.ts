import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIncidentFile } from '../src/incidents/parse.ts';
import { presentIncident } from '../src/render/present.ts';
import { toText, wrap } from '../src/render/text.ts';

const file = 'data/incidents/2016/2016-10-30-aleppo-west-shelling.yaml';
const [shelling] = parseIncidentFile(file, readFileSync(new URL(`../${file}`, import.meta.url))).incidents;

describe('toText: the terminal rendering', () => {
  it('shows the briefing readably: title, wrapped summary, fields as "Name: value"', () => {
    if (!shelling) throw new Error('example data missing');
    const text = toText(presentIncident(shelling));
    expect(text.startsWith('Shelling of government-held west Aleppo\n---')).toBe(true);
    expect(text).toContain('Date: 28–30 Oct 2016 (precise to the day)');
    expect(text).toContain(
      'Casualty claims (2, not summed):\n  • at least 84 killed, 280 injured — Syrian military, 28–30 Oct 2016',
    );
    expect(text).toContain('id: 2016-10-30-aleppo-west-shelling');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('shows data exactly as written: no markdown escapes', () => {
    const text = toText({
      content: '**84** [attacks] _x_ @everyone',
      sections: [{ description: '# not a heading' }],
    });
    expect(text).toBe('**84** [attacks] _x_ @everyone\n\n# not a heading');
  });

  it('drops terminal control sequences from data', () => {
    expect(toText({ sections: [{ title: 'red\u001b[31m alert\u0007' }] })).toBe(
      'red[31m alert\n-------------',
    );
  });

  it('wraps at word boundaries and keeps over-long words whole', () => {
    expect(wrap('aaa bbb ccc', 7)).toBe('aaa bbb\nccc');
    expect(wrap(`x ${'y'.repeat(20)} z`, 10)).toBe(`x\n${'y'.repeat(20)}\nz`);
  });
});
