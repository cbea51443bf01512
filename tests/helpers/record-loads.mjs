// Module hooks for tests/startup-loads.test.ts: appends the URL of every module Node loads through
// the ES module loader (and so every package a command imports) to the file named by SITREP_LOADS_FILE.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.SITREP_LOADS_FILE, `${url}\n`);
  return nextLoad(url, context);
}
