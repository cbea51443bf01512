// What every Discord page the bot sends must hold, checked independently of the renderer's own code:
// Discord's limits, no mention that could ping, no Markdown from data that is still live, and no
// bidirectional control that could show the text (and the bot's words around it) in another order.
import type { MessagePayload } from '../../src/render/discord.ts';

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedsTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  url: 2048,
  attachmentDescription: 1024,
} as const;

export interface PageReport {
  /** Over a limit, empty where Discord wants text, or a character cut in half. */
  limits: string[];
  /** A mention that could ping, or allowed_mentions that would let one. */
  pings: string[];
  /** Markdown that Discord would still render: masked links, code, headings, block quotes. */
  markup: string[];
  /** A bidirectional control or mark (U+202E and the like), from users or data, left in the text. */
  bidi: string[];
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Marks (ALM, LRM, RLM), embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI,
 * FSI, PDI): written out here rather than taken from the renderer, so a gap in its list shows.
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069]/;

function bidiIn(value: string): string | undefined {
  const found = BIDI_CONTROL.exec(value);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase()}` : undefined;
}

/** @everyone, @here, <@user>, <@!user>, <@&role>, <#channel> with nothing in between to break them. */
const LIVE_MENTION = /@(?:everyone|here)|<[@#]/i;

/** Markdown that only counts at the start of a line (after the escapes are taken out). */
const LINE_MARKUP = /^[ \t]*(?:#{1,3}[ \t]|-#[ \t]|>)/m;

/**
 * The text as Discord parses it for markup: a backslash escapes the next character, so both become a
 * placeholder that no pattern below matches.
 */
function unescaped(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      out += '\u0001';
      i += 1;
    } else out += text[i];
  }
  return out;
}

function liveMarkup(text: string): string | undefined {
  const visible = unescaped(text);
  if (/\]\(/.test(visible)) return 'masked link';
  if (visible.includes('`')) return 'code';
  if (visible.includes('||')) return 'spoiler';
  if (LINE_MARKUP.test(visible)) return 'heading, subtext or block quote';
  return undefined;
}

/**
 * Every rule for a reply's pages; an empty report is a page Discord accepts and nobody is pinged by.
 * No text may hold half a surrogate pair, whatever the input held: the renderer replaces them.
 */
export function inspectPages(pages: readonly MessagePayload[]): PageReport {
  const report: PageReport = { limits: [], pings: [], markup: [], bidi: [] };
  if (pages.length === 0) report.limits.push('no page at all');
  pages.forEach((page, p) => {
    const at = `page ${p + 1}`;
    const allowed = page.allowed_mentions as { parse?: unknown; users?: unknown; roles?: unknown };
    if (
      !Array.isArray(allowed?.parse) ||
      allowed.parse.length !== 0 ||
      allowed.users !== undefined ||
      allowed.roles !== undefined
    ) {
      report.pings.push(`${at}: allowed_mentions is ${JSON.stringify(page.allowed_mentions)}`);
    }
    const text = (where: string, value: string, max: number, markdown: boolean) => {
      if (value.length > max) report.limits.push(`${where}: ${value.length} > ${max}`);
      if (value.length === 0) report.limits.push(`${where}: empty`);
      if (LONE_SURROGATE.test(value)) report.limits.push(`${where}: half a surrogate pair`);
      if (LIVE_MENTION.test(value)) report.pings.push(`${where}: ${JSON.stringify(value.slice(0, 200))}`);
      const markup = markdown ? liveMarkup(value) : undefined;
      if (markup !== undefined) report.markup.push(`${where}: live ${markup}`);
      const bidi = bidiIn(value);
      if (bidi !== undefined) report.bidi.push(`${where}: ${bidi}`);
    };
    if (page.content !== undefined) text(`${at} content`, page.content, LIMITS.content, true);
    const hasFiles = ((page as { attachments?: unknown[] }).attachments ?? []).length > 0;
    if (page.content === undefined && page.embeds.length === 0 && !hasFiles) {
      report.limits.push(`${at}: nothing to send`);
    }
    if (page.embeds.length > LIMITS.embeds) report.limits.push(`${at}: ${page.embeds.length} embeds`);
    let total = 0;
    page.embeds.forEach((embed, e) => {
      const where = `${at} embed ${e + 1}`;
      let shown = false;
      if (embed.title !== undefined) {
        text(`${where} title`, embed.title, LIMITS.title, true);
        total += embed.title.length;
        shown = true;
      }
      if (embed.description !== undefined) {
        text(`${where} description`, embed.description, LIMITS.description, true);
        total += embed.description.length;
        shown = true;
      }
      const fields = embed.fields ?? [];
      if (fields.length > LIMITS.fields) report.limits.push(`${where}: ${fields.length} fields`);
      fields.forEach((field, f) => {
        text(`${where} field ${f + 1} name`, field.name, LIMITS.fieldName, true);
        text(`${where} field ${f + 1} value`, field.value, LIMITS.fieldValue, true);
        total += field.name.length + field.value.length;
        shown = true;
      });
      if (embed.footer !== undefined) {
        // Footers show no Markdown, so only mentions and length matter there.
        text(`${where} footer`, embed.footer.text, LIMITS.footer, false);
        total += embed.footer.text.length;
        shown = true;
      }
      if (embed.author !== undefined) {
        text(`${where} author`, embed.author.name, LIMITS.author, false);
        total += embed.author.name.length;
      }
      if (embed.url !== undefined && (embed.url.length > LIMITS.url || !/^https?:\/\/\S+$/.test(embed.url))) {
        report.limits.push(`${where}: url ${JSON.stringify(embed.url.slice(0, 100))}`);
      }
      const bidiInUrl = embed.url === undefined ? undefined : bidiIn(embed.url);
      if (bidiInUrl !== undefined) report.bidi.push(`${where} url: ${bidiInUrl}`);
      if (embed.image !== undefined || embed.thumbnail !== undefined) shown = true;
      if (!shown) report.limits.push(`${where}: an empty embed`);
    });
    if (total > LIMITS.embedsTotal) report.limits.push(`${at}: embeds hold ${total} > ${LIMITS.embedsTotal}`);
    // Files (charts): their alt text has a limit of its own.
    const files = (page as { attachments?: { name: string; description?: string }[] }).attachments ?? [];
    for (const file of files) {
      if (file.name === '') report.limits.push(`${at}: a file without a name`);
      if (!/^[\w.-]+$/.test(file.name)) report.limits.push(`${at}: file name ${JSON.stringify(file.name)}`);
      if (LIVE_MENTION.test(file.name)) report.pings.push(`${at} file name: ${JSON.stringify(file.name)}`);
      // Alt text shows no Markdown (like a footer): mentions and length matter.
      if (file.description !== undefined)
        text(`${at} file ${file.name} description`, file.description, LIMITS.attachmentDescription, false);
    }
  });
  return report;
}

/** All problems of a report as one list, for `expect(...).toEqual([])`. */
export function problemsOf(report: PageReport): string[] {
  return [...report.limits, ...report.pings, ...report.markup, ...report.bidi];
}

/** Every string a page shows, joined: for "does the Arabic name reach Discord intact". */
export function pageText(pages: readonly MessagePayload[]): string {
  return pages
    .flatMap((page) => [
      page.content ?? '',
      ...page.embeds.flatMap((e) => [
        e.title ?? '',
        e.description ?? '',
        ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
        e.footer?.text ?? '',
      ]),
      ...(page.attachments ?? []).map((file) => file.description),
    ])
    .join('\n');
}
