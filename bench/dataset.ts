// Writes generated incidents to disk twice: one YAML file per incident in year folders (how editors keep
// data) and JSON list files of 1,000 (how imports write). A manifest lets a later run reuse the files.
// Above YAML_MAX_SIZE only the JSON lists are written: a million YAML files take an hour to generate and
// a million inodes, and their floor alone (reading and parsing them) is several minutes.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { IncidentInput } from '../src/incidents/schema.ts';
import { generateIncidents, streamIncidents } from './generate.ts';

/** Bump when the generator's output changes, so old files on disk are not reused. */
export const GENERATOR_VERSION = 1;
export const PER_LIST_FILE = 1000;
/** A folder the interactions drop an import into, beside the lists, and remove afterwards. */
export const IMPORT_FOLDER = 'bench-import';
/** The largest size written as one YAML file per incident too; larger sizes get the JSON lists only. */
export const YAML_MAX_SIZE = 100_000;

export interface Dataset {
  seed: number;
  size: number;
  /** Folder of `incidents/<year>/<id>.yaml`; undefined above YAML_MAX_SIZE (JSON lists only). */
  yamlDir: string | undefined;
  /** Folder of `lists/incidents-00001.json` … */
  jsonDir: string;
  yamlFiles: number;
  yamlBytes: number;
  jsonFiles: number;
  jsonBytes: number;
  /** The first incident's YAML file (the reload benchmark edits it); empty without YAML. */
  sampleFile: string;
  /** The first JSON list file, which holds the first incident: the JSON reload benchmark edits it. */
  jsonSampleFile: string;
  /** The first incident's id. */
  sampleId: string;
  reused: boolean;
  generateMs: number;
}

const INLINE = new Set(['date', 'type', 'external_ids', 'killed', 'injured', 'breakdown', 'period', 'tags']);

/** The house style of data/incidents: small maps on one line, the summary folded. */
export function incidentYaml(incident: IncidentInput): string {
  const doc = new Document(incident);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (INLINE.has(key) && (isMap(value) || isSeq(value))) value.flow = true;
      if ((key === 'actors' || key === 'casualties') && isSeq(value)) {
        for (const item of value.items) {
          if (!isMap(item)) continue;
          if (key === 'actors') item.flow = true;
          else
            for (const field of item.items) {
              const k = isScalar(field.key) ? String(field.key.value) : '';
              if (INLINE.has(k) && isMap(field.value)) field.value.flow = true;
            }
        }
      }
      if (key === 'summary' && isScalar(value)) value.type = Scalar.BLOCK_FOLDED;
    }
  }
  return doc.toString({ lineWidth: 100, minContentWidth: 40 });
}

/** One incident per line, like the importers write. */
export function incidentsJson(incidents: readonly IncidentInput[]): string {
  return `[\n${incidents.map((incident) => JSON.stringify(incident)).join(',\n')}\n]\n`;
}

async function writeAll(jobs: (() => Promise<void>)[], concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Manifest {
  version: number;
  seed: number;
  size: number;
  yamlFiles: number;
  yamlBytes: number;
  jsonFiles: number;
  jsonBytes: number;
  sampleFile: string;
  sampleId?: string;
}

const listName = (n: number) => path.join('lists', `incidents-${String(n).padStart(5, '0')}.json`);

/** Whether `size` gets the YAML files too. */
export function hasYaml(size: number): boolean {
  return size <= YAML_MAX_SIZE;
}

/** The dataset of `size` incidents for `seed` under `root`, generated unless a matching one is there. */
export async function ensureDataset(
  root: string,
  seed: number,
  size: number,
  log: (line: string) => void = () => {},
): Promise<Dataset> {
  const dir = path.join(root, `seed-${seed}`, `n${size}`);
  const yamlDir = path.join(dir, 'yaml');
  const jsonDir = path.join(dir, 'json');
  const withYaml = hasYaml(size);
  const manifestFile = path.join(dir, 'manifest.json');
  const started = performance.now();
  const jsonSampleFile = listName(1);
  const datasetOf = (manifest: Manifest, sampleId: string, reused: boolean): Dataset => ({
    ...manifest,
    yamlDir: withYaml ? yamlDir : undefined,
    jsonDir,
    jsonSampleFile,
    sampleId,
    reused,
    generateMs: performance.now() - started,
  });
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
    if (
      manifest.version === GENERATOR_VERSION &&
      manifest.seed === seed &&
      manifest.size === size &&
      manifest.yamlFiles === (withYaml ? size : 0)
    ) {
      // The interactions drop an import beside the lists and remove it; gone, even after a crash.
      await rm(path.join(jsonDir, IMPORT_FOLDER), { recursive: true, force: true });
      // The reload benchmarks edit these files and put them back; make sure they are back, even after a crash.
      const firstList = generateIncidents({ seed, count: Math.min(size, PER_LIST_FILE) });
      const [first] = firstList;
      if (!first) throw new Error('empty dataset');
      await stat(path.join(jsonDir, jsonSampleFile));
      await writeFile(path.join(jsonDir, jsonSampleFile), incidentsJson(firstList));
      if (withYaml) {
        await stat(path.join(yamlDir, manifest.sampleFile));
        await writeFile(path.join(yamlDir, manifest.sampleFile), incidentYaml(first));
      }
      return datasetOf(manifest, first.id, true);
    }
  } catch {
    // No usable manifest: generate.
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(jsonDir, 'lists'), { recursive: true });
  const years = new Set<string>();
  const fileOf = (incident: IncidentInput) =>
    path.join('incidents', incident.date.start.slice(0, 4), `${incident.id}.yaml`);
  let yamlBytes = 0;
  let jsonBytes = 0;
  let jsonFiles = 0;
  let first: IncidentInput | undefined;
  let chunk: IncidentInput[] = [];
  // One list at a time (and its YAML files): a million incidents are never all in memory.
  const flush = async () => {
    if (chunk.length === 0) return;
    const list = chunk;
    chunk = [];
    jsonFiles += 1;
    const text = incidentsJson(list);
    jsonBytes += Buffer.byteLength(text);
    await writeFile(path.join(jsonDir, listName(jsonFiles)), text);
    if (!withYaml) return;
    for (const incident of list) {
      const year = incident.date.start.slice(0, 4);
      if (years.has(year)) continue;
      years.add(year);
      await mkdir(path.join(yamlDir, 'incidents', year), { recursive: true });
    }
    await writeAll(
      list.map((incident) => async () => {
        const yaml = incidentYaml(incident);
        yamlBytes += Buffer.byteLength(yaml);
        await writeFile(path.join(yamlDir, fileOf(incident)), yaml);
      }),
    );
  };
  let lastLog = performance.now();
  for (const incident of streamIncidents({ seed, count: size })) {
    first ??= incident;
    chunk.push(incident);
    if (chunk.length === PER_LIST_FILE) {
      await flush();
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`generated ${jsonFiles * PER_LIST_FILE} of ${size} incidents`);
      }
    }
  }
  await flush();
  if (!first) throw new Error('a dataset needs at least one incident');
  const manifest: Manifest = {
    version: GENERATOR_VERSION,
    seed,
    size,
    yamlFiles: withYaml ? size : 0,
    yamlBytes,
    jsonFiles,
    jsonBytes,
    sampleFile: withYaml ? fileOf(first) : '',
    sampleId: first.id,
  };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return datasetOf(manifest, first.id, false);
}
