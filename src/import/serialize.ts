// An incident → YAML in the house style of data/incidents (small maps inline, the summary folded),
// or JSON for list files. The output depends only on the incident, so an unchanged row writes the
// same bytes and an import can compare before it writes.
import { Document, isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { IncidentInput } from '../incidents/schema.ts';

const INLINE_KEYS = new Set([
  'date',
  'type',
  'external_ids',
  'killed',
  'injured',
  'breakdown',
  'period',
  'tags',
]);

/** YAML for one incident, with comment lines (a schema hint, the data credit) at the top. */
export function incidentToYaml(incident: IncidentInput, comment: readonly string[]): string {
  const doc = new Document(incident);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (INLINE_KEYS.has(key) && (isMap(value) || isSeq(value))) value.flow = true;
      if (key === 'actors' && isSeq(value)) {
        for (const actor of value.items) if (isMap(actor)) actor.flow = true;
      }
      if (key === 'casualties' && isSeq(value)) {
        for (const claim of value.items) {
          if (!isMap(claim)) continue;
          for (const field of claim.items) {
            const k = isScalar(field.key) ? String(field.key.value) : '';
            if (INLINE_KEYS.has(k) && isMap(field.value)) field.value.flow = true;
          }
        }
      }
      if (
        key === 'summary' &&
        isScalar(value) &&
        typeof value.value === 'string' &&
        value.value.length > 80
      ) {
        value.type = Scalar.BLOCK_FOLDED;
      }
    }
  }
  doc.commentBefore = comment.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 100, minContentWidth: 40 });
}

/** A list file: one incident per line (a changed row is a one-line diff), a final newline. */
export function incidentsToJson(incidents: readonly IncidentInput[]): string {
  return `[\n${incidents.map((incident) => JSON.stringify(incident)).join(',\n')}\n]\n`;
}
