// Writes generated incidents to disk twice: one YAML file per incident in year folders (how editors keep
// data) and JSON list files of 1,000 (how imports write). A manifest lets a later run reuse the files.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { IncidentInput } from '../src/incidents/schema.ts';
import { generateIncidents } from './generate.ts';

/** Bump when the generator's output changes, so old files on disk are not reused. */
export const GENERATOR_VERSION = 1;
export const PER_LIST_FILE = 1000;

export interface Dataset {
  seed: number;
  size: number;
  /** Folder of `incidents/<year>/<id>.yaml`. */
  yamlDir: string;
  /** Folder of `lists/incidents-00001.json` … */
  jsonDir: string;
  yamlFiles: number;
  yamlBytes: number;
  jsonFiles: number;
  jsonBytes: number;
  /** The first incident's file, and its id: the reload benchmark edits it. */
  sampleFile: string;
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
}

/** The dataset of `size` incidents for `seed` under `root`, generated unless a matching one is there. */
export async function ensureDataset(root: string, seed: number, size: number): Promise<Dataset> {
  const dir = path.join(root, `seed-${seed}`, `n${size}`);
  const yamlDir = path.join(dir, 'yaml');
  const jsonDir = path.join(dir, 'json');
  const manifestFile = path.join(dir, 'manifest.json');
  const started = performance.now();
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
    if (manifest.version === GENERATOR_VERSION && manifest.seed === seed && manifest.size === size) {
      await stat(path.join(yamlDir, manifest.sampleFile));
      // The reload benchmark edits this file and puts it back; make sure it is back, even after a crash.
      const [first] = generateIncidents({ seed, count: 1 });
      if (first) await writeFile(path.join(yamlDir, manifest.sampleFile), incidentYaml(first));
      return { ...manifest, yamlDir, jsonDir, reused: true, generateMs: performance.now() - started };
    }
  } catch {
    // No usable manifest: generate.
  }
  await rm(dir, { recursive: true, force: true });
  const incidents = generateIncidents({ seed, count: size });
  const years = new Set(incidents.map((i) => i.date.start.slice(0, 4)));
  for (const year of years) await mkdir(path.join(yamlDir, 'incidents', year), { recursive: true });
  await mkdir(path.join(jsonDir, 'lists'), { recursive: true });

  let yamlBytes = 0;
  const fileOf = (incident: IncidentInput) =>
    path.join('incidents', incident.date.start.slice(0, 4), `${incident.id}.yaml`);
  await writeAll(
    incidents.map((incident) => async () => {
      const text = incidentYaml(incident);
      yamlBytes += Buffer.byteLength(text);
      await writeFile(path.join(yamlDir, fileOf(incident)), text);
    }),
  );
  let jsonBytes = 0;
  const lists: (() => Promise<void>)[] = [];
  for (let from = 0; from < incidents.length; from += PER_LIST_FILE) {
    const n = from / PER_LIST_FILE + 1;
    const text = incidentsJson(incidents.slice(from, from + PER_LIST_FILE));
    jsonBytes += Buffer.byteLength(text);
    lists.push(() =>
      writeFile(path.join(jsonDir, 'lists', `incidents-${String(n).padStart(5, '0')}.json`), text),
    );
  }
  await writeAll(lists, 4);
  const first = incidents[0];
  if (!first) throw new Error('a dataset needs at least one incident');
  const manifest: Manifest = {
    version: GENERATOR_VERSION,
    seed,
    size,
    yamlFiles: incidents.length,
    yamlBytes,
    jsonFiles: lists.length,
    jsonBytes,
    sampleFile: fileOf(first),
  };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { ...manifest, yamlDir, jsonDir, reused: false, generateMs: performance.now() - started };
}
