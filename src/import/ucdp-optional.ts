// UCDP GED's optional columns and what each fills (see optional.ts). `best` is required; the range,
// the deaths by side, the sides, the source articles and the two precisions are optional.
import type { IncidentInput } from '../incidents/schema.ts';
import { actorsOfSide, datePrecision, type OptionalField, placePrecision } from './optional.ts';

type Claim = NonNullable<IncidentInput['casualties']>[number];

const ucdpClaim = (incident: IncidentInput): Claim | undefined =>
  incident.casualties?.find((c) => c.source === 'ucdp-ged');

/** `incoming` with its UCDP claim changed by `change` (given the earlier import's claim). */
function withClaim(
  incoming: IncidentInput,
  previous: IncidentInput,
  change: (now: Claim, before: Claim) => Claim,
) {
  const before = ucdpClaim(previous);
  if (before === undefined) return incoming;
  return {
    ...incoming,
    casualties: (incoming.casualties ?? []).map((c) => (c.source === 'ucdp-ged' ? change(c, before) : c)),
  };
}

function estimate(bound: 'low' | 'high'): OptionalField {
  return {
    field: bound,
    columns: [bound],
    becomes: `casualties[0].killed.${bound} (the ${bound} estimate)`,
    has: (previous) => ucdpClaim(previous)?.killed?.[bound] !== undefined,
    keep: (incoming, previous) =>
      withClaim(incoming, previous, (now, before) => {
        const value = before.killed?.[bound];
        const best = now.killed?.best;
        const fits =
          value !== undefined && (best === undefined || (bound === 'low' ? value <= best : value >= best));
        return fits ? { ...now, killed: { ...now.killed, [bound]: value } } : now;
      }),
  };
}

export const UCDP_OPTIONAL: readonly OptionalField[] = [
  estimate('low'),
  estimate('high'),
  {
    field: 'deaths_a, deaths_b, deaths_civilians, deaths_unknown',
    columns: ['deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown'],
    becomes: 'casualties[0].breakdown (deaths by side)',
    has: (previous) => ucdpClaim(previous)?.breakdown !== undefined,
    keep: (incoming, previous) =>
      withClaim(incoming, previous, (now, before) =>
        before.breakdown === undefined ? now : { ...now, breakdown: before.breakdown },
      ),
  },
  actorsOfSide('side_a', 'side_a', ['side_a'], ['title', 'summary']),
  actorsOfSide('side_b', 'side_b', ['side_b'], ['title', 'summary']),
  {
    field: 'source_article',
    columns: ['source_article'],
    becomes: 'sources (the articles UCDP coded from)',
    has: (previous) => previous.sources.some((s) => s.id !== 'ucdp-ged'),
    // The summary says how many articles UCDP cites when it lists only the first ten.
    keep: (incoming, previous) => ({
      ...incoming,
      summary: previous.summary,
      sources: [
        ...incoming.sources.filter((s) => s.id === 'ucdp-ged'),
        ...previous.sources.filter((s) => s.id !== 'ucdp-ged'),
      ],
    }),
  },
  datePrecision('date_prec', true),
  placePrecision('where_prec'),
];
