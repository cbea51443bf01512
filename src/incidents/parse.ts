// Raw file content → validated incidents, or problems naming the exact field. Pure: no I/O here.
import { LineCounter, parseAllDocuments } from 'yaml';
import { type Incident, parseIncident } from './schema.ts';

export interface LoadProblem {
  /** Path of the file relative to the data folder (or as given). */
  file: string;
  /** Field path inside the file, such as `casualties[0].killed.best`; absent for whole-file problems. */
  field?: string;
  /** 1-based line of a syntax error. */
  line?: number;
  message: string;
}

export interface ParsedFile {
  file: string;
  incidents: Incident[];
  problems: LoadProblem[];
}

export const INCIDENT_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export function isIncidentFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return INCIDENT_FILE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates one file's bytes. A file is all or nothing: if any incident in it is
 * invalid, none of its incidents load, so an incident is never half-loaded.
 */
export function parseIncidentFile(file: string, bytes: Uint8Array | string): ParsedFile {
  const fail = (problem: Omit<LoadProblem, 'file'>): ParsedFile => ({
    file,
    incidents: [],
    problems: [{ file, ...problem }],
  });

  let content: string;
  if (typeof bytes === 'string') content = bytes;
  else {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      return fail({ message: 'UTF-16 text, not UTF-8 (save the file as UTF-8)' });
    }
    try {
      content = utf8.decode(bytes);
    } catch {
      return fail({ message: 'not valid UTF-8 text (save the file as UTF-8)' });
    }
  }
  if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
  if (content.trim() === '') return fail({ message: 'the file is empty' });
  // Text files hold no NUL; UTF-16 without a byte-order mark is full of them.
  if (content.includes('\u0000')) {
    return fail({ message: 'contains NUL bytes: not UTF-8 text (UTF-16?); save the file as UTF-8' });
  }

  const raw = file.toLowerCase().endsWith('.json') ? parseJson(content) : parseYaml(content);
  if ('error' in raw) return fail(raw.error);
  if (raw.value === null || typeof raw.value !== 'object') {
    return fail({
      message: 'expected an incident (fields such as id, title and date) or a list of incidents',
    });
  }

  const items = Array.isArray(raw.value) ? raw.value : [raw.value];
  const listed = Array.isArray(raw.value);
  if (items.length === 0) return fail({ message: 'the file holds an empty list' });

  const incidents: Incident[] = [];
  const problems: LoadProblem[] = [];
  items.forEach((item, index) => {
    const result = parseIncident(item);
    if (result.ok) incidents.push(result.incident);
    else {
      for (const p of result.problems) {
        const field = listed
          ? `[${index}]${p.path.startsWith('[') || p.path === '' ? '' : '.'}${p.path}`
          : p.path;
        problems.push({ file, ...(field === '' ? {} : { field }), message: p.message });
      }
    }
  });
  const seen = new Map<string, number>();
  incidents.forEach((incident, index) => {
    const first = seen.get(incident.id);
    if (first !== undefined) {
      problems.push({
        file,
        field: `[${index}].id`,
        message: `duplicate id "${incident.id}" (also at [${first}])`,
      });
    } else seen.set(incident.id, index);
  });
  return problems.length > 0 ? { file, incidents: [], problems } : { file, incidents, problems };
}

type RawResult = { value: unknown } | { error: Omit<LoadProblem, 'file'> };

function parseJson(content: string): RawResult {
  try {
    return { value: JSON.parse(content) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? content.slice(0, Number(position[1])).split('\n').length : undefined;
    return { error: { message: `invalid JSON: ${message}`, ...(line ? { line } : {}) } };
  }
}

function parseYaml(content: string): RawResult {
  const lineCounter = new LineCounter();
  // The core schema keeps 2016-10-30 a string; unique keys catch a field written twice.
  const docs = parseAllDocuments(content, {
    schema: 'core',
    uniqueKeys: true,
    lineCounter,
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return { error: { message: 'invalid YAML' } };
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const line = lineCounter.linePos(error.pos[0]).line;
      return { error: { message: `invalid YAML: ${error.message.split('\n')[0]}`, line } };
    }
  }
  let values: unknown[];
  try {
    values = docs.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null);
  } catch (error) {
    return { error: { message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` } };
  }
  if (values.length === 0) return { error: { message: 'the file is empty' } };
  return { value: values.length === 1 ? values[0] : values.flat() };
}

/**
 * `data/x.yaml: casualties[0].killed.best: expected a whole number ≥ 0`. Always one line: control
 * characters (from a file name, a field name or a parser's message) are shown as \u escapes, so a
 * file cannot move the cursor or recolour the terminal of whoever runs `sitrep validate`.
 */
export function formatProblem(p: LoadProblem): string {
  const where = p.field !== undefined ? `: ${p.field}` : p.line !== undefined ? `: line ${p.line}` : '';
  return `${p.file}${where}: ${p.message}`.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /[\u0000-\u001f\u007f-\u009f]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
