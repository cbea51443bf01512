// Answer → Discord message payloads that always respect Discord's limits.
//
// Design: answers carry raw text. Markdown escaping and mention neutralising happen here, only for
// Discord, so the terminal (render/text.ts) shows text exactly as written and nothing is unescaped.
// Each part is escaped first and then fitted, cutting the raw text (never an escape sequence).
// Sections become embeds (more than 25 fields, or more than fit in 6000 characters, continue in
// further embeds; no field is dropped), embeds are packed into pages of at most 10 embeds and 6000
// characters, and a page count above `maxPages` ends with a notice saying what was left out.
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { safeText } from '../incidents/text.ts';
import type { Answer, Attachment, Section } from './answer.ts';
import { EPHEMERAL_FLAG, DISCORD_LIMITS as L } from './limits.ts';
import { escapeMarkdown, toPlainText } from './markdown.ts';
import { truncate } from './truncate.ts';

export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  /**
   * Nobody, always: `roles` is set only on a digest's first message when its admin opted in to pinging
   * that one role (DIGEST_<n>_MENTION_ROLE).
   */
  allowed_mentions: { parse: []; roles?: string[] };
  flags?: number;
  /** Files to upload with this page (the first page only); embeds show them as `attachment://name`. */
  attachments?: Attachment[];
}

export interface PageOptions {
  /** Pages beyond this are left out, and the last page says so. */
  maxPages?: number;
}

export const DEFAULT_MAX_PAGES = 20;

/** What a shortened part ends with. */
const CUT = '…';
const CUT_LONG = '… (cut to fit Discord)';
/** Discord rejects empty names and values; a zero-width space is the conventional blank. */
const BLANK = '\u200b';
const NOTICE_ROOM = 200;
const NOTICE_COLOR = 0x95a5a6;
/** Discord's limit for an attachment's description (its alt text). */
const ATTACHMENT_DESCRIPTION_MAX = 1024;

interface Chunk {
  embed: APIEmbed;
  size: number;
  /** Title to give a continuation embed that starts a new page. */
  continuationTitle?: string;
}

interface Page {
  embeds: APIEmbed[];
  size: number;
}

export function toDiscordPages(answer: Answer, options: PageOptions = {}): MessagePayload[] {
  const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
  // Alt text is shown as written, like a footer: mentions neutralised, never Markdown-escaped.
  const names = new Map<string, string>();
  const files = (answer.attachments ?? []).map((file): Attachment => {
    const sent = outgoingFile(file);
    names.set(file.name, sent.name);
    return sent;
  });
  // Sections are fitted lazily, page by page, so a long answer (every casualty claim of a large
  // dataset) does not escape and measure thousands of entries that could never be shown.
  function* chunks(): Generator<Chunk> {
    for (const section of answer.sections) yield* sectionChunks(section, names);
  }
  const packed = packPages(chunks(), maxPages);
  const { pages } = packed;
  if (packed.overflow) {
    const total = answer.sections.reduce((n, section) => n + entriesIn(section), 0);
    capPages(pages, maxPages, total - packed.placed);
  }
  // Files go with the first page only, so only its embeds can show them.
  for (const page of pages.slice(1)) for (const embed of page.embeds) delete embed.image;

  const content = answer.content === undefined ? '' : fitEscaped(answer.content, L.content, CUT_LONG);
  const payloads = pages.map(
    (page): MessagePayload => ({ embeds: page.embeds, allowed_mentions: { parse: [] } }),
  );
  const first = payloads[0] ?? { embeds: [], allowed_mentions: { parse: [] } };
  if (payloads.length === 0) payloads.push(first);
  if (content.trim() !== '') first.content = content;
  else if (first.embeds.length === 0 && files.length === 0) first.content = 'Nothing to show.';
  if (files.length > 0) first.attachments = files;
  if (answer.ephemeral) for (const payload of payloads) payload.flags = EPHEMERAL_FLAG;
  return payloads;
}

/** An answer's file as sent: a safe file name, its alt text shown as written (mentions neutralised), cut to fit. */
export function outgoingFile(file: Attachment): Attachment {
  return {
    ...file,
    name: toFileName(file.name),
    description: truncate(toPlainText(file.description), ATTACHMENT_DESCRIPTION_MAX),
  };
}

/**
 * `raw` escaped for Discord and at most `max` long. Cuts the raw text, so an escape or a
 * neutralised mention is never split; escaping only lengthens, so shrinking the budget converges.
 */
export function fitEscaped(raw: string, max: number, marker = CUT): string {
  const escaped = escapeMarkdown(raw);
  if (escaped.length <= max) return escaped;
  const mark = truncate(marker, max, '');
  let budget = max - mark.length;
  while (budget > 0) {
    const out = escapeMarkdown(truncate(raw, budget, '')) + mark;
    if (out.length <= max) return out;
    budget -= Math.max(1, out.length - max);
  }
  return mark;
}

/** Footers show no markdown, so they are not escaped (a backslash would show); mentions still are. */
function fitFooter(raw: string): string {
  return truncate(toPlainText(raw), L.footerText, CUT);
}

/** A file name Discord accepts in `attachment://name`: letters, digits, `.`, `_` and `-` only. */
export function toFileName(raw: string): string {
  const name = raw.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '');
  return name === '' ? 'file' : name;
}

function nonBlank(text: string): string {
  return text.trim() === '' ? BLANK : text;
}

function isUsableUrl(url: string | undefined): url is string {
  if (url === undefined || url.length > 2048 || !/^https?:\/\/\S+$/.test(url)) return false;
  return URL.canParse(url);
}

