// The lead of a bulk digest, as answer text: counts by country and event type, the deadliest new
// incidents with their claimants, and the /latest filters that list what the digest does not show.
import type { EventType } from '../incidents/taxonomy.ts';
import type { AnswerField, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { formatClaimPeriod, formatFigure, formatNumber } from '../render/format.ts';
import { truncate } from '../render/truncate.ts';
import { type CountryCount, type DigestSummary, eventLabel, SUMMARY_CAPS } from './summary.ts';

/**
 * The lead of a digest with more items than it shows: counts by country and event type (adding up to
 * the run's total), the deadliest new incidents, and the /latest filters that list the rest.
 */
export function summarySection(
  summary: DigestSummary,
  total: number,
  shown: number,
  more: string[],
): Section {
  const fields: AnswerField[] = [
    {
      name: 'By country',
      value: countsLine(
        summary.countries.map((c) => [c.name, c.count]),
        'other countries',
      ),
    },
    {
      name: 'By event type',
      value: countsLine(
        summary.types.map((t) => [eventLabel(t.type), t.count]),
        'other types',
      ),
    },
  ];
  if (summary.deadliest.length > 0) {
    fields.push({
      name: 'Deadliest new incidents (largest single claimed figure; claims are not added up)',
      value: summary.deadliest
        .map(
          ({ incident, claim }) =>
            `• ${formatFigure(claim.killed ?? {})} killed — ${claim.claimant}, ${formatClaimPeriod(claim, incident)}: ${truncate(incident.title, 100)} (${incident.location.country}; id: ${incident.id})`,
        )
        .join('\n'),
    });
  }
  fields.push({ name: 'Not shown here', value: more.join('\n') });
  return {
    title: `Summary: ${formatNumber(total)} incident${total === 1 ? '' : 's'}, the newest ${formatNumber(shown)} shown below`,
    fields,
    color: COLORS.list,
  };
}

/** "Syria 600 · Iraq 400 · 3 other countries 12": every count, so they add up to the total. */
function countsLine(counts: [string, number][], others: string): string {
  // One left over is named rather than counted as "1 other".
  const cut = counts.length === SUMMARY_CAPS.countries + 1 ? counts.length : SUMMARY_CAPS.countries;
  const named = counts.slice(0, cut);
  const rest = counts.slice(cut);
  const parts = named.map(([name, n]) => `${name} ${formatNumber(n)}`);
  if (rest.length > 0)
    parts.push(`${rest.length} ${others} ${formatNumber(rest.reduce((sum, [, n]) => sum + n, 0))}`);
  return parts.join(' · ');
}

/**
 * "975 more — /latest since:2016-01-03": the /latest filter that lists every incident not shown, and
 * when they are in several countries, one per country (a line each, the largest first). A filter names
 * the country, the event type when they all share one, and since the earliest of their dates: /latest
 * filters by incident date, so an import of old events is found where a date of posting would miss it.
 */
export function moreLines(summary: Pick<DigestSummary, 'hidden'>, hidden: number): string[] {
  const countries = summary.hidden;
  const only = countries.length === 1 ? countries[0] : undefined;
  if (only) return [`${formatNumber(hidden)} more — ${latestFilter(only)}`];
  const types = new Set(countries.flatMap((c) => c.types.map((t) => t.type)));
  const overall = latestFilter({
    name: undefined,
    first: countries.map((c) => c.first).sort()[0] ?? '',
    types: types.size === 1 ? [{ type: [...types][0] as EventType, count: hidden }] : [],
  });
  if (countries.length === 0) return [`${formatNumber(hidden)} more — ${overall}`];
  const lines = [`${formatNumber(hidden)} more — ${overall}; by country:`];
  const cut = countries.length === SUMMARY_CAPS.countries + 1 ? countries.length : SUMMARY_CAPS.countries;
  for (const country of countries.slice(0, cut))
    lines.push(`• ${country.name}: ${formatNumber(country.count)} — ${latestFilter(country)}`);
  const rest = countries.slice(cut);
  if (rest.length > 0) {
    const n = rest.reduce((sum, c) => sum + c.count, 0);
    lines.push(`• ${rest.length} other countries: ${formatNumber(n)} (the first filter lists them too)`);
  }
  return lines;
}

/** "/latest country:Syria type:Battles since:2016-01-03": lists every one of `country`'s incidents. */
export function latestFilter(
  country: Pick<CountryCount, 'first' | 'types'> & { name: string | undefined },
): string {
  const only = country.types.length === 1 ? country.types[0] : undefined;
  const parts = [
    ...(country.name === undefined ? [] : [`country:${country.name}`]),
    ...(only ? [`type:${eventLabel(only.type)}`] : []),
    `since:${country.first}`,
  ];
  return `/latest ${parts.join(' ')}`;
}
