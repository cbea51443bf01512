// Whether dist/ (the compiled JavaScript) may run: it exists and no source changed since its build
// started. Any file or folder under the sources newer than the build's start makes it stale, so an edit,
// a checkout or a deleted file is never answered by old code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = path.join(ROOT, 'dist');
/** Written by bin/build.js after a successful compile: `{ "startedAt": <ms> }`. */
export const STAMP = path.join(DIST, '.build-stamp.json');
/** What the compiled output depends on (see tsconfig.build.json). */
export const SOURCES = ['src', 'commands', 'tsconfig.json', 'tsconfig.build.json'].map((p) =>
  path.join(ROOT, p),
);

/** True when dist/ holds a build newer than every source file. */
export function isDistFresh() {
  let startedAt;
  try {
    startedAt = JSON.parse(readFileSync(STAMP, 'utf8')).startedAt;
  } catch {
    return false;
  }
  if (typeof startedAt !== 'number') return false;
  return SOURCES.every((p) => !newerThan(p, startedAt));
}

function newerThan(file, time) {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) return false;
  if (stats.mtimeMs > time) return true;
  if (!stats.isDirectory()) return false;
  return readdirSync(file).some((name) => newerThan(path.join(file, name), time));
}
