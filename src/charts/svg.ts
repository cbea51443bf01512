// Small helpers shared by the chart and the map: XML escaping, text wrapping measured with the
// shipped font, the page frame (title, subtitle, notes), SVG → PNG, and the PNG header.
import { renderAsync } from '@resvg/resvg-js';
import { withoutInvisible } from '../incidents/text.ts';
import { FONT_FAMILY, resvgFontOptions, textWidth } from './fonts.ts';

/** A rendered picture: PNG bytes and their pixel size. */
export interface Picture {
  png: Uint8Array;
  width: number;
  height: number;
}

export const INK = '#222222';
export const MUTED = '#555555';

/** Text for an SVG: XML-escaped, without bidirectional controls (a label drawn back to front). */
export function escapeXml(text: string): string {
  return withoutInvisible(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `n` with at most `digits` decimals and no trailing zeros, so the SVG text never varies by locale. */
export function num(n: number, digits = 2): string {
  return String(Number(n.toFixed(digits)));
}

/** Lines of at most `width` px in the shipped font; a word longer than a line is kept whole. */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(candidate, size, bold) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  return lines;
}

export interface TextOptions {
  size: number;
  bold?: boolean;
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  italic?: boolean;
}

export function svgText(x: number, y: number, text: string, o: TextOptions): string {
  const attrs = [
    `x="${num(x)}"`,
    `y="${num(y)}"`,
    `font-size="${o.size}"`,
    `fill="${o.fill ?? INK}"`,
    o.bold ? 'font-weight="bold"' : '',
    o.italic ? 'font-style="italic"' : '',
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
  ].filter((a) => a !== '');
  return `<text ${attrs.join(' ')}>${escapeXml(text)}</text>`;
}

export interface Frame {
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  /** Paragraphs under the picture, small and grey: the source note, what was not plotted, credits. */
  notes: string[];
}

export const MARGIN = 20;
const TITLE_SIZE = 20;
const SUBTITLE_SIZE = 13;
const NOTE_SIZE = 12;
const NOTE_LINE = 16;

/** The title block and notes of a picture, and the box left for its body. */
export function layoutFrame(frame: Frame): {
  head: string;
  foot: string;
  body: { x: number; y: number; width: number; height: number };
} {
  const inner = frame.width - 2 * MARGIN;
  const titleLines = wrapText(frame.title, inner, TITLE_SIZE, true).slice(0, 2);
  const subtitleLines = frame.subtitle === undefined ? [] : wrapText(frame.subtitle, inner, SUBTITLE_SIZE);
  const head: string[] = [];
  let y = MARGIN + TITLE_SIZE;
  for (const line of titleLines) {
    head.push(svgText(MARGIN, y, line, { size: TITLE_SIZE, bold: true }));
    y += TITLE_SIZE + 6;
  }
  for (const line of subtitleLines) {
    head.push(svgText(MARGIN, y, line, { size: SUBTITLE_SIZE, fill: MUTED }));
    y += SUBTITLE_SIZE + 5;
  }
  const noteLines = frame.notes.flatMap((note) => wrapText(note, inner, NOTE_SIZE));
  const footTop = frame.height - MARGIN - noteLines.length * NOTE_LINE + 4;
  const foot = noteLines.map((line, i) =>
    svgText(MARGIN, footTop + i * NOTE_LINE + NOTE_SIZE - 4, line, { size: NOTE_SIZE, fill: MUTED }),
  );
  const top = y + 4;
  const bottom = footTop - 10;
  return {
    head: head.join(''),
    foot: foot.join(''),
    body: { x: MARGIN, y: top, width: inner, height: Math.max(40, bottom - top) },
  };
}

/** The outer SVG document: white page, the shipped font, then `content`. */
export function svgDocument(width: number, height: number, content: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${content}</svg>`
  );
}

/**
 * SVG → PNG at `scale` pixels per SVG unit, with the shipped font only. Drawn on libuv's thread pool,
 * so the bot keeps answering Discord (heartbeats, other commands) while a picture renders.
 */
export async function toPng(svg: string, scale: number): Promise<Picture> {
  const rendered = await renderAsync(svg, {
    font: resvgFontOptions(),
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  return { png: new Uint8Array(rendered.asPng()), width: rendered.width, height: rendered.height };
}
