import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../src/errors.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { readIncidentFolder } from '../src/incidents/loader.ts';
import { getIncident, searchIncidents } from '../src/incidents/queries.ts';
import type { Incident, IncidentInput } from '../src/incidents/schema.ts';
import { withinEdits } from '../src/incidents/search.ts';
import { userError } from './helpers/expect.ts';
import { catalogOfFiles, makeCatalog, makeIncident } from './helpers/incidents.ts';

const now = new Date('2020-06-15T12:00:00Z');

function incident(id: string, overrides: Partial<IncidentInput> = {}): Incident {
  return makeIncident({
    id,
    title: `Report ${id}`,
    summary: 'Nothing of note was reported.',
    location: { country: 'Syria', iso3: 'SYR' },
    actors: [],
    ...overrides,
  });
}

const ids = (page: { items: { incident: Incident }[] }) => page.items.map((h) => h.incident.id);

describe('searchIncidents', () => {
  const catalog = makeCatalog([
    incident('title-hit', { title: 'Shelling of west Aleppo', date: { start: '2020-05-01' } }),
    incident('summary-hit', {
      summary: 'Residents described heavy shelling overnight in several districts.',
      date: { start: '2020-05-03' },
    }),
    incident('accented', { title: 'Frappe sur Alép', location: { country: 'Syria', iso3: 'SYR' } }),
    incident('arabic', { location: { country: 'Syria', iso3: 'SYR', admin1: 'حلب', place: 'حلب' } }),
    incident('quote-hit', {
      quotes: [
        {
          speaker: 'Samah Hadid',
          organization: 'Amnesty International',
          text: 'A flagrant violation.',
          source: 'src-1',
        },
      ],
    }),
    incident('actor-hit', { actors: [{ name: 'Hayat Tahrir al-Sham', side: 'perpetrator' }] }),
    incident('tag-hit', { tags: ['chemical weapons'] }),
    incident('iraq', {
      title: 'Shelling near Mosul',
      location: { country: 'Iraq', iso3: 'IRQ' },
      date: { start: '2020-06-01' },
    }),
  ]);

  it('ranks a title match above a summary-only match, even an older one', () => {
    const page = searchIncidents(catalog, { query: 'shelling', country: 'Syria' }, now);
    expect(ids(page)).toEqual(['title-hit', 'summary-hit']);
    expect(page.items[0]?.fields).toEqual(['title']);
    expect(page.items[1]?.fields).toEqual(['summary']);
  });

  it('ignores case and accents on both sides', () => {
    expect(ids(searchIncidents(catalog, { query: 'ALEPPO' }, now))).toEqual(['title-hit']);
    expect(ids(searchIncidents(catalog, { query: 'alep' }, now))).toContain('accented');
    expect(ids(searchIncidents(catalog, { query: 'alep' }, now))).toContain('title-hit');
    expect(ids(searchIncidents(catalog, { query: 'Alép' }, now))).toContain('title-hit');
    expect(ids(searchIncidents(catalog, { query: 'FRAPPE' }, now))).toEqual(['accented']);
  });

  it('finds right-to-left text written as it is stored', () => {
    const page = searchIncidents(catalog, { query: 'حلب' }, now);
    expect(ids(page)).toEqual(['arabic']);
    expect(page.items[0]?.fields).toEqual(['place']);
  });

  it('matches the start of a word and forgives a typo in a longer word', () => {
    expect(ids(searchIncidents(catalog, { query: 'shell' }, now))).toContain('title-hit');
    expect(ids(searchIncidents(catalog, { query: 'chemcal' }, now))).toEqual(['tag-hit']);
    expect(searchIncidents(catalog, { query: 'shelxyz' }, now).total).toBe(0);
  });

  it('searches quotes with their speakers, actors and tags, and says which field matched', () => {
    const quote = searchIncidents(catalog, { query: 'hadid' }, now);
    expect(ids(quote)).toEqual(['quote-hit']);
    expect(quote.items[0]?.fields).toEqual(['quotes']);
    expect(ids(searchIncidents(catalog, { query: 'flagrant' }, now))).toEqual(['quote-hit']);
    expect(searchIncidents(catalog, { query: 'tahrir' }, now).items[0]?.fields).toEqual(['actors']);
    expect(searchIncidents(catalog, { query: 'weapons' }, now).items[0]?.fields).toEqual(['tags']);
  });

  it('wants every word, and falls back to any word when no incident has them all', () => {
    expect(ids(searchIncidents(catalog, { query: 'shelling aleppo' }, now))).toEqual(['title-hit']);
    const any = searchIncidents(catalog, { query: 'mosul frappe' }, now);
    expect(ids(any).sort()).toEqual(['accented', 'iraq']);
  });

  it('ignores words too common to tell incidents apart', () => {
    expect(ids(searchIncidents(catalog, { query: 'the shelling of aleppo' }, now))).toEqual(['title-hit']);
    expect(userError(() => searchIncidents(catalog, { query: 'the of' }, now)).message).toContain(
      'too common',
    );
  });

  it('filters by country and since', () => {
    expect(ids(searchIncidents(catalog, { query: 'shelling', country: 'irq' }, now))).toEqual(['iraq']);
    expect(ids(searchIncidents(catalog, { query: 'shelling', since: '2020-05-02' }, now))).toEqual([
      'iraq',
      'summary-hit',
    ]);
    expect(ids(searchIncidents(catalog, { query: 'shelling', since: '30d' }, now))).toEqual(['iraq']);
    expect(() => searchIncidents(catalog, { query: 'shelling', country: 'Narnia' }, now)).toThrow(UserError);
    expect(() => searchIncidents(catalog, { query: 'shelling', since: 'soon' }, now)).toThrow(UserError);
  });

  it('rejects an empty or blank query with a UserError', () => {
    expect(userError(() => searchIncidents(catalog, { query: '' }, now)).message).toContain('search for');
    expect(() => searchIncidents(catalog, { query: '   ' }, now)).toThrow(UserError);
    expect(() => searchIncidents(catalog, { query: '?! —' }, now)).toThrow(UserError);
  });

  it('clamps count to 1–10 and counts every match in total', () => {
    const many = makeCatalog(
      Array.from({ length: 14 }, (_, i) => incident(`strike-${i}`, { title: `Airstrike number ${i}` })),
    );
    expect(searchIncidents(many, { query: 'airstrike' }, now).items).toHaveLength(5);
    expect(searchIncidents(many, { query: 'airstrike', count: 0 }, now).items).toHaveLength(1);
    expect(searchIncidents(many, { query: 'airstrike', count: 3 }, now).items).toHaveLength(3);
    const all = searchIncidents(many, { query: 'airstrike', count: 99 }, now);
    expect(all.items).toHaveLength(10);
    expect(all.total).toBe(14);
  });

  it('breaks ties in score by putting the newer incident first', () => {
    const twins = makeCatalog([
      incident('older', { title: 'Clashes in Daraa', date: { start: '2020-01-01' } }),
      incident('newer', { title: 'Clashes in Daraa', date: { start: '2020-03-01' } }),
      incident('newest-but-other', { title: 'Protest in Homs', date: { start: '2020-04-01' } }),
    ]);
    const page = searchIncidents(twins, { query: 'daraa' }, now);
    expect(ids(page)).toEqual(['newer', 'older']);
    expect(page.items[0]?.score).toBe(page.items[1]?.score);
  });
});

