// Text longer than the schema allows, found after mapping: the mappers keep every value whole, and
// this one pass cuts what still does not fit (at a word, with "…") and says so per row, with the
// field and its original length. Nothing is cut anywhere else, so nothing is cut silently.
import { type IncidentInput, LIMITS } from '../incidents/schema.ts';
import { truncateWords } from '../incidents/text.ts';
import type { Warning } from './dataset.ts';

export const CUT_KIND = 'text cut to the schema limit';

type Figure = { text?: string | undefined } & Record<string, unknown>;

/** The incident with every text within its schema limit, and a warning per value that was cut. */
export function fitToSchema(incident: IncidentInput): { incident: IncidentInput; cuts: Warning[] } {
  if (!anyTooLong(incident)) return { incident, cuts: [] };
  const cuts: Warning[] = [];
  const cut = (value: string, max: number, field: string): string => {
    if (value.length <= max) return value;
    cuts.push({
      kind: CUT_KIND,
      detail: `${field}: ${value.length} characters, cut at a word to ${max} (the schema's limit)`,
    });
    return truncateWords(value, max);
  };
  const name = (value: string | undefined, field: string) =>
    value === undefined ? undefined : cut(value, LIMITS.name, field);
  const optional = <K extends string>(key: K, value: string | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
  const figure = <F extends Figure | undefined>(f: F, field: string): F =>
    f?.text === undefined ? f : { ...f, text: cut(f.text, LIMITS.figureText, `${field}.text`) };

  const { location } = incident;
  const fitted: IncidentInput = {
    ...incident,
    title: cut(incident.title, LIMITS.title, 'title'),
    location: {
      ...location,
      country: cut(location.country, LIMITS.name, 'location.country'),
      ...optional('admin1', name(location.admin1, 'location.admin1')),
      ...optional('admin2', name(location.admin2, 'location.admin2')),
      ...optional('admin3', name(location.admin3, 'location.admin3')),
      ...optional('place', name(location.place, 'location.place')),
    },
    summary: cut(incident.summary, LIMITS.summary, 'summary'),
    ...(incident.actors
      ? {
          actors: incident.actors.map((a, i) => ({
            ...a,
            name: cut(a.name, LIMITS.name, `actors[${i}].name`),
          })),
        }
      : {}),
    ...(incident.casualties
      ? {
          casualties: incident.casualties.map((c, i) => ({
            ...c,
            claimant: cut(c.claimant, LIMITS.name, `casualties[${i}].claimant`),
            ...optional('note', name(c.note, `casualties[${i}].note`)),
            ...(c.killed ? { killed: figure(c.killed, `casualties[${i}].killed`) } : {}),
            ...(c.injured ? { injured: figure(c.injured, `casualties[${i}].injured`) } : {}),
          })),
        }
      : {}),
    ...(incident.quotes
      ? {
          quotes: incident.quotes.map((q, i) => ({
            ...q,
            speaker: cut(q.speaker, LIMITS.name, `quotes[${i}].speaker`),
            ...optional('role', name(q.role, `quotes[${i}].role`)),
            ...optional('organization', name(q.organization, `quotes[${i}].organization`)),
            text: cut(q.text, LIMITS.quote, `quotes[${i}].text`),
          })),
        }
      : {}),
    sources: incident.sources.map((s, i) => ({
      ...s,
      name: cut(s.name, LIMITS.name, `sources[${i}].name`),
      ...optional('affiliation', name(s.affiliation, `sources[${i}].affiliation`)),
    })),
    ...(incident.tags ? { tags: fitTags(incident.tags, cut) } : {}),
    ...(incident.external_ids
      ? {
          external_ids: {
            ...optional('acled', name(incident.external_ids.acled, 'external_ids.acled')),
            ...optional('ucdp', name(incident.external_ids.ucdp, 'external_ids.ucdp')),
          },
        }
      : {}),
  };
  return { incident: cuts.length === 0 ? incident : fitted, cuts };
}

const over = (value: string | undefined, max: number) => value !== undefined && value.length > max;

/** The quick test for the usual row, where nothing is too long: no copy is made. */
function anyTooLong(i: IncidentInput): boolean {
  const name = LIMITS.name;
  const l = i.location;
  if (over(i.title, LIMITS.title) || over(i.summary, LIMITS.summary)) return true;
  if (over(l.country, name) || over(l.admin1, name) || over(l.admin2, name)) return true;
  if (over(l.admin3, name) || over(l.place, name)) return true;
  if (over(i.external_ids?.acled, name) || over(i.external_ids?.ucdp, name)) return true;
  for (const a of i.actors ?? []) if (over(a.name, name)) return true;
  for (const t of i.tags ?? []) if (over(t, LIMITS.tag)) return true;
  for (const s of i.sources) if (over(s.name, name) || over(s.affiliation, name)) return true;
  for (const c of i.casualties ?? []) {
    if (over(c.claimant, name) || over(c.note, name)) return true;
    if (over(c.killed?.text, LIMITS.figureText) || over(c.injured?.text, LIMITS.figureText)) return true;
  }
  for (const q of i.quotes ?? []) {
    if (over(q.speaker, name) || over(q.role, name) || over(q.organization, name)) return true;
    if (over(q.text, LIMITS.quote)) return true;
  }
  return false;
}

/** Tags cut to the limit, each once (two long tags may cut to the same words). */
function fitTags(
  tags: readonly string[],
  cut: (value: string, max: number, field: string) => string,
): string[] {
  const out = tags.map((tag, i) => cut(tag, LIMITS.tag, `tags[${i}]`));
  return out.filter((tag, i) => out.indexOf(tag) === i);
}
