// ACLED's optional columns and what each fills (see optional.ts), and the `acled` source entry's
// affiliation, which says where the summary came from and which reports ACLED coded the event from.
import type { IncidentInput } from '../incidents/schema.ts';
import { actorsOfSide, datePrecision, type OptionalField, placePrecision } from './optional.ts';

const FROM_NOTE = "the summary is ACLED's event note";
const COMPOSED = "summary composed from ACLED's fields";
const REPORTS = '; reports from: ';

/** "ACLED dataset; the summary is ACLED's event note; reports from: Xinhua; Khaama Press". */
export function acledAffiliation(fromNote: boolean, reports: string): string {
  return `ACLED dataset; ${fromNote ? FROM_NOTE : COMPOSED}${reports === '' ? '' : `${REPORTS}${reports}`}`;
}

function readAffiliation(incident: IncidentInput): { fromNote: boolean; reports: string } | undefined {
  const text = incident.sources.find((s) => s.id === 'acled')?.affiliation;
  if (text === undefined || !text.startsWith('ACLED dataset; ')) return undefined;
  const at = text.indexOf(REPORTS);
  return { fromNote: text.includes(FROM_NOTE), reports: at < 0 ? '' : text.slice(at + REPORTS.length) };
}

/** `incoming` with its `acled` source's affiliation rewritten from what `change` makes of it. */
function withAffiliation(
  incoming: IncidentInput,
  change: (parts: { fromNote: boolean; reports: string }) => { fromNote: boolean; reports: string },
): IncidentInput {
  const parts = readAffiliation(incoming);
  if (parts === undefined) return incoming;
  const next = change(parts);
  return {
    ...incoming,
    sources: incoming.sources.map((s) =>
      s.id === 'acled' ? { ...s, affiliation: acledAffiliation(next.fromNote, next.reports) } : s,
    ),
  };
}

/** Imports before issue 14 named the claimant "ACLED (coded from: …)"; the dataset is the claimant. */
const OLD_CLAIMANT = /^ACLED \(coded from: .*\)$/s;

export const ACLED_OPTIONAL: readonly OptionalField[] = [
  {
    field: 'fatalities',
    columns: ['fatalities'],
    becomes: 'casualties (no death toll claimed)',
    has: (previous) => (previous.casualties ?? []).length > 0,
    keep: (incoming, previous) => ({
      ...incoming,
      casualties: (previous.casualties ?? []).map((c) =>
        OLD_CLAIMANT.test(c.claimant) ? { ...c, claimant: 'ACLED' } : c,
      ),
    }),
  },
  actorsOfSide('actor1', 'side_a', ['actor1', 'assoc_actor_1']),
  actorsOfSide('actor2', 'side_b', ['actor2', 'assoc_actor_2']),
  {
    field: 'notes',
    columns: ['notes'],
    becomes: "summary (a neutral line composed from the fields instead of ACLED's note)",
    has: (previous) => readAffiliation(previous)?.fromNote === true,
    keep: (incoming, previous) =>
      withAffiliation({ ...incoming, summary: previous.summary }, (parts) => ({ ...parts, fromNote: true })),
  },
  {
    field: 'source',
    columns: ['source'],
    becomes: 'the reports ACLED coded from (sources[0].affiliation)',
    has: (previous) => (readAffiliation(previous)?.reports ?? '') !== '',
    keep: (incoming, previous) =>
      withAffiliation(incoming, (parts) => ({ ...parts, reports: readAffiliation(previous)?.reports ?? '' })),
  },
  datePrecision('time_precision', false),
  placePrecision('geo_precision'),
];
