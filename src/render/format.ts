// Editorial formatting: every figure with its claimant and period, quotes verbatim with attribution,
// sources with their affiliation. Returns raw text; the Discord renderer escapes markdown.
import type { ClaimGroup, QuoteHit } from '../incidents/queries.ts';
import type { Claim, Figure, Incident, Source } from '../incidents/schema.ts';
import { formatDate, formatDateRange } from './dates.ts';

export { describePrecision, formatDate, formatDateRange, formatTimestamp } from './dates.ts';
export { escapeMarkdown, neutraliseMentions } from './markdown.ts';

const numbers = new Intl.NumberFormat('en-GB');

export function formatNumber(n: number): string {
  return numbers.format(n);
}

/**
 * One claimed figure: its own wording when the claimant gave one ("scores", "at least 84"), else the
 * best estimate with any range ("84 (70–90)"), else the range ("70–90", "at least 70", "up to 90").
 */
export function formatFigure(fig: Figure): string {
  if (fig.text !== undefined) return fig.text;
  const { best, low, high } = fig;
  const range =
    low !== undefined && high !== undefined
      ? low === high
        ? formatNumber(low)
        : `${formatNumber(low)}–${formatNumber(high)}`
      : low !== undefined
        ? `at least ${formatNumber(low)}`
        : high !== undefined
          ? `up to ${formatNumber(high)}`
          : undefined;
  if (best === undefined) return range ?? '';
  if (range === undefined || (low === best && high === best)) return formatNumber(best);
  return `${formatNumber(best)} (${range})`;
}

/** "at least 84 killed, 280 injured" — the figures of one claim, without attribution. */
export function formatFigures(claim: Pick<Claim, 'killed' | 'injured'>): string {
  const parts: string[] = [];
  if (claim.killed !== undefined) parts.push(`${formatFigure(claim.killed)} killed`);
  if (claim.injured !== undefined) parts.push(`${formatFigure(claim.injured)} injured`);
  return parts.join(', ');
}

/** "civilians 40, side A 3": UCDP's deaths by side, when the claim breaks them down. */
export function formatBreakdown(breakdown: Claim['breakdown']): string | undefined {
  if (breakdown === undefined) return undefined;
  const labels = { civilians: 'civilians', side_a: 'side A', side_b: 'side B', unknown: 'unknown' } as const;
  const parts = (Object.keys(labels) as (keyof typeof labels)[])
    .filter((key) => breakdown[key] !== undefined)
    .map((key) => `${labels[key]} ${formatNumber(breakdown[key] ?? 0)}`);
  return parts.length > 0 ? `killed by side: ${parts.join(', ')}` : undefined;
}

/** The period a claim covers: its own, or its incident's dates at their precision. */
export function formatClaimPeriod(claim: Claim, incident: Incident): string {
  if (claim.period !== undefined) return formatDateRange(claim.period.from, claim.period.to);
  return formatDateRange(incident.date.start, incident.date.end, incident.date.precision);
}

/** "Syrian military, 28–30 Oct 2016": who claims it, for what period. */
export function formatAttribution(claimant: string, period: string): string {
  return `${claimant}, ${period}`;
}

/**
 * `at least 84 killed, 280 injured — Syrian military, 28–30 Oct 2016`: a claim is never shown
 * without its claimant and period. The claim's note follows the figures in parentheses.
 */
export function formatClaimHeadline(claim: Claim, incident: Incident): string {
  return `${formatClaimFigures(claim)} — ${formatAttribution(claim.claimant, formatClaimPeriod(claim, incident))}`;
}

/** The figures and the note, for rows already under a claimant-and-period heading. */
export function formatClaimFigures(claim: Claim): string {
  const note = claim.note === undefined ? '' : ` (${claim.note})`;
  return `${formatFigures(claim)}${note}`;
}

/** "Syrian military · 28–30 Oct 2016", the heading of a claimant-and-period group. */
export function formatClaimGroupHeading(group: Pick<ClaimGroup, 'claimant' | 'period'>): string {
  return `${group.claimant} · ${formatDateRange(group.period.from, group.period.to)}`;
}

/** "Press TV (state-affiliated (Iran))". */
export function formatSourceName(source: Source): string {
  return source.affiliation === undefined ? source.name : `${source.name} (${source.affiliation})`;
}

/** "SANA (…) via Press TV (…)": the source, and the outlet it was carried by. */
function formatSourceChain(source: Source, all: readonly Source[]): string {
  if (source.via === undefined) return formatSourceName(source);
  const via = all.find((s) => s.id === source.via);
  return `${formatSourceName(source)} via ${via === undefined ? source.via : formatSourceName(via)}`;
}

/** "Press TV (state-affiliated (Iran)), 31 Oct 2016", then "via …" and the link when known. */
export function formatSource(source: Source, all: readonly Source[]): string {
  let out = formatSourceName(source);
  if (source.published !== undefined) out += `, ${formatDate(source.published)}`;
  if (source.via !== undefined) {
    const via = all.find((s) => s.id === source.via);
    out += `, via ${via === undefined ? source.via : formatSourceName(via)}`;
  }
  if (source.url !== undefined) out += ` · ${source.url}`;
  return out;
}

/** The source a claim or quote cites, by name and affiliation; its id when it cannot be found. */
export function formatSourceRef(id: string, incident: Incident): string {
  const source = incident.sources.find((s) => s.id === id);
  return source === undefined ? id : formatSourceChain(source, incident.sources);
}

/**
 * "— Samah Hadid, Deputy Director of Campaigns, Beirut regional office, Amnesty International ·
 * 31 Oct 2016 · Press TV (state-affiliated (Iran))".
 */
export function formatQuoteAttribution(hit: QuoteHit): string {
  const { quote, incident, source, date } = hit;
  const who = [quote.speaker, quote.role, quote.organization].filter((p) => p !== undefined).join(', ');
  const parts = [`— ${who}`];
  if (date !== undefined) parts.push(formatDate(date));
  parts.push(source === undefined ? quote.source : formatSourceChain(source, incident.sources));
  return parts.join(' · ');
}

/** The verbatim quote in quotation marks, then its attribution line. */
export function formatQuote(hit: QuoteHit): string {
  return `“${hit.quote.text}”\n${formatQuoteAttribution(hit)}`;
}

/** A QuoteHit for a quote of an incident (the quote's date, else its source's publication date). */
export function quoteHit(quote: Incident['quotes'][number], incident: Incident): QuoteHit {
  const source = incident.sources.find((s) => s.id === quote.source);
  return { quote, incident, source, date: quote.date ?? source?.published };
}

/** "28–30 Oct 2016" for an incident, at the precision its dates are known. */
export function formatIncidentDate(incident: Incident): string {
  return formatDateRange(incident.date.start, incident.date.end, incident.date.precision);
}
