// Digest composition, pure: which incidents are due for a channel, and the messages that say so.
import { perCatalog } from '../incidents/cache.ts';
import { type Catalog, compareNewestFirst } from '../incidents/catalog.ts';
import { type Country, countryIndex } from '../incidents/filters.ts';
import type { Incident } from '../incidents/schema.ts';
import { foldKey } from '../incidents/text.ts';
import type { Answer, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { type MessagePayload, toDiscordPages } from '../render/discord.ts';
import { formatQuote, quoteHit } from '../render/format.ts';
import { incidentEntry, NOT_SUMMED } from '../render/present.ts';
import { describeChanges } from './facets.ts';
import type { SeenRecord, SeenVersion } from './tracker.ts';

export interface DigestItem {
  incident: Incident;
  kind: 'new' | 'updated';
  /** For updates: what changed since the version the channel was last told about. */
  changes: string[];
}

export const DIGEST_CAPS = {
  /** A channel's first digest: the current picture, not the whole archive. */
  first: 10,
  /** Any later digest. */
  regular: 25,
  keyQuotes: 3,
  /** Messages one run may post. */
  messages: 10,
} as const;

/**
 * Incidents new or changed since `cursor` (by when the bot saw them, up to `asOf`), newest first,
 * limited to `countries` when given. No cursor (the channel's first digest) → every current incident.
 */
export function selectDigestItems(
  catalog: Catalog,
  recordOf: (id: string) => SeenRecord | undefined,
  cursor: number | undefined,
  asOf: number,
  countries: readonly string[] = [],
  /** The ids that may have changed in (cursor, asOf] (IncidentTracker.changedSince): only those are tested. */
  changedSince?: (from: number, to: number) => Iterable<string>,
): DigestItem[] {
  const wanted = countryFilter(catalog, countries);
  if (cursor === undefined) return firstDigestItems(catalog, countries, wanted);
  const items: DigestItem[] = [];
  let candidates: readonly Incident[] = catalog.incidents;
  if (cursor !== undefined && changedSince) {
    // The same incidents in the same order (the catalog's), without walking the whole catalog.
    const changed: Incident[] = [];
    for (const id of changedSince(cursor, asOf)) {
      const incident = catalog.byId.get(id)?.incident;
      if (incident) changed.push(incident);
    }
    candidates = changed.sort(compareNewestFirst);
  }
  // The cheap tests on the seen-record come first, and nothing is allocated for unchanged incidents.
  for (const incident of candidates) {
    const record = recordOf(incident.id);
    if (!record || record.first > asOf) continue;
    const last = record.versions[record.versions.length - 1];
    // The latest version was seen by both times: then both lookups below find it, and nothing changed.
    if (record.first <= cursor && last !== undefined && last.t <= cursor && last.t <= asOf) continue;
    if (wanted && !wanted(incident)) continue;
    if (record.first > cursor) {
      items.push({ incident, kind: 'new', changes: [] });
      continue;
    }
    const seenThen = lastSeenBy(record.versions, cursor);
    const seenNow = lastSeenBy(record.versions, asOf);
    if (!seenThen || !seenNow || seenThen.facets.hash === seenNow.facets.hash) continue;
    items.push({ incident, kind: 'updated', changes: describeChanges(seenThen.facets, incident) });
  }
  return items;
}

const firstDigests = perCatalog(() => new Map<string, DigestItem[]>());

/**
 * A channel's first digest lists every current incident of its countries: the same list for every
 * channel with the same countries (hundreds may start at once), so it is made once per catalog. Each
 * caller gets its own copy of the array.
 */
function firstDigestItems(
  catalog: Catalog,
  countries: readonly string[],
  wanted: ((incident: Incident) => boolean) | undefined,
): DigestItem[] {
  const lists = firstDigests(catalog);
  const key = countries.join('\u0000');
  let items = lists.get(key);
  if (!items) {
    items = [];
    for (const incident of catalog.incidents) {
      if (!wanted || wanted(incident)) items.push({ incident, kind: 'new', changes: [] });
    }
    lists.set(key, items);
  }
  return items.slice();
}

/** The last version (in list order) seen by time `t`. */
function lastSeenBy(versions: readonly SeenVersion[], t: number): SeenVersion | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i] as SeenVersion;
    if (version.t <= t) return version;
  }
  return undefined;
}

