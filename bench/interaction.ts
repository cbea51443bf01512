// Whole interactions: the stand-in dispatches INTERACTION_CREATE on the gateway, the real bot answers
// over REST, and the time runs until the stand-in has the reply (for a deferred reply, its edit).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InteractionPayload, Standin } from '../tests/discord/standin.ts';
import { startBotProcess } from './bot-process.ts';
import { IMPORT_FOLDER, incidentsJson, PER_LIST_FILE } from './dataset.ts';
import { generateIncident } from './generate.ts';
import { type Latency, summarize } from './stats.ts';

/** Values drawn from the data, so the interactions ask for things that exist. */
export interface InteractionSample {
  ids: string[];
  countries: string[];
  speakers: string[];
  search: string[];
  typedIncident: string[];
}

export interface InteractionCase extends Latency {
  /** Replies that were deferred (not ready within the bot's 1.5 s). */
  deferred: number;
}

export interface InteractionResult {
  /**
   * From spawning `sitrep start` to the first /latest reply received: a restart, over the index and the
   * state store that earlier phases left (run.ts), unless the options say otherwise.
   */
  startToFirstReplyMs: number;
  /** The first /search after start: it waits for the search index unless start-up built it. */
  firstSearchMs: number;
  /** The first /search missed Discord's 3-second window (the stand-in refused the late reply). */
  firstSearchExpired: boolean;
  /** Resident memory of the bot process after the interactions. */
  botRss: number;
  cases: Record<string, InteractionCase>;
  /** Protocol problems the stand-in saw (late acknowledgements, invalid bodies). */
  violations: number;
  /** Commands answered while a large import is indexed (null when not measured). */
  importWhileAnswering: ImportWhileAnswering | null;
}

export interface ImportWhileAnswering {
  /** New incidents dropped into the data folder at once, as JSON lists of 1,000 (files over 64 MB are refused). */
  incidents: number;
  files: number;
  /** Writing the files. */
  writeMs: number;
  /** From the first file written to the index holding every new incident (read from the index file). */
  indexedMs: number;
  /** Commands answered meanwhile, one after another, round-robin over the cases above. */
  answers: Latency;
  /** The slowest initial response (Discord's window is 3 s; the bot defers after 1.5 s). */
  maxAckMs: number;
  /** Answers that took longer than 3 s, and interactions that expired or failed. */
  over3s: number;
  failed: number;
}

export interface InteractionOptions {
  dataDir: string;
  /** The folder's index, built already (INDEX_PATH): the bot starts warm, as a restarted bot does. */
  indexPath?: string;
  /** The bot's state store (default: a new one, so its tracker first looks at every incident). */
  storeUrl?: string;
  workDir: string;
  iterations: number;
  sample: InteractionSample;
  startStandin: () => Promise<Standin>;
  cpuProfileDir?: string | undefined;
  /** After the cases: drop this many new incidents into the data folder and answer until they are indexed. */
  importDuring?: { incidents: number; seed: number };
}

