// The incident file format: one zod schema, the only definition of what a valid incident is.
// Field names follow ACLED and UCDP GED where they have an equivalent (see docs/data-format.md).
import { z } from 'zod';
import { likelyMeant } from './similar.ts';
import { EVENT_TYPE_SLUGS, SUB_EVENT_TYPE_SLUGS, SUB_EVENT_TYPES } from './taxonomy.ts';

export const LIMITS = {
  id: 100, // Discord's autocomplete choice value limit
  title: 200,
  name: 200,
  summary: 10000, // whole ACLED notes; Discord replies cut longer text and say so
  quote: 2000,
  figureText: 100,
  tag: 50,
} as const;

/** True for a real calendar date written as YYYY-MM-DD (rejects 2016-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function bothCalendarDates(a: string, b: string): boolean {
  return isCalendarDate(a) && isCalendarDate(b);
}

const isoDate = z
  .string({ error: 'expected a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, { error: 'not a calendar date' });

/**
 * Control characters other than tab, line feed and carriage return (C0, DEL, C1): they move the cursor
 * or recolour a terminal, and Discord shows them as boxes. Zero-width and right-to-left marks are not
 * controls here: they belong in names.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder the
 * text after them (an override shows "84" as "48"), and an incident field never needs one; the
 * letters give each name its direction. The marks (U+200E, U+200F, U+061C) stay allowed: they are
 * part of how right-to-left names are written, and reorder nothing beyond their neighbours. Replies
 * drop both kinds anyway (withoutInvisible in text.ts).
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `value` is not clean text (a control character, a bidirectional control, half a surrogate pair), or undefined. */
export function textProblem(value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) return `contains a control character (${codePoint(control[0])})`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) {
    return `contains a bidirectional control (${codePoint(bidi[0])}) that reorders the text around it; remove it`;
  }
  const half = LONE_SURROGATE.exec(value);
  if (half) return `contains half of a surrogate pair (${codePoint(half[0])}), not valid Unicode`;
  return undefined;
}

const cleanText = (value: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
};

const text = (max: number) =>
  z
    .string({ error: 'expected text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `at most ${max} characters` })
    .superRefine(cleanText);

const count = z
  .number({ error: 'expected a whole number ≥ 0' })
  .int({ error: 'expected a whole number ≥ 0' })
  .min(0, { error: 'expected a whole number ≥ 0' });

const slug = z
  .string({ error: 'expected an id' })
  .max(LIMITS.id, { error: `at most ${LIMITS.id} characters` })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, {
    error: 'use lower-case letters, digits, ".", "-" and "_", starting with a letter or digit',
  });

export const precisionSchema = z.enum(['day', 'week', 'month', 'year'], {
  error: 'expected one of day, week, month, year',
});

export const dateRangeSchema = z
  .strictObject({
    start: isoDate,
    end: isoDate.optional(),
    precision: precisionSchema.default('day'),
  })
  // Compared only as real dates: "2016-13-01" is already reported, and is not "after" anything.
  .refine((d) => d.end === undefined || !bothCalendarDates(d.start, d.end) || d.end >= d.start, {
    error: 'end is before start',
    path: ['end'],
  });

export const locationSchema = z
  .strictObject({
    country: text(LIMITS.name),
    iso3: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 3166-1 alpha-3 code such as SYR' })
      .optional(),
    admin1: text(LIMITS.name).optional(),
    admin2: text(LIMITS.name).optional(),
    admin3: text(LIMITS.name).optional(),
    place: text(LIMITS.name).optional(),
    lat: z
      .number({ error: 'expected a latitude' })
      .min(-90, { error: 'latitude must be between -90 and 90' })
      .max(90, { error: 'latitude must be between -90 and 90' })
      .optional(),
    lon: z
      .number({ error: 'expected a longitude' })
      .min(-180, { error: 'longitude must be between -180 and 180' })
      .max(180, { error: 'longitude must be between -180 and 180' })
      .optional(),
    /** How well the place is known: ACLED geo_precision 1–3 and UCDP where_prec 1–7 map onto these. */
    precision: z
      .enum(['exact', 'near', 'admin2', 'admin1', 'country', 'other'], {
        error: 'expected one of exact, near, admin2, admin1, country, other',
      })
      .optional(),
  })
  .refine((l) => (l.lat === undefined) === (l.lon === undefined), {
    error: 'lat and lon go together: give both or neither',
    path: ['lat'],
  });

export const eventTypeSchema = z
  .strictObject({
    event: z.enum(EVENT_TYPE_SLUGS, { error: `expected one of ${EVENT_TYPE_SLUGS.join(', ')}` }),
    sub: z
      .enum(SUB_EVENT_TYPE_SLUGS, { error: 'expected an ACLED sub-event type (see docs/data-format.md)' })
      .optional(),
  })
  .refine((t) => t.sub === undefined || SUB_EVENT_TYPES[t.sub].event === t.event, {
    error: 'this sub-event type belongs to another event type',
    path: ['sub'],
  });

export const actorSchema = z.strictObject({
  name: text(LIMITS.name),
  side: z.enum(['perpetrator', 'target', 'side_a', 'side_b', 'other'], {
    error: 'expected one of perpetrator, target, side_a, side_b, other',
  }),
  /** The attribution is a claim, not established (e.g. "rebels fired gas shells, per SANA"). */
  alleged: z.boolean().optional(),
});

/** A casualty figure as claimed: a best estimate, a range, a worded description ("scores"), or a mix. */
export const figureSchema = z
  .strictObject({
    best: count.optional(),
    low: count.optional(),
    high: count.optional(),
    text: text(LIMITS.figureText).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.best === undefined && f.low === undefined && f.high === undefined && f.text === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give best, low, high or text' });
    }
    if (f.low !== undefined && f.best !== undefined && f.low > f.best) {
      ctx.addIssue({ code: 'custom', message: 'low is greater than best', path: ['low'] });
    }
    if (f.best !== undefined && f.high !== undefined && f.best > f.high) {
      ctx.addIssue({ code: 'custom', message: 'best is greater than high', path: ['high'] });
    }
    if (f.low !== undefined && f.high !== undefined && f.low > f.high) {
      ctx.addIssue({ code: 'custom', message: 'low is greater than high', path: ['high'] });
    }
  });

