// Text helpers shared by the queries: accent/case folding, tokenizing, truncation for Discord limits.

const ASCII = /^\p{ASCII}*$/u;
const MARKS = /\p{M}/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Case and accent folding: "Alép" → "alep", "ALEPPO" → "aleppo"; non-Latin letters are kept. */
export function foldText(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  return s.normalize('NFD').replace(MARKS, '').normalize('NFC').toLowerCase();
}

/** Folded words: letters and digits of any script, everything else separates. */
export function tokenize(s: string): string[] {
  return foldText(s)
    .split(NON_WORD)
    .filter((t) => t !== '');
}

/**
 * Folded for matching typed text against names: runs of white space (and control characters) as one
 * space, typographic apostrophes as "'", trimmed. "Côte d’Ivoire" and "cote d'ivoire" are the same key.
 */
export function foldKey(s: string): string {
  return foldText(s)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .replace(/[‘’ʼ′`´]/g, "'")
    .trim();
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `s` with each half of a surrogate pair that has lost its other half replaced by U+FFFD, as
 * String.prototype.toWellFormed does (ES2024; not in our lib yet). Typed input can hold them, and
 * Discord would show them broken or reject the text.
 */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Invisible characters that reorder or hide text: the Arabic letter mark and the left-to-right and
 * right-to-left marks (U+061C, U+200E, U+200F), bidirectional embeddings and overrides (U+202A–U+202E),
 * isolates (U+2066–U+2069), the deprecated format characters (U+206A–U+206F), a zero-width no-break
 * space or byte-order mark inside text (U+FEFF), interlinear annotation (U+FFF9–U+FFFB) and tag
 * characters outside an emoji flag sequence (they spell invisible text).
 *
 * Kept on purpose: the zero-width joiner and non-joiner (U+200D in emoji sequences such as 👨‍👩‍👧, U+200C
 * in Persian and Indic words), the zero-width space and word joiner (word breaks in Thai, Khmer,
 * Burmese; the renderer's own mention breaker), the soft hyphen. They join or break, never reorder
 * or hide, and removing them would change words.
 */
const INVISIBLE =
  /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffb]|(?<!\u{1f3f4}[\u{e0020}-\u{e007e}]*)[\u{e0001}\u{e0020}-\u{e007f}]/gu;

/**
 * `s` without the invisible characters that reorder or hide text (see INVISIBLE): an override typed
 * into /search (U+202E) or left in a file cannot turn a reply, or the bot's own words around it, back
 * to front. Applied wherever text is rendered for Discord or a terminal.
 */
export function withoutInvisible(s: string): string {
  return s.replace(INVISIBLE, '');
}

/** Text ready to render: well-formed, and without characters that reorder or hide it. */
export function safeText(s: string): string {
  return withoutInvisible(wellFormed(s));
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair; no marker. */
export function cutCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return s.slice(0, end);
}

/**
 * At most `max` characters; when cut, ends at a word boundary with "…" (a single overlong word is
 * cut mid-word rather than dropped, so the result is never empty for non-empty input).
 */
export function truncateWords(s: string, max: number): string {
  const text = s.trim();
  if (text.length <= max) return text;
  const room = cutCodePoints(text, max - 1);
  const atBoundary = /\s/.test(text.charAt(room.length));
  const lastSpace = room.search(/\s+\S*$/);
  const words = (atBoundary ? room : lastSpace > 0 ? room.slice(0, lastSpace) : '').replace(
    /[\s,;:–—-]+$/u,
    '',
  );
  return `${words === '' ? room.trimEnd() : words}…`;
}
