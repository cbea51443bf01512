// Bytes → UTF-8 bytes, line by line: exports arrive as UTF-8 (with or without a byte-order mark) or
// as Windows-1252, and a file edited in two tools can mix both. A run of lines that is valid UTF-8
// passes through untouched (the common case costs one validity check per chunk); any other line is
// decoded as Windows-1252 with iconv-lite. Splitting at "\n" is safe: the byte never occurs inside
// a multi-byte character in either encoding.
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface DecodeStats {
  bom: boolean;
  /** Bytes read from the file so far (for progress). */
  bytes: number;
  /** Lines that were not valid UTF-8 and were read as Windows-1252. */
  windows1252Lines: number;
  /** Whether any non-ASCII text was valid UTF-8 (with Windows-1252 lines too, the file is mixed). */
  utf8Text: boolean;
  /** 1-based line of the first line read as Windows-1252. */
  firstWindows1252Line: number | undefined;
}

export class LineDecoder extends Transform {
  readonly stats: DecodeStats = {
    bom: false,
    bytes: 0,
    windows1252Lines: 0,
    utf8Text: false,
    firstWindows1252Line: undefined,
  };
  private carry: Buffer = Buffer.alloc(0);
  private started = false;
  private lines = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.stats.bytes += chunk.length;
    let data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    if (!this.started) {
      if (data.length < BOM.length) {
        this.carry = data;
        callback();
        return;
      }
      this.started = true;
      if (data.subarray(0, BOM.length).equals(BOM)) {
        this.stats.bom = true;
        data = data.subarray(BOM.length);
      }
    }
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      this.carry = data;
      callback();
      return;
    }
    this.carry = Buffer.from(data.subarray(end + 1));
    this.pushRegion(data.subarray(0, end + 1));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    let data = this.carry;
    if (!this.started && data.subarray(0, BOM.length).equals(BOM)) {
      this.stats.bom = true;
      data = data.subarray(BOM.length);
    }
    if (data.length > 0) this.pushRegion(data);
    callback();
  }

  private pushRegion(region: Buffer): void {
    if (isUtf8(region)) {
      this.lines += countNewlines(region);
      if (!this.stats.utf8Text && !isAscii(region)) this.stats.utf8Text = true;
      this.push(region);
      return;
    }
    const parts: Buffer[] = [];
    let start = 0;
    while (start < region.length) {
      const nl = region.indexOf(NEWLINE, start);
      const stop = nl < 0 ? region.length : nl + 1;
      const line = region.subarray(start, stop);
      this.lines += 1;
      if (isUtf8(line)) {
        if (!isAscii(line)) this.stats.utf8Text = true;
        parts.push(line);
      } else {
        this.stats.windows1252Lines += 1;
        this.stats.firstWindows1252Line ??= this.lines;
        parts.push(Buffer.from(iconv.decode(line, 'win1252'), 'utf8'));
      }
      start = stop;
    }
    this.push(Buffer.concat(parts));
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(NEWLINE);
  while (i >= 0) {
    n += 1;
    i = buf.indexOf(NEWLINE, i + 1);
  }
  return n;
}

/** "UTF-8", "UTF-8 with BOM", "Windows-1252", or a mix, for the report. */
export function describeEncoding(stats: DecodeStats): string {
  const bom = stats.bom ? ' with BOM' : '';
  if (stats.windows1252Lines === 0) return `UTF-8${bom}`;
  const from = `from line ${stats.firstWindows1252Line ?? '?'}`;
  if (!stats.utf8Text) return `Windows-1252 (not valid UTF-8 ${from})`;
  return `mixed: ${stats.windows1252Lines} lines read as Windows-1252 (${from}), the rest as UTF-8${bom}`;
}
