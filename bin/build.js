#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` runs it): compiles src/ and commands/ to dist/, then
// stamps the build with the time it started; bin/dist.js compares the sources against that time.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DIST, ROOT, STAMP } from './dist.js';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies: sitrep then runs its sources through tsx.
  console.warn('sitrep build: TypeScript is not installed (dev dependencies omitted); dist/ not built');
  process.exit(0);
}

const startedAt = Date.now();
// A clean folder, so a deleted source leaves no module behind.
rmSync(DIST, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (result.status !== 0) {
  // noEmitOnError: nothing was written, and without a stamp the sources run.
  rmSync(DIST, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
writeFileSync(STAMP, `${JSON.stringify({ startedAt })}\n`);