export async function measureInteractions(options: InteractionOptions): Promise<InteractionResult> {
  const standin = await options.startStandin();
  const bot = await startBotProcess({
    standin,
    dataDir: options.dataDir,
    storeUrl: options.storeUrl ?? `sqlite://${path.join(options.workDir, `bot-${Date.now()}.sqlite`)}`,
    cwd: options.workDir,
    cpuProfileDir: options.cpuProfileDir,
    label: 'interactions',
    ...(options.indexPath === undefined ? {} : { env: { INDEX_PATH: options.indexPath } }),
  });
  try {
    // Long: a new store's first look at a million incidents comes before the bot logs in.
    const wait = { timeoutMs: 1_800_000 };
    const exited = new Promise<never>((_, reject) =>
      bot.child.once('exit', (code) =>
        reject(new Error(`the bot exited (code ${code}) before answering: ${bot.output()}`)),
      ),
    );
    await Promise.race([standin.waitForSession(wait), exited]);
    await Promise.race([standin.invoke(standin.chatInput({ name: 'latest' }), wait), exited]);
    const startToFirstReplyMs = performance.now() - bot.startedAt;

    const { sample } = options;
    const firstSearch = performance.now();
    let firstSearchExpired = false;
    try {
      await standin.invoke(standin.chatInput({ name: 'search', options: { query: 'hospital' } }), {
        timeoutMs: 120_000,
      });
    } catch {
      firstSearchExpired = standin.violations.some((v) => v.kind === 'interaction');
      if (!firstSearchExpired) throw new Error(`the first /search got no answer: ${bot.output()}`);
    }
    const firstSearchMs = performance.now() - firstSearch;
    let violations = 0;

    const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;
    // A different member each time: /search and /casualties have per-member cooldowns, and a cooldown
    // notice is not the answer being measured.
    let members = 0;
    const user = () => {
      members += 1;
      return {
        user: { id: String(300_000_000_000_000_000n + BigInt(members)), username: `analyst${members}` },
      };
    };
    const cases: Record<string, (i: number) => InteractionPayload> = {
      latest: () => standin.chatInput({ name: 'latest', ...user() }),
      'latest country': (i) =>
        standin.chatInput({ name: 'latest', options: { country: at(sample.countries, i) }, ...user() }),
      incident: (i) => standin.chatInput({ name: 'incident', options: { id: at(sample.ids, i) }, ...user() }),
      'autocomplete incident': (i) =>
        standin.autocomplete({
          name: 'incident',
          options: { id: at(sample.typedIncident, i) },
          focused: 'id',
          ...user(),
        }),
      search: (i) =>
        standin.chatInput({ name: 'search', options: { query: at(sample.search, i) }, ...user() }),
      'quotes speaker': (i) =>
        standin.chatInput({ name: 'quotes', options: { speaker: at(sample.speakers, i) }, ...user() }),
      'casualties country since': (i) =>
        standin.chatInput({
          name: 'casualties',
          options: { country: at(sample.countries, i), since: '2024-01-01' },
          ...user(),
        }),
      about: () => standin.chatInput({ name: 'about', ...user() }),
    };
    const results: Record<string, InteractionCase> = {};
    for (const [name, make] of Object.entries(cases)) {
      const samples: number[] = [];
      let deferred = 0;
      const caseStarted = performance.now();
      for (let i = 0; i < options.iterations + 5; i++) {
        // A slow command at a million incidents: a minute of it, and at least 10 answers, is enough.
        if (samples.length >= 10 && performance.now() - caseStarted > 60_000) break;
        const payload = make(i);
        const t = performance.now();
        const exchange = await standin.invoke(payload, { timeoutMs: 60_000 });
        if (i >= 5) samples.push(performance.now() - t); // the first few warm the JIT
        if (exchange.callback?.type === 5) deferred += 1;
      }
      violations += standin.violations.length;
      standin.clearRecords();
      results[name] = { ...summarize(samples), deferred };
    }
    const botRss = bot.rss();
    let importWhileAnswering: ImportWhileAnswering | null = null;
    if (options.importDuring && options.indexPath !== undefined) {
      const list = Object.values(cases);
      importWhileAnswering = await importWhileAnsweringOf(
        standin,
        options.dataDir,
        options.indexPath,
        options.importDuring,
        (i) => (list[i % list.length] as (i: number) => InteractionPayload)(i),
      );
      violations += standin.violations.length;
    }
    return {
      startToFirstReplyMs,
      firstSearchMs,
      firstSearchExpired,
      botRss,
      cases: results,
      violations,
      importWhileAnswering,
    };
  } finally {
    await bot.stop();
    await standin.close();
    await rm(path.join(options.dataDir, IMPORT_FOLDER), { recursive: true, force: true });
  }
}

/**
 * Drops `incidents` new incidents into the running bot's data folder (JSON lists of 1,000, as imports
 * write) and sends commands one after another until the bot's index holds them all: every command must
 * still be answered within Discord's 3 seconds while they are validated and indexed.
 */
async function importWhileAnsweringOf(
  standin: Standin,
  dataDir: string,
  indexPath: string,
  { incidents, seed }: { incidents: number; seed: number },
  make: (i: number) => InteractionPayload,
): Promise<ImportWhileAnswering> {
  const texts: string[] = [];
  for (let from = 0; from < incidents; from += PER_LIST_FILE) {
    const list = Array.from({ length: Math.min(PER_LIST_FILE, incidents - from) }, (_, j) => {
      const k = from + j;
      const raw = generateIncident(seed, 3_000_000 + k);
      return { ...raw, id: `${raw.id}-import-${k}` };
    });
    texts.push(incidentsJson(list));
  }
  // The bot's index, read beside it (WAL: a reader sees each committed batch).
  const db = new Database(indexPath, { readonly: true, fileMustExist: true });
  try {
    const count = db.prepare("SELECT n FROM totals WHERE key = 'incidents'").pluck();
    const indexed = () => (count.get() as number | undefined) ?? 0;
    const target = indexed() + incidents;
    const folder = path.join(dataDir, IMPORT_FOLDER);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder);
    const started = performance.now();
    for (const [i, text] of texts.entries())
      await writeFile(path.join(folder, `import-${String(i + 1).padStart(5, '0')}.json`), text);
    const writeMs = performance.now() - started;
    const samples: number[] = [];
    let maxAckMs = 0;
    let failed = 0;
    let indexedMs: number | undefined;
    for (let i = 0; indexedMs === undefined; i++) {
      const t = performance.now();
      try {
        const exchange = await standin.invoke(make(i), { timeoutMs: 60_000 });
        maxAckMs = Math.max(maxAckMs, exchange.callback?.latencyMs ?? performance.now() - t);
      } catch {
        failed += 1;
      }
      samples.push(performance.now() - t);
      if (indexed() >= target) indexedMs = performance.now() - started;
      else if (performance.now() - started > 900_000)
        throw new Error(`the import was not indexed in 15 minutes (${indexed()} of ${target} incidents)`);
    }
    return {
      incidents,
      files: texts.length,
      writeMs,
      indexedMs,
      answers: summarize(samples),
      maxAckMs,
      over3s: samples.filter((ms) => ms > 3000).length,
      failed,
    };
  } finally {
    db.close();
  }
}
