// The import report as plain text: what was detected, what happened to every row, and the credit.
import { displayPath } from '../incidents/loader.ts';
import type { ImportReport } from './run.ts';
import { formatCount, plural } from './text.ts';

/** Incidents whose earlier import had a field this file has no column for, and which kept it. */
export function keptFromEarlier(r: ImportReport): number {
  return r.replace ? 0 : r.missing.reduce((sum, m) => sum + m.previous, 0);
}

/** The loud warning for optional columns the file lacks, and what happened to earlier values. */
function missingColumns(r: ImportReport): string[] {
  if (r.missing.length === 0) return [];
  const lines = [
    '',
    `Warning: ${plural(r.missing.length, 'optional column')} missing; the ${r.missing.length === 1 ? 'field it fills' : 'fields they fill'} will be empty:`,
  ];
  for (const m of r.missing) {
    const renamed =
      m.renamedAs === undefined ? '' : ` (is "${m.renamedAs}", not used, the same column renamed?)`;
    lines.push(`  no ${m.field.field}${renamed}: ${m.field.becomes}`);
  }
  const earlier = r.missing.filter((m) => m.previous > 0);
  if (earlier.length === 0) return lines;
  lines.push(
    r.replace
      ? `${r.dryRun ? 'Would be cleared' : 'Cleared'} with --replace, where the earlier import had them:`
      : `${r.dryRun ? 'Would be kept' : 'Kept'} from the earlier import, which had them (give --replace to clear them); exit code 65:`,
  );
  for (const m of earlier) lines.push(`  ${m.field.field}: ${plural(m.previous, 'incident')}`);
  return lines;
}

export function formatReport(r: ImportReport): string {
  const lines: string[] = [];
  const would = r.dryRun ? 'would be ' : '';
  lines.push(`${r.dryRun ? 'Dry run: ' : ''}${r.dataset.label} import from ${displayPath(r.file)}`);
  lines.push(`Detected: ${r.detected.join('; ')}.`);
  lines.push(
    `Rows read: ${formatCount(r.rows)}; ${would}written (new): ${formatCount(r.created)}; ${would}updated: ${formatCount(r.updated)}; unchanged: ${formatCount(r.unchanged)}; skipped: ${formatCount(r.skipped.total)}.`,
  );
  if (r.blankLines > 0) lines.push(`Blank lines ignored: ${formatCount(r.blankLines)}.`);
  lines.push(...missingColumns(r));

  if (r.skipped.total > 0) {
    lines.push('', `Skipped rows (${formatCount(r.skipped.total)}), by reason:`);
    for (const [reason, count] of r.skipped.byReason()) lines.push(`  ${reason}: ${formatCount(count)}`);
    const shown = r.skipped.examples.length;
    lines.push(shown < r.skipped.total ? `The first ${shown}:` : 'Each:');
    for (const e of r.skipped.examples) lines.push(`  line ${e.line}: ${e.reason}: ${e.detail}`);
  }
  if (r.warnings.total > 0) {
    lines.push('', `Imported with changes (${formatCount(r.warnings.total)}), by kind:`);
    for (const [kind, count] of r.warnings.byReason()) lines.push(`  ${kind}: ${formatCount(count)}`);
    for (const e of r.warnings.examples.slice(0, 10))
      lines.push(`  line ${e.line}: ${e.reason}: ${e.detail}`);
  }

  lines.push('');
  const where = displayPath(r.out);
  lines.push(
    r.mode === 'files'
      ? `Output: ${where}/<year>/<id>.yaml, one file per incident.`
      : `Output: ${where}/${r.dataset.key}-NNNNNN.json list files.`,
  );
  if (r.notInExport > 0) {
    lines.push(
      `${plural(r.notInExport, 'incident')} in ${where} ${r.notInExport === 1 ? 'is' : 'are'} not in this export; left as they are.`,
    );
  }
  if (r.removedFiles > 0) {
    lines.push(`${plural(r.removedFiles, 'list file')} left from a longer earlier export ${would}removed.`);
  }
  if (r.check) {
    const c = r.check;
    const summary = `${plural(c.incidents, 'incident')} in ${plural(c.files, 'file')}`;
    if (c.problemCount === 0) lines.push(`Checked ${where} as the bot loads it: ${summary}, no problems.`);
    else {
      lines.push(`Checked ${where} as the bot loads it: ${summary}, ${plural(c.problemCount, 'problem')}:`);
      for (const p of c.problems) lines.push(`  ${p}`);
    }
  } else if (r.dryRun) lines.push('Nothing was written.');
  const rate = r.seconds > 0 ? Math.round(r.rows / r.seconds) : r.rows;
  lines.push(`Time: ${r.seconds.toFixed(1)} s (${formatCount(rate)} rows/s).`);
  lines.push('', ...r.dataset.credit);
  return `${lines.join('\n')}\n`;
}
