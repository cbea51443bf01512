// The obvious implementation, for comparison: every query is a linear scan over the incidents as they
// were loaded (file order), filtering with lower-cased substring tests and sorting what matched.
import type { Incident, Quote } from '../src/incidents/schema.ts';

const sortDate = (incident: Incident) => incident.date.end ?? incident.date.start;
const newestFirst = (a: Incident, b: Incident) =>
  sortDate(a) < sortDate(b) ? 1 : sortDate(a) > sortDate(b) ? -1 : 0;

function inCountry(incident: Incident, country: string | undefined): boolean {
  if (country === undefined) return true;
  const wanted = country.toLowerCase();
  return (
    incident.location.country.toLowerCase() === wanted || incident.location.iso3?.toLowerCase() === wanted
  );
}

export function naiveLatest(
  incidents: readonly Incident[],
  q: { count: number; country?: string; type?: string; since?: string },
): Incident[] {
  return incidents
    .filter(
      (i) =>
        inCountry(i, q.country) &&
        (q.type === undefined || i.type.event === q.type || i.type.sub === q.type) &&
        (q.since === undefined || sortDate(i) >= q.since),
    )
    .sort(newestFirst)
    .slice(0, q.count);
}

export function naiveIncident(incidents: readonly Incident[], id: string): Incident | undefined {
  return incidents.find((i) => i.id === id);
}

export function naiveSuggestIncidents(incidents: readonly Incident[], typed: string): string[] {
  const t = typed.toLowerCase();
  return incidents
    .filter((i) => i.id.includes(t) || i.title.toLowerCase().includes(t))
    .sort(newestFirst)
    .slice(0, 25)
    .map((i) => i.id);
}

function countNames(names: Iterable<string>, typed: string): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const t = typed.toLowerCase();
  return [...counts]
    .filter(([name]) => name.toLowerCase().includes(t))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([name]) => name);
}

export function naiveSuggestCountries(incidents: readonly Incident[], typed: string): string[] {
  return countNames(
    incidents.map((i) => i.location.country),
    typed,
  );
}

export function naiveSuggestSpeakers(incidents: readonly Incident[], typed: string): string[] {
  return countNames(
    incidents.flatMap((i) => i.quotes.map((q) => q.speaker)),
    typed,
  );
}

function searchText(i: Incident): string {
  const { country, iso3, admin1, admin2, admin3, place } = i.location;
  return [
    i.title,
    i.summary,
    ...i.quotes.map((q) => `${q.text} ${q.speaker} ${q.organization ?? ''}`),
    country,
    iso3,
    admin1,
    admin2,
    admin3,
    place,
    ...i.actors.map((a) => a.name),
    ...i.tags,
  ]
    .join(' ')
    .toLowerCase();
}

/** Incidents containing every word, those with more occurrences first, then newest. */
export function naiveSearch(
  incidents: readonly Incident[],
  q: { query: string; country?: string; since?: string },
): Incident[] {
  const words = q.query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: { incident: Incident; score: number }[] = [];
  for (const incident of incidents) {
    if (!inCountry(incident, q.country)) continue;
    if (q.since !== undefined && sortDate(incident) < q.since) continue;
    const text = searchText(incident);
    let score = 0;
    for (const word of words) {
      const found = text.split(word).length - 1;
      if (found === 0) {
        score = 0;
        break;
      }
      score += found;
    }
    if (score > 0) hits.push({ incident, score });
  }
  return hits
    .sort((a, b) => b.score - a.score || newestFirst(a.incident, b.incident))
    .slice(0, 5)
    .map((h) => h.incident);
}

export function naiveQuotes(
  incidents: readonly Incident[],
  q: { speaker?: string; organization?: string; query?: string; count: number },
): Quote[] {
  const speaker = q.speaker?.toLowerCase();
  const organization = q.organization?.toLowerCase();
  const words = (q.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const hits: { quote: Quote; date: string }[] = [];
  for (const incident of incidents) {
    for (const quote of incident.quotes) {
      if (speaker !== undefined && !quote.speaker.toLowerCase().includes(speaker)) continue;
      if (organization !== undefined && !quote.organization?.toLowerCase().includes(organization)) continue;
      const text = quote.text.toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
      hits.push({ quote, date: quote.date ?? sortDate(incident) });
    }
  }
  return hits
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, q.count)
    .map((h) => h.quote);
}

export function naiveCasualties(
  incidents: readonly Incident[],
  q: { country?: string; since?: string; until?: string },
): { claimant: string; from: string; to: string; rows: number }[] {
  const groups = new Map<string, { claimant: string; from: string; to: string; rows: number }>();
  for (const incident of incidents) {
    if (!inCountry(incident, q.country)) continue;
    for (const claim of incident.casualties) {
      const from = claim.period?.from ?? incident.date.start;
      const to = claim.period?.to ?? claim.period?.from ?? incident.date.end ?? incident.date.start;
      if (q.since !== undefined && to < q.since) continue;
      if (q.until !== undefined && from > q.until) continue;
      const key = `${claim.claimant.toLowerCase()}|${from}|${to}`;
      const group = groups.get(key) ?? { claimant: claim.claimant, from, to, rows: 0 };
      group.rows += 1;
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) =>
    a.to < b.to ? 1 : a.to > b.to ? -1 : a.claimant.localeCompare(b.claimant),
  );
}

export function naiveStats(incidents: readonly Incident[]): {
  countries: number;
  quotes: number;
  claims: number;
} {
  const countries = new Set<string>();
  let quotes = 0;
  let claims = 0;
  for (const incident of incidents) {
    countries.add(incident.location.country);
    quotes += incident.quotes.length;
    claims += incident.casualties.length;
  }
  return { countries: countries.size, quotes, claims };
}