export const periodSchema = z
  .strictObject({ from: isoDate, to: isoDate.optional() })
  .refine((p) => p.to === undefined || !bothCalendarDates(p.from, p.to) || p.to >= p.from, {
    error: 'to is before from',
    path: ['to'],
  });

/** UCDP GED's breakdown of deaths by side. */
export const breakdownSchema = z.strictObject({
  side_a: count.optional(),
  side_b: count.optional(),
  civilians: count.optional(),
  unknown: count.optional(),
});

export const claimSchema = z
  .strictObject({
    claimant: text(LIMITS.name),
    killed: figureSchema.optional(),
    injured: figureSchema.optional(),
    /** Who the figure counts, in the claimant's terms ("including children"). */
    note: text(LIMITS.name).optional(),
    breakdown: breakdownSchema.optional(),
    /** The period the figure covers; the incident's dates when absent. */
    period: periodSchema.optional(),
    source: slug,
  })
  .refine((c) => c.killed !== undefined || c.injured !== undefined, {
    error: 'a claim needs killed or injured',
    path: ['killed'],
  });

export const quoteSchema = z.strictObject({
  speaker: text(LIMITS.name),
  role: text(LIMITS.name).optional(),
  organization: text(LIMITS.name).optional(),
  /** Verbatim, exactly as published. */
  text: text(LIMITS.quote),
  /** When it was said; the source's publication date when absent. */
  date: isoDate.optional(),
  source: slug,
});

export const sourceSchema = z.strictObject({
  id: slug,
  name: text(LIMITS.name),
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .superRefine(cleanText)
    .optional(),
  published: isoDate.optional(),
  /** Who owns or steers it, where known: "state-affiliated (Iran)", "state news agency (Syria)". */
  affiliation: text(LIMITS.name).optional(),
  /** The id of the source through which this one was reported (SANA as carried by Press TV). */
  via: slug.optional(),
});

