// The data folder → parsed files. The only module here that touches the file system.
import { hash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { isIncidentFileName, type LoadProblem, type ParsedFile, parseIncidentFile } from './parse.ts';

/** Files larger than this are refused unread (imports write lists; split larger ones). */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What the index compares to tell a changed file: a replaced file (same size and time) has a new inode. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface ListedFiles {
  /** Absolute paths, in the order of a walk of sorted folders, so every load sees the same order. */
  files: string[];
  /** What `stat` said of each of `files` (same order) while listing. */
  stats: FileStat[];
  /** The folders that were read (the data folder first), for watching. */
  dirs: string[];
  problems: LoadProblem[];
}

/** Let other work (an interaction) run between stretches of synchronous file-system calls. */
const ENTRIES_BETWEEN_YIELDS = 2000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every incident file under `dir`: .yaml, .yml and .json, recursively. Names starting with "." or "_"
 * are skipped, and so is the editor schema `schema.json` at the top. Symbolic links are followed once;
 * a loop is reported, not walked forever.
 *
 * The calls are synchronous, in stretches of a few thousand entries between turns of the event loop:
 * a stat through the thread pool costs several times one made directly, and a warm start of the bot
 * over a million files is this listing and nothing else.
 */
export async function listIncidentFiles(dir: string): Promise<ListedFiles> {
  const root = path.resolve(dir);
  const files: string[] = [];
  const stats: FileStat[] = [];
  const dirs: string[] = [];
  const problems: LoadProblem[] = [];
  const visited = new Set<string>();
  let sinceYield = 0;

  async function walk(current: string): Promise<void> {
    let real: string;
    try {
      real = realpathSync(current);
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
      entries = readdirSync(current).sort();
    } catch (error) {
      problems.push({ file: displayPath(current), message: describeFsError(error) });
      return;
    }
    dirs.push(current);
    for (const name of entries) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      if (++sinceYield >= ENTRIES_BETWEEN_YIELDS) {
        sinceYield = 0;
        await yieldToLoop();
      }
      const full = path.join(current, name);
      let info: Stats;
      try {
        info = statSync(full);
      } catch (error) {
        problems.push({ file: displayPath(full), message: describeFsError(error) });
        continue;
      }
      if (info.isDirectory()) await walk(full);
      else if (info.isFile() && isIncidentFileName(name) && !(current === root && name === 'schema.json')) {
        files.push(full);
        stats.push({ size: info.size, mtimeMs: info.mtimeMs, ino: info.ino });
      }
    }
  }

  await walk(root);
  return { files, stats, dirs, problems };
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
  const version = await readFileVersion(file, displayName, { maxBytes });
  return (
    version?.parsed ?? {
      file: displayName,
      incidents: [],
      problems: [{ file: displayName, message: describeFsError({ code: 'ENOENT' }) }],
    }
  );
}

/** One version of a file as the index records it. */
export interface FileVersion {
  /** The file as it was read (fstat of the open file, so a later write shows as a change). */
  stat: FileStat;
  /**
   * sha1 (hex) of the bytes; for a file that could not be read, what stood in for them (`oversize:<size>`,
   * `error:<code>`), so the same failure counts as the same version.
   */
  hash: string;
  /** The file parsed and validated; undefined when its hash is `knownHash` (the bytes did not change). */
  parsed: ParsedFile | undefined;
}

/**
 * Reads a file's bytes, hashes them and (unless they hash to `knownHash`) parses and validates them.
 * Undefined when the file is gone. Synchronous: through the thread pool each of open, fstat, read and
 * close costs several times a direct call, and the parse that follows blocks anyway; the callers read in
 * worker threads (parse-worker.ts) or a few files between turns of the event loop (live.ts).
 */
export function readFileVersionSync(
  file: string,
  displayName: string,
  options: { maxBytes?: number; knownHash?: string | undefined } = {},
): FileVersion | undefined {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const failed = (fileStat: FileStat, key: string, message: string): FileVersion => ({
    stat: fileStat,
    hash: key,
    parsed:
      key === options.knownHash
        ? undefined
        : { file: displayName, incidents: [], problems: [{ file: displayName, message }] },
  });
  let fd: number | undefined;
  let fileStat: FileStat = { size: -1, mtimeMs: -1, ino: -1 };
  try {
    fd = openSync(file, 'r');
    const info = fstatSync(fd);
    fileStat = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    if (info.size > maxBytes) {
      return failed(
        fileStat,
        `oversize:${info.size}`,
        `file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit; split it into smaller files`,
      );
    }
    const bytes = readFileSync(fd);
    const digest = hash('sha1', bytes, 'hex');
    if (digest === options.knownHash) return { stat: fileStat, hash: digest, parsed: undefined };
    return { stat: fileStat, hash: digest, parsed: parseIncidentFile(displayName, bytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return undefined;
    if (fileStat.ino === -1) {
      // Not opened (permission denied): the stat, if there is one, still tells a later change.
      try {
        const info = statSync(file);
        fileStat = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
      } catch {
        // keep the stand-in: the file is read again at every scan
      }
    }
    return failed(fileStat, `error:${code ?? 'unknown'}`, describeFsError(error));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readFileVersionSync, as a promise. */
export async function readFileVersion(
  file: string,
  displayName: string,
  options: { maxBytes?: number; knownHash?: string | undefined } = {},
): Promise<FileVersion | undefined> {
  return readFileVersionSync(file, displayName, options);
}

export interface LoadOptions {
  maxFileBytes?: number;
  /** Called as files are read (after each file, or each batch of a sync), for progress output. */
  onFile?: (done: number, total: number) => void;
  /** For loadCatalog: the index file to keep up to date, or ':memory:' (the default). */
  indexPath?: string;
  /** For loadCatalog: an existing index is discarded and built again, and why. */
  onRebuild?: (reason: string) => void;
  /** For loadCatalog: a warning that does not stop the load (the index could not be written). */
  onWarning?: (message: string) => void;
  /** For loadCatalog: parse in worker threads above this many files to read (default 64). */
  workerThreshold?: number;
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