describe('the search index', () => {
  const addFile = (catalog: Catalog, path: string, incidents: Incident[]) =>
    catalog.transaction(() =>
      catalog.applyFile(
        { path, display: path, size: 0, mtimeMs: 0, ino: 0, hash: '' },
        { file: path, incidents, problems: [] },
      ),
    );

  it('answers from the index as it changes, with no index of its own to build or warm', () => {
    const catalog = makeCatalog([incident('one', { title: 'Shelling' })]);
    expect(searchIncidents(catalog, { query: 'airstrike' }, now).total).toBe(0);
    addFile(
      catalog,
      'data/more.yaml',
      Array.from({ length: 30 }, (_, i) => incident(`more-${i}`, { title: `Airstrike number ${i}` })),
    );
    expect(searchIncidents(catalog, { query: 'airstrike' }, now).total).toBe(30);
    expect(searchIncidents(catalog, { query: 'airstrke' }, now).total).toBe(30);
    catalog.transaction(() => {
      catalog.removeFile('data/more.yaml');
    });
    expect(searchIncidents(catalog, { query: 'airstrike' }, now).total).toBe(0);
    expect(searchIncidents(catalog, { query: 'airstrke' }, now).total).toBe(0);
    expect(ids(searchIncidents(catalog, { query: 'shelling' }, now))).toEqual(['one']);
  });

  it('reads typed quotes and FTS5 operators as words, never as query syntax', () => {
    const catalog = makeCatalog([
      incident('near', { title: 'Clashes near the NEAR road' }),
      incident('other', { title: 'Protest in Homs' }),
    ]);
    for (const query of [
      '"near',
      'near"',
      'NEAR(clashes road)',
      'clashes AND',
      'OR near',
      'NOT homs',
      '{title}: homs',
      'homs*',
      '^homs',
      'title:homs',
      "'); DROP TABLE incidents; --",
    ]) {
      expect(() => searchIncidents(catalog, { query }, now)).not.toThrow();
    }
    expect(ids(searchIncidents(catalog, { query: 'NOT homs' }, now))).toEqual(['other']);
    expect(ids(searchIncidents(catalog, { query: '"near" AND' }, now))).toEqual(['near']);
    expect(ids(searchIncidents(catalog, { query: 'title:homs' }, now))).toEqual(['other']);
    expect(() => getIncident(catalog, '"near* OR {title}')).toThrow(UserError);
  });

  it('forgives one typo from five letters and two from ten', () => {
    const catalog = makeCatalog([
      incident('bombardment', { title: 'Bombardment of Idlib' }),
      incident('chemical', { title: 'Chemical attack' }),
    ]);
    expect(ids(searchIncidents(catalog, { query: 'bombradment' }, now))).toEqual(['bombardment']);
    expect(ids(searchIncidents(catalog, { query: 'bombrdmnt' }, now))).toEqual([]);
    expect(ids(searchIncidents(catalog, { query: 'chemcal' }, now))).toEqual(['chemical']);
    expect(ids(searchIncidents(catalog, { query: 'chemcl' }, now))).toEqual([]);
    expect(ids(searchIncidents(catalog, { query: 'idlb' }, now))).toEqual([]);
    expect(ids(searchIncidents(catalog, { query: 'khemical' }, now))).toEqual(['chemical']);
    expect(ids(searchIncidents(catalog, { query: 'hemical' }, now))).toEqual(['chemical']);
    expect(ids(searchIncidents(catalog, { query: 'bombardmnet' }, now))).toEqual(['bombardment']);
  });

  it('looks up no typo forms for a pasted run of letters, which no real word is', () => {
    const catalog = makeCatalog([incident('aleppo', { title: 'Shelling of Aleppo' })]);
    let lookups = 0;
    const statement = catalog.statement.bind(catalog);
    vi.spyOn(catalog, 'statement').mockImplementation((sql: string) => {
      const prepared = statement(sql);
      return new Proxy(prepared, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (key === 'get' || key === 'all' || key === 'iterate') lookups += 1;
            const result = value.apply(target, args);
            return result === target ? receiver : result;
          };
        },
      }) as typeof prepared;
    });
    // Each letter of a word adds about a hundred one-edit lookups: 6,000 letters took 30 s.
    const pasted = 'aleppo'.repeat(1000);
    expect(ids(searchIncidents(catalog, { query: pasted }, now))).toEqual([]);
    expect(() => getIncident(catalog, pasted)).toThrow(UserError);
    expect(lookups).toBeLessThan(50);
    lookups = 0;
    // A word of ordinary length still gets its typo forms.
    expect(ids(searchIncidents(catalog, { query: 'alepo' }, now))).toEqual(['aleppo']);
    expect(lookups).toBeGreaterThan(50);
  });

  it('gives ties in score to the newest, however many incidents share the score', () => {
    const days = Array.from(
      { length: 40 },
      (_, i) => `2020-0${1 + (i % 9)}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`,
    );
    const same = makeCatalog(
      days.map((start, i) => incident(`same-${i}`, { title: 'Clashes in Daraa', date: { start } })),
    );
    const newest = days
      .map((start, i) => ({ start, id: `same-${i}` }))
      .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : a.id < b.id ? -1 : 1))
      .map((d) => d.id);
    const page = searchIncidents(same, { query: 'daraa', count: 10 }, now);
    expect(ids(page)).toEqual(newest.slice(0, 10));
    expect(page.total).toBe(40);
    const syria = searchIncidents(same, { query: 'daraa', country: 'Syria', since: '2020-05-01' }, now);
    expect(ids(syria)).toEqual(
      newest.filter((id) => (same.get(id)?.date.start ?? '') >= '2020-05-01').slice(0, 5),
    );
  });

  it('measures edits as insertions, deletions and replacements', () => {
    const cp = (s: string) => Array.from(s, (c) => c.codePointAt(0) as number);
    expect(withinEdits(cp('chemcal'), cp('chemical'), 1)).toBe(true);
    expect(withinEdits(cp('chemicl'), cp('chemical'), 1)).toBe(true);
    expect(withinEdits(cp('chemixal'), cp('chemical'), 1)).toBe(true);
    expect(withinEdits(cp('chemcial'), cp('chemical'), 1)).toBe(false);
    expect(withinEdits(cp('chemcial'), cp('chemical'), 2)).toBe(true);
    expect(withinEdits(cp('shelxyz'), cp('shelling'), 2)).toBe(false);
    expect(withinEdits(cp('حلب'), cp('حلبا'), 1)).toBe(true);
  });
});

describe('search over the example data in data/incidents', async () => {
  const { files } = await readIncidentFolder('data');
  const catalog = catalogOfFiles(files);

  it('puts the toxic-gas incident first for "toxic"', () => {
    const page = searchIncidents(catalog, { query: 'toxic' }, now);
    expect(page.items[0]?.incident.id).toBe('2016-10-30-aleppo-toxic-gas-shelling');
    expect(page.items[0]?.fields).toContain('title');
  });

  it('finds both Aleppo incidents, however Aleppo is typed', () => {
    for (const query of ['Aleppo', 'ALEPPO', 'alep', 'Alép']) {
      expect(searchIncidents(catalog, { query }, now).total).toBe(2);
    }
  });

  it('finds the UN envoy through his quotes', () => {
    const page = searchIncidents(catalog, { query: 'de Mistura' }, now);
    expect(page.items.map((h) => h.incident.id)).toEqual(['2016-10-30-aleppo-west-shelling']);
    expect(page.items[0]?.fields).toEqual(['quotes']);
  });
});
