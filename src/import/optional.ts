// Optional columns (fatalities, actors, notes, source, precision): a file without one is read, with
// a loud warning naming the field that will be empty. Re-imported over an earlier import, the
// earlier value of that field is kept unless --replace says to clear it; the run then says how many
// incidents it concerned, and the command exits 65 when values were kept without --replace.
import { type IncidentInput, parseIncident } from '../incidents/schema.ts';
import { type Header, normalizeName } from './columns.ts';

export interface OptionalField {
  /** The column's name in the dataset's codebook, as the warning names it ("fatalities"). */
  field: string;
  /** Columns that fill it; the field is missing when the header has none of them. */
  columns: readonly string[];
  /** What stays empty without it: "casualties (no death toll claimed)". */
  becomes: string;
  /** Whether an incident of an earlier import holds data from this column (then it is kept). */
  has(previous: IncidentInput): boolean;
  /** Whether clearing it would lose something (counted, exit 65); `has` when absent. */
  loses?(previous: IncidentInput): boolean;
  /** `incoming` with this column's data taken from the earlier import's incident. */
  keep(incoming: IncidentInput, previous: IncidentInput): IncidentInput;
}

export interface MissingField {
  field: OptionalField;
  /** An unused column of the file that looks like it was renamed from this one. */
  renamedAs?: string;
  /** Incidents whose earlier import had data from this column (kept, or cleared with --replace). */
  previous: number;
}

/** The optional columns the header lacks, each with a column that looks like its new name. */
export function findMissing(fields: readonly OptionalField[], header: Header): MissingField[] {
  const unused = header.unknown.map((cell) => ({ cell, name: normalizeName(cell) }));
  return fields
    .filter((f) => !f.columns.some((column) => header.positions.has(column)))
    .map((field) => {
      const renamed = unused.find(({ name }) =>
        field.columns.some((column) => name.includes(column) || (name.length >= 4 && column.includes(name))),
      );
      return { field, previous: 0, ...(renamed ? { renamedAs: renamed.cell } : {}) };
    });
}

/**
 * Called with each incident that an earlier import wrote too: counts the missing fields the earlier
 * one had, and (without `replace`) keeps their values. Falls back to `incoming` if the earlier file
 * is not a valid incident, or if the combination would not be one.
 */
export function reconcileMissing(
  missing: readonly MissingField[],
  replace: boolean,
): ((incoming: IncidentInput, previous: unknown) => IncidentInput) | undefined {
  if (missing.length === 0) return undefined;
  return (incoming, previous) => {
    if (!parseIncident(previous).ok) return incoming;
    const earlier = previous as IncidentInput;
    let out = incoming;
    for (const m of missing) {
      if (!m.field.has(earlier)) continue;
      if ((m.field.loses ?? m.field.has)(earlier)) m.previous += 1;
      if (!replace) out = m.field.keep(out, earlier);
    }
    if (out === incoming) return incoming;
    const ordered = orderLike(out, previous) as IncidentInput;
    return parseIncident(ordered).ok ? ordered : incoming;
  };
}

/**
 * `value` with the keys of each object in the order `model` (the earlier file) has them, the others
 * after: a field kept from the earlier import sits where it was, so unchanged content writes the
 * same bytes and re-importing stays idempotent.
 */
function orderLike(value: unknown, model: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => orderLike(item, Array.isArray(model) ? model[i] : undefined));
  }
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const shape = model !== null && typeof model === 'object' && !Array.isArray(model) ? model : {};
  const keys = [
    ...Object.keys(shape).filter((key) => Object.hasOwn(object, key)),
    ...Object.keys(object).filter((key) => !Object.hasOwn(shape, key)),
  ];
  return Object.fromEntries(
    keys.map((key) => [key, orderLike(object[key], (shape as Record<string, unknown>)[key])]),
  );
}

/**
 * Actors of one side. `composed` are the fields the mapper composes from the names (UCDP's title and
 * summary name both sides): kept with them, so they do not say "an unnamed side" beside the names.
 */
export function actorsOfSide(
  field: string,
  side: 'side_a' | 'side_b',
  columns: string[],
  composed: readonly ('title' | 'summary')[] = [],
): OptionalField {
  const label = side === 'side_a' ? 'side A' : 'side B';
  return {
    field,
    columns,
    becomes: `actors (no actor on ${label})${composed.length > 0 ? `; the ${composed.join(' and ')} say "an unnamed side"` : ''}`,
    has: (previous) => (previous.actors ?? []).some((a) => a.side === side),
    keep: (incoming, previous) => ({
      ...incoming,
      ...Object.fromEntries(composed.map((key) => [key, previous[key]])),
      actors: [
        ...(incoming.actors ?? []).filter((a) => a.side !== side),
        ...(previous.actors ?? []).filter((a) => a.side === side),
      ].sort((a, b) => sideOrder(a.side) - sideOrder(b.side)),
    }),
  };
}

function sideOrder(side: string): number {
  return side === 'side_a' ? 0 : side === 'side_b' ? 1 : 2;
}

/**
 * The date's precision; a missing one reads as "day", so only a coarser one is lost without it.
 * `composed`: the summary words the dates with their precision (UCDP's always, ACLED's without a note).
 */
export function datePrecision(field: string, composed: boolean): OptionalField {
  return {
    field,
    columns: [field],
    becomes: 'date.precision (every date reads as an exact day)',
    has: (previous) => previous.date.precision !== undefined,
    loses: (previous) => (previous.date.precision ?? 'day') !== 'day',
    keep: (incoming, previous) => {
      const { precision } = previous.date;
      if (precision === undefined) return incoming;
      return {
        ...incoming,
        date: { ...incoming.date, precision },
        ...(composed ? { summary: previous.summary } : {}),
      };
    },
  };
}

export function placePrecision(field: string): OptionalField {
  return {
    field,
    columns: [field],
    becomes: 'location.precision (how well the place is known)',
    has: (previous) => previous.location.precision !== undefined,
    keep: (incoming, previous) => {
      const { precision } = previous.location;
      return precision === undefined
        ? incoming
        : { ...incoming, location: { ...incoming.location, precision } };
    },
  };
}
