// Where a country's map looks: the parts of its outline to frame (a country's far-off territories,
// French Guiana for France, would shrink the mainland to a dot), and a projection fitted to them.

import { type GeoProjection, geoArea, geoCentroid, geoMercator, geoPath } from 'd3-geo';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { CountryFeature } from './atlas.ts';

type Box = [[number, number], [number, number]];

function polygonsOf(features: readonly CountryFeature[]): Position[][][] {
  const out: Position[][][] = [];
  for (const f of features) {
    if (f.geometry.type === 'Polygon') out.push(f.geometry.coordinates);
    else if (f.geometry.type === 'MultiPolygon') out.push(...f.geometry.coordinates);
  }
  return out;
}

function asFeature(polygon: Position[][]): Feature<Polygon> {
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: polygon } };
}

function grow(box: Box, by: number): Box {
  return [
    [box[0][0] - by, box[0][1] - by],
    [box[1][0] + by, box[1][1] + by],
  ];
}

function overlaps(a: Box, b: Box): boolean {
  return a[0][0] <= b[1][0] && b[0][0] <= a[1][0] && a[0][1] <= b[1][1] && b[0][1] <= a[1][1];
}

function union(a: Box, b: Box): Box {
  return [
    [Math.min(a[0][0], b[0][0]), Math.min(a[0][1], b[0][1])],
    [Math.max(a[1][0], b[1][0]), Math.max(a[1][1], b[1][1])],
  ];
}

/** About 5° of longitude, in the units of a Mercator projection at scale 1. */
const NEAR = 0.09;

/**
 * The country's main body: its largest polygon and every polygon near it, or near one already taken
 * (so an archipelago stays whole), where near is within a quarter of the group's size or about 5°.
 */
export function mainBody(features: readonly CountryFeature[]): Feature<MultiPolygon> {
  const polygons = polygonsOf(features);
  const areas = polygons.map((p) => geoArea(asFeature(p)));
  let largest = 0;
  areas.forEach((area, i) => {
    if (area > (areas[largest] ?? 0)) largest = i;
  });
  const [lon] = geoCentroid(asFeature(polygons[largest] ?? []));
  // Planar boxes in a projection centred on the largest part, so nothing straddles the antimeridian.
  const unit = geoPath(geoMercator().rotate([-lon, 0]).scale(1).translate([0, 0]));
  const boxes = polygons.map((p) => unit.bounds(asFeature(p)) as Box);
  const taken = new Set([largest]);
  let box = boxes[largest] as Box;
  for (let changed = true; changed; ) {
    changed = false;
    const reach = grow(box, Math.max(NEAR, 0.25 * Math.max(box[1][0] - box[0][0], box[1][1] - box[0][1])));
    boxes.forEach((b, i) => {
      if (taken.has(i) || !overlaps(reach, b)) return;
      taken.add(i);
      box = union(box, b);
      changed = true;
    });
  }
  return {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPolygon', coordinates: polygons.filter((_, i) => taken.has(i)) },
  };
}

/** Mercator centred on the country's main body, fitted inside `box` with `pad` pixels to spare. */
export function fitProjection(body: Feature<MultiPolygon>, box: Box, pad: number): GeoProjection {
  const [lon] = geoCentroid(body);
  return geoMercator()
    .rotate([-lon, 0])
    .fitExtent(
      [
        [box[0][0] + pad, box[0][1] + pad],
        [box[1][0] - pad, box[1][1] - pad],
      ],
      body,
    )
    .clipExtent(box);
}
