// Digest composition, pure: which incidents are due for a channel, and the messages that say so.
import { type Catalog, compareNewestRows, incidentOf, NEWEST_FIRST } from '../incidents/catalog.ts';
import type { Incident } from '../incidents/schema.ts';
import { SUB_EVENT_TYPES, type SubEventType } from '../incidents/taxonomy.ts';
import type { Answer, Section } from '../render/answer.ts';
import { COLORS } from '../render/blocks.ts';
import { type MessagePayload, toDiscordPages } from '../render/discord.ts';
import { formatNumber, formatQuote, quoteHit } from '../render/format.ts';
import { incidentEntry, NOT_SUMMED } from '../render/present.ts';
import { describeChanges } from './facets.ts';
import {
  type CompiledFilter,
  compileDigestFilter,
  type DigestFilter,
  type DigestFilters,
  filterScope,
} from './filters.ts';
import {
  type DigestSummary,
  type DueScope,
  rowidScope,
  SUMMARY_CAPS,
  summarizeDue,
  summarizeIncidents,
} from './summary.ts';
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
  /** What else the run considered, for the delivery record (later runs only; at most AUDIT_LIST each). */
  audit?: SelectionAudit;
}

/** Candidates a later run considered and did not show, listed up to AUDIT_LIST each, all counted. */
export interface SelectionAudit {
  /** Left out by the filter: rowids (the record asks which filter kinds, in one query). */
  filtered: { id: string; rowid: number }[];
  filteredCount: number;
  /** Re-saved without a change digests show. */
  heldBack: string[];
  heldBackCount: number;
  /** Due but beyond the shown items: counted in the summary. */
  summarized: string[];
}

/** Ids listed per kind in a run's audit: the delivery record lists at most 500 incidents a run. */
export const AUDIT_LIST = 500;

export interface SelectOptions {
  /** Count the due incidents per day, week or month and country too (DIGEST_<n>_CHART). */
  timeline?: boolean;
  /** New incidents only, no updates (alerts). */
  onlyNew?: boolean;
}

type CandidateRow = { rowid: number; id: string; country_key: string; sort_date: string; start_date: string };

/**
 * Incidents new or changed since `cursor` (by when the bot saw them, up to `asOf`), newest first,
 * that pass the digest's `filter` (filters.ts; a plain list is its countries). `changed` are the ids
 * the tracker logged as changed in (cursor, asOf] with their `records`: only those are tested, and only
 * the shown ones are read whole. No cursor (the channel's first digest) → the current incidents that
 * pass, newest first, counted in SQL. Shown and counted apply the same filter, in SQL.
 */
export function selectDigestItems(
  catalog: Catalog,
  records: ReadonlyMap<string, SeenRecord>,
  cursor: number | undefined,
  asOf: number,
  filter: DigestFilter | readonly string[] = [],
  changed: Iterable<string> = records.keys(),
  options: SelectOptions = {},
): DigestSelection {
  const compiled = compileDigestFilter(catalog, isCountryList(filter) ? { countries: filter } : filter);
  if (cursor === undefined) return firstDigestItems(catalog, compiled, options);
  let due: { row: CandidateRow; record: SeenRecord; kind: 'new' | 'updated' }[] = [];
  const audit: SelectionAudit = {
    filtered: [],
    filteredCount: 0,
    heldBack: [],
    heldBackCount: 0,
    summarized: [],
  };
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
    if (!row) continue;
    if (record.first > cursor) {
      due.push({ row, record, kind: 'new' });
      continue;
    }
    if (options.onlyNew) continue;
    const seenThen = lastSeenBy(record.versions, cursor);
    const seenNow = lastSeenBy(record.versions, asOf);
    if (!seenThen || !seenNow) continue;
    if (seenThen.facets.hash === seenNow.facets.hash) {
      if (audit.heldBack.length < AUDIT_LIST) audit.heldBack.push(id);
      audit.heldBackCount++;
      continue;
    }
    due.push({ row, record, kind: 'updated' });
  }
  if (!compiled.empty && due.length > 0) {
    // One query over every candidate: the filter's FTS and claims lookups run once, not per incident.
    const scope = filterScope(catalog, compiled);
    const passing = new Set(
      catalog
        .statement<unknown[], number>(
          `SELECT i.rowid FROM incidents i WHERE i.rowid IN (SELECT value FROM json_each(?)) AND ${scope.where}`,
        )
        .pluck()
        .all(JSON.stringify(due.map((d) => d.row.rowid)), ...scope.params) as number[],
    );
    const out = due.filter((d) => !passing.has(d.row.rowid));
    audit.filteredCount = out.length;
    audit.filtered = out.slice(0, AUDIT_LIST).map((d) => ({ id: d.row.id, rowid: d.row.rowid }));
    due = due.filter((d) => passing.has(d.row.rowid));
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
  audit.summarized = due.slice(items.length, items.length + AUDIT_LIST).map((d) => d.row.id);
  const selection: DigestSelection = { items, total: due.length, fresh, updated: due.length - fresh, audit };
  if (due.length <= items.length && !options.timeline) return selection;
  // Counted over every due row by rowid in SQL; only the deadliest few are read whole.
  const summary = summarizeDue(catalog, rowidScope(due.map((d) => d.row.rowid)), {
    fresh: rowidScope(due.filter((d) => d.kind === 'new').map((d) => d.row.rowid)),
    shown,
    ...(options.timeline ? { timeline: true } : {}),
  });
  return { ...selection, summary };
}

