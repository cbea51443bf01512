// Digest filters (DIGEST_<n>_TYPES, _SUBTYPES, _ACTORS, _KEYWORDS, _MIN_DEATHS, _REGIONS, _DATASETS):
// reading them from env and the messages that stop a start, keywords matched as /search matches them,
// deaths by the largest single claim, and the "n more" lines of a filtered digest.
import { describe, expect, it } from 'vitest';
import { type DigestConfig, loadDigestSettings } from '../src/config.ts';
import { composeDigest, selectDigestItems } from '../src/digest/compose.ts';
import { compileDigestFilter, type DigestFilter, digestFilter, filterScope } from '../src/digest/filters.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { loadCatalog } from '../src/incidents/load.ts';
import { searchIncidents } from '../src/incidents/queries.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { configErrorOf } from './helpers/expect.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

const BASE = { DIGEST_1_CHANNEL: '111111111111111111', DIGEST_1_CRON: '0 7 * * *' };

const errorOf = (env: Record<string, string>) => configErrorOf(() => loadDigestSettings({ ...BASE, ...env }));

describe('digest filters from env', () => {
  it('reads every kind: codes or labels, any case, comma-separated, each once', () => {
    const [digest] = loadDigestSettings({
      ...BASE,
      DIGEST_1_COUNTRIES: 'Syria, IRQ',
      DIGEST_1_TYPES: 'Explosions/Remote violence, battles, BATTLES',
      DIGEST_1_SUBTYPES: 'air_drone_strike, Shelling/artillery/missile attack, armed clash',
      DIGEST_1_ACTORS: 'Hezbollah, Syrian Arab Army',
      DIGEST_1_KEYWORDS: 'chemical, toxic gas',
      DIGEST_1_MIN_DEATHS: ' 10 ',
      DIGEST_1_REGIONS: 'Aleppo, Rif Dimashq',
      DIGEST_1_DATASETS: 'Hand-written, ACLED, ucdp',
    }).digests;
    expect(digest?.countries).toEqual(['Syria', 'IRQ']);
    expect(digest?.filters).toEqual({
      types: ['explosions_remote_violence', 'battles'],
      subtypes: ['air_drone_strike', 'shelling_artillery_missile_attack', 'armed_clash'],
      actors: ['Hezbollah', 'Syrian Arab Army'],
      keywords: ['chemical', 'toxic gas'],
      minDeaths: 10,
      regions: ['Aleppo', 'Rif Dimashq'],
      datasets: ['hand-written', 'acled', 'ucdp'],
    });
  });

  it('has no filters when none is set, and a country not in the data is not an error', () => {
    const [digest] = loadDigestSettings({ ...BASE, DIGEST_1_COUNTRIES: 'Atlantis' }).digests;
    expect(digest?.filters).toBeUndefined();
    expect(digest?.countries).toEqual(['Atlantis']);
  });

  it('stops the start naming the key and the value: unknown types, datasets, a non-number minimum', () => {
    const message = errorOf({
      DIGEST_1_TYPES: 'batles',
      DIGEST_1_SUBTYPES: 'drone',
      DIGEST_1_DATASETS: 'acled, gdelt',
      DIGEST_1_MIN_DEATHS: 'ten',
    });
    expect(message).toMatch(
      /DIGEST_1_TYPES: unknown event type "batles" \(did you mean battles\?\); expected battles \(Battles\), /,
    );
    expect(message).toMatch(/DIGEST_1_SUBTYPES: unknown sub-event type "drone"/);
    expect(message).toMatch(
      /DIGEST_1_DATASETS: unknown dataset "gdelt"; expected hand-written, acled or ucdp/,
    );
    expect(message).toMatch(
      /DIGEST_1_MIN_DEATHS: expected a whole number of deaths, 1 or more \(got "ten"\)/,
    );
    for (const value of ['-3', '2.5', '0', '1e3'])
      expect(errorOf({ DIGEST_1_MIN_DEATHS: value })).toContain(
        `DIGEST_1_MIN_DEATHS: expected a whole number`,
      );
  });

  it('says where a type belongs when it is given as the other kind, and refuses a sub-type its types leave out', () => {
    expect(
      errorOf({
        DIGEST_2_CHANNEL: '222222222222222222',
        DIGEST_2_CRON: '0 7 * * *',
        DIGEST_2_TYPES: 'air_drone_strike',
      }),
    ).toContain(
      'DIGEST_2_TYPES: "air_drone_strike" is a sub-event type (of Explosions/Remote violence): list it in DIGEST_2_SUBTYPES',
    );
    expect(errorOf({ DIGEST_1_SUBTYPES: 'Battles' })).toContain(
      'DIGEST_1_SUBTYPES: "Battles" is an event type, not a sub-event type: list it in DIGEST_1_TYPES',
    );
    expect(errorOf({ DIGEST_1_TYPES: 'battles', DIGEST_1_SUBTYPES: 'air_drone_strike' })).toContain(
      'DIGEST_1_SUBTYPES: Air/drone strike is a sub-event type of Explosions/Remote violence, which DIGEST_1_TYPES leaves out: it would never match',
    );
  });

  it('refuses keywords /search could not search for, and values with no words', () => {
    expect(errorOf({ DIGEST_1_KEYWORDS: 'chemical, the' })).toContain(
      'DIGEST_1_KEYWORDS: "the" is too common to search for: add a name, a place or a word',
    );
    expect(errorOf({ DIGEST_1_KEYWORDS: '!!!' })).toContain(
      'DIGEST_1_KEYWORDS: "!!!" has no letters or digits',
    );
    expect(errorOf({ DIGEST_1_REGIONS: '--' })).toContain('DIGEST_1_REGIONS: "--" has no letters or digits');
    expect(errorOf({ DIGEST_1_ACTORS: '()' })).toContain('DIGEST_1_ACTORS: "()" has no letters or digits');
    expect(errorOf({ DIGEST_1_TYPES: ' , ' })).toContain(
      'DIGEST_1_TYPES: expected event types separated by commas',
    );
    expect(errorOf({ DIGEST_1_TYPO: 'x' })).toMatch(
      /DIGEST_1_TYPO: unknown digest setting; expected one of .*DIGEST_1_MIN_DEATHS/,
    );
  });
});

