// /casualties: who claims how many killed, and for what period. A dataset's events (ACLED, UCDP GED x)
// are that dataset's claims, added up within the dataset per week or month (casualty-datasets.ts).
// Hand-written claims are listed per claimant and period, never added up. Nothing is ever added up
// across claimants.

import { datasetSummaries, whereSql } from './casualty-datasets.ts';
import { type Catalog, incidentOf, NEWEST_FIRST } from './catalog.ts';
import { datasetOf } from './claimants.ts';
import { countryCondition, given, resolveCountry, sinceOf, untilOf } from './filters.ts';
import type { Claim, Incident } from './schema.ts';
import { foldKey } from './text.ts';
import type { CasualtyQuery, CasualtyResult, ClaimGroup } from './types.ts';

export { DEADLIEST, periodFor, periodStart, WEEKLY_UP_TO_DAYS } from './casualty-datasets.ts';

/**
 * Hand-written claims are read from at most this many incidents, newest first (more than 20 pages
 * show); the rest are counted, so the cost stays bounded however much matches.
 */
export const HAND_WRITTEN_INCIDENTS = 500;

/** The period a claim covers: its own, else its incident's dates; an open end is the start day. */
export function claimPeriod(claim: Claim, incident: Incident): { from: string; to: string } {
  if (claim.period) return { from: claim.period.from, to: claim.period.to ?? claim.period.from };
  return { from: incident.date.start, to: incident.date.end ?? incident.date.start };
}

/**
 * Claims whose period overlaps [since, until]. Datasets' events are totalled per dataset (SQL over the
 * claims table; only the deadliest events' files are read). Hand-written claims come as one group per
 * claimant (spelling and case aside) and period, newest period first, then by claimant; two claimants
 * for the same days are two groups.
 */
export function casualtyClaims(catalog: Catalog, q: CasualtyQuery, now: Date): CasualtyResult {
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
  const datasets = datasetSummaries(catalog, [...where, 'c.dataset IS NOT NULL'], params);
  const events = datasets.summaries.reduce((n, d) => n + d.totals.events, 0);
  // Every claim matched, counted on the claims table's period indexes alone; the rest are hand-written.
  const all = catalog
    .statement<string[], number>(`SELECT COUNT(*) FROM claims c ${whereSql(where)}`)
    .pluck(true)
    .get(...params);
  const hand = handWrittenClaims(catalog, [...where, 'c.dataset IS NULL'], params, {
    since,
    until,
    claims: Number(all ?? 0) - events,
  });
  return {
    groups: hand.groups,
    claims: hand.claims + events,
    datasets: datasets.summaries,
    unit: datasets.unit,
    handWritten: { claims: hand.claims, claimants: hand.claimants, listed: hand.listed },
  };
}

/**
 * Hand-written claims, grouped as casualtyClaims says, from at most HAND_WRITTEN_INCIDENTS incidents
 * (newest first; each parsed once for all its claims). All of them are counted in SQL.
 */
function handWrittenClaims(
  catalog: Catalog,
  where: readonly string[],
  params: readonly string[],
  range: { since: string | undefined; until: string | undefined; claims: number },
): { groups: ClaimGroup[]; claims: number; claimants: number; listed: number } {
  const filter = whereSql(where);
  if (range.claims <= 0) return { groups: [], claims: 0, claimants: 0, listed: 0 };
  const bodies = catalog
    .statement<(string | number)[], string>(
      `SELECT body FROM incidents WHERE rowid IN (SELECT c.incident FROM claims c ${filter})
       ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    )
    .pluck(true)
    .iterate(...params, HAND_WRITTEN_INCIDENTS) as IterableIterator<string>;

  const { since, until } = range;
  const groups = new Map<string, ClaimGroup & { order: string }>();
  let listed = 0;
  for (const body of bodies) {
    const incident = incidentOf({ body });
    for (const claim of incident.casualties) {
      if (datasetOf(claim, incident) !== undefined) continue;
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
      listed += 1;
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      compareDesc(a.period.to, b.period.to) ||
      compareAsc(a.order, b.order) ||
      compareAsc(a.claimant, b.claimant) ||
      compareDesc(a.period.from, b.period.from),
  );
  // Their claimants are counted from the groups when every claim is listed, else in SQL.
  const claimants =
    listed >= range.claims
      ? new Set(sorted.map((g) => g.claimant.toLowerCase())).size
      : Number(
          catalog
            .statement<string[], number>(`SELECT COUNT(DISTINCT c.claimant_fold) FROM claims c ${filter}`)
            .pluck(true)
            .get(...params) ?? 0,
        );
  return {
    groups: sorted.map(({ order: _, ...group }) => group),
    claims: range.claims,
    claimants,
    listed,
  };
}

function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDesc(a: string, b: string): number {
  return -compareAsc(a, b);
}
