// One incident by id, with "did you mean" hints when the id is not there.
import { UserError } from '../errors.ts';
import { type Catalog, incidentSortDate } from './catalog.ts';
import type { Incident } from './schema.ts';
import { incidentsWithTitleLike } from './search.ts';
import { suggestIncidents } from './suggest.ts';
import { cutCodePoints } from './text.ts';

/** The incident with this id (exactly, else ignoring case and surrounding spaces), or a UserError with hints. */
export function getIncident(catalog: Catalog, id: string): Incident {
  const exact = catalog.get(id);
  if (exact) return exact;
  // Ids are lower-case slugs, so a case-insensitive match is the lower-cased id.
  const relaxed = catalog.get(id.trim().toLowerCase());
  if (relaxed) return relaxed;
  if (id.trim() === '')
    throw new UserError('Give an incident id: start typing an id or a title to pick one.');
  const shown = cutCodePoints(id.trim(), 100);
  const hints = similarIncidents(catalog, id, 3).map((i) => `${i.id} (${i.title}, ${incidentSortDate(i)})`);
  throw new UserError(
    `No incident with id "${shown}".${hints.length > 0 ? ` Did you mean: ${hints.join('; ')}?` : ''}`,
  );
}

/** Ids or titles that start with or contain the input first, then titles sharing its words (typos allowed). */
function similarIncidents(catalog: Catalog, input: string, limit: number): Incident[] {
  const found = new Map<string, Incident>();
  for (const choice of suggestIncidents(catalog, input, limit)) {
    const incident = catalog.get(choice.value);
    if (incident) found.set(incident.id, incident);
  }
  if (found.size < limit) {
    for (const incident of incidentsWithTitleLike(catalog, input, limit)) {
      if (found.size >= limit) break;
      found.set(incident.id, incident);
    }
  }
  return [...found.values()];
}