function countryFilter(
  catalog: Catalog,
  countries: readonly string[],
): ((i: Incident) => boolean) | undefined {
  if (countries.length === 0) return undefined;
  const index = countryIndex(catalog);
  const keys = new Set(countries.map(foldKey));
  // The answer depends only on the incident's spelling of its country and the country it belongs to:
  // remember it per pair instead of folding the names again for each incident.
  const known = new Map<Country | undefined, Map<string, boolean>>();
  return (incident) => {
    const country = index.byIncident.get(incident);
    let bySpelling = known.get(country);
    if (!bySpelling) {
      bySpelling = new Map();
      known.set(country, bySpelling);
    }
    const spelling = incident.location.country;
    let match = bySpelling.get(spelling);
    if (match === undefined) {
      match =
        keys.has(foldKey(spelling)) ||
        (country !== undefined &&
          (keys.has(foldKey(country.name)) ||
            (country.iso3 !== undefined && keys.has(foldKey(country.iso3)))));
      bySpelling.set(spelling, match);
    }
    return match;
  };
}

export interface ComposeInput {
  title: string;
  timezone: string;
  items: DigestItem[];
  /** The period covered, by when the bot saw the changes (ms). */
  since: number | undefined;
  asOf: number;
  whenEmpty: 'quiet' | 'post';
}

/** The digest as messages, or nothing when there is nothing to say and the digest stays quiet. */
export function composeDigest(
  input: ComposeInput,
): { answer: Answer; messages: MessagePayload[] } | undefined {
  const { items, title } = input;
  const first = input.since === undefined;
  if (items.length === 0) {
    if (input.whenEmpty === 'quiet') return undefined;
    const answer: Answer = { content: `${title} — nothing new ${periodText(input)}.`, sections: [] };
    return { answer, messages: toDiscordPages(answer, { maxPages: 1 }) };
  }
  const cap = first ? DIGEST_CAPS.first : DIGEST_CAPS.regular;
  const shown = items.slice(0, cap);
  const hidden = items.length - shown.length;
  const sections: Section[] = groupByCountry(shown).map(([country, group]) => ({
    title: country,
    fields: group.map((item) => incidentEntry(item.incident, itemLines(item))),
    color: COLORS.list,
  }));
  const quotes = keyQuotes(shown);
  if (quotes.length > 0)
    sections.push({ title: 'Key quotes', description: quotes.join('\n\n'), color: COLORS.note });
  const more = hidden > 0 ? `${hidden} more — /latest` : undefined;
  sections.push({
    ...(more ? { description: more } : {}),
    footer: NOT_SUMMED,
    color: COLORS.note,
  });
  const answer: Answer = { content: header(input, shown), sections };
  return { answer, messages: toDiscordPages(answer, { maxPages: DIGEST_CAPS.messages }) };
}

function itemLines(item: DigestItem): string[] {
  if (item.kind === 'new') return [];
  return [`Updated: ${item.changes.join('; ') || 'details revised'}`];
}

function groupByCountry(items: DigestItem[]): [string, DigestItem[]][] {
  const groups = new Map<string, DigestItem[]>();
  for (const item of items) {
    const country = item.incident.location.country;
    const group = groups.get(country) ?? [];
    group.push(item);
    groups.set(country, group);
  }
  // Items arrive newest first, so a country's first item is its newest: order countries by it.
  return [...groups];
}

function keyQuotes(items: DigestItem[]): string[] {
  const hits = items.flatMap((item) => item.incident.quotes.map((q) => quoteHit(q, item.incident)));
  hits.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  return hits.slice(0, DIGEST_CAPS.keyQuotes).map((hit) => `${formatQuote(hit)}\n(${hit.incident.title})`);
}

function header(input: ComposeInput, shown: DigestItem[]): string {
  // Counted, not filtered: a first digest has every current incident as an item (100,000 of them).
  let fresh = 0;
  for (const item of input.items) if (item.kind === 'new') fresh += 1;
  const updated = input.items.length - fresh;
  const countries = [...new Set(shown.map((i) => i.incident.location.country))];
  const counts =
    input.since === undefined
      ? `${input.items.length} current incident${input.items.length === 1 ? '' : 's'}`
      : `${[fresh > 0 ? `${fresh} new` : '', updated > 0 ? `${updated} updated` : '']
          .filter(Boolean)
          .join(' and ')} incident${input.items.length === 1 ? '' : 's'}`;
  const where =
    countries.length > 0
      ? ` in ${listAnd(countries.slice(0, 4))}${countries.length > 4 ? ' and more' : ''}`
      : '';
  return `${input.title} · ${formatZoned(input.asOf, input.timezone)} — ${counts}${where} ${periodText(input)}.`;
}

function periodText(input: Pick<ComposeInput, 'since' | 'timezone'>): string {
  return input.since === undefined
    ? '(first digest in this channel)'
    : `since ${formatZoned(input.since, input.timezone)}`;
}

function listAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** "25 Nov 2026 07:00 Europe/Berlin" */
export function formatZoned(ms: number, timezone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
  return `${text.replace(',', '')} ${timezone}`;
}
