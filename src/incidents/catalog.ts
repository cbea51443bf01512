// Loaded incidents and the indexes the queries use. Built once per load; immutable afterwards.
import type { LoadProblem, ParsedFile } from './parse.ts';
import type { Incident } from './schema.ts';

export interface CatalogEntry {
  incident: Incident;
  /** The file it came from, as shown to users. */
  file: string;
}

/** The date an incident sorts by: its end, or its start when it is a single day. */
export function incidentSortDate(incident: Incident): string {
  return incident.date.end ?? incident.date.start;
}

/** Newest first; ties broken by start date, then id, so every listing is stable. */
export function compareNewestFirst(a: Incident, b: Incident): number {
  const byEnd = incidentSortDate(b).localeCompare(incidentSortDate(a));
  if (byEnd !== 0) return byEnd;
  const byStart = b.date.start.localeCompare(a.date.start);
  return byStart !== 0 ? byStart : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class Catalog {
  /** Newest first. */
  readonly incidents: readonly Incident[];
  readonly byId: ReadonlyMap<string, CatalogEntry>;

  constructor(entries: readonly CatalogEntry[]) {
    this.byId = new Map(entries.map((e) => [e.incident.id, e]));
    this.incidents = entries.map((e) => e.incident).sort(compareNewestFirst);
  }

  get size(): number {
    return this.incidents.length;
  }
}

/**
 * Parsed files → one catalog. An id that appears in two files is an error naming both; the file that
 * sorts first keeps the id, so the answer never flips between loads.
 */
export function assembleCatalog(
  files: readonly ParsedFile[],
  problems: readonly LoadProblem[] = [],
): { catalog: Catalog; problems: LoadProblem[] } {
  const out: LoadProblem[] = [...problems];
  const entries = new Map<string, CatalogEntry>();
  for (const parsed of files) {
    out.push(...parsed.problems);
    for (const incident of parsed.incidents) {
      const existing = entries.get(incident.id);
      if (existing) {
        out.push({
          file: parsed.file,
          field: 'id',
          message: `duplicate id "${incident.id}": also in ${existing.file} (that one is kept)`,
        });
        continue;
      }
      entries.set(incident.id, { incident, file: parsed.file });
    }
  }
  return { catalog: new Catalog([...entries.values()]), problems: out };
}
