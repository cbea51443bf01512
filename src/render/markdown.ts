// Text from data (and from users' options) shown on Discord must never act as markdown, a masked link
// or a mention, nor reorder the text around it. Applied by the Discord renderer only; answers carry
// raw text (see render/discord.ts).
import { safeText } from '../incidents/text.ts';

const ZWSP = '\u200b';

/**
 * Bare http(s) links, as Discord's autolinker sees them or shorter: trailing punctuation belongs to
 * the sentence, and a backslash (never valid in a URL) ends the link so it is always escaped.
 */
const URL_PATTERN = /https?:\/\/[^\s<>\\]*[^\s<>\\.,:;!?"'’”)\]]/g;

/** Characters that start inline markdown anywhere: emphasis, strike, code, spoiler, masked links. */
const INLINE = /[\\*_~`|[\]]/g;

/**
 * Block markdown that only counts at the start of a line: headings (#, ##, ###), subtext (-#),
 * block quotes (>, >>>), bullet (-, +) and numbered (1.) lists.
 */
const LINE_START = /^([ \t]*)(#|-#|>|[-+](?=\s)|\d+(?=[.)]\s))/gm;

/**
 * Escapes Discord markdown in `text` so it shows as written. Backslash escapes are invisible in
 * Discord's rendering, so the result reads like the input. Links stay clickable: inside a link only
 * the characters that could open markup are percent-encoded. Mentions are neutralised and
 * bidirectional controls removed too.
 */
export function escapeMarkdown(raw: string): string {
  const text = safeText(raw);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    out += escapeInline(text.slice(last, match.index));
    out += encodeLink(match[0]);
    last = match.index + match[0].length;
  }
  out += escapeInline(text.slice(last));
  out = out.replace(LINE_START, (_all, indent: string, marker: string) =>
    /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
  );
  return neutraliseMentions(out);
}

/**
 * For text Discord shows without Markdown (alt text, footers, autocomplete choices): mentions
 * neutralised, half surrogate pairs replaced and bidirectional controls removed, nothing escaped (a
 * backslash would show).
 */
export function toPlainText(text: string): string {
  return neutraliseMentions(safeText(text));
}

/**
 * Breaks @everyone, @here and <@user>, <@&role>, <#channel>, <t:…>, <a:emoji:…>, </command:…> with a
 * zero-width space, in addition to the payload's `allowed_mentions: { parse: [] }`.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=everyone|here)/gi, `@${ZWSP}`).replace(/<(?=[@#:/!&]|[a-z]+:)/gi, `<${ZWSP}`);
}

function escapeInline(text: string): string {
  return text.replace(INLINE, '\\$&');
}

/** Percent-encoding keeps the link's meaning and cannot open a masked link, code or spoiler. */
function encodeLink(url: string): string {
  return url.replace(
    /[[\]`|]|@(?=everyone|here)/gi,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