function embedSize(embed: APIEmbed): number {
  let size = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  size += embed.author?.name.length ?? 0;
  for (const field of embed.fields ?? []) size += field.name.length + field.value.length;
  return size;
}

/**
 * One section → one or more embeds, each within every per-embed limit and 6000 characters. Its image
 * goes on the first, when it names one of the answer's `attachments`.
 */
function* sectionChunks(section: Section, attachments: ReadonlyMap<string, string>): Generator<Chunk> {
  const rawTitle = section.title?.trim() ? section.title : undefined;
  const title = rawTitle === undefined ? undefined : fitEscaped(rawTitle, L.embedTitle, CUT);
  const footer = section.footer?.trim() ? fitFooter(section.footer) : undefined;
  const continuationTitle =
    rawTitle === undefined ? undefined : fitEscaped(`${rawTitle} (cont.)`, L.embedTitle, CUT);
  const reserve = (footer?.length ?? 0) + (continuationTitle?.length ?? 0);
  const descriptionRoom = Math.min(
    L.embedDescription,
    L.embedsTotal - (title?.length ?? 0) - (footer?.length ?? 0),
  );
  const description = section.description?.trim()
    ? fitEscaped(section.description, descriptionRoom, CUT_LONG)
    : undefined;
  const color =
    section.color !== undefined &&
    Number.isInteger(section.color) &&
    section.color >= 0 &&
    section.color <= 0xffffff
      ? section.color
      : undefined;

  const head: APIEmbed = {};
  if (title !== undefined) head.title = title;
  if (title !== undefined && isUsableUrl(section.url)) head.url = safeText(section.url);
  if (description !== undefined) head.description = description;
  if (color !== undefined) head.color = color;
  const image = section.image === undefined ? undefined : attachments.get(section.image);
  if (image !== undefined) head.image = { url: `attachment://${image}` };

  const kept = (chunk: Chunk) => chunk.size > 0 || chunk.embed.image !== undefined;
  let current: Chunk = { embed: head, size: embedSize(head) };
  for (const field of section.fields ?? []) {
    const out: APIEmbedField = {
      name: nonBlank(fitEscaped(field.name, L.fieldName, CUT)),
      value: nonBlank(fitEscaped(field.value, L.fieldValue, CUT_LONG)),
    };
    if (field.inline !== undefined) out.inline = field.inline;
    const size = out.name.length + out.value.length;
    const fields = current.embed.fields ?? [];
    if (fields.length >= L.embedFields || current.size + size + reserve > L.embedsTotal) {
      if (kept(current)) yield current;
      current = { embed: color === undefined ? {} : { color }, size: 0 };
      if (continuationTitle !== undefined) current.continuationTitle = continuationTitle;
    }
    current.embed.fields = [...(current.embed.fields ?? []), out];
    current.size += size;
  }
  if (footer !== undefined) {
    current.embed.footer = { text: footer };
    current.size += footer.length;
  }
  if (kept(current)) yield current;
}

/** The entries a section's embeds show (entriesOf summed over its chunks), without fitting them. */
function entriesIn(section: Section): number {
  return (section.fields?.length ?? 0) + (section.description?.trim() ? 1 : 0);
}

/** Entries an embed shows: its fields, and its description as one. */
function entriesOf(embed: APIEmbed): number {
  return (embed.fields?.length ?? 0) + (embed.description === undefined ? 0 : 1);
}

/**
 * Packs chunks into pages, at most `maxPages`: when one more page would be needed, stops there
 * (`overflow`), leaving the rest of the chunks unmade. `placed` counts the entries packed.
 */
function packPages(
  chunks: Iterable<Chunk>,
  maxPages: number,
): { pages: Page[]; overflow: boolean; placed: number } {
  const pages: Page[] = [];
  let page: Page | undefined;
  let placed = 0;
  for (const chunk of chunks) {
    if (
      page === undefined ||
      page.embeds.length >= L.embedsPerMessage ||
      page.size + chunk.size > L.embedsTotal
    ) {
      if (pages.length >= maxPages) return { pages, overflow: true, placed };
      page = { embeds: [], size: 0 };
      pages.push(page);
      if (chunk.continuationTitle !== undefined) {
        chunk.embed = { title: chunk.continuationTitle, ...chunk.embed };
        chunk.size += chunk.continuationTitle.length;
      }
    }
    page.embeds.push(chunk.embed);
    page.size += chunk.size;
    placed += entriesOf(chunk.embed);
  }
  return { pages, overflow: false, placed };
}

/** Ends the last of `maxPages` full pages with a notice of how much was left out (`omitted` and more). */
function capPages(pages: Page[], maxPages: number, omittedBefore: number): void {
  let omitted = omittedBefore;
  const last = pages[maxPages - 1];
  if (last === undefined) return;
  while (
    last.embeds.length > 0 &&
    (last.embeds.length >= L.embedsPerMessage || last.size + NOTICE_ROOM > L.embedsTotal)
  ) {
    const dropped = last.embeds.pop();
    if (dropped === undefined) break;
    last.size -= embedSize(dropped);
    omitted += entriesOf(dropped);
  }
  const notice = `${omitted.toLocaleString('en-GB')} more ${omitted === 1 ? 'entry' : 'entries'} not shown: this answer is longer than ${maxPages} pages. Narrow the question (a country, a date, a smaller count) to see the rest.`;
  last.embeds.push({ description: notice, color: NOTICE_COLOR });
  last.size += notice.length;
}
