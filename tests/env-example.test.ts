// .env.example documents every digest setting, and its examples, uncommented, are a valid configuration.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIGEST_KEYS, loadDigestSettings } from '../src/config.ts';

const example = readFileSync('.env.example', 'utf8');
const digestsDoc = readFileSync('docs/digests.md', 'utf8');

describe('.env.example', () => {
  it('documents every DIGEST_<n>_ setting, and docs/digests.md names each one', () => {
    for (const key of DIGEST_KEYS) {
      expect(example, `DIGEST_<n>_${key} in .env.example`).toMatch(new RegExp(`DIGEST_<n>_${key}\\b`));
      expect(digestsDoc, `DIGEST_<n>_${key} in docs/digests.md`).toMatch(new RegExp(`DIGEST_<n>_${key}\\b`));
    }
  });

  it('has an example of every DIGEST_<n>_ setting, and the examples load as they are', () => {
    const env: Record<string, string> = {};
    for (const line of example.split('\n')) {
      const m = /^#?(DIGEST_\d+_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] && m[2] !== undefined) env[m[1]] = m[2];
    }
    const used = new Set(Object.keys(env).map((key) => key.replace(/^DIGEST_\d+_/, '')));
    for (const key of DIGEST_KEYS) expect(used, `an example of DIGEST_<n>_${key}`).toContain(key);
    const { digests } = loadDigestSettings(env);
    expect(digests.map((d) => d.mode)).toContain('alert');
    expect(digests.some((d) => d.format === 'text' && d.forumTags?.length)).toBe(true);
  });
});
