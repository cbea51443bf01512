// Casualty claims grouped by who claims them and for what period. Figures are listed, never added up.
import { type Catalog, incidentOf, NEWEST_FIRST } from './catalog.ts';
import { countryCondition, given, resolveCountry, sinceOf, untilOf } from './filters.ts';
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
 *
 * The claims table (its periods and country indexed) finds the incidents with such claims; each is parsed
 * once, newest first, and its claims are filtered and grouped here.
 */
export function casualtyClaims(
  catalog: Catalog,
  q: CasualtyQuery,
  now: Date,
): { groups: ClaimGroup[]; claims: number } {
  const countryText = given(q.country);
  const country = countryText === undefined ? undefined : resolveCountry(catalog, countryText);
  const since = sinceOf(q.since, now);
  const until = untilOf(q.until, now);

  const where: string[] = [];
  const params: string[] = [];
  if (country !== undefined) {
    const c = countryCondition(country, 'c.country_key');
    where.push(c.sql);
    params.push(...c.params);
  }
  if (since !== undefined) {
    where.push('c.period_to >= ?');
    params.push(since);
  }
  if (until !== undefined) {
    // Leads (claims_from) only alone: with a country or a since, their index narrows better.
    where.push(where.length === 0 ? 'c.period_from <= ?' : '+c.period_from <= ?');
    params.push(until);
  }
  // Each incident with such claims once, newest first: its body is parsed once for all its claims.
  const bodies = catalog
    .statement<string[], string>(
      `SELECT body FROM incidents WHERE rowid IN
       (SELECT c.incident FROM claims c ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`})
       ORDER BY ${NEWEST_FIRST}`,
    )
    .pluck(true)
    .iterate(...params) as IterableIterator<string>;

  const groups = new Map<string, ClaimGroup & { order: string }>();
  let claims = 0;
  for (const body of bodies) {
    const incident = incidentOf({ body });
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
