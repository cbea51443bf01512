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

/** Totals per week or per month; chosen by the span asked about (casualties.ts periodFor). */
export type PeriodUnit = 'week' | 'month';

/** One dataset's figures for killed over some events, added up only within that dataset. */
export interface KilledTotals {
  /** Events (claims) counted. */
  events: number;
  /** Sum of the best estimates, over `bestEvents` events. */
  best: number;
  bestEvents: number;
  /** Sums of the low and high estimates of those events (the best where one is not given). */
  bestLow: number;
  bestHigh: number;
  /** Events that give only a lower bound ("at least"), and the sum of those bounds: never a best estimate. */
  atLeast: number;
  atLeastEvents: number;
  /** Events giving only an upper bound, only a range, only words, or no figure for killed: counted, not added. */
  upToEvents: number;
  rangeEvents: number;
  wordedEvents: number;
  noFigureEvents: number;
}

export interface PeriodTotal extends KilledTotals {
  /** The calendar week (Monday to Sunday) or month, cut to the days the answer covers. */
  from: string;
  to: string;
}

export interface DeadlyEvent {
  incident: Incident;
  claim: Claim;
  /** The reports the dataset coded the event from, as detail ("Xinhua; Pajhwok Afghan News"). */
  codedFrom: string | undefined;
}

export interface PlaceTotal {
  /** The province (admin1); undefined when the events give none. */
  place: string | undefined;
  country: string;
  events: number;
  /** Sum of the best estimates of killed. */
  best: number;
}

/** One dataset claimant ("ACLED", "UCDP GED 19.1"): its figures totalled within itself only. */
export interface DatasetSummary {
  claimant: string;
  /** First and last day of the events' periods. */
  span: { from: string; to: string };
  totals: KilledTotals;
  /** Newest first; every week or month of the answer's span, empty ones included. */
  periods: PeriodTotal[];
  /** Largest single-event figures, largest first. */
  deadliest: DeadlyEvent[];
  /** Provinces by the sum of best estimates, largest first. */
  places: PlaceTotal[];
}

/** /casualties: dataset claimants totalled per period; hand-written claims listed per claimant and period. */
export interface CasualtyResult {
  /** Hand-written claims grouped by claimant and period (see casualtyClaims). */
  groups: ClaimGroup[];
  /** Every claim matched: hand-written and datasets' events. */
  claims: number;
  datasets: DatasetSummary[];
  unit: PeriodUnit;
  /** Hand-written claims matched, their claimants, and how many of them `groups` lists. */
  handWritten: { claims: number; claimants: number; listed: number };
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
