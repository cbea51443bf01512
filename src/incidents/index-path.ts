// Where a data folder's incident index lives by default. Its own module: config.ts needs it, and
// importing catalog.ts would load SQLite for every command, `sitrep --version` included.
import { hash } from 'node:crypto';
import path from 'node:path';

/** The index file a data folder gets by default: one per folder, under `var/`. */
export function defaultIndexPath(dataDir: string): string {
  const key = hash('sha1', path.resolve(dataDir), 'hex').slice(0, 12);
  return path.join('var', `index-${path.basename(path.resolve(dataDir)) || 'data'}-${key}.sqlite`);
}
