// Answer → plain Discord messages (no embeds), for channels whose members hide embeds or read through
// bridges that drop them (DIGEST_<n>_FORMAT=text). The same text as the embeds, as Markdown lines:
// section titles as headings, field names bold and fields a blank line apart, footers as subtext. Raw
// text is escaped (and its mentions neutralised) exactly as toDiscordPages does; messages split at line
// ends and never exceed 2,000 characters; a run of more pages than allowed ends with a line saying how
// much was left out.
import type { Answer } from './answer.ts';
import { DEFAULT_MAX_PAGES, fitEscaped, type MessagePayload, outgoingFile } from './discord.ts';
import { DISCORD_LIMITS as L } from './limits.ts';

/** The answer's text as lines, each already escaped and at most one message long. */
function linesOf(answer: Answer): string[] {
  const lines: string[] = [];
  const add = (raw: string, wrap: (escaped: string) => string = (e) => e) => {
    for (const line of raw.split('\n')) {
      if (line.trim() === '') continue;
      lines.push(wrap(fitEscaped(line, L.content - 10)));
    }
  };
  if (answer.content) add(answer.content);
  for (const section of answer.sections) {
    if (lines.length > 0) lines.push('');
    if (section.title) add(section.title, (t) => `### ${t}`);
    if (section.description) add(section.description);
    for (const [n, field] of (section.fields ?? []).entries()) {
      // A blank line between fields: each is one incident, or one count, read apart.
      if (n > 0 || section.description) lines.push('');
      add(field.name, (t) => `**${t}**`);
      add(field.value);
    }
    if (section.footer) add(section.footer, (t) => `-# ${t}`);
  }
  return lines;
}

export function toDiscordTextPages(answer: Answer, options: { maxPages?: number } = {}): MessagePayload[] {
  const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
  const lines = linesOf(answer);
  const pages: string[][] = [];
  let page: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (page.length > 0 && size + line.length + 1 > L.content) {
      pages.push(page);
      page = [];
      size = 0;
    }
    if (page.length === 0 && line === '') continue;
    page.push(line);
    size += line.length + 1;
  }
  if (page.length > 0) pages.push(page);
  if (pages.length > maxPages) {
    const left = pages
      .slice(maxPages - 1)
      .flat()
      .filter((line) => line !== '').length;
    const last = pages[maxPages - 1] ?? [];
    const notice = `-# … ${left} more line${left === 1 ? '' : 's'} not shown (at most ${maxPages} messages).`;
    while (last.length > 0 && last.join('\n').length + notice.length + 1 > L.content) last.pop();
    pages.length = maxPages;
    pages[maxPages - 1] = [...last, notice];
  }
  const payloads = pages.map(
    (lines): MessagePayload => ({ content: lines.join('\n'), embeds: [], allowed_mentions: { parse: [] } }),
  );
  if (payloads.length === 0)
    payloads.push({ content: 'Nothing to show.', embeds: [], allowed_mentions: { parse: [] } });
  const files = (answer.attachments ?? []).map(outgoingFile);
  if (files.length > 0 && payloads[0]) payloads[0].attachments = files;
  return payloads;
}
