// Quotes across incidents, newest first, filtered by speaker, organisation, incident and words.
import type { Catalog } from './catalog.ts';
import { clampCount, given } from './filters.ts';
import { getIncident } from './lookup.ts';
import { entriesOf, quoteEntries, sortByDate } from './quote-index.ts';
import { foldKey, tokenize } from './text.ts';
import type { Page, QuoteHit, QuoteQuery } from './types.ts';

/** Quotes matching every filter given; `query` words must each start a word of the quote. */
export function findQuotes(catalog: Catalog, q: QuoteQuery): Page<QuoteHit> {
  const count = clampCount(q.count, 5, 1, 25);
  const speaker = optionalKey(q.speaker);
  const organization = optionalKey(q.organization);
  const incidentId = given(q.incident);
  const words = given(q.query) === undefined ? [] : tokenize(q.query ?? '').map((w) => ` ${w}`);

  const entries =
    incidentId === undefined
      ? quoteEntries(catalog)
      : sortByDate(entriesOf(getIncident(catalog, incidentId)));
  const items: QuoteHit[] = [];
  let total = 0;
  for (const entry of entries) {
    if (speaker !== undefined && !entry.speaker.includes(speaker)) continue;
    if (organization !== undefined && !entry.organization?.includes(organization)) continue;
    if (words.length > 0) {
      entry.words ??= ` ${tokenize(entry.hit.quote.text).join(' ')}`;
      const text = entry.words;
      if (!words.every((w) => text.includes(w))) continue;
    }
    total += 1;
    if (items.length < count) items.push(entry.hit);
  }
  return { total, items };
}

function optionalKey(value: string | undefined): string | undefined {
  const text = given(value);
  return text === undefined ? undefined : foldKey(text);
}
