// Raw file content → validated incidents, or problems naming the exact field. Pure: no I/O here.
import { type Document, isCollection, isScalar, parseAllDocuments, visit, type YAMLError } from 'yaml';
import { type Incident, parseIncident } from './schema.ts';

export interface LoadProblem {
  /** Path of the file relative to the data folder (or as given). */
  file: string;
  /** Field path inside the file, such as `casualties[0].killed.best`; absent for whole-file problems. */
  field?: string;
  /** 1-based line of a syntax error. */
  line?: number;
  /** 1-based column of a syntax error, with `line`. */
  column?: number;
  /** The text of that line, to show under the message with a caret at `column`. */
  source?: string;
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
    const position = / at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
    if (!position) return { error: { message: `invalid JSON: ${message}` } };
    const shown = message.slice(0, position.index) + message.slice(position.index + position[0].length);
    return { error: { message: `invalid JSON: ${shown}`, ...sourceAt(content, Number(position[1])) } };
  }
}

function parseYaml(content: string): RawResult {
  // The core schema keeps 2016-10-30 a string; unique keys catch a field written twice. Positions
  // are offsets into `content` (errorOrigin, sourceAt), across all its documents.
  const docs = parseAllDocuments(content, { schema: 'core', uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return { error: { message: 'invalid YAML' } };
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { offset, note } = errorOrigin(doc, error, content);
      const message = `invalid YAML: ${error.message.split('\n')[0]}${note}`;
      return { error: { message, ...sourceAt(content, offset) } };
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
 * Where a YAML error starts. The library reports an unclosed quote or flow collection where it gave
 * up, often the end of the file (a quote left open on line 3 was reported on line 35): the opening
 * quote, `{` or `[` is what the author must fix. A bad indentation points at the line's first
 * character rather than at its leading spaces.
 */
function errorOrigin(doc: Document, error: YAMLError, content: string): { offset: number; note: string } {
  const at = error.pos[0];
  const quote = /^Missing closing ["']quote/.test(error.message);
  const flow = /^Flow (map|sequence) in block collection|^Expected flow (map|sequence) to end/.test(
    error.message,
  );
  if (quote || flow) {
    let start: number | undefined;
    visit(doc, {
      Node(_key, node) {
        const range = node.range;
        // The construct left open runs up to where the parser gave up (its value ends there).
        if (!range || range[0] > at || at > range[1] || (start !== undefined && range[0] <= start)) return;
        const fits = quote
          ? isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')
          : isCollection(node) && node.flow === true;
        if (fits) start = range[0];
      },
    });
    if (start !== undefined && start < at) {
      const ended =
        at >= content.trimEnd().length ? 'the end of the file' : `line ${sourceAt(content, at).line}`;
      return { offset: start, note: quote ? ` (opened here, still open at ${ended})` : ' (opened here)' };
    }
  }
  if (error.code === 'BAD_INDENT') {
    const lineStart = content.lastIndexOf('\n', at - 1) + 1;
    const indent = /^ */.exec(content.slice(lineStart))?.[0].length ?? 0;
    if (at < lineStart + indent) return { offset: lineStart + indent, note: '' };
  }
  return { offset: at, note: '' };
}

/** 1-based line and column of `offset`, and the text of that line. */
function sourceAt(content: string, offset: number): { line: number; column: number; source: string } {
  const at = Math.max(0, Math.min(offset, content.length));
  const lineStart = content.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = content.indexOf('\n', at);
  const source = content.slice(lineStart, lineEnd < 0 ? content.length : lineEnd).replace(/\r$/, '');
  let line = 1;
  for (let i = content.indexOf('\n'); i >= 0 && i < lineStart; i = content.indexOf('\n', i + 1)) line += 1;
  return { line, column: at - lineStart + 1, source };
}

/**
 * `data/x.yaml: casualties[0].killed.best: expected a whole number ≥ 0`. Always one line: control
 * characters (from a file name, a field name or a parser's message) are shown as \u escapes, so a
 * file cannot move the cursor or recolour the terminal of whoever runs `sitrep validate`.
 */
export function formatProblem(p: LoadProblem): string {
  const column = p.column !== undefined ? `, column ${p.column}` : '';
  const where =
    p.field !== undefined ? `: ${p.field}` : p.line !== undefined ? `: line ${p.line}${column}` : '';
  return escapeControls(`${p.file}${where}: ${p.message}`);
}

/** Most of a long source line that is shown around the column. */
const SOURCE_WIDTH = 100;

/**
 * What `sitrep validate` prints for a problem: `formatProblem`'s line and, for a syntax error, the
 * offending line of the file with a caret under the column:
 *
 *     data/x.yaml: line 3, column 10: invalid YAML: Missing closing "quote (opened here, …)
 *       summary: "Shelling of west Aleppo
 *                ^
 */
export function formatProblemWithSource(p: LoadProblem): string {
  const head = formatProblem(p);
  if (p.source === undefined || p.column === undefined) return head;
  // A long line is shown from a little before the column; escapes and tabs keep the caret in place.
  const from = p.column - 1 > SOURCE_WIDTH - 20 ? p.column - 1 - 20 : 0;
  const chars = [...p.source.slice(from, p.column - 1)];
  const shown = escapeControls(p.source.slice(from, from + SOURCE_WIDTH), true);
  const pad = chars.map((ch) => (ch === '\t' ? '\t' : ' '.repeat(escapeControls(ch, true).length))).join('');
  const lead = from > 0 ? '…' : '';
  return `${head}\n  ${lead}${shown}${from + SOURCE_WIDTH < p.source.length ? '…' : ''}\n  ${lead === '' ? '' : ' '}${pad}^`;
}

/**
 * Control characters as \u escapes (a tab too, unless `keepTabs`), and so are the invisible
 * characters that reorder or hide text (bidirectional controls): a file cannot move the cursor,
 * recolour the terminal or show its lines in another order.
 */
function escapeControls(text: string, keepTabs = false): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffb]/g,
    (ch) => (keepTabs && ch === '\t' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
