// Digest filters, property-based: for random incidents and random filter sets, a digest's selection
// (a channel's first digest and a later one, both counted in SQL) holds exactly the incidents that a
// plain reference predicate, written here from the documented rules and sharing no code with
// src/digest/filters.ts, accepts; and the pure predicate agrees with it incident by incident.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGEST_CAPS, selectDigestItems } from '../src/digest/compose.ts';
import { incidentFacets } from '../src/digest/facets.ts';
import {
  compileDigestFilter,
  type DatasetName,
  type DigestFilter,
  matchesDigestFilter,
} from '../src/digest/filters.ts';
import type { SeenRecord } from '../src/digest/tracker.ts';
import type { Incident } from '../src/incidents/schema.ts';
import { filterArb, incidentInput, toIncident } from './helpers/digest-filter-arbitraries.ts';
import { makeCatalog } from './helpers/incidents.ts';

// --- The reference: the rules of docs/digests.md#filters, written out plainly.

const fold = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[‘’]/g, "'").replace(/\s+/g, ' ').trim();
const wordsOf = (s: string) =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
/** /search's stop words, as /search documents them. */
const STOP =
  'a an and are as at be by for from has have in into is it its of on or that the their this to was were with'.split(
    ' ',
  );

function reference(filter: DigestFilter, incident: Incident): boolean {
  const { location: loc } = incident;
  if (filter.countries?.length) {
    const ok = filter.countries.some(
      (c) => fold(c) === fold(loc.country) || (loc.iso3 !== undefined && fold(c) === loc.iso3.toLowerCase()),
    );
    if (!ok) return false;
  }
  if (filter.types?.length && !filter.types.includes(incident.type.event)) return false;
  if (filter.subtypes?.length && !filter.subtypes.some((s) => s === incident.type.sub)) return false;
  if (filter.actors?.length) {
    const ok = filter.actors.some((term) => incident.actors.some((a) => fold(a.name).includes(fold(term))));
    if (!ok) return false;
  }
  if (filter.keywords?.length) {
    const text = [
      incident.title,
      incident.summary,
      ...incident.quotes.flatMap((q) => [q.text, q.speaker, q.organization ?? '']),
      loc.country,
      loc.iso3 ?? '',
      loc.admin1 ?? '',
      loc.admin2 ?? '',
      loc.admin3 ?? '',
      loc.place ?? '',
      ...incident.actors.map((a) => a.name),
      ...incident.tags,
    ].join(' ');
    const tokens = wordsOf(text);
    const ok = filter.keywords.some((keyword) =>
      wordsOf(keyword)
        .filter((w) => !STOP.includes(w))
        .every((w) => tokens.some((t) => t === w || (w.length >= 2 && t.startsWith(w)))),
    );
    if (!ok) return false;
  }
  if (filter.minDeaths !== undefined) {
    let largest = -1;
    for (const claim of incident.casualties) {
      const killed = claim.killed?.best ?? claim.killed?.low;
      if (killed !== undefined && killed > largest) largest = killed;
    }
    if (largest < filter.minDeaths) return false;
  }
  if (filter.regions?.length) {
    const admin1 = loc.admin1;
    if (admin1 === undefined) return false;
    if (!filter.regions.some((r) => wordsOf(r).join(' ') === wordsOf(admin1).join(' '))) return false;
  }
  if (filter.datasets?.length) {
    const ids = incident.external_ids ?? {};
    const from: DatasetName[] = [];
    if (ids.acled !== undefined) from.push('acled');
    if (ids.ucdp !== undefined) from.push('ucdp');
    if (from.length === 0) from.push('hand-written');
    if (!from.some((d) => filter.datasets?.includes(d))) return false;
  }
  return true;
}

function newestFirst(a: Incident, b: Incident): number {
  const da = a.date.end ?? a.date.start;
  const db = b.date.end ?? b.date.start;
  if (da !== db) return da < db ? 1 : -1;
  if (a.date.start !== b.date.start) return a.date.start < b.date.start ? 1 : -1;
  return a.id < b.id ? -1 : 1;
}

describe('digest filters against a plain reference predicate', () => {
  it('selects exactly the incidents the reference accepts, first digest and later, shown and counted', () => {
    const seen = { runs: 0, some: 0, beyondCap: 0, filtered: 0 };
    fc.assert(
      fc.property(fc.array(incidentInput, { maxLength: 45, size: 'max' }), filterArb, (generated, filter) => {
        const incidents = generated.map(toIncident);
        const catalog = makeCatalog(incidents);
        const expected = incidents.filter((i) => reference(filter, i)).sort(newestFirst);
        seen.runs += 1;
        if (expected.length > 0) seen.some += 1;
        if (expected.length > DIGEST_CAPS.regular) seen.beyondCap += 1;
        if (Object.keys(filter).length > 0 && expected.length > 0 && expected.length < incidents.length)
          seen.filtered += 1;
        const ids = (list: readonly { incident: Incident }[]) => list.map((x) => x.incident.id);

        const compiled = compileDigestFilter(catalog, filter);
        for (const incident of incidents)
          expect(matchesDigestFilter(compiled, incident), incident.id).toBe(reference(filter, incident));

        const first = selectDigestItems(catalog, new Map(), undefined, 1, filter, [], { timeline: true });
        expect(first.total).toBe(expected.length);
        expect(ids(first.items)).toEqual(expected.slice(0, DIGEST_CAPS.first).map((i) => i.id));
        const counted = (first.summary?.countries ?? []).reduce((sum, c) => sum + c.count, 0);
        expect(counted).toBe(expected.length);

        const records = new Map<string, SeenRecord>(
          incidents.map((i) => [i.id, { first: 2, versions: [{ t: 2, facets: incidentFacets(i) }] }]),
        );
        const later = selectDigestItems(catalog, records, 1, 3, filter, records.keys(), { timeline: true });
        expect(later.total).toBe(expected.length);
        expect(later.fresh).toBe(expected.length);
        expect(ids(later.items)).toEqual(expected.slice(0, DIGEST_CAPS.regular).map((i) => i.id));
        const laterCounted = (later.summary?.countries ?? []).reduce((sum, c) => sum + c.count, 0);
        expect(laterCounted).toBe(expected.length);
        const hidden = (later.summary?.hidden ?? []).reduce((sum, c) => sum + c.count, 0);
        expect(hidden).toBe(Math.max(0, expected.length - DIGEST_CAPS.regular));
        catalog.close();
      }),
      { numRuns: 300, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false },
    );
    // The generators must exercise the filters: some runs let part of the incidents through, and some
    // let through more than a digest shows (so the counts, not the items, carry the rest).
    expect(seen.filtered).toBeGreaterThan(seen.runs / 5);
    expect(seen.beyondCap).toBeGreaterThan(0);
    console.info('digest filter property:', seen);
  });
});