function isCountryList(filter: DigestFilter | readonly string[]): filter is readonly string[] {
  return Array.isArray(filter);
}

/**
 * A channel's first digest: the current incidents that pass its filter, of which it shows the newest
 * (DIGEST_CAPS.first) and counts the rest, both straight from the index. A filter on indexed columns
 * alone (countries, types) is SQL cheap to run again for each count; any other is run once, newest
 * first, and the counts are made over the rowids that passed.
 */
function firstDigestItems(catalog: Catalog, filter: CompiledFilter, options: SelectOptions): DigestSelection {
  let scope: DueScope = filter.empty ? { where: '1', params: [] } : filterScope(catalog, filter);
  let rows: { rowid: number; body: string }[];
  let total: number;
  if (filter.indexedOnly) {
    rows = catalog
      .statement<unknown[], { rowid: number; body: string }>(
        `SELECT i.rowid AS rowid, i.body AS body FROM incidents i WHERE ${scope.where} ORDER BY ${NEWEST_FIRST} LIMIT ?`,
      )
      .all(...scope.params, DIGEST_CAPS.first);
    total = filter.empty
      ? catalog.size
      : (catalog
          .statement<unknown[], number>(`SELECT count(*) FROM incidents i WHERE ${scope.where}`)
          .pluck()
          .get(...scope.params) as number);
  } else {
    const rowids = catalog
      .statement<unknown[], number>(
        `SELECT i.rowid FROM incidents i WHERE ${scope.where} ORDER BY ${NEWEST_FIRST}`,
      )
      .pluck()
      .all(...scope.params) as number[];
    const body = catalog.statement<[number], { rowid: number; body: string }>(
      'SELECT rowid, body FROM incidents WHERE rowid = ?',
    );
    rows = rowids.slice(0, DIGEST_CAPS.first).flatMap((rowid) => body.get(rowid) ?? []);
    total = rowids.length;
    scope = rowidScope(rowids);
  }
  const shown = rows.map(incidentOf);
  const selection: DigestSelection = {
    items: shown.map((incident) => ({ incident, kind: 'new', changes: [] })),
    total,
    fresh: total,
    updated: 0,
  };
  if (total <= shown.length && !options.timeline) return selection;
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
  /** The digest's filters besides countries (DigestConfig's): they decide what the "n more" lines can offer. */
  filters?: DigestFilters;
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
  const more = summary ? moreLinesFor(summary, hidden, input.filters) : [];
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

/**
 * The "n more" lines. /latest lists exactly what a filter of countries and at most one event type or
 * sub-event type lets through (by country, type and since), so those lines name it; for any other
 * filter a /latest line would list incidents the digest leaves out, so the lines only count them.
 */
function moreLinesFor(summary: DigestSummary, hidden: number, filters: DigestFilters | undefined): string[] {
  const latest = latestType(filters);
  if (latest === undefined) {
    const countries = summary.hidden;
    const head = `${formatNumber(hidden)} more match this digest's filters`;
    if (countries.length <= 1) return [`${head}${countries[0] ? ` (${countries[0].name})` : ''}.`];
    const cut = countries.length === SUMMARY_CAPS.countries + 1 ? countries.length : SUMMARY_CAPS.countries;
    const rest = countries.slice(cut);
    return [
      `${head}; by country:`,
      ...countries.slice(0, cut).map((c) => `• ${c.name}: ${formatNumber(c.count)}`),
      ...(rest.length > 0
        ? [`• ${rest.length} other countries: ${formatNumber(rest.reduce((sum, c) => sum + c.count, 0))}`]
        : []),
    ];
  }
  const lines = moreLines(summary, hidden);
  if (latest === 'any') return lines;
  // One sub-event type: every hidden incident has it, so /latest is given it rather than its event type.
  const label = SUB_EVENT_TYPES[latest].label;
  return lines.map((line) =>
    line.replace(/\/latest ((?:country:.*? )?)(?:type:.*? )?since:/, `/latest $1type:${label} since:`),
  );
}

/** 'any': no type filter; a sub-event type /latest can filter by; undefined: /latest cannot express it. */
function latestType(filters: DigestFilters | undefined): 'any' | SubEventType | undefined {
  if (!filters) return 'any';
  const { types, subtypes, actors, keywords, minDeaths, regions, datasets } = filters;
  if (actors?.length || keywords?.length || minDeaths !== undefined || regions?.length || datasets?.length)
    return undefined;
  if (subtypes && subtypes.length > 0) return subtypes.length === 1 ? subtypes[0] : undefined;
  // One event type: every hidden incident has it, and moreLines names a type all of them share.
  return types && types.length > 1 ? undefined : 'any';
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
