// The queries' inputs and answers: the contract between the queries, the commands and the renderers.
// One module of types that the query modules import and queries.ts re-exports, so none of them imports
// another in a circle.
import type { Claim, Incident, Quote, Source } from './schema.ts';

export interface Choice {
  /** Shown to the user; at most 100 characters. */
  name: string;
  /** Sent back as the option value; at most 100 characters. */
  value: string;
}

export interface LatestQuery {
  count?: number; // 1–10, default 5
  country?: string; // country name or ISO3, case- and accent-insensitive
  type?: string; // event type slug or label, or sub-event slug
  since?: string; // see parseSince
}

export interface Page<T> {
  total: number;
  items: T[];
}

export interface QuoteQuery {
  speaker?: string;
  organization?: string;
  incident?: string;
  query?: string;
  count?: number;
}

export interface QuoteHit {
  quote: Quote;
  incident: Incident;
  /** The quote's source entry in its incident. */
  source: Source | undefined;
  /** The quote's date, or its source's publication date. */
  date: string | undefined;
}

export interface SearchQuery {
  query: string;
  country?: string;
  since?: string;
  count?: number;
}

export interface SearchHit {
  incident: Incident;
  score: number;
  /** Which fields matched: title, summary, quotes, place, actors, tags. */
  fields: string[];
}

export interface CasualtyQuery {
  country?: string;
  since?: string;
  until?: string;
}

export interface ClaimRow {
  incident: Incident;
  claim: Claim;
  source: Source | undefined;
}

export interface ClaimGroup {
  claimant: string;
  /** The claim's period, or its incident's dates when the claim gives none. */
  period: { from: string; to: string };
  rows: ClaimRow[];
}

export interface DatasetStats {
  incidents: number;
  countries: number;
  quotes: number;
  claims: number;
  sources: number;
  newest: Incident | undefined;
  /** Earliest start and latest end date over all incidents. */
  span: { from: string; to: string } | undefined;
}
