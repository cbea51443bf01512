// The delivery record as answers: `/digest status` (a digest's last runs, what each posted and left
// out) and `/digest why` (what became of one incident, and what to do about it). Pure: the caller reads
// the record (digest/record.ts), the tracker and the filter (digest/explain.ts) and passes them in.
import type { DigestConfig } from '../config.ts';
import { DIGEST_CAPS, formatZoned } from '../digest/compose.ts';
import { describeRejection, FILTER_KIND_LABELS, FILTER_KINDS, type FilterKind } from '../digest/explain.ts';
import { type IncidentFate, messageLink, type RunRecord } from '../digest/record.ts';
import type { Answer, AnswerField, Section } from './answer.ts';
import { COLORS } from './blocks.ts';
import { formatNumber } from './format.ts';
import { truncate } from './truncate.ts';

/** Runs `/digest status` shows (one field each; an embed takes 25). */
const RUNS_SHOWN = 10;
const FIELD_MAX = 1024;

const plural = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** A link to message `index` of the run, or where it went when the server is not known. */
function messageRef(run: RunRecord, index = 0): string | undefined {
  const message = run.messages[index];
  if (!message) return undefined;
  return run.guildId
    ? messageLink(run.guildId, message.channelId, message.id)
    : `message ${message.id} in channel ${message.channelId}`;
}

