// Casualty claims grouped by who claims them and for what period. Figures are listed, never added up.
import type { Catalog } from './catalog.ts';
import { given, resolveCountry, sinceOf, untilOf } from './filters.ts';
import type { Claim, Incident } from './schema.ts';
import { foldKey } from './text.ts';
import type { CasualtyQuery, ClaimGroup } from './types.ts';

/** The period a claim covers: its own, else its incident's dates; an open end is the start day. */
export function claimPeriod(claim: Claim, incident: Incident): { from: string; to: string } {
  if (claim.period) return { from: claim.period.from, to: claim.period.to ?? claim.period.from };
  return { from: incident.date.start, to: incident.date.end ?? incident.date.start };
}

/**
 * Claims whose period overlaps [since, until], one group per claimant (spelling and case aside) and
 * period; newest period first, then by claimant. Two claimants for the same days are two groups.
 */
export function casualtyClaims(
  catalog: Catalog,
  q: CasualtyQuery,
  now: Date,
): { groups: ClaimGroup[]; claims: number } {
  const countryText = given(q.country);
  const incidents =
    countryText === undefined ? catalog.incidents : resolveCountry(catalog, countryText).incidents;
  const since = sinceOf(q.since, now);
  const until = untilOf(q.until, now);

  const groups = new Map<string, ClaimGroup & { order: string }>();
  let claims = 0;
  for (const incident of incidents) {
    for (const claim of incident.casualties) {
      const period = claimPeriod(claim, incident);
      if (since !== undefined && period.to < since) continue;
      if (until !== undefined && period.from > until) continue;
      const claimant = claim.claimant.trim();
      const key = `${claimant.toLowerCase()}\u0000${period.from}\u0000${period.to}`;
      let group = groups.get(key);
      if (!group) {
        group = { claimant, period, rows: [], order: foldKey(claimant) };
        groups.set(key, group);
      }
      group.rows.push({ incident, claim, source: incident.sources.find((s) => s.id === claim.source) });
      claims += 1;
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      compareDesc(a.period.to, b.period.to) ||
      compareAsc(a.order, b.order) ||
      compareAsc(a.claimant, b.claimant) ||
      compareDesc(a.period.from, b.period.from),
  );
  return { groups: sorted.map(({ order: _, ...group }) => group), claims };
}

function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDesc(a: string, b: string): number {
  return -compareAsc(a, b);
}
