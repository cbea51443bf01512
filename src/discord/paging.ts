// Paging buttons. A button's custom id carries what is needed to rebuild its page (command, page,
// options, and a short hash of the results), so buttons keep working after a restart. Options too
// long for Discord's 100-character custom id are kept in memory under a short key instead.
import { createHash, randomBytes } from 'node:crypto';
import type { OptionValues } from '../../commands/types.ts';

export const CUSTOM_ID_MAX = 100;
const PREFIX = 'p';
const MEMORY_LIMIT = 1000;

export interface PageState {
  command: string;
  /** 0-based page to show. */
  page: number;
  /** Hash of the results when the buttons were made; a different hash means the data changed. */
  hash: string;
  options: OptionValues;
}

const remembered = new Map<string, OptionValues>();

function remember(options: OptionValues): string {
  const key = randomBytes(6).toString('hex');
  remembered.set(key, options);
  if (remembered.size > MEMORY_LIMIT) {
    const oldest = remembered.keys().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
  return `~${key}`;
}

/** A short hash of what the pages say; attached image bytes are left out (they follow from the text). */
export function hashPages(pages: readonly unknown[]): string {
  const text = JSON.stringify(pages, (key, value: unknown) => (key === 'attachments' ? undefined : value));
  return createHash('sha1').update(text).digest('base64url').slice(0, 6);
}

export function encodePageId(state: PageState): string {
  const head = `${PREFIX}|${state.command}|${state.page}|${state.hash}|`;
  const inline = `${head}${JSON.stringify(state.options)}`;
  return inline.length <= CUSTOM_ID_MAX ? inline : `${head}${remember(state.options)}`;
}

export type DecodedPage = { ok: true; state: PageState } | { ok: false; reason: 'expired' | 'invalid' };

export function decodePageId(customId: string): DecodedPage {
  const parts = customId.split('|');
  if (parts.length < 5 || parts[0] !== PREFIX) return { ok: false, reason: 'invalid' };
  const [, command = '', pageText = '', hash = ''] = parts;
  const rest = parts.slice(4).join('|');
  const page = Number(pageText);
  if (!Number.isInteger(page) || page < 0) return { ok: false, reason: 'invalid' };
  if (rest.startsWith('~')) {
    const options = remembered.get(rest.slice(1));
    return options ? { ok: true, state: { command, page, hash, options } } : { ok: false, reason: 'expired' };
  }
  try {
    const options = JSON.parse(rest) as unknown;
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      return { ok: false, reason: 'invalid' };
    return { ok: true, state: { command, page, hash, options: options as OptionValues } };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

export function isPageId(customId: string): boolean {
  return customId.startsWith(`${PREFIX}|`);
}