/** The ids a filter lets through, by the SQL that selection and counting use. */
function idsThrough(catalog: Catalog, filter: DigestFilter): string[] {
  const scope = filterScope(catalog, compileDigestFilter(catalog, filter));
  return (
    catalog
      .statement<unknown[], string>(`SELECT i.id FROM incidents i WHERE ${scope.where} ORDER BY i.id`)
      .pluck()
      .all(...scope.params) as string[]
  ).sort();
}

describe('digest filters over the index', () => {
  it('match keywords as /search does: folded, whole words or word starts, every word of one keyword', async () => {
    const { catalog } = await loadCatalog('data');
    for (const query of ['chemical', 'Chémical weapons', 'gas', 'war crime', 'aleppo shell']) {
      const search = searchIncidents(catalog, { query, count: 10 }, new Date('2026-01-01'));
      expect(search.total, query).toBeGreaterThan(0);
      expect(idsThrough(catalog, { keywords: [query] }), query).toEqual(
        search.items.map((hit) => hit.incident.id).sort(),
      );
    }
    expect(idsThrough(catalog, { keywords: ['chemical weapons zebra'] })).toEqual([]);
    // Refused in env; given in code, a keyword of common words alone matches nothing, not everything.
    expect(idsThrough(catalog, { keywords: ['the'] })).toEqual([]);
    expect(idsThrough(catalog, { regions: ['--'] })).toEqual([]);
    catalog.close();
  });

  it('count deaths by the largest single claim, best else lower bound, never a sum', () => {
    const claim = (killed: Record<string, unknown>, claimant = 'Civil defence') => ({
      claimant,
      killed,
      source: 'src-1',
    });
    const catalog = makeCatalog([
      makeIncident({ id: 'two-sixes', casualties: [claim({ best: 6 }), claim({ best: 6 }, 'Ministry')] }),
      makeIncident({ id: 'at-least-12', casualties: [claim({ low: 12, text: 'at least 12' })] }),
      makeIncident({ id: 'range-8-40', casualties: [claim({ low: 8, high: 40 })] }),
      makeIncident({ id: 'up-to-50', casualties: [claim({ high: 50, text: 'up to 50' })] }),
      makeIncident({
        id: 'best-equals-high',
        casualties: [claim({ best: 50, high: 50, low: 2, text: 'up to 50' })],
      }),
      makeIncident({ id: 'scores', casualties: [claim({ text: 'scores' })] }),
    ]);
    expect(idsThrough(catalog, { minDeaths: 10 })).toEqual(['at-least-12', 'best-equals-high']);
    expect(idsThrough(catalog, { minDeaths: 6 })).toEqual([
      'at-least-12',
      'best-equals-high',
      'range-8-40',
      'two-sixes',
    ]);
    catalog.close();
  });

  it('match actors by folded substring, regions word for word, datasets by where the incident came from', () => {
    const catalog = makeCatalog([
      makeIncident({ id: 'hez', actors: [{ name: 'Ḥezbollah fighters', side: 'side_a' }] }),
      makeIncident({
        id: 'rif',
        location: { country: 'Syria', iso3: 'SYR', admin1: 'Rif-Dimashq' },
        external_ids: { acled: '123' },
      }),
      makeIncident({
        id: 'aleppo-ucdp',
        location: { country: 'Syria', iso3: 'SYR', admin1: 'Aleppo', place: 'Rif Dimashq road' },
        external_ids: { ucdp: '9' },
      }),
    ]);
    expect(idsThrough(catalog, { actors: ['HEZB'] })).toEqual(['hez']);
    expect(idsThrough(catalog, { actors: ['bollah f'] })).toEqual(['hez']);
    expect(idsThrough(catalog, { regions: ['rif dimashq'] })).toEqual(['rif']);
    expect(idsThrough(catalog, { datasets: ['hand-written'] })).toEqual(['hez']);
    expect(idsThrough(catalog, { datasets: ['acled', 'ucdp'] })).toEqual(['aleppo-ucdp', 'rif']);
    catalog.close();
  });
});

