// What a digest needs to know about an incident's content: a hash of the whole, and short keys of its
// parts, so "what changed" can be said (a new casualty claim, a new quote, a revised date). Pure.
import { hash } from 'node:crypto';
import type { Incident } from '../incidents/schema.ts';

export interface Facets {
  /** Hash of the whole incident: equal hashes mean nothing changed. */
  hash: string;
  date: string;
  title: string;
  summary: string;
  location: string;
  type: string;
  claims: string[];
  quotes: string[];
  sources: string[];
}

// The tracker hashes every incident when the bot starts (100,000 at a time): the one-shot hash and a
// plain loop for canonical() give the same strings as createHash() and entries/sort/fromEntries did,
// several times faster.
function shortHash(value: unknown): string {
  return hash('sha1', JSON.stringify(value), 'base64url').slice(0, 10);
}

/** Key order does not matter: `{a, b}` and `{b, a}` hash the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // No prototype: a "__proto__" key stays a plain property, as with Object.fromEntries.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of keys) {
      const v = record[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

export function incidentFacets(incident: Incident): Facets {
  const c = canonical(incident) as Incident;
  return {
    hash: shortHash(c),
    date: `${incident.date.start}${incident.date.end ? `..${incident.date.end}` : ''}/${incident.date.precision}`,
    title: shortHash(c.title),
    summary: shortHash(c.summary),
    location: shortHash(c.location),
    type: shortHash(c.type),
    // Already canonical: claimKey and quoteKey would make the same copy again.
    claims: c.casualties.map(shortHash),
    quotes: c.quotes.map(shortHash),
    sources: c.sources.map((s) => shortHash(s)),
  };
}

export function claimKey(claim: Incident['casualties'][number]): string {
  return shortHash(canonical(claim));
}

export function quoteKey(quote: Incident['quotes'][number]): string {
  return shortHash(canonical(quote));
}

/**
 * Describes how `incident` differs from the version whose facets were `before`, in words a reader
 * wants: "new casualty claim by Syrian military", "date revised (28 Oct → 29 Oct 2016)".
 */
export function describeChanges(before: Facets, incident: Incident): string[] {
  const after = incidentFacets(incident);
  const changes: string[] = [];
  const oldClaims = new Set(before.claims);
  const claimants = incident.casualties.filter((c) => !oldClaims.has(claimKey(c))).map((c) => c.claimant);
  const removedClaims = before.claims.filter((k) => !after.claims.includes(k)).length;
  if (claimants.length > 0) {
    const verb = removedClaims > 0 ? 'casualty claim revised or added' : 'new casualty claim';
    changes.push(`${verb}${claimants.length > 1 ? 's' : ''} by ${[...new Set(claimants)].join(', ')}`);
  } else if (removedClaims > 0) changes.push(`casualty claim${removedClaims > 1 ? 's' : ''} withdrawn`);
  const oldQuotes = new Set(before.quotes);
  const speakers = incident.quotes.filter((q) => !oldQuotes.has(quoteKey(q))).map((q) => q.speaker);
  if (speakers.length > 0)
    changes.push(`new quote${speakers.length > 1 ? 's' : ''} (${[...new Set(speakers)].join(', ')})`);
  else if (before.quotes.some((k) => !after.quotes.includes(k))) changes.push('quote removed');
  if (before.date !== after.date)
    changes.push(`date revised (was ${before.date.split('/')[0]?.replace('..', ' to ')})`);
  if (before.title !== after.title) changes.push('title revised');
  if (before.summary !== after.summary) changes.push('summary revised');
  if (before.location !== after.location) changes.push('location revised');
  if (before.type !== after.type) changes.push('event type revised');
  if (
    before.sources.some((k) => !after.sources.includes(k)) ||
    after.sources.some((k) => !before.sources.includes(k))
  ) {
    changes.push('sources revised');
  }
  if (changes.length === 0 && before.hash !== after.hash) changes.push('details revised');
  return changes;
}
