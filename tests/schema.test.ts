import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../src/cli/schema.ts';
import { isCalendarDate, parseIncident } from '../src/incidents/schema.ts';
import { makeIncident } from './helpers/incidents.ts';

const base = {
  id: 'x-1',
  title: 'T',
  date: { start: '2020-01-01' },
  location: { country: 'Syria' },
  type: { event: 'battles' },
  summary: 'S',
  sources: [{ id: 's1', name: 'Wire' }],
};

function problemsOf(raw: unknown) {
  const result = parseIncident(raw);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('incident schema', () => {
  it('accepts a minimal incident and fills defaults', () => {
    const result = parseIncident(base);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.incident.date.precision).toBe('day');
      expect(result.incident.quotes).toEqual([]);
      expect(result.incident.tags).toEqual([]);
    }
  });

  it('names the exact field of a negative count', () => {
    const raw = { ...base, casualties: [{ claimant: 'A', killed: { best: -1 }, source: 's1' }] };
    expect(problemsOf(raw)).toContain('casualties[0].killed.best: expected a whole number ≥ 0');
  });

  it('rejects non-integer counts and counts given as text', () => {
    expect(
      problemsOf({ ...base, casualties: [{ claimant: 'A', injured: { best: 2.5 }, source: 's1' }] }),
    ).toEqual(['casualties[0].injured.best: expected a whole number ≥ 0']);
    expect(
      problemsOf({ ...base, casualties: [{ claimant: 'A', injured: { best: '3' }, source: 's1' }] }),
    ).toEqual(['casualties[0].injured.best: expected a whole number ≥ 0']);
  });

  it('rejects impossible calendar dates and end before start', () => {
    expect(problemsOf({ ...base, date: { start: '2016-02-30' } })).toEqual([
      'date.start: not a calendar date',
    ]);
    expect(problemsOf({ ...base, date: { start: '2016-10-30', end: '2016-10-28' } })).toEqual([
      'date.end: end is before start',
    ]);
    expect(problemsOf({ ...base, date: { start: '30/10/2016' } })).toEqual([
      'date.start: expected a date as YYYY-MM-DD',
    ]);
  });

  it('knows leap years', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2015-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
  });

  it('holds low ≤ best ≤ high', () => {
    const claim = (killed: object) => ({ ...base, casualties: [{ claimant: 'A', killed, source: 's1' }] });
    expect(problemsOf(claim({ low: 5, best: 3 }))).toEqual([
      'casualties[0].killed.low: low is greater than best',
    ]);
    expect(problemsOf(claim({ best: 9, high: 3 }))).toEqual([
      'casualties[0].killed.high: best is greater than high',
    ]);
    expect(problemsOf(claim({ low: 9, high: 3 }))).toEqual([
      'casualties[0].killed.high: low is greater than high',
    ]);
    expect(problemsOf(claim({ low: 1, best: 2, high: 3 }))).toEqual([]);
    expect(problemsOf(claim({}))).toEqual(['casualties[0].killed: give best, low, high or text']);
  });

  it('requires a claim to carry killed or injured, and a period that runs forwards', () => {
    expect(problemsOf({ ...base, casualties: [{ claimant: 'A', source: 's1' }] })).toEqual([
      'casualties[0].killed: a claim needs killed or injured',
    ]);
    const backwards = {
      claimant: 'A',
      killed: { best: 1 },
      period: { from: '2020-01-05', to: '2020-01-01' },
      source: 's1',
    };
    expect(problemsOf({ ...base, casualties: [backwards] })).toEqual([
      'casualties[0].period.to: to is before from',
    ]);
  });

  it('resolves every source reference', () => {
    const raw = {
      ...base,
      casualties: [{ claimant: 'A', killed: { best: 1 }, source: 'nope' }],
      quotes: [{ speaker: 'B', text: 'Words.', source: 'gone' }],
      sources: [
        { id: 's1', name: 'Wire', via: 'ghost' },
        { id: 's1', name: 'Twice' },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      'sources[1].id: duplicate source id "s1"',
      'sources[0].via: no source with id "ghost" in sources',
      'casualties[0].source: no source with id "nope" in sources',
      'quotes[0].source: no source with id "gone" in sources',
    ]);
  });

  it('checks coordinates, their pairing, and ISO3', () => {
    expect(problemsOf({ ...base, location: { country: 'Syria', lat: 91, lon: 0 } })).toEqual([
      'location.lat: latitude must be between -90 and 90',
    ]);
    expect(problemsOf({ ...base, location: { country: 'Syria', lat: 36 } })).toEqual([
      'location.lat: lat and lon go together: give both or neither',
    ]);
    expect(problemsOf({ ...base, location: { country: 'Syria', iso3: 'syr' } })).toEqual([
      'location.iso3: expected an ISO 3166-1 alpha-3 code such as SYR',
    ]);
  });

  it('checks the ACLED sub-event type belongs to the event type', () => {
    expect(problemsOf({ ...base, type: { event: 'protests', sub: 'chemical_weapon' } })).toEqual([
      'type.sub: this sub-event type belongs to another event type',
    ]);
    expect(
      problemsOf({ ...base, type: { event: 'explosions_remote_violence', sub: 'chemical_weapon' } }),
    ).toEqual([]);
  });

  it('reports missing required fields and unknown (misspelt) fields by name', () => {
    const { title: _t, ...noTitle } = base;
    expect(problemsOf({ ...noTitle, summray: 'typo' })).toEqual([
      'title: required',
      'summray: unknown field; did you mean summary?',
    ]);
  });

  it('names the field an unknown one most likely means, or the fields allowed there', () => {
    const { title: _t, ...noTitle } = base;
    const quote = { speaker: 'S', organisation: 'Amnesty', text: 'Said.', source: 's1' };
    expect(problemsOf({ ...noTitle, tittle: 'x', quotes: [quote], notes: 'n' })).toEqual([
      'title: required',
      'quotes[0].organisation: unknown field; did you mean organization?',
      'tittle: unknown field; did you mean title?',
      'notes: unknown field; expected one of id, title, date, location, type, actors, summary, casualties, quotes, sources, tags, external_ids',
    ]);
    expect(problemsOf({ ...base, date: { start: '2016-10-30', ende: '2016-10-31' } })).toEqual([
      'date.ende: unknown field; did you mean end?',
    ]);
  });

  it('refuses bidirectional overrides, embeddings and isolates in text, and keeps direction marks', () => {
    expect(problemsOf({ ...base, title: 'West Aleppo \u202e48' })).toEqual([
      'title: contains a bidirectional control (U+202E) that reorders the text around it; remove it',
    ]);
    expect(problemsOf({ ...base, tags: ['\u2066tag\u2069'] })).toEqual([
      'tags[0]: contains a bidirectional control (U+2066) that reorders the text around it; remove it',
    ]);
    expect(problemsOf({ ...base, title: 'مدنيون \u200fفي حلب \u200e(Aleppo)' })).toEqual([]);
  });

  it('rejects ids that are not URL-safe and empty text', () => {
    expect(problemsOf({ ...base, id: 'Has Spaces' })[0]).toMatch(/^id: use lower-case letters/);
    expect(problemsOf({ ...base, title: '   ' })).toEqual(['title: must not be empty']);
  });

  it('rejects source URLs that are not http(s)', () => {
    expect(problemsOf({ ...base, sources: [{ id: 's1', name: 'W', url: 'javascript:alert(1)' }] })).toEqual([
      'sources[0].url: expected an http(s) URL',
    ]);
  });

  it('keeps Arabic text intact', () => {
    const incident = makeIncident({ location: { country: 'Syria', place: 'حلب' }, title: 'قصف حلب' });
    expect(incident.location.place).toBe('حلب');
    expect(incident.title).toBe('قصف حلب');
  });

  it('data/schema.json is generated from the zod schema and up to date (run: npx sitrep schema)', () => {
    expect(readFileSync('data/schema.json', 'utf8')).toBe(renderJsonSchema());
  });
});
