import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.ts';
import { assembleCatalog } from '../src/incidents/catalog.ts';
import { readIncidentFolder } from '../src/incidents/loader.ts';
import { buildSearchIndex, searchIncidents, warmSearchIndex } from '../src/incidents/queries.ts';
import type { Incident, IncidentInput } from '../src/incidents/schema.ts';
import { userError } from './helpers/expect.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

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
  it('is built once per catalog and reused', () => {
    const catalog = makeCatalog([incident('one', { title: 'Shelling' })]);
    expect(buildSearchIndex(catalog)).toBe(buildSearchIndex(catalog));
    expect(buildSearchIndex(makeCatalog([]))).not.toBe(buildSearchIndex(catalog));
  });

  it('can be warmed in the background, and searches then use the warmed index', async () => {
    const catalog = makeCatalog(
      Array.from({ length: 30 }, (_, i) => incident(`warm-${i}`, { title: `Airstrike number ${i}` })),
    );
    const warmed = await warmSearchIndex(catalog, 7);
    expect(buildSearchIndex(catalog)).toBe(warmed);
    expect(await warmSearchIndex(catalog)).toBe(warmed);
    expect(searchIncidents(catalog, { query: 'airstrike' }, now).total).toBe(30);
  });

  it('keeps the first index when a search built one while warming was under way', async () => {
    const catalog = makeCatalog([incident('race', { title: 'Shelling' })]);
    const warming = warmSearchIndex(catalog);
    const built = buildSearchIndex(catalog);
    expect(await warming).toBe(built);
  });
});

describe('search over the example data in data/incidents', async () => {
  const { files } = await readIncidentFolder('data');
  const { catalog } = assembleCatalog(files);

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
