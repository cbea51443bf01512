// Query results → Answers: the layout of every command's reply. Pure; text stays raw (unescaped).
import type { DatasetStats, Page, QuoteHit, SearchHit } from '../incidents/queries.ts';
import type { Incident } from '../incidents/schema.ts';
import type { CasualtyResult } from '../incidents/types.ts';
import type { Answer, AnswerField, Section } from './answer.ts';
import {
  bullets,
  COLORS,
  describeFilters,
  discordLength,
  type Filters,
  formatEventType,
  formatPlaceShort,
  packBlocks,
  packLines,
} from './blocks.ts';
import {
  formatClaimFigures,
  formatClaimGroupHeading,
  formatClaimHeadline,
  formatDateRange,
  formatIncidentDate,
  formatNumber,
  formatQuote,
  formatSourceRef,
  formatTimestamp,
} from './format.ts';
import { DISCORD_LIMITS } from './limits.ts';
import { datasetOverviewLine, datasetSections } from './present-casualties.ts';
import { truncate } from './truncate.ts';

export type { Filters } from './blocks.ts';
export { presentIncident } from './present-incident.ts';

export const NOT_SUMMED = 'Figures are claims by the named party; they are not added up across claimants.';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "3 of " when only some are shown. */
function shownOf(shown: number, total: number): string {
  return shown >= total ? '' : `${formatNumber(shown)} of `;
}

/** "3 of 12 incidents matching country Syria, newest first" and the like. */
function countLine(
  shown: number,
  total: number,
  noun: string,
  filters: string,
  order = 'newest first',
): string {
  const match = filters === '' ? '' : ` matching ${filters}`;
  return `${shownOf(shown, total)}${plural(total, noun)}${match}, ${order}`;
}

/** `incident` title with its date, for lists. */
function incidentHeading(incident: Incident): string {
  return `${formatIncidentDate(incident)} · ${incident.title}`;
}

/**
 * The incident's attributed casualty headlines, as many as fit in `room` with the lines that must
 * stay; the rest are counted, never silently dropped.
 */
function headlineLines(incident: Incident, room: number): string[] {
  if (incident.casualties.length === 0) return ['No casualty figures reported.'];
  const lines: string[] = [];
  let used = 0;
  for (const [i, claim] of incident.casualties.entries()) {
    const line = `• ${formatClaimHeadline(claim, incident)}`;
    const rest = incident.casualties.length - i;
    const reserve = rest > 1 ? 40 : 0;
    if (used + discordLength(line) + 1 + reserve > room && lines.length > 0) {
      lines.push(`• ${plural(rest, 'more claim')}: /incident`);
      break;
    }
    lines.push(line);
    used += discordLength(line) + 1;
  }
  return lines;
}

/** One compact entry: place and type, every attributed casualty headline, the id for /incident. */
export function incidentEntry(incident: Incident, extra: string[] = []): AnswerField {
  const top = `${formatPlaceShort(incident)} · ${formatEventType(incident)}`;
  const id = `id: ${incident.id}`;
  const fixed = [top, ...extra, id].reduce((n, line) => n + discordLength(line) + 1, 0);
  const value = [top, ...extra, ...headlineLines(incident, DISCORD_LIMITS.fieldValue - fixed), id].join('\n');
  return { name: incidentHeading(incident), value };
}

export function presentLatest(page: Page<Incident>, filters: Filters = {}): Answer {
  const described = describeFilters(filters);
  if (page.items.length === 0) {
    return {
      content:
        described === ''
          ? 'No incidents in the dataset yet. Add incident files under data/ (check them with sitrep validate).'
          : `No incidents match ${described}. Try an earlier date or fewer filters; /about shows what the dataset covers.`,
      sections: [],
    };
  }
  return {
    content: countLine(page.items.length, page.total, 'incident', described),
    sections: [
      {
        title: 'Latest incidents',
        fields: page.items.map((incident) => incidentEntry(incident)),
        footer: `Casualty figures are claims by the named party, never added up. Full briefing: /incident id:…`,
        color: COLORS.list,
      },
    ],
  };
}

export function presentQuotes(page: Page<QuoteHit>, filters: Filters = {}): Answer {
  const described = describeFilters(filters);
  if (page.items.length === 0) {
    return {
      content:
        described === ''
          ? 'No quotes in the dataset yet.'
          : `No quotes match ${described}. Try part of a name, or fewer filters.`,
      sections: [],
    };
  }
  const blocks = page.items.map(
    (hit) => `${formatQuote(hit)}\nIncident: ${incidentHeading(hit.incident)} (id: ${hit.incident.id})`,
  );
  const sections = packBlocks(blocks, DISCORD_LIMITS.embedDescription).map(
    (description, i): Section => ({
      title: i === 0 ? 'Quotes' : 'Quotes (cont.)',
      description,
      color: COLORS.list,
    }),
  );
  const last = sections.at(-1);
  if (last) last.footer = 'Quotes are verbatim as published; their wording is the speaker’s own.';
  return { content: countLine(page.items.length, page.total, 'quote', described), sections };
}

