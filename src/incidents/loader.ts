// The data folder → parsed files. The only module here that touches the file system.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIncidentFileName, type LoadProblem, type ParsedFile, parseIncidentFile } from './parse.ts';

/** Files larger than this are refused unread (imports write lists; split larger ones). */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ListedFiles {
  /** Absolute paths, sorted, so every load sees the same order. */
  files: string[];
  /** The folders that were read (the data folder first), for watching. */
  dirs: string[];
  problems: LoadProblem[];
}

/**
 * Every incident file under `dir`: .yaml, .yml and .json, recursively. Names starting with "." or "_"
 * are skipped, and so is the editor schema `schema.json` at the top. Symbolic links are followed once;
 * a loop is reported, not walked forever.
 */
export async function listIncidentFiles(dir: string): Promise<ListedFiles> {
  const root = path.resolve(dir);
  const files: string[] = [];
  const dirs: string[] = [];
  const problems: LoadProblem[] = [];
  const visited = new Set<string>();

  async function walk(current: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(current);
    } catch (error) {
      problems.push({ file: displayPath(current), message: describeFsError(error) });
      return;
    }
    if (visited.has(real)) {
      problems.push({
        file: displayPath(current),
        message: 'symbolic link loop: this folder was already read',
      });
      return;
    }
    visited.add(real);
    let entries: string[];
    try {
      entries = (await readdir(current)).sort();
    } catch (error) {
      problems.push({ file: displayPath(current), message: describeFsError(error) });
      return;
    }
    dirs.push(current);
    for (const name of entries) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const full = path.join(current, name);
      let info: Awaited<ReturnType<typeof stat>>;
      try {
        info = await stat(full);
      } catch (error) {
        problems.push({ file: displayPath(full), message: describeFsError(error) });
        continue;
      }
      if (info.isDirectory()) await walk(full);
      else if (info.isFile() && isIncidentFileName(name) && !(current === root && name === 'schema.json')) {
        files.push(full);
      }
    }
  }

  await walk(root);
  return { files, dirs, problems };
}

/** A path inside `root` that listing walks into: no part of it starts with "." or "_". */
export function isVisiblePath(root: string, file: string): boolean {
  const relative = path.relative(path.resolve(root), file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  return !relative.split(path.sep).some((part) => part.startsWith('.') || part.startsWith('_'));
}

/** Whether listIncidentFiles lists `file` (when it is a file): visible, an incident file, not the schema. */
export function isListedName(root: string, file: string): boolean {
  return (
    isVisiblePath(root, file) &&
    isIncidentFileName(file) &&
    path.relative(path.resolve(root), file) !== 'schema.json'
  );
}

/** Reads and parses one file, refusing one over `maxBytes` without reading it into memory. */
export async function readIncidentFile(
  file: string,
  displayName: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): Promise<ParsedFile> {
  const fail = (message: string): ParsedFile => ({
    file: displayName,
    incidents: [],
    problems: [{ file: displayName, message }],
  });
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size > maxBytes) {
      return fail(
        `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit; split it into smaller files`,
      );
    }
    const bytes = await handle.readFile();
    return parseIncidentFile(displayName, bytes);
  } catch (error) {
    return fail(describeFsError(error));
  } finally {
    await handle?.close();
  }
}

export interface LoadOptions {
  maxFileBytes?: number;
  /** Called after each file, for progress output on large folders. */
  onFile?: (done: number, total: number) => void;
}

/** Reads every incident file under `dir`. Problems name files relative to the current directory. */
export async function readIncidentFolder(
  dir: string,
  options: LoadOptions = {},
): Promise<{
  files: ParsedFile[];
  problems: LoadProblem[];
}> {
  const listed = await listIncidentFiles(dir);
  const files: ParsedFile[] = [];
  // A small pool: overlapping reads help on a slow disk without opening thousands of files at once.
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < listed.files.length) {
      const index = next++;
      const file = listed.files[index] as string;
      files[index] = await readIncidentFile(file, displayPath(file), options.maxFileBytes);
      options.onFile?.(++done, listed.files.length);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { files, problems: listed.problems };
}

/** A path as a user should see it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
