// Folder → catalog in one call, for the CLI and the bot's start-up.
import { assembleCatalog, type Catalog } from './catalog.ts';
import { type LoadOptions, readIncidentFolder } from './loader.ts';
import type { LoadProblem } from './parse.ts';

export interface LoadResult {
  catalog: Catalog;
  problems: LoadProblem[];
  files: number;
  loadedAt: Date;
}

export async function loadCatalog(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const { files, problems } = await readIncidentFolder(dir, options);
  const assembled = assembleCatalog(files, problems);
  return { ...assembled, files: files.length, loadedAt: new Date() };
}
