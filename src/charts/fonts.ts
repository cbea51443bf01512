// The chart font, shipped from npm (dejavu-fonts-ttf) so a picture is the same on a machine with no
// fonts: its files for the SVG renderer, and its glyph advances so layout measures text as it will be
// drawn (Vega's own fallback guesses 0.8 em per character, which leaves ragged gaps).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ResvgRenderOptions } from '@resvg/resvg-js';

export const FONT_FAMILY = 'DejaVu Sans';

const require = createRequire(import.meta.url);
const FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

/** resvg options that load only the shipped font files, never the system's. */
export function resvgFontOptions(): NonNullable<ResvgRenderOptions['font']> {
  return {
    fontFiles: [FILES.regular, FILES.bold],
    loadSystemFonts: false,
    defaultFontFamily: FONT_FAMILY,
    sansSerifFamily: FONT_FAMILY,
  };
}

interface Metrics {
  /** Advance width in em of a code point; the fallback glyph's for characters the font lacks. */
  advance(codePoint: number): number;
}

const loaded = new Map<'regular' | 'bold', Metrics>();

function metrics(weight: 'regular' | 'bold'): Metrics {
  let m = loaded.get(weight);
  if (m === undefined) {
    m = readMetrics(readFileSync(FILES[weight]));
    loaded.set(weight, m);
  }
  return m;
}

/** Width in pixels of `text` set in DejaVu Sans at `size` px (kerning aside). */
export function textWidth(text: string, size: number, bold = false): number {
  const m = metrics(bold ? 'bold' : 'regular');
  let em = 0;
  for (const char of text) em += m.advance(char.codePointAt(0) ?? 0);
  return em * size;
}

/** Reads the advance widths (hmtx) and the Unicode map (cmap format 4 or 12) of a TrueType file. */
function readMetrics(buffer: Buffer): Metrics {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const tables = new Map<string, number>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    tables.set(buffer.toString('latin1', at, at + 4), view.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const hMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, hMetrics - 1)) / unitsPerEm;
  const glyphOf = cmapLookup(view, table('cmap'));
  const cache = new Map<number, number>();
  return {
    advance(codePoint) {
      let width = cache.get(codePoint);
      if (width === undefined) {
        width = advanceOf(glyphOf(codePoint));
        cache.set(codePoint, width);
      }
      return width;
    },
  };
}

function cmapLookup(view: DataView, cmap: number): (codePoint: number) => number {
  const records = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < records; i++) {
    const at = cmap + 4 + i * 8;
    const platform = view.getUint16(at);
    const encoding = view.getUint16(at + 2);
    const sub = cmap + view.getUint32(at + 4);
    const format = view.getUint16(sub);
    if (format === 12 && (platform === 3 || platform === 0)) format12 ??= sub;
    if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) format4 ??= sub;
  }
  if (format12 !== undefined) {
    const sub = format12;
    const groups = view.getUint32(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = sub + 16 + mid * 12;
        if (cp < view.getUint32(at)) hi = mid - 1;
        else if (cp > view.getUint32(at + 4)) lo = mid + 1;
        else return view.getUint32(at + 8) + cp - view.getUint32(at);
      }
      return 0;
    };
  }
  if (format4 === undefined) throw new Error('font has no Unicode cmap');
  const sub = format4;
  const segments = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const ranges = deltas + 2 * segments;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (cp > view.getUint16(ends + 2 * i)) continue;
      const start = view.getUint16(starts + 2 * i);
      if (cp < start) return 0;
      const delta = view.getInt16(deltas + 2 * i);
      const range = view.getUint16(ranges + 2 * i);
      if (range === 0) return (cp + delta) & 0xffff;
      const glyph = view.getUint16(ranges + 2 * i + range + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
