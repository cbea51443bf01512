import { readFileSync } from 'node:fs';

// src/version.ts, or dist/src/version.js once compiled: package.json is one folder further up from there.
const packageJson = new URL(
  import.meta.url.endsWith('.ts') ? '../package.json' : '../../package.json',
  import.meta.url,
);

/** The package version, read once from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
