// Digest composition, pure: which incidents are due for a channel, and the messages that say so.
import { type Catalog, compareNewestRows, incidentOf, NEWEST_FIRST } from '../incidents/catalog.ts';
import { countryIndex } from '../incidents/filters.ts';
import type { Incident } from '../incidents/schema.ts';
import { foldKey } from '../incidents/text.ts';
import type { Answer, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { type MessagePayload, toDiscordPages } from '../render/discord.ts';
import { formatNumber, formatQuote, quoteHit } from '../render/format.ts';
import { incidentEntry, NOT_SUMMED } from '../render/present.ts';
import { describeChanges } from './facets.ts';
import { countryScope, type DigestSummary, rowidScope, summarizeDue, summarizeIncidents } from './summary.ts';
import { moreLines, summarySection } from './summary-section.ts';
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

export interface DigestSelection {
  /** The items a digest shows, newest first: at most its cap (DIGEST_CAPS). */
  items: DigestItem[];
  /** Every item due, shown or not. */
  total: number;
  /** Of `total`: new incidents, and updated ones. */
  fresh: number;
  updated: number;
  /**
   * Counted in SQL over every item due (selectDigestItems): present when more are due than shown, or
   * when a timeline was asked for (the chart).
   */
  summary?: DigestSummary;
}

export interface SelectOptions {
  /** Count the due incidents per day, week or month and country too (DIGEST_<n>_CHART). */
  timeline?: boolean;
}

type CandidateRow = { rowid: number; id: string; country_key: string; sort_date: string; start_date: string };

/**
 * Incidents new or changed since `cursor` (by when the bot saw them, up to `asOf`), newest first,
 * limited to `countries` when given. `changed` are the ids the tracker logged as changed in (cursor,
 * asOf] with their `records`: only those are tested, and only the shown ones are read whole. No cursor
 * (the channel's first digest) → the current incidents, newest first, counted in SQL.
 */
export function selectDigestItems(
  catalog: Catalog,
  records: ReadonlyMap<string, SeenRecord>,
  cursor: number | undefined,
  asOf: number,
  countries: readonly string[] = [],
  changed: Iterable<string> = records.keys(),
  options: SelectOptions = {},
): DigestSelection {
  const keys = countryKeys(catalog, countries);
  if (cursor === undefined) return firstDigestItems(catalog, keys, options);
  const due: { row: CandidateRow; record: SeenRecord; kind: 'new' | 'updated' }[] = [];
  const select = catalog.statement<[string], CandidateRow>(
    'SELECT rowid, id, country_key, sort_date, start_date FROM incidents WHERE id = ?',
  );
  for (const id of new Set(changed)) {
    const record = records.get(id);
    if (!record || record.first > asOf) continue;
    const last = record.versions[record.versions.length - 1];
    // The latest version was seen by both times: then both lookups below find it, and nothing changed.
    if (record.first <= cursor && last !== undefined && last.t <= cursor && last.t <= asOf) continue;
    const row = select.get(id);
    if (!row || (keys && !keys.has(row.country_key))) continue;
    if (record.first > cursor) {
      due.push({ row, record, kind: 'new' });
      continue;
    }
    const seenThen = lastSeenBy(record.versions, cursor);
    const seenNow = lastSeenBy(record.versions, asOf);
    if (!seenThen || !seenNow || seenThen.facets.hash === seenNow.facets.hash) continue;
    due.push({ row, record, kind: 'updated' });
  }
  due.sort((a, b) => compareNewestRows(a.row, b.row));
  const items: DigestItem[] = [];
  const shown: number[] = [];
  for (const { row, record, kind } of due.slice(0, DIGEST_CAPS.regular)) {
    const incident = catalog.get(row.id);
    if (!incident) continue;
    shown.push(row.rowid);
    const seenThen = lastSeenBy(record.versions, cursor);
    items.push({
      incident,
      kind,
      changes: kind === 'updated' && seenThen ? describeChanges(seenThen.facets, incident) : [],
    });
  }
  const fresh = due.filter((d) => d.kind === 'new').length;
  const selection: DigestSelection = { items, total: due.length, fresh, updated: due.length - fresh };
  if (due.length <= items.length && !options.timeline) return selection;
  // Counted over every due row by rowid in SQL; only the deadliest few are read whole.
  const summary = summarizeDue(catalog, rowidScope(due.map((d) => d.row.rowid)), {
    fresh: rowidScope(due.filter((d) => d.kind === 'new').map((d) => d.row.rowid)),
    shown,
    ...(options.timeline ? { timeline: true } : {}),
  });
  return { ...selection, summary };
}

/**
 * A channel's first digest: the current incidents of its countries, of which it shows the newest
 * (DIGEST_CAPS.first) and counts the rest, both straight from the index.
 */
function firstDigestItems(
  catalog: Catalog,
  keys: ReadonlySet<string> | undefined,
  options: SelectOptions,
): DigestSelection {
  const list = keys === undefined ? undefined : [...keys];
  const where = list === undefined ? '' : `WHERE country_key IN (${list.map(() => '?').join(', ')})`;
  const params = list ?? [];
  const rows = catalog
    .statement<unknown[], { rowid: number; body: string }>(
      `SELECT rowid, body FROM incidents ${where} ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    )
    .all(...params, DIGEST_CAPS.first);
  const shown = rows.map(incidentOf);
  const total =
    list === undefined
      ? catalog.size
      : (catalog
          .statement<unknown[], number>(`SELECT count(*) FROM incidents ${where}`)
          .pluck()
          .get(...params) as number);
  const selection: DigestSelection = {
    items: shown.map((incident) => ({ incident, kind: 'new', changes: [] })),
    total,
    fresh: total,
    updated: 0,
  };
  if (total <= shown.length && !options.timeline) return selection;
  const scope = countryScope(list);
  return {
    ...selection,
    summary: summarizeDue(catalog, scope, {
      fresh: scope,
      shown: rows.map((row) => row.rowid),
      ...(options.timeline ? { timeline: true } : {}),
    }),
  };
}

/** The last version (in list order) seen by time `t`. */
function lastSeenBy(versions: readonly SeenVersion[], t: number): SeenVersion | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i] as SeenVersion;
    if (version.t <= t) return version;
  }
  return undefined;
}

/**
 * The index's country keys of the digest's countries (names in any spelling, or ISO3 codes); undefined
 * when the digest has none (every country). A country not in the data matches nothing yet.
 */
function countryKeys(catalog: Catalog, countries: readonly string[]): Set<string> | undefined {
  if (countries.length === 0) return undefined;
  const index = countryIndex(catalog);
  const keys = new Set<string>();
  for (const name of countries) {
    const country = index.byKey.get(foldKey(name));
    for (const key of country?.keys ?? []) keys.add(key);
  }
  return keys;
}

export interface ComposeInput {
  title: string;
  timezone: string;
  /** The items to show (a selection's, or all of them: only the cap is shown). */
  items: DigestItem[];
  /** Every item due, with how many are new and updated (selectDigestItems); else counted from `items`. */
  total?: number;
  fresh?: number;
  updated?: number;
  /** Counted over every item due (selectDigestItems); else counted from `items`. */
  summary?: DigestSummary;
  /** The picture of the run's incidents (DIGEST_<n>_CHART), attached to the first message. */
  picture?: DigestPicture;
  /** The period covered, by when the bot saw the changes (ms). */
  since: number | undefined;
  asOf: number;
  whenEmpty: 'quiet' | 'post';
}

/** A chart of the run (charts/digest-chart.ts): PNG bytes and their text alternative. */
export interface DigestPicture {
  png: Uint8Array;
  alt: string;
}

/** The chart's file name in a digest's first message. */
export const DIGEST_CHART_FILE = 'digest-chart.png';

/** The digest as messages, or nothing when there is nothing to say and the digest stays quiet. */
export function composeDigest(
  input: ComposeInput,
): { answer: Answer; messages: MessagePayload[] } | undefined {
  const { items, title } = input;
  const first = input.since === undefined;
  const total = input.total ?? items.length;
  if (total === 0 || items.length === 0) {
    if (input.whenEmpty === 'quiet') return undefined;
    const answer: Answer = { content: `${title} — nothing new ${periodText(input)}.`, sections: [] };
    return { answer, messages: toDiscordPages(answer, { maxPages: 1 }) };
  }
  const cap = first ? DIGEST_CAPS.first : DIGEST_CAPS.regular;
  const shown = items.slice(0, cap);
  const hidden = total - shown.length;
  const summary =
    hidden > 0
      ? (input.summary ??
        summarizeIncidents(
          items.map((item) => item.incident),
          items.filter((item) => item.kind === 'new').map((item) => item.incident),
          shown.length,
        ))
      : undefined;
  const more = summary ? moreLines(summary, hidden) : [];
  const sections: Section[] = [];
  if (summary) sections.push(summarySection(summary, total, shown.length, more));
  sections.push(
    ...groupByCountry(shown).map(([country, group]) => ({
      title: country,
      fields: group.map((item) => incidentEntry(item.incident, itemLines(item))),
      color: COLORS.list,
    })),
  );
  const quotes = keyQuotes(shown);
  if (quotes.length > 0)
    sections.push({ title: 'Key quotes', description: quotes.join('\n\n'), color: COLORS.note });
  sections.push({
    ...(more.length > 0 ? { description: more.join('\n') } : {}),
    footer: NOT_SUMMED,
    color: COLORS.note,
  });
  const answer: Answer = { content: header(input, shown, summary), sections };
  if (input.picture) {
    (sections[0] as Section).image = DIGEST_CHART_FILE;
    // A Buffer, which the state store keeps as base64 while the run is pending (a Uint8Array it would
    // keep as an object of numbered bytes); discord-sender.ts reads either back.
    const { png } = input.picture;
    const data = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    answer.attachments = [{ name: DIGEST_CHART_FILE, data, description: input.picture.alt }];
  }
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

function header(input: ComposeInput, shown: DigestItem[], summary: DigestSummary | undefined): string {
  const total = input.total ?? input.items.length;
  const fresh = input.fresh ?? input.items.filter((item) => item.kind === 'new').length;
  const updated = input.updated ?? total - fresh;
  const countries = summary
    ? summary.countries.map((c) => c.name)
    : [...new Set(shown.map((i) => i.incident.location.country))];
  const counts =
    input.since === undefined
      ? `${formatNumber(total)} current incident${total === 1 ? '' : 's'}`
      : `${[
          fresh > 0 ? `${formatNumber(fresh)} new` : '',
          updated > 0 ? `${formatNumber(updated)} updated` : '',
        ]
          .filter(Boolean)
          .join(' and ')} incident${total === 1 ? '' : 's'}`;
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
