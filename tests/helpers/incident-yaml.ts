// One small valid incident file, numbered: for tests that fill a data folder with thousands of them.

/** A valid YAML incident `${prefix}-${i}`, dated on one of 28 days of January 2020. */
export function numberedIncidentYaml(prefix: string, i: number): string {
  return `id: ${prefix}-${i}
title: Incident ${i}
date: { start: "2020-01-${String((i % 28) + 1).padStart(2, '0')}", precision: day }
location: { country: Syria, iso3: SYR }
type: { event: battles }
actors: [{ name: Side A, side: side_a }]
summary: A neutral summary.
sources: [{ id: s, name: Wire, affiliation: independent }]
`;
}
