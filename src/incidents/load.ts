// Folder → index in one call, for the CLI (run, console, validate, digest, index) and the tests.
import type { Catalog } from './catalog.ts';
import { LiveCatalog } from './live.ts';
import type { LoadOptions } from './loader.ts';
import type { LoadProblem } from './parse.ts';

export interface LoadResult {
  catalog: Catalog;
  problems: LoadProblem[];
  files: number;
  loadedAt: Date;
}

/**
 * Syncs the index with the folder once and returns it open. The index is in memory unless
 * `options.indexPath` names a file: then only files changed since the last load are read.
 */
export async function loadCatalog(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const live = new LiveCatalog(dir, {
    indexPath: options.indexPath ?? ':memory:',
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.onFile ? { onProgress: options.onFile } : {}),
    ...(options.onRebuild ? { onRebuild: options.onRebuild } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.workerThreshold !== undefined ? { workerThreshold: options.workerThreshold } : {}),
  });
  await live.refresh();
  const { catalog, problems, files, loadedAt } = live.snapshot;
  return { catalog, problems, files, loadedAt };
}
