import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ConfigError } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import { parseIncidentFile } from '../../src/incidents/parse.ts';
import type { Incident } from '../../src/incidents/schema.ts';

/** Runs `run` and returns the UserError it throws; fails if it throws nothing or something else. */
export function userError(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

/** The message of the ConfigError `run` throws; fails if it throws nothing or something else. */
export function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Width and height from a PNG's signature and IHDR chunk, read from the bytes themselves. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(view.getUint32(8)).toBe(13);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** One of the shipped example incidents, by file name, through the real parser. */
export function exampleIncident(name: string): Incident {
  const file = `data/incidents/2016/${name}.yaml`;
  const parsed = parseIncidentFile(file, readFileSync(new URL(`../../${file}`, import.meta.url)));
  const incident = parsed.incidents[0];
  if (!incident) throw new Error(`${file}: ${JSON.stringify(parsed.problems)}`);
  return incident;
}