const digest: DigestConfig = {
  id: '1',
  channelId: '111111111111111111',
  cron: '0 7 * * *',
  timezone: 'UTC',
  countries: [],
  title: 'Filtered',
  whenEmpty: 'quiet',
};

function many(n: number): Incident[] {
  return Array.from({ length: n }, (_, i) =>
    makeIncident({
      id: `m-${i}`,
      title: i % 2 === 0 ? `Chemical attack ${i}` : `Air strike ${i}`,
      date: { start: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}` },
      location: i % 3 === 0 ? { country: 'Iraq', iso3: 'IRQ' } : { country: 'Syria', iso3: 'SYR' },
      type: {
        event: 'explosions_remote_violence',
        sub: i % 2 === 0 ? 'chemical_weapon' : 'air_drone_strike',
      },
    }),
  );
}

function moreText(config: DigestConfig, incidents: Incident[]): string {
  const catalog = makeCatalog(incidents);
  const selection = selectDigestItems(catalog, new Map(), undefined, 1, digestFilter(config));
  const composed = composeDigest({ ...config, ...selection, since: undefined, asOf: 1, whenEmpty: 'quiet' });
  catalog.close();
  return JSON.stringify(composed?.answer);
}

describe('the "n more" lines of a filtered digest', () => {
  it('count what /latest cannot list, without a /latest line', () => {
    const text = moreText({ ...digest, filters: { keywords: ['chemical'] } }, many(60));
    expect(text).toContain("20 more match this digest's filters; by country:");
    expect(text).toContain('• Syria: 14');
    expect(text).toContain('• Iraq: 6');
    expect(text).not.toContain('/latest');
  });

  it('give /latest the one sub-event type or event type the digest filters by', () => {
    const sub = moreText(
      { ...digest, countries: ['Iraq'], filters: { subtypes: ['air_drone_strike'] } },
      many(90),
    );
    expect(sub).toContain('— /latest country:Iraq type:Air/drone strike since:2024-03-');
    const event = moreText({ ...digest, filters: { types: ['explosions_remote_violence'] } }, many(60));
    expect(event).toContain('/latest type:Explosions/Remote violence since:');
  });
});
