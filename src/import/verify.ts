// After an import: the output folder read back exactly as the bot reads it (the loader's own file
// reader and schema), one file at a time so memory stays flat, plus the catalog's duplicate-id rule.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { displayPath, listIncidentFiles, readIncidentFile } from '../incidents/loader.ts';
import { formatProblem, isIncidentFileName, type LoadProblem } from '../incidents/parse.ts';

export interface OutputCheck {
  files: number;
  incidents: number;
  /** The first problems, formatted as `sitrep validate` prints them. */
  problems: string[];
  problemCount: number;
}

const KEEP = 20;
/** Files read at once: small per-incident files overlap well; list files hold thousands each. */
const READERS = { perIncident: 8, lists: 2 };

export async function verifyOutput(out: string): Promise<OutputCheck> {
  const check: OutputCheck = { files: 0, incidents: 0, problems: [], problemCount: 0 };
  // Ids only (no file names): a set of strings stays affordable at a million incidents.
  const ids = new Set<string>();
  const report = (problem: LoadProblem) => {
    check.problemCount += 1;
    if (check.problems.length < KEEP) check.problems.push(formatProblem(problem));
  };

  let entries: Dirent[];
  try {
    entries = (await readdir(out, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return check;
  }
  // Folder by folder (a year of per-incident files at a time), so the list of names stays small.
  const groups: { readers: number; list: () => Promise<string[]> }[] = [];
  const topFiles: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const full = path.join(out, entry.name);
    if (entry.isDirectory()) {
      groups.push({
        readers: READERS.perIncident,
        list: async () => {
          const listed = await listIncidentFiles(full);
          for (const problem of listed.problems) report(problem);
          return listed.files;
        },
      });
    } else if (isIncidentFileName(entry.name)) topFiles.push(full);
  }
  groups.unshift({ readers: READERS.lists, list: async () => topFiles });

  for (const group of groups) {
    const files = await group.list();
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++] as string;
        const parsed = await readIncidentFile(file, displayPath(file));
        check.files += 1;
        for (const problem of parsed.problems) report(problem);
        for (const incident of parsed.incidents) {
          if (ids.has(incident.id)) {
            report({
              file: parsed.file,
              field: 'id',
              message: `duplicate id "${incident.id}": also in another file`,
            });
          } else {
            ids.add(incident.id);
            check.incidents += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: group.readers }, worker));
  }
  return check;
}