/** "3 h ago", "2 days ago" */
function ago(at: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** "HTTP 403: Missing Access" */
function failure(status: number | undefined, error: string | undefined): string {
  const parts = [status === undefined ? undefined : `HTTP ${status}`, error].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}

/** What an admin does about a refused post. */
function remedy(digest: DigestConfig, status: number | undefined): string {
  if (status === 403)
    return `Give the bot View Channel, Send Messages and Embed Links in channel ${digest.channelId} (and Send Messages in Threads for a thread or forum); the next run posts what is due.`;
  if (status === 404)
    return `The channel ${digest.channelId} is gone: point the digest at another channel, or remove it.`;
  return 'The run is retried at the next run, with the same messages; nothing is lost.';
}

/** "filtered 40 (types 30, countries 10) · held back 2 · summarized 5" */
function countsLine(run: RunRecord): string {
  const { counts } = run;
  const parts: string[] = [];
  if (counts.filtered > 0) {
    const by = FILTER_KINDS.filter((k) => (run.filteredBy[k] ?? 0) > 0)
      .map((k) => `${FILTER_KIND_LABELS[k]} ${formatNumber(run.filteredBy[k] ?? 0)}`)
      .join(', ');
    parts.push(`filtered ${formatNumber(counts.filtered)}${by ? ` (${by})` : ''}`);
  }
  if (counts.heldBack > 0) parts.push(`held back ${formatNumber(counts.heldBack)}`);
  if (counts.summarized > 0) parts.push(`summarized ${formatNumber(counts.summarized)}`);
  if (counts.overCap > 0) parts.push(`over the hourly cap ${formatNumber(counts.overCap)}`);
  if (counts.failed > 0) parts.push(`failed ${formatNumber(counts.failed)}`);
  return parts.join(' · ');
}

function runLine(run: RunRecord): string {
  switch (run.outcome) {
    case 'posted': {
      const link = messageRef(run);
      return `Posted ${plural(run.messages.length, 'message')} (${plural(run.counts.posted, 'incident')})${link ? ` → ${link}` : ''}`;
    }
    case 'empty':
      return 'Nothing new to post';
    case 'failed':
      return `FAILED: ${failure(run.status, run.error)}`;
    case 'forbidden':
      return `FORBIDDEN: ${failure(run.status, run.error)}`;
  }
}

/** `/digest status` for one digest: its last runs, newest first. */
export function presentRuns(
  digest: DigestConfig,
  runs: readonly RunRecord[],
  options: { now: number },
): Answer {
  const title = `Digest ${digest.id}: ${digest.title} — last runs`;
  if (runs.length === 0)
    return {
      sections: [
        {
          title,
          description: 'No runs recorded yet (runs are kept 30 days). The record starts with the next run.',
          color: COLORS.note,
        },
      ],
      ephemeral: true,
    };
  const shown = runs.slice(0, RUNS_SHOWN);
  const fields: AnswerField[] = shown.map((run) => {
    const counts = countsLine(run);
    const unlisted = run.unlisted > 0 ? `${formatNumber(run.unlisted)} more considered, not listed` : '';
    return {
      name: truncate(
        `${formatZoned(run.at, digest.timezone)} (${ago(run.at, options.now)}) · ${run.reason}`,
        256,
      ),
      value: truncate([runLine(run), counts, unlisted].filter(Boolean).join('\n'), FIELD_MAX),
    };
  });
  const failed = shown[0]?.outcome === 'failed' || shown[0]?.outcome === 'forbidden';
  return {
    sections: [
      {
        title,
        fields,
        color: failed ? COLORS.error : COLORS.list,
        footer: `${runs.length > shown.length ? `Latest ${shown.length} of ${runs.length} runs kept. ` : ''}/digest why incident:<id> says what happened to one incident.`,
      },
    ],
    ephemeral: true,
  };
}

export interface WhyInput {
  digest: DigestConfig;
  incidentId: string;
  /** The incident as the index has it; undefined: not in the data. `date` is its start (YYYY-MM-DD). */
  incident?: { title: string; country: string; date: string } | undefined;
  /** The tracker's record; undefined: the bot never saw it. */
  seen?: { first: number; versions: number[] } | undefined;
  /** The digest covers changes up to here (its cursor); undefined: no run yet. */
  cursor?: number | undefined;
  /** From record.find: the runs that may have considered it, newest first. */
  found: { run: RunRecord; fate: IncidentFate | undefined }[];
  /** The digest's filter on the incident now (explainFilter). */
  filterNow?: { passes: boolean; failed: { kind: FilterKind; wants: string }[] } | undefined;
}

/** A run's fate for this incident: the listed one, else a run that failed as a whole failed it too. */
function fateIn(entry: WhyInput['found'][number]): IncidentFate | undefined {
  if (entry.fate) return entry.fate;
  const { run } = entry;
  if (run.outcome === 'forbidden') return { fate: 'forbidden', status: run.status ?? 403 };
  if (run.outcome === 'failed')
    return {
      fate: 'failed',
      error: run.error ?? 'unknown error',
      ...(run.status === undefined ? {} : { status: run.status }),
    };
  return undefined;
}

/** `/digest why`: what became of one incident in this digest, and why. */
export function presentWhy(input: WhyInput): Answer {
  const { digest, incidentId, incident, seen, cursor, found, filterNow } = input;
  const zone = digest.timezone;
  const alert = digest.mode === 'alert';
  const when = (ms: number) => formatZoned(ms, zone);
  const runName = (run: RunRecord) => `the run of ${when(run.at)}`;
  const firstNote = `a channel's first digest shows only the newest ${DIGEST_CAPS.first} incidents and counts the rest`;
  const latestHint = incident
    ? `\`/latest country:${incident.country} since:${incident.date}\` lists it, or \`/incident id:${incidentId}\``
    : `\`/incident id:${incidentId}\``;
  /** What the filter says now, as a sentence ending the verdict. */
  const filterSentence = (passing: string, failing: string): string | undefined => {
    if (!filterNow) return incident ? undefined : 'It is no longer in the data folder.';
    return filterNow.passes ? passing : `${failing}: ${describeRejection(filterNow.failed)}.`;
  };

  const lines: string[] = [];
  let color: number = COLORS.list;
  let verdict: string;

  if (!seen) {
    color = COLORS.note;
    if (!incident) {
      verdict = 'Never seen';
      lines.push(
        'The bot has not seen an incident with this id: it is not in the data folder, or not yet noticed.',
      );
    } else {
      verdict = 'Not noticed yet';
      lines.push('It is in the data folder, but the bot has not noticed it yet: the next run notes it.');
      const next = filterSentence(
        alert
          ? cursor === undefined
            ? 'It passes the filter, but this alert has not started: it posts only incidents seen after it starts.'
            : "It passes this alert's filter, so it is posted when the bot notices it (it looks every 20 s)."
          : "It passes this digest's filter, so it will be in the next run.",
        'The filter would leave it out',
      );
      if (next) lines.push(next);
    }
  } else {
    const primary = found[0];
    const fate = primary ? fateIn(primary) : undefined;
    const postedBefore = found.slice(1).find((e) => e.fate?.fate === 'posted');
    const earlier = () => {
      if (postedBefore?.fate?.fate !== 'posted') return;
      const link = messageRef(postedBefore.run, postedBefore.fate.message);
      lines.push(`It was posted before, in ${runName(postedBefore.run)}${link ? `: ${link}` : ''}.`);
    };
    if (primary && fate) {
      const { run } = primary;
      switch (fate.fate) {
        case 'posted': {
          verdict = 'Posted';
          const link = messageRef(run, fate.message);
          lines.push(
            `Posted as ${fate.kind === 'new' ? 'a new incident' : 'an update'} in ${runName(run)}${link ? `: ${link}` : ''}.`,
          );
          break;
        }
        case 'filtered': {
          verdict = 'Filtered out';
          color = COLORS.note;
          const failed = fate.by.map(
            (kind) => filterNow?.failed.find((f) => f.kind === kind) ?? { kind, wants: '(no longer set)' },
          );
          lines.push(`Left out by this digest's filter in ${runName(run)}: ${describeRejection(failed)}.`);
          if (filterNow?.passes)
            lines.push(
              'It passes the filter now (the filter or the incident changed since): it is posted when it next changes.',
            );
          earlier();
          break;
        }
        case 'held-back':
          verdict = 'Held back';
          color = COLORS.note;
          lines.push(
            `Held back in ${runName(run)}: it was re-saved without a change a digest shows, so it was not posted again.`,
          );
          earlier();
          break;
        case 'summarized':
          verdict = 'Summarized';
          color = COLORS.note;
          lines.push(
            run.since === undefined
              ? `It was in the data before this digest's first run (${when(run.at)}): ${firstNote}, so it was counted in that run's summary.`
              : `Counted in the summary of ${runName(run)}, not shown: that run had more incidents than it shows.`,
          );
          lines.push(`The summary's "more" line covers it: ${latestHint}.`);
          break;
        case 'over-cap':
          verdict = 'Over the alert cap';
          color = COLORS.note;
          lines.push(
            `Not posted on its own: the channel had reached its cap of ${digest.alertCap === undefined ? 'alerts' : `${digest.alertCap} alerts`} an hour (${when(run.at)}). The held-alerts summary names or counts it; ${latestHint}.`,
          );
          break;
        case 'failed':
          verdict = 'Failed';
          color = COLORS.error;
          lines.push(
            `${runName(run).replace(/^t/, 'T')} failed to post it: ${failure(fate.status, fate.error)}.`,
          );
          lines.push(remedy(digest, fate.status));
          break;
        case 'forbidden':
          verdict = 'Channel refused';
          color = COLORS.error;
          lines.push(
            `${runName(run).replace(/^t/, 'T')} could not post to the channel: ${failure(fate.status, run.error)}.`,
          );
          lines.push(remedy(digest, fate.status));
          break;
      }
    } else if (primary) {
      // The run considered it but had too many incidents to list each one.
      const { run } = primary;
      verdict = 'Not listed';
      lines.push(
        `${runName(run).replace(/^t/, 'T')} considered it among ${formatNumber(run.unlisted + Object.keys(run.incidents).length)} incidents, but the record did not list it.`,
      );
      const link = messageRef(run);
      const next = filterSentence(
        run.since === undefined
          ? `It passes the filter now; that was this digest's first run: ${firstNote}. ${latestHint}.`
          : `It passes the filter now, so that run most likely posted it or counted it in its summary${link ? ` (${link})` : ''}.`,
        'The filter leaves it out now',
      );
      if (next) lines.push(next);
      earlier();
    } else {
      const latest = Math.max(seen.first, ...seen.versions);
      if (cursor === undefined || latest > cursor) {
        verdict = 'Not run yet';
        lines.push(
          cursor === undefined
            ? alert
              ? 'This alert has not started yet: it posts only incidents seen after it starts.'
              : 'This digest has not run yet.'
            : `No run has covered it yet: the bot saw it ${when(latest)}, after the last run.`,
        );
        const next =
          alert && cursor === undefined
            ? undefined
            : filterSentence(
                cursor === undefined
                  ? `It passes the filter; ${firstNote}, so the first run shows it only if it is among them.`
                  : alert && latest !== seen.first
                    ? 'It passes the filter, but it changed rather than being new: alerts post new incidents only.'
                    : 'It passes the filter, so it will be in the next run.',
                'The filter would leave it out',
              );
        if (next) lines.push(next);
      } else {
        verdict = 'No record';
        color = COLORS.note;
        lines.push(
          alert
            ? `Seen ${when(latest)}, and no kept run of this alert considered it: it was in the data before the alert started (an alert posts only what it sees after it starts), or that run is older than the 30 days kept.`
            : `The runs that covered it (seen ${when(latest)}) are not in the record: runs are kept 30 days, and only since the record began.`,
        );
        const next = filterSentence(
          'It passes the filter now, so one of those runs posted it or counted it in its summary.',
          'The filter leaves it out now',
        );
        if (next) lines.push(next);
      }
    }
  }

  if (seen && found[0] && Math.max(seen.first, ...seen.versions) > found[0].run.asOf)
    lines.push(
      alert
        ? `It changed ${when(Math.max(...seen.versions))}, after that run: alerts post new incidents only, not changes.`
        : `It changed again ${when(Math.max(...seen.versions))}, after that run: the next run considers the change.`,
    );

  const fields: AnswerField[] = [
    {
      name: 'Incident',
      value: truncate(
        incident ? `${incident.title} · ${incident.country} · ${incident.date}` : 'not in the data',
        FIELD_MAX,
      ),
    },
  ];
  if (seen) {
    const changed = seen.versions.filter((t) => t > seen.first);
    fields.push({
      name: 'Seen by the bot',
      value: `first ${when(seen.first)}${changed.length > 0 ? `; last changed ${when(Math.max(...changed))}` : ''}`,
    });
  }
  const section: Section = {
    title: truncate(`${verdict} — ${incidentId} in digest ${digest.id} (${digest.title})`, 256),
    description: truncate(lines.join('\n'), 4096),
    fields,
    color,
  };
  return { sections: [section], ephemeral: true };
}

/** What a preview considered besides what it shows, and why each was left out (compose.ts SelectionAudit). */
export interface PreviewAudit {
  shown: number;
  summarized: number;
  filtered: { id: string; kinds: FilterKind[] }[];
  filteredCount: number;
  heldBack: string[];
  heldBackCount: number;
}

/** Incidents a preview names one by one per verdict; the rest are counted. */
const PREVIEW_LISTED = 10;

/** `/digest preview`'s account of each incident in or out of the next run. */
export function previewSection(digest: DigestConfig, audit: PreviewAudit): Section {
  const fields: AnswerField[] = [
    {
      name: 'In',
      value:
        audit.shown + audit.summarized === 0
          ? 'Nothing new passes the filters.'
          : `${plural(audit.shown, 'incident')} shown${audit.summarized > 0 ? `, ${formatNumber(audit.summarized)} more counted in the summary` : ''}.`,
    },
  ];
  if (audit.filteredCount > 0) {
    const lines = audit.filtered
      .slice(0, PREVIEW_LISTED)
      .map(
        (f) =>
          `• ${f.id}: ${f.kinds.length > 0 ? f.kinds.map((k) => FILTER_KIND_LABELS[k]).join(', ') : 'the filter'}`,
      );
    const rest = audit.filteredCount - lines.length;
    fields.push({
      name: `Out: left out by the filters (${formatNumber(audit.filteredCount)})`,
      value: truncate(
        [...lines, ...(rest > 0 ? [`… and ${formatNumber(rest)} more`] : [])].join('\n'),
        FIELD_MAX,
      ),
    });
  }
  if (audit.heldBackCount > 0) {
    const rest = audit.heldBackCount - Math.min(PREVIEW_LISTED, audit.heldBack.length);
    fields.push({
      name: `Out: re-saved without a change digests show (${formatNumber(audit.heldBackCount)})`,
      value: truncate(
        `${audit.heldBack.slice(0, PREVIEW_LISTED).join(', ')}${rest > 0 ? ` and ${formatNumber(rest)} more` : ''}`,
        FIELD_MAX,
      ),
    });
  }
  return {
    title: `Why in or out: digest ${digest.id}`,
    fields,
    color: COLORS.note,
    footer: '/digest why incident:<id> tells more about one incident.',
  };
}
