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
