import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, decodePageId, encodePageId, hashPages } from '../src/discord/paging.ts';

describe('page buttons', () => {
  it('carry their state in the custom id, so they work after a restart', () => {
    const id = encodePageId({
      command: 'latest',
      page: 2,
      hash: 'abc123',
      options: { country: 'Syria', count: 5 },
    });
    expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(decodePageId(id)).toEqual({
      ok: true,
      state: { command: 'latest', page: 2, hash: 'abc123', options: { country: 'Syria', count: 5 } },
    });
  });

  it('keep options too long for a custom id in memory, within the 100-character limit', () => {
    const options = { query: 'x'.repeat(200) };
    const id = encodePageId({ command: 'search', page: 1, hash: 'h', options });
    expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    const decoded = decodePageId(id);
    expect(decoded.ok && decoded.state.options).toEqual(options);
  });

  it('say "expired" for a remembered state that is gone, and "invalid" for garbage', () => {
    expect(decodePageId('p|search|1|h|~000000000000')).toEqual({ ok: false, reason: 'expired' });
    expect(decodePageId('p|search|-1|h|{}')).toEqual({ ok: false, reason: 'invalid' });
    expect(decodePageId('p|search|1|h|not json')).toEqual({ ok: false, reason: 'invalid' });
    expect(decodePageId('p|search|1|h|[1]')).toEqual({ ok: false, reason: 'invalid' });
    expect(decodePageId('other')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('hash the rendered pages, so any change of content changes the hash', () => {
    expect(hashPages([{ a: 1 }])).toBe(hashPages([{ a: 1 }]));
    expect(hashPages([{ a: 1 }])).not.toBe(hashPages([{ a: 2 }]));
  });
});
