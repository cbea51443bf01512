// UCDP GED's death estimates and source articles → a claim's figures and source entries.
import { isCalendarDate } from '../incidents/schema.ts';
import type { Cells } from './columns.ts';
import { cellText, readCount, squash } from './text.ts';

interface Killed {
  best: number;
  low?: number;
  high?: number;
}

type Breakdown = { side_a?: number; side_b?: number; civilians?: number; unknown?: number };

export type Estimates =
  | { ok: true; killed: Killed; breakdown?: Breakdown; note?: string; warning?: string }
  | { ok: false; detail: string };

/**
 * best / low / high by column name (releases order them differently) and deaths by side. A low above
 * best or a high below it (a few GED rows have them) is left out, said in the claim's note, and warned.
 */
export function deathEstimates(cells: Cells): Estimates {
  const read = (name: string) => ({ name, value: readCount(cells(name)), text: cells(name).trim() });
  const fields = ['best', 'low', 'high', 'deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown'].map(
    read,
  );
  const bad = fields.find((f) => Number.isNaN(f.value));
  if (bad) return { ok: false, detail: `${bad.name} "${bad.text}" is not a whole number` };
  const [best, low, high, a, b, civilians, unknown] = fields.map((f) => f.value);
  if (best === undefined) return { ok: false, detail: 'best is empty' };

  const killed: Killed = { best };
  const dropped: string[] = [];
  if (low !== undefined) {
    if (low <= best) killed.low = low;
    else dropped.push(`low estimate ${low} is above best`);
  }
  if (high !== undefined) {
    if (high >= best) killed.high = high;
    else dropped.push(`high estimate ${high} is below best`);
  }
  const breakdown: Breakdown = {
    ...(a === undefined ? {} : { side_a: a }),
    ...(b === undefined ? {} : { side_b: b }),
    ...(civilians === undefined ? {} : { civilians }),
    ...(unknown === undefined ? {} : { unknown }),
  };
  const note = dropped.length > 0 ? `UCDP's ${dropped.join(' and its ')}; left out` : undefined;
  return {
    ok: true,
    killed,
    ...(Object.keys(breakdown).length > 0 ? { breakdown } : {}),
    ...(note
      ? { note, warning: `best ${best}, low ${low ?? '–'}, high ${high ?? '–'}: ${dropped.join(', ')}` }
      : {}),
  };
}

export interface ArticleSource {
  id: string;
  name: string;
  published?: string;
  via: 'ucdp-ged';
}

/** At most this many articles become sources; the summary says how many more UCDP cites. */
export const MAX_ARTICLES = 10;

/**
 * source_article → one source per article, reported via UCDP GED. Since GED 17 an article reads
 * `"Outlet,YYYY-MM-DD,Headline"` and several are joined with `;`; older rows hold free text
 * ("Bangkok Post 1/11", "R 21/3 1992"), kept whole as one source name.
 */
export function sourceArticles(cell: string): { sources: ArticleSource[]; total: number } {
  const text = cell.trim();
  if (text === '') return { sources: [], total: 0 };
  const structured = text.startsWith('"') && text.endsWith('"');
  const items = structured
    ? text
        .slice(1, -1)
        .split(/"\s*;\s*"/)
        .map(squash)
        .filter((s) => s !== '')
    : [squash(text)];
  const sources = items.slice(0, MAX_ARTICLES).map((item, i): ArticleSource => {
    const m = /^(.+?)\s*,\s*(\d{4}-\d{2}-\d{2})\s*(?:,\s*(.*))?$/.exec(item);
    const outlet = m?.[1] ?? item;
    const headline = m?.[3]?.trim();
    const name = cellText(headline ? `${outlet}: ${headline}` : outlet) ?? outlet;
    return {
      id: `ucdp-article-${i + 1}`,
      name,
      ...(m?.[2] && isCalendarDate(m[2]) ? { published: m[2] } : {}),
      via: 'ucdp-ged',
    };
  });
  return { sources, total: items.length };
}
