// Test data builders: a valid incident with overrides, validated through the real schema.

import { Catalog } from '../../src/incidents/catalog.ts';
import type { ParsedFile } from '../../src/incidents/parse.ts';
import { type Incident, type IncidentInput, parseIncident } from '../../src/incidents/schema.ts';

let counter = 0;

/** A valid incident; every override is applied on top and the result validated by the real schema. */
export function makeIncident(overrides: Partial<IncidentInput> = {}): Incident {
  counter += 1;
  const id = overrides.id ?? `incident-${counter}`;
  const raw: IncidentInput = {
    id,
    title: `Incident ${counter}`,
    date: { start: '2020-05-01', precision: 'day' },
    location: { country: 'Syria', iso3: 'SYR', admin1: 'Aleppo', place: 'Aleppo' },
    type: { event: 'battles', sub: 'armed_clash' },
    actors: [{ name: 'Side A', side: 'side_a' }],
    summary: 'A neutral summary.',
    casualties: [],
    quotes: [],
    sources: [{ id: 'src-1', name: 'Example Wire', affiliation: 'independent', published: '2020-05-02' }],
    tags: [],
    ...overrides,
  };
  const result = parseIncident(raw);
  if (!result.ok) throw new Error(`invalid test incident ${id}: ${JSON.stringify(result.problems)}`);
  return result.incident;
}

/** An in-memory index of these incidents, one file each. */
export function makeCatalog(incidents: Incident[]): Catalog {
  return Catalog.fromEntries(incidents.map((incident) => ({ incident, file: `data/${incident.id}.yaml` })));
}

/** An in-memory index of parsed files (readIncidentFolder's), as the folder would give. */
export function catalogOfFiles(files: readonly ParsedFile[]): Catalog {
  return Catalog.fromEntries(
    files.flatMap((parsed) => parsed.incidents.map((incident) => ({ incident, file: parsed.file }))),
  );
}