export function presentSearch(page: Page<SearchHit>, query: Filters & { query: string }): Answer {
  const { query: words, ...rest } = query;
  const described = describeFilters(rest);
  const within = described === '' ? '' : ` with ${described}`;
  if (page.items.length === 0) {
    return {
      content: `Nothing matches “${words}”${within}. Try fewer or other words, or a name as it is usually spelled.`,
      sections: [],
    };
  }
  const match = described === '' ? '' : ` (${described})`;
  return {
    content: `${shownOf(page.items.length, page.total)}${plural(page.total, 'match', 'matches')} for “${words}”${match}, best first`,
    sections: [
      {
        title: `Search: ${words}`,
        fields: page.items.map((hit) =>
          incidentEntry(hit.incident, [
            truncate(hit.incident.summary, 200),
            ...(hit.fields.length > 0 ? [`Matched in: ${hit.fields.join(', ')}`] : []),
          ]),
        ),
        footer:
          'Casualty figures are claims by the named party, never added up. Full briefing: /incident id:…',
        color: COLORS.list,
      },
    ],
  };
}

export function presentCasualties(
  result: Pick<CasualtyResult, 'groups' | 'claims'> & Partial<Omit<CasualtyResult, 'groups' | 'claims'>>,
  filters: Filters = {},
): Answer {
  const described = describeFilters(filters);
  const datasets = result.datasets ?? [];
  if (result.groups.length === 0 && datasets.length === 0) {
    return {
      content:
        described === ''
          ? 'No casualty claims in the dataset yet.'
          : `No casualty claims match ${described}. Try a wider date range or another country.`,
      sections: [],
    };
  }
  const handClaimants = result.handWritten?.claimants ?? new Set(result.groups.map((g) => g.claimant)).size;
  const claimants = datasets.length + handClaimants;
  const match = described === '' ? '' : ` matching ${described}`;
  const fields = result.groups.flatMap((group) =>
    packLines(
      formatClaimGroupHeading(group),
      bullets(
        group.rows.map(
          (row) =>
            `${formatClaimFigures(row.claim)} — ${row.incident.title} (id: ${row.incident.id}) · source: ${formatSourceRef(row.claim.source, row.incident)}`,
        ),
      ),
    ),
  );
  const hand = result.handWritten;
  const unlisted =
    hand !== undefined && hand.listed < hand.claims
      ? `Listed: ${formatNumber(hand.listed)} of ${plural(hand.claims, 'claim')}, from the newest incidents; narrow the question (since, until) to see older ones.`
      : undefined;
  const handSection: Section | undefined =
    fields.length === 0
      ? undefined
      : {
          title: 'Casualty claims by claimant and period',
          description: unlisted === undefined ? NOT_SUMMED : `${NOT_SUMMED}\n${unlisted}`,
          fields,
          footer: NOT_SUMMED,
          color: COLORS.list,
        };
  const content = `${plural(result.claims, 'casualty claim')} by ${plural(claimants, 'claimant')}${match}`;
  if (datasets.length === 0) return { content, sections: handSection === undefined ? [] : [handSection] };

  // Datasets first: an overview that fits the first page (the chart shows there), then each dataset.
  const overview: Section = {
    title: 'Casualty claims by claimant',
    description: [
      NOT_SUMMED,
      ...bullets([
        ...datasets.map(datasetOverviewLine),
        ...(handClaimants > 0
          ? [
              `${plural(hand?.claims ?? result.groups.length, 'other claim')} by ${plural(handClaimants, 'claimant')}, each listed with its incident below`,
            ]
          : []),
      ]),
    ].join('\n'),
    color: COLORS.note,
  };
  const unit = result.unit ?? 'week';
  const showCountry = filters.country === undefined;
  return {
    content,
    sections: [
      overview,
      ...datasets.flatMap((d) => datasetSections(d, unit, { showCountry })),
      ...(handSection === undefined ? [] : [handSection]),
    ],
  };
}

export function presentAbout(stats: DatasetStats, version: string, loadedAt?: Date): Answer {
  const fields: AnswerField[] = [
    { name: 'Incidents', value: formatNumber(stats.incidents), inline: true },
    { name: 'Countries', value: formatNumber(stats.countries), inline: true },
    { name: 'Casualty claims', value: formatNumber(stats.claims), inline: true },
    { name: 'Quotes', value: formatNumber(stats.quotes), inline: true },
    { name: 'Sources', value: formatNumber(stats.sources), inline: true },
  ];
  if (stats.span !== undefined) {
    fields.push({
      name: 'Dates covered',
      value: formatDateRange(stats.span.from, stats.span.to),
      inline: true,
    });
  }
  if (stats.newest !== undefined) {
    fields.push({
      name: 'Newest incident',
      value: `${incidentHeading(stats.newest)}\nid: ${stats.newest.id}`,
    });
  }
  if (loadedAt !== undefined)
    fields.push({ name: 'Data loaded', value: formatTimestamp(loadedAt), inline: true });
  fields.push({ name: 'Version', value: version, inline: true });
  return {
    sections: [
      {
        title: 'About sitrep',
        description:
          stats.incidents === 0
            ? 'No incidents are loaded. Add incident files under the data folder and check them with sitrep validate.'
            : `Conflict-incident briefings from the team’s incident files. ${NOT_SUMMED}`,
        fields,
        color: COLORS.note,
      },
    ],
  };
}

/** A user error ("no incident with id …"), shown only to the asker. */
export function presentError(message: string): Answer {
  return { content: message, sections: [], ephemeral: true };
}
