// Answer → plain text for the terminal (`sitrep run`, `sitrep console`). Answers carry raw text
// (markdown escaping happens only in render/discord.ts), so nothing here needs unescaping; control
// characters from data are dropped so a file cannot move the cursor or recolour the terminal, and so
// are bidirectional controls (withoutInvisible), so it cannot show a line back to front either.

import { withoutInvisible } from '../incidents/text.ts';
import type { Answer, Section } from './answer.ts';

export const TEXT_WIDTH = 100;

export function toText(answer: Answer, width: number = TEXT_WIDTH): string {
  const blocks: string[] = [];
  if (answer.content?.trim()) blocks.push(wrap(clean(answer.content), width));
  for (const section of answer.sections) {
    const text = sectionText(section, width);
    if (text !== '') blocks.push(text);
  }
  for (const file of answer.attachments ?? []) {
    blocks.push(wrap(`Image ${clean(file.name)}: ${clean(file.description)}`, width, '  '));
  }
  return blocks.join('\n\n');
}

function sectionText(section: Section, width: number): string {
  const lines: string[] = [];
  if (section.title?.trim()) {
    const title = clean(section.title);
    lines.push(title, '-'.repeat(Math.min(Math.max(title.length, 3), width)));
  }
  if (section.url) lines.push(clean(section.url));
  if (section.description?.trim()) lines.push(wrap(clean(section.description), width));
  const fields = section.fields ?? [];
  if (fields.length > 0) {
    if (lines.length > 0) lines.push('');
    for (const field of fields) lines.push(fieldText(clean(field.name), clean(field.value), width));
  }
  if (section.footer?.trim()) {
    if (lines.length > 0) lines.push('');
    lines.push(wrap(clean(section.footer), width));
  }
  return lines.join('\n');
}

/** "Name: value"; a value of several lines goes under its name, indented. */
function fieldText(name: string, value: string, width: number): string {
  const lines = value.split('\n');
  if (lines.length === 1) return wrap(`${name}: ${value}`, width, '  ');
  return [
    `${name}:`,
    ...lines.map((line) => wrap(`  ${line}`, width, line.startsWith('• ') ? '    ' : '  ')),
  ].join('\n');
}

/** Word-wraps each line at `width`, continuing with `indent`; a word longer than a line stays whole. */
export function wrap(text: string, width: number = TEXT_WIDTH, indent = ''): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width, indent))
    .join('\n');
}

function wrapLine(line: string, width: number, indent: string): string {
  if (line.length <= width) return line;
  const lead = /^\s*/.exec(line)?.[0] ?? '';
  const words = line.slice(lead.length).split(/ +/);
  const out: string[] = [];
  let current = lead;
  for (const word of words) {
    const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    if (candidate.length > width && current.trim() !== '') {
      out.push(current);
      current = `${indent}${word}`;
    } else {
      current = candidate;
    }
  }
  out.push(current);
  return out.join('\n');
}

/** Drops control characters (ESC sequences and the like) but keeps line breaks and tabs. */
function clean(text: string): string {
  return withoutInvisible(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ''),
  );
}