export const incidentSchema = z
  .strictObject({
    id: slug,
    title: text(LIMITS.title),
    date: dateRangeSchema,
    location: locationSchema,
    type: eventTypeSchema,
    actors: z.array(actorSchema).default([]),
    summary: text(LIMITS.summary),
    casualties: z.array(claimSchema).default([]),
    quotes: z.array(quoteSchema).default([]),
    sources: z.array(sourceSchema).min(1, { error: 'at least one source' }),
    tags: z.array(text(LIMITS.tag)).default([]),
    /** Ids in the public datasets this incident came from, for idempotent imports. */
    external_ids: z
      .strictObject({ acled: text(LIMITS.name).optional(), ucdp: text(LIMITS.name).optional() })
      .optional(),
  })
  .superRefine((incident, ctx) => {
    const ids = new Set<string>();
    incident.sources.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate source id "${s.id}"`,
          path: ['sources', i, 'id'],
        });
      ids.add(s.id);
    });
    const resolve = (ref: string | undefined, path: (string | number)[]) => {
      if (ref !== undefined && !ids.has(ref)) {
        ctx.addIssue({ code: 'custom', message: `no source with id "${ref}" in sources`, path });
      }
    };
    incident.sources.forEach((s, i) => {
      resolve(s.via, ['sources', i, 'via']);
    });
    incident.casualties.forEach((c, i) => {
      resolve(c.source, ['casualties', i, 'source']);
    });
    incident.quotes.forEach((q, i) => {
      resolve(q.source, ['quotes', i, 'source']);
    });
  });

export type Incident = z.output<typeof incidentSchema>;
export type IncidentInput = z.input<typeof incidentSchema>;
export type Claim = Incident['casualties'][number];
export type Figure = NonNullable<Claim['killed']>;
export type Quote = Incident['quotes'][number];
export type Source = Incident['sources'][number];
export type Actor = Incident['actors'][number];
export type Period = NonNullable<Claim['period']>;

/** A file holds one incident or a list of them. */
export const incidentFileSchema = z.union([incidentSchema, z.array(incidentSchema)]);

/** `casualties[0].killed.best` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** Validates one raw incident; problems carry the exact field path. */
export function parseIncident(
  raw: unknown,
): { ok: true; incident: Incident } | { ok: false; problems: FieldProblem[] } {
  const result = incidentSchema.safeParse(raw);
  if (result.success) return { ok: true, incident: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue): FieldProblem[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: formatPath([...issue.path, key]),
            message: unknownField(key, fieldsAt(incidentSchema, issue.path)),
          }))
        : [{ path: formatPath(issue.path), message: describeIssue(issue, raw) }],
    ),
  };
}

/** "unknown field; did you mean organization?", or the fields allowed there when none is close. */
function unknownField(key: string, known: readonly string[]): string {
  const meant = likelyMeant(key, known);
  if (meant !== undefined) return `unknown field; did you mean ${meant}?`;
  return known.length > 0 ? `unknown field; expected one of ${known.join(', ')}` : 'unknown field';
}

/** The field names of the object schema at `path` (list indexes included), through optional and default. */
function fieldsAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let at: z.core.$ZodType | undefined = schema;
  for (const key of [...path, undefined]) {
    while (at !== undefined && 'innerType' in at._zod.def)
      at = (at._zod.def as { innerType?: z.core.$ZodType }).innerType;
    if (at === undefined || key === undefined) break;
    const def = at._zod.def as { element?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType> };
    at = typeof key === 'number' ? def.element : def.shape?.[String(key)];
  }
  const shape = (at?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_value') return issue.message;
  const value = valueAt(raw, issue.path);
  // A missing enum (type.event) is an invalid_value; a missing anything else an invalid_type.
  if (value === undefined) return 'required';
  if (issue.code !== 'invalid_type') return issue.message;
  // zod's own wording ("Invalid input: expected object, received string") for the containers.
  if (issue.expected === 'object') return `expected a mapping of fields, not ${describeValue(value)}`;
  if (issue.expected === 'array') return `expected a list, not ${describeValue(value)}`;
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** JSON Schema for editors (data/schema.json): a file is one incident or a list. */
export function incidentJsonSchema(): Record<string, unknown> {
  const one = z.toJSONSchema(incidentSchema, { io: 'input', unrepresentable: 'any' });
  const { $schema, ...incident } = one as Record<string, unknown>;
  return {
    $schema,
    $id: 'https://sitrep.invalid/schema/incident-file.json',
    title: 'sitrep incident file',
    description:
      'One incident, or a list of incidents. Cross-field rules (end ≥ start, low ≤ best ≤ high, source references) are checked by `sitrep validate`.',
    anyOf: [{ $ref: '#/$defs/incident' }, { type: 'array', items: { $ref: '#/$defs/incident' } }],
    $defs: { incident },
  };
}
