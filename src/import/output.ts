// Writing imported incidents: one YAML file per incident in a year folder, or JSON list files of N.
// Content is compared before writing, so an unchanged incident leaves its file (and mtime) alone;
// writes go to a dot-named temporary file first (the loader skips those) and are renamed into place.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.ts';
import type { IncidentInput } from '../incidents/schema.ts';
import { incidentsToJson, incidentToYaml } from './serialize.ts';

export type WriteStatus = 'new' | 'updated' | 'unchanged';

/**
 * Given an incident and what the output folder held for its id before (as read from the file),
 * the incident to write: how fields the export has no column for are kept (optional.ts).
 */
export type Reconcile = (incoming: IncidentInput, previous: unknown) => IncidentInput;

function readYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

export interface IncidentWriter {
  /** Ids found in the output folder before this import. */
  readonly previousIds: ReadonlySet<string>;
  /** Reads what the output folder holds already. */
  init(): Promise<void>;
  add(incident: IncidentInput & { id: string }): Promise<WriteStatus>;
  /** Writes what is pending; in batch mode removes list files left over from a longer export. */
  finish(): Promise<{ removed: number }>;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function listIfExists(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UserError(`${dir} is a file; --out takes a folder.`);
    throw error;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** `<out>/<year>/<id>.yaml`; an incident whose year changed moves to its new folder. */
export class YamlFileWriter implements IncidentWriter {
  readonly previousIds = new Set<string>();
  private readonly years: string[] = [];
  private readonly made = new Set<string>();

  constructor(
    private readonly out: string,
    private readonly comment: readonly string[],
    private readonly dryRun: boolean,
    private readonly reconcile?: Reconcile,
  ) {}

  async init(): Promise<void> {
    for (const entry of await listIfExists(this.out)) {
      if (!entry.isDirectory() || !/^\d{4}$/.test(entry.name)) continue;
      this.years.push(entry.name);
      for (const name of await readdir(path.join(this.out, entry.name))) {
        if (name.endsWith('.yaml') && !name.startsWith('.')) this.previousIds.add(name.slice(0, -5));
      }
    }
  }

  async add(incoming: IncidentInput & { id: string }): Promise<WriteStatus> {
    const year = incoming.date.start.slice(0, 4);
    const dir = path.join(this.out, year);
    const file = path.join(dir, `${incoming.id}.yaml`);
    const existing = await readIfExists(file);
    const moved =
      existing === undefined && this.previousIds.has(incoming.id)
        ? await this.findElsewhere(incoming.id, year)
        : undefined;
    const before = existing ?? (moved === undefined ? undefined : await readIfExists(moved));
    const incident =
      this.reconcile && before !== undefined ? this.reconcile(incoming, readYaml(before)) : incoming;
    const text = incidentToYaml(incident, this.comment);
    if (existing === text) return 'unchanged';
    if (!this.dryRun) {
      if (!this.made.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.made.add(dir);
      }
      await writeAtomically(file, text);
      if (moved !== undefined) await unlink(moved);
    }
    return existing === undefined && moved === undefined ? 'new' : 'updated';
  }

  async finish(): Promise<{ removed: number }> {
    return { removed: 0 };
  }

  private async findElsewhere(id: string, year: string): Promise<string | undefined> {
    for (const other of this.years) {
      if (other === year) continue;
      const file = path.join(this.out, other, `${id}.yaml`);
      if ((await readIfExists(file)) !== undefined) return file;
    }
    return undefined;
  }
}

/**
 * `<out>/<dataset>-000001.json`, … with `size` incidents each, in file order. Each incident is
 * classified against a fingerprint (id + hash of its content) of the list files found at the start,
 * so moving between list files (rows added earlier in a newer export) is not counted as a change.
 */
export class JsonBatchWriter implements IncidentWriter {
  readonly previousIds = new Set<string>();
  private readonly fingerprints = new Set<string>();
  private readonly existingFiles = new Map<number, string>();
  private pending: IncidentInput[] = [];
  private written = 0;

  constructor(
    private readonly out: string,
    private readonly prefix: string,
    private readonly size: number,
    private readonly dryRun: boolean,
    private readonly reconcile?: Reconcile,
  ) {}
  /** The earlier incidents by id, held only when a reconcile needs them (a column is missing). */
  private readonly earlier = new Map<string, unknown>();

  async init(): Promise<void> {
    const pattern = new RegExp(`^${this.prefix}-(\\d{6})\\.json$`);
    for (const entry of await listIfExists(this.out)) {
      const m = pattern.exec(entry.name);
      if (!entry.isFile() || !m) continue;
      const file = path.join(this.out, entry.name);
      this.existingFiles.set(Number(m[1]), file);
      let items: unknown;
      try {
        items = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        continue; // rewritten below if this import reaches its number, removed otherwise
      }
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') continue;
        this.previousIds.add(id);
        this.fingerprints.add(fingerprint(id, item));
        if (this.reconcile) this.earlier.set(id, item);
      }
    }
  }

  async add(incoming: IncidentInput & { id: string }): Promise<WriteStatus> {
    const before = this.earlier.get(incoming.id);
    const incident = this.reconcile && before !== undefined ? this.reconcile(incoming, before) : incoming;
    const status: WriteStatus = !this.previousIds.has(incident.id)
      ? 'new'
      : this.fingerprints.has(fingerprint(incident.id, incident))
        ? 'unchanged'
        : 'updated';
    this.pending.push(incident);
    if (this.pending.length >= this.size) await this.flush();
    return status;
  }

  async finish(): Promise<{ removed: number }> {
    if (this.pending.length > 0) await this.flush();
    let removed = 0;
    for (const [number, file] of this.existingFiles) {
      if (number <= this.written) continue;
      if (!this.dryRun) await unlink(file);
      removed += 1;
    }
    return { removed };
  }

  private async flush(): Promise<void> {
    this.written += 1;
    const file = path.join(this.out, `${this.prefix}-${String(this.written).padStart(6, '0')}.json`);
    const text = incidentsToJson(this.pending);
    this.pending = [];
    if (this.dryRun || (await readIfExists(file)) === text) return;
    await mkdir(this.out, { recursive: true });
    await writeAtomically(file, text);
  }
}

function fingerprint(id: string, incident: unknown): string {
  return `${id}\u0000${createHash('sha1').update(JSON.stringify(incident)).digest('base64')}`;
}
