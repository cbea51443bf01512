// Every quote of a catalog once, with folded speaker and organisation, for /quotes and autocomplete.
import { perCatalog } from './cache.ts';
import type { Catalog } from './catalog.ts';
import { memoized } from './filters.ts';
import type { Incident } from './schema.ts';
import { foldKey } from './text.ts';
import type { QuoteHit } from './types.ts';

export interface QuoteEntry {
  hit: QuoteHit;
  speaker: string;
  organization: string | undefined;
  /** Folded words of the text, space-separated with a leading space; computed on the first word search. */
  words?: string;
}

/** Every quote once, newest first by date (undated last), then in catalog and file order. */
export const quoteEntries = perCatalog((catalog: Catalog): QuoteEntry[] => {
  const entries: QuoteEntry[] = [];
  // Speakers and organisations repeat across thousands of quotes: fold each name once.
  const fold = memoized(foldKey);
  for (const incident of catalog.incidents) entries.push(...entriesOf(incident, fold));
  return sortByDate(entries);
});

export function entriesOf(incident: Incident, fold: (name: string) => string = foldKey): QuoteEntry[] {
  return incident.quotes.map((quote) => {
    const source = incident.sources.find((s) => s.id === quote.source);
    return {
      hit: { quote, incident, source, date: quote.date ?? source?.published },
      speaker: fold(quote.speaker),
      organization: quote.organization === undefined ? undefined : fold(quote.organization),
    };
  });
}

export function sortByDate(entries: QuoteEntry[]): QuoteEntry[] {
  // Array.prototype.sort is stable, so equal dates keep catalog and file order.
  return entries.sort((a, b) => {
    const da = a.hit.date;
    const db = b.hit.date;
    if (da === db) return 0;
    if (da === undefined) return 1;
    if (db === undefined) return -1;
    return da < db ? 1 : -1;
  });
}
