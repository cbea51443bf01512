// Length-limited text that never cuts a character (grapheme cluster) or, where possible, a word in half.
// Lengths are UTF-16 code units (`string.length`), which is how Discord counts its limits.

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

export interface Truncation {
  text: string;
  truncated: boolean;
  /** UTF-16 code units of the original that are not shown. */
  omitted: number;
}

/**
 * `text` when it fits in `max`; otherwise its longest whole-word (else whole-grapheme) prefix plus
 * `marker`, at most `max` long. A marker longer than `max` is itself cut to fit.
 */
export function truncate(text: string, max: number, marker = '…'): string {
  return truncateDetailed(text, max, marker).text;
}

/** As `truncate`, and says whether and how much it cut. */
export function truncateDetailed(text: string, max: number, marker = '…'): Truncation {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return { text, truncated: false, omitted: 0 };
  if (marker.length > limit) {
    return { text: marker.slice(0, graphemeCut(marker, limit)), truncated: true, omitted: text.length };
  }
  const kept = text.slice(0, cutPoint(text, limit - marker.length));
  return { text: kept + marker, truncated: true, omitted: text.length - kept.length };
}

/** "12 more characters" style count for a notice. */
export function describeOmitted(omitted: number, unit = 'character'): string {
  return `${omitted.toLocaleString('en-GB')} more ${unit}${omitted === 1 ? '' : 's'}`;
}

/** The largest grapheme boundary ≤ `budget` (budget < text.length). */
function graphemeCut(text: string, budget: number): number {
  if (budget >= text.length) return text.length;
  return graphemes.segment(text).containing(budget)?.index ?? 0;
}

/** Where to cut so that `text.slice(0, cut)` fits `budget` (< text.length): a word end if one is near. */
function cutPoint(text: string, budget: number): number {
  const hard = graphemeCut(text, budget);
  let cut = hard;
  const word = words.segment(text).containing(hard);
  if (
    word !== undefined &&
    word.index < hard &&
    word.index >= hard / 2 &&
    isGraphemeBoundary(text, word.index)
  ) {
    cut = word.index;
  }
  return trimWhitespaceEnd(text, cut);
}

function isGraphemeBoundary(text: string, index: number): boolean {
  return index === 0 || index === text.length || graphemes.segment(text).containing(index)?.index === index;
}

/** Moves `cut` back over whole whitespace graphemes, so the marker follows the last word. */
function trimWhitespaceEnd(text: string, cut: number): number {
  const segments = graphemes.segment(text);
  let end = cut;
  while (end > 0) {
    const last = segments.containing(end - 1);
    if (last === undefined || !/^\s+$/u.test(last.segment)) break;
    end = last.index;
  }
  return end;
}
