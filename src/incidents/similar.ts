// "Did you mean …": close matches for a mistyped name, for the hints in user errors.
import { foldKey } from './text.ts';

/**
 * Edit distance counting a swap of two neighbours as one edit ("Syira" → "Syria"), giving up (returning
 * max + 1) once it exceeds `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/**
 * Up to `limit` of `names` that look like `input`: names starting with it or containing it first, then
 * names within a few typos. Ties keep the order of `names` (callers pass their most relevant first).
 */
export function closestNames(input: string, names: readonly string[], limit = 3): string[] {
  const typed = foldKey(input);
  if (typed === '') return [];
  const maxTypos = typed.length <= 4 ? 1 : typed.length <= 8 ? 2 : 3;
  const scored: { name: string; score: number; order: number }[] = [];
  names.forEach((name, order) => {
    const key = foldKey(name);
    let score: number;
    if (key.startsWith(typed) || typed.startsWith(key)) score = 0;
    else if (key.includes(typed)) score = 1;
    else {
      const distance = editDistance(typed, key, maxTypos);
      if (distance > maxTypos) return;
      score = 1 + distance;
    }
    scored.push({ name, score, order });
  });
  return scored
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, limit)
    .map((s) => s.name);
}

/**
 * The one name `input` most likely misspells ("tittle" → "title", "cont" → "count"), for a "did you
 * mean" hint on a field, command or option name: by edit distance only, ignoring case, allowing one
 * typo up to 5 letters, two up to 10, three beyond. Undefined when nothing is that close.
 */
export function likelyMeant(input: string, names: readonly string[]): string | undefined {
  const typed = input.trim().toLowerCase();
  if (typed === '') return undefined;
  const maxTypos = typed.length <= 5 ? 1 : typed.length <= 10 ? 2 : 3;
  // Scored by distance; at the same distance a name that starts with what was typed wins
  // ("countr" → country rather than count).
  let best: string | undefined;
  let bestScore = 2 * (maxTypos + 1);
  for (const name of names) {
    const key = name.toLowerCase();
    const distance = editDistance(typed, key, maxTypos);
    const score = 2 * distance - (key.startsWith(typed) ? 1 : 0);
    if (distance <= maxTypos && score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}
