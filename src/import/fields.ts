// Field builders shared by the ACLED and UCDP mappings.
import type { Warning } from './dataset.ts';
import { cellText, readDecimal } from './text.ts';

type Side = 'side_a' | 'side_b' | 'perpetrator' | 'target' | 'other';

/** Named actors in order, each name once per side; empty cells are left out. */
export function actorList(entries: readonly (readonly [string, Side])[]): { name: string; side: Side }[] {
  const seen = new Set<string>();
  const actors: { name: string; side: Side }[] = [];
  for (const [raw, side] of entries) {
    const name = cellText(raw);
    if (name === undefined) continue;
    const key = `${side}\u0000${name.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    actors.push({ name, side });
  }
  return actors;
}

/** Latitude and longitude together, or neither (with a warning) when one is missing or out of range. */
export function coordinates(
  latText: string,
  lonText: string,
  warnings: Warning[],
): { lat?: number; lon?: number } {
  const lat = readDecimal(latText);
  const lon = readDecimal(lonText);
  if (lat === undefined && lon === undefined) {
    if (latText.trim() !== '' || lonText.trim() !== '') {
      warnings.push({
        kind: 'coordinates left out',
        detail: `unreadable "${latText.trim()}", "${lonText.trim()}"`,
      });
    }
    return {};
  }
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    warnings.push({
      kind: 'coordinates left out',
      detail: `latitude "${latText.trim()}", longitude "${lonText.trim()}" are not a valid pair`,
    });
    return {};
  }
  return { lat, lon };
}

/** Tags in order, lower-case, each once (cut to the tag limit later, with a warning: limits.ts). */
export function uniqueTags(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    const tag = cellText(value.toLowerCase());
    if (tag !== undefined && !out.includes(tag)) out.push(tag);
  }
  return out;
}
