// `sitrep schema [file]`: the JSON Schema generated from the zod schema, for editors.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { incidentJsonSchema } from '../incidents/schema.ts';
import type { CliIo } from './io.ts';

export function renderJsonSchema(): string {
  return `${JSON.stringify(incidentJsonSchema(), null, 2)}\n`;
}

export async function writeSchema(file: string, io: CliIo): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderJsonSchema());
  io.out(`wrote ${file}\n`);
  return 0;
}
