// Text that went through a wrong Windows-1252 conversion: a tool read Windows-1252 bytes as Latin-1
// and saved them as UTF-8, so ’ (byte 0x92) arrives as the control character U+0092. Such a
// character stands for the Windows-1252 character of its byte; it is put back, and the row reported.
import iconv from 'iconv-lite';

const C1 = /[\u0080-\u009f]/;
const C1_ALL = /[\u0080-\u009f]/g;

/** U+0080–U+009F → the Windows-1252 character of that byte; undefined for 0x81, 0x8D, 0x8F, 0x90, 0x9D. */
const WINDOWS_1252 = new Map<string, string>();
for (let byte = 0x80; byte <= 0x9f; byte += 1) {
  const char = iconv.decode(Buffer.from([byte]), 'win1252');
  if (char !== '\ufffd') WINDOWS_1252.set(String.fromCharCode(byte), char);
}

/** The kind under which repaired rows are counted in the report's "imported with changes". */
export const C1_REPAIRED = 'C1 control characters repaired as Windows-1252';

export interface RepairedRow {
  fields: string[];
  /** What was repaired, for the report ("U+0092 → ’ ×2, U+0096 → –"); undefined when nothing was. */
  detail: string | undefined;
}

/** A row's cells with C1 control characters replaced by the Windows-1252 characters they stood for. */
export function repairC1(fields: string[]): RepairedRow {
  if (!fields.some((f) => C1.test(f))) return { fields, detail: undefined };
  const counts = new Map<string, number>();
  const repaired = fields.map((field) =>
    C1.test(field)
      ? field.replace(C1_ALL, (c) => {
          counts.set(c, (counts.get(c) ?? 0) + 1);
          return WINDOWS_1252.get(c) ?? c;
        })
      : field,
  );
  const parts = [...counts.entries()]
    .sort(([a], [b]) => a.charCodeAt(0) - b.charCodeAt(0))
    .map(([c, n]) => {
      const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      const to = WINDOWS_1252.get(c);
      const times = n > 1 ? ` ×${n}` : '';
      return to === undefined
        ? `${code}${times} has no Windows-1252 character and became a space`
        : `${code} → ${to}${times}`;
    });
  return { fields: repaired, detail: parts.join(', ') };
}
