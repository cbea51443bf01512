// Why an incident passes or fails a digest's filter (src/digest/explain.ts): every kind that rejects it,
// with what that kind wants; property-based, "passes" agrees with the digest's combined filter in SQL,
// and the kinds named agree with the pure predicate applied to each kind alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestConfig } from '../src/config.ts';
import {
  describeRejection,
  explainFilter,
  FILTER_KINDS,
  type FilterKind,
  filterKindsRejecting,
} from '../src/digest/explain.ts';
import {
  compileDigestFilter,
  type DigestFilter,
  filterScope,
  matchesDigestFilter,
} from '../src/digest/filters.ts';
import type { Catalog } from '../src/incidents/catalog.ts';
import { filterArb, incidentInput, toIncident } from './helpers/digest-filter-arbitraries.ts';
import { makeCatalog, makeIncident } from './helpers/incidents.ts';

type Filtered = Pick<DigestConfig, 'countries' | 'filters'>;

function digestOf(filter: DigestFilter): Filtered {
  const { countries, ...filters } = filter;
  return { countries: [...(countries ?? [])], ...(Object.keys(filters).length > 0 ? { filters } : {}) };
}

/** The ids the digest's whole filter lets through, as a run selects them. */
function combined(catalog: Catalog, filter: DigestFilter): Set<string> {
  const compiled = compileDigestFilter(catalog, filter);
  const scope = compiled.empty ? { where: '1', params: [] } : filterScope(catalog, compiled);
  return new Set(
    catalog.db
      .prepare(`SELECT i.id FROM incidents i WHERE ${scope.where}`)
      .pluck()
      .all(...scope.params) as string[],
  );
}

const rowidOf = (catalog: Catalog, id: string) =>
  catalog.db.prepare('SELECT rowid FROM incidents WHERE id = ?').pluck().get(id) as number;

describe('explainFilter', () => {
  const incidents = [
    makeIncident({
      id: 'aleppo-clash',
      type: { event: 'battles', sub: 'armed_clash' },
      location: { country: 'Syria', iso3: 'SYR', admin1: 'Aleppo', place: 'Aleppo' },
      actors: [{ name: 'Syrian Arab Army', side: 'side_a' }],
      casualties: [{ claimant: 'ACLED', killed: { best: 4 }, source: 'src-1' }],
    }),
    makeIncident({
      id: 'baghdad-strike',
      title: 'Chemical strike on a market',
      type: { event: 'explosions_remote_violence', sub: 'air_drone_strike' },
      location: { country: 'Iraq', iso3: 'IRQ', admin1: 'Baghdad', place: 'Baghdad' },
      casualties: [{ claimant: 'ACLED', killed: { best: 30 }, source: 'src-1' }],
      external_ids: { acled: '7' },
    }),
  ];
  const catalog = makeCatalog(incidents);
  const digest: Filtered = {
    countries: ['Iraq'],
    filters: {
      types: ['explosions_remote_violence'],
      minDeaths: 10,
      keywords: ['chemical'],
      datasets: ['acled'],
    },
  };

  it('names every kind that rejects the incident, with what it wants', () => {
    const explained = explainFilter(catalog, digest, 'aleppo-clash');
    expect(explained?.passes).toBe(false);
    expect(explained?.failed.map((f) => f.kind)).toEqual([
      'countries',
      'types',
      'keywords',
      'minDeaths',
      'datasets',
    ]);
    expect(describeRejection(explained?.failed ?? [])).toBe(
      'countries: Iraq; types: Explosions/Remote violence; keywords: the words of "chemical"; deaths: at least 10 killed by one claimant; datasets: acled',
    );
    expect(explainFilter(catalog, digest, 'baghdad-strike')).toEqual({ passes: true, failed: [] });
  });

  it('is undefined for an id not in the index, and passes everything without filters', () => {
    expect(explainFilter(catalog, digest, 'nope')).toBeUndefined();
    expect(explainFilter(catalog, { countries: [] }, 'aleppo-clash')).toEqual({ passes: true, failed: [] });
    expect(filterKindsRejecting(catalog, { countries: [] }, [1, 2])).toEqual(new Map());
  });

  it('treats a missing admin1 as failing a region filter (not as unknown)', () => {
    const noAdmin = makeIncident({ id: 'no-admin', location: { country: 'Syria', iso3: 'SYR' } });
    const cat = makeCatalog([noAdmin]);
    const regions: Filtered = { countries: [], filters: { regions: ['Aleppo'] } };
    expect(explainFilter(cat, regions, 'no-admin')?.failed.map((f) => f.kind)).toEqual(['regions']);
    expect(filterKindsRejecting(cat, regions, [rowidOf(cat, 'no-admin')])).toEqual(
      new Map([[rowidOf(cat, 'no-admin'), ['regions']]]),
    );
    cat.close();
  });

  it('says which kinds reject each of many incidents in one call', () => {
    const rowids = incidents.map((i) => rowidOf(catalog, i.id));
    const rejected = filterKindsRejecting(catalog, digest, [...rowids, 9999]);
    expect(rejected).toEqual(
      new Map([
        [rowidOf(catalog, 'aleppo-clash'), ['countries', 'types', 'keywords', 'minDeaths', 'datasets']],
      ]),
    );
  });
});

// --- Property: random incidents and filters, as in tests/digest-filters.property.test.ts.

describe('explainFilter against the combined filter', () => {
  it('passes exactly when the combined filter does, naming the kinds that reject alone', () => {
    const seen = { incidents: 0, passing: 0, severalKinds: 0 };
    fc.assert(
      fc.property(
        fc.array(incidentInput, { minLength: 1, maxLength: 25 }),
        filterArb,
        (generated, filter) => {
          const incidents = generated.map(toIncident);
          const catalog = makeCatalog(incidents);
          const digest = digestOf(filter);
          const passing = combined(catalog, filter);
          const rejecting = filterKindsRejecting(
            catalog,
            digest,
            incidents.map((i) => rowidOf(catalog, i.id)),
          );
          for (const incident of incidents) {
            const explained = explainFilter(catalog, digest, incident.id);
            expect(explained?.passes, incident.id).toBe(passing.has(incident.id));
            const expected = FILTER_KINDS.filter((kind) => {
              const alone = { [kind]: filter[kind] } as DigestFilter;
              return (
                filter[kind] !== undefined &&
                !matchesDigestFilter(compileDigestFilter(catalog, alone), incident)
              );
            });
            const kinds: FilterKind[] = explained?.failed.map((f) => f.kind) ?? [];
            expect(kinds, incident.id).toEqual(expected);
            expect(explained?.failed.every((f) => f.wants.length > 0)).toBe(true);
            expect(rejecting.get(rowidOf(catalog, incident.id)) ?? [], incident.id).toEqual(kinds);
            seen.incidents += 1;
            if (explained?.passes) seen.passing += 1;
            if (kinds.length > 1) seen.severalKinds += 1;
          }
          catalog.close();
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false },
    );
    expect(seen.passing).toBeGreaterThan(0);
    expect(seen.severalKinds).toBeGreaterThan(0);
    expect(seen.passing).toBeLessThan(seen.incidents);
  });
});
