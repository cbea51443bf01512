// Drawing the map's parts as SVG: neighbours' names, place labels that keep clear of each other, and
// the legend of circle sizes. Labels measure their text with the shipped font.
import type { GeoPermissibleObjects, geoPath } from 'd3-geo';
import { formatNumber } from '../render/format.ts';
import { textWidth } from './fonts.ts';
import type { MapPoint } from './map.ts';
import { escapeXml, MUTED, num, svgText, wrapText } from './svg.ts';

export const COLOURS = {
  sea: '#e6eff6',
  land: '#e2e2e2',
  landEdge: '#ffffff',
  country: '#ffffff',
  countryEdge: '#3a3a3a',
  claim: '#d7301f',
  claimEdge: '#8f1d0f',
  dot: '#333333',
  label: '#7a7a7a',
} as const;
export const LEGEND_WIDTH = 210;
export const DOT_R = 3.5;
/** Place labels drawn for the largest claims. */
export const LABELLED = 3;

export type Box = [[number, number], [number, number]];

export function inside([x, y]: [number, number], [[x0, y0], [x1, y1]]: Box): boolean {
  return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

function overlapsAny(box: Box, taken: readonly Box[]): boolean {
  return taken.some(
    (t) => box[0][0] < t[1][0] && t[0][0] < box[1][0] && box[0][1] < t[1][1] && t[0][1] < box[1][1],
  );
}

/** 1, 2 or 5 times a power of ten, at most `v`. */
function niceFloor(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [5, 2, 1].find((s) => s * power <= v) ?? 1;
  return step * power;
}

/** A neighbour's name at the middle of its visible part, when it has room and meets no other label. */
export function neighbourLabel(
  name: string,
  path: ReturnType<typeof geoPath>,
  object: GeoPermissibleObjects,
  mapBox: Box,
  taken: Box[],
): string | undefined {
  if (path.area(object) < 2500) return undefined;
  const [cx, cy] = path.centroid(object);
  const size = 12;
  const w = textWidth(name, size);
  const box: Box = [
    [cx - w / 2 - 2, cy - size],
    [cx + w / 2 + 2, cy + 4],
  ];
  if (!inside(box[0], mapBox) || !inside(box[1], mapBox) || overlapsAny(box, taken)) return undefined;
  taken.push(box);
  return svgText(cx, cy, name, { size, fill: COLOURS.label, anchor: 'middle', italic: true });
}

/** Names of the places with the largest claims, beside their circles, with a white halo. */
export function placeLabels(points: readonly MapPoint[], mapBox: Box, taken: Box[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const size = 13;
  for (const p of points) {
    if (out.length >= LABELLED) break;
    if (p.largest === undefined || seen.has(p.place)) continue;
    seen.add(p.place);
    const w = textWidth(p.place, size, true);
    const box = (left: number): Box => [
      [left, p.y - size / 2 - 2],
      [left + w, p.y + size / 2 + 2],
    ];
    const candidates = [box(p.x + p.r + 5), box(p.x - p.r - 5 - w)].filter(
      (b) => inside(b[0], mapBox) && inside(b[1], mapBox) && !overlapsAny(b, taken),
    );
    const chosen = candidates[0];
    if (chosen === undefined) continue;
    taken.push(chosen);
    out.push(
      `<text x="${num(chosen[0][0])}" y="${num(p.y + 4.5)}" font-size="${size}" font-weight="bold" fill="#222222" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${escapeXml(p.place)}</text>`,
    );
  }
  return out;
}

export function legend(
  x: number,
  y: number,
  maxKilled: number,
  radius: (killed: number) => number,
  points: readonly MapPoint[],
): string {
  const out: string[] = [];
  let top = y + 14;
  for (const line of wrapText('Largest single claim of people killed', LEGEND_WIDTH, 13, true)) {
    out.push(svgText(x, top, line, { size: 13, bold: true }));
    top += 17;
  }
  top += 6;
  const values =
    maxKilled > 0
      ? [...new Set([niceFloor(maxKilled), niceFloor(maxKilled / 4), niceFloor(maxKilled / 20)])].filter(
          (v) => v >= 1,
        )
      : [];
  // Symbols centred on one column, labels aligned after the largest.
  const rMax = values.length > 0 ? radius(values[0] ?? 1) : DOT_R;
  const cx = x + rMax;
  const labelX = cx + rMax + 10;
  if (values.length > 0) {
    for (const v of values) {
      const r = radius(v);
      out.push(
        `<circle cx="${num(cx)}" cy="${num(top + r)}" r="${num(r)}" fill="${COLOURS.claim}" fill-opacity="0.45" stroke="${COLOURS.claimEdge}" stroke-width="1.2"/>`,
        svgText(labelX, top + r + 4.5, `${formatNumber(v)} killed`, { size: 12 }),
      );
      top += Math.max(2 * r, 16) + 12;
    }
    top += 4;
  }
  if (points.some((p) => p.largest === undefined) || maxKilled === 0) {
    out.push(
      `<circle cx="${num(cx)}" cy="${num(top + DOT_R)}" r="${DOT_R}" fill="${COLOURS.dot}" stroke="#ffffff" stroke-width="1"/>`,
    );
    const lines = wrapText('No number of people killed claimed', x + LEGEND_WIDTH - labelX, 12);
    lines.forEach((line, i) => {
      out.push(svgText(labelX, top + DOT_R + 4.5 + i * 15, line, { size: 12 }));
    });
    top += Math.max(2 * DOT_R, lines.length * 15) + 12;
  }
  top += 6;
  for (const line of wrapText(
    'Each circle is one incident, sized by the largest figure one claimant gave for it (best estimate, else a stated minimum). Figures from different claimants are never added up.',
    LEGEND_WIDTH,
    11.5,
  )) {
    out.push(svgText(x, top + 11, line, { size: 11.5, fill: MUTED }));
    top += 15;
  }
  return out.join('');
}
