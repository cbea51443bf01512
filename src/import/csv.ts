// A CSV file → records with their 1-based line numbers, streamed (csv-parse), never held whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { type CsvError, type InfoRecord, type Options, parse } from 'csv-parse';
import { UserError } from '../errors.ts';
import { type DecodeStats, LineDecoder } from './decode.ts';

export interface FileShape {
  size: number;
  delimiter: ',' | ';' | '\t';
  /** Line ends of the first lines: "CRLF", "LF", "CR", or "mixed CRLF/LF". */
  lineEnds: string;
}

/** A row of cells, or a piece of the file the CSV parser could not read. */
export type CsvItem =
  | { kind: 'record'; line: number; fields: string[] }
  | { kind: 'unreadable'; line: number; message: string; fatal: boolean };

const SNIFF_BYTES = 64 * 1024;

/** Delimiter and line ends from the first 64 KiB; refuses UTF-16, which needs re-saving. */
export async function sniffFile(file: string): Promise<FileShape> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw new UserError(`${file} is UTF-16 text; save it as CSV (UTF-8) and import again.`);
    }
    const text = head.toString('latin1');
    return { size, delimiter: detectDelimiter(text), lineEnds: detectLineEnds(text) };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `${file}: no such file`
        : code === 'EISDIR'
          ? `${file} is a folder; give a CSV file`
          : `${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await handle?.close();
  }
}

function detectDelimiter(text: string): FileShape['delimiter'] {
  const header = text.split(/\r?\n|\r/, 1)[0] ?? '';
  const outside = header.replace(/"[^"]*"/g, '');
  const counts = ([',', ';', '\t'] as const).map((d) => [d, outside.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

function detectLineEnds(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  const cr = text.split('\r').length - 1 - crlf;
  if (crlf > 0 && lf > 0) return 'mixed CRLF/LF';
  if (crlf > 0) return 'CRLF';
  if (lf > 0) return 'LF';
  return cr > 0 ? 'CR' : 'no line breaks';
}

/**
 * Every record of the file with the line it starts on. Quoted fields may hold commas, doubled quotes
 * and line breaks; a stray quote inside an unquoted field is kept as text. A record the parser cannot
 * read is yielded as `unreadable` with its line (the rest of the file still reads); an error that
 * ends parsing (such as a quote never closed) is yielded as `fatal`.
 */
export async function* readCsv(
  file: string,
  shape: FileShape,
  stats: (decoded: DecodeStats) => void = () => {},
): AsyncGenerator<CsvItem> {
  const decoder = new LineDecoder();
  stats(decoder.stats);
  const pending: CsvItem[] = [];
  /**
   * Line counting happens inside the parser (on_record), not where records are consumed: the parser
   * runs ahead of the consumer, and a skipped record must be placed after the last record *parsed*,
   * so its line is where the broken record starts, not where the parser gave up.
   */
  let crlfInFields = 0;
  let lastEnd = 0;
  const lineOfRecord = (record: string[], info: InfoRecord): { line: number; fields: string[] } => {
    let newlines = 0;
    for (const field of record) {
      if (field.includes('\n') || field.includes('\r')) {
        newlines += (field.match(/\r\n|\r|\n/g) ?? []).length;
        // csv-parse counts a quoted CRLF as two lines.
        crlfInFields += (field.match(/\r\n/g) ?? []).length;
      }
    }
    lastEnd = info.lines - crlfInFields;
    return { line: lastEnd - newlines, fields: record };
  };
  const options: Options = {
    delimiter: shape.delimiter,
    record_delimiter: shape.lineEnds === 'CR' ? ['\r'] : ['\r\n', '\n'],
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: 1_000_000,
    // csv-parse's types allow on_record to return only a record; it may return any value.
    on_record: lineOfRecord as unknown as NonNullable<Options['on_record']>,
    on_skip: (error) => {
      pending.push({
        kind: 'unreadable',
        line: lastEnd + 1,
        message: describeCsvError(error),
        fatal: error?.code === 'CSV_QUOTE_NOT_CLOSED',
      });
    },
  };
  const parser = parse(options);
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  pipeline(source, decoder, parser, () => {});

  try {
    for await (const item of parser as AsyncIterable<{ line: number; fields: string[] }>) {
      for (const problem of pending.splice(0)) {
        if (problem.line < item.line) yield problem;
        else pending.push(problem);
      }
      yield { kind: 'record', line: item.line, fields: item.fields };
    }
  } catch (error) {
    pending.push({
      kind: 'unreadable',
      line: lastEnd + 1,
      message: `${error instanceof Error ? error.message : String(error)}; the rest of the file was not read`,
      fatal: true,
    });
  } finally {
    source.destroy();
  }
  yield* pending.splice(0);
}

function describeCsvError(error: CsvError | undefined): string {
  if (error === undefined) return 'unreadable record';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts in this record is never closed, so nothing after it could be read';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by more text instead of a delimiter';
    case 'CSV_MAX_RECORD_SIZE':
      return 'the record is over 1,000,000 characters long (a quote left open?)';
    default:
      return error.message;
  }
}
