// Whole interactions: the stand-in dispatches INTERACTION_CREATE on the gateway, the real bot answers
// over REST, and the time runs until the stand-in has the reply (for a deferred reply, its edit).
import path from 'node:path';
import type { InteractionPayload, Standin } from '../tests/discord/standin.ts';
import { startBotProcess } from './bot-process.ts';
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
  /** From spawning `sitrep start` to the first /latest reply received. */
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
}

export interface InteractionOptions {
  dataDir: string;
  workDir: string;
  iterations: number;
  sample: InteractionSample;
  startStandin: () => Promise<Standin>;
  cpuProfileDir?: string | undefined;
}

export async function measureInteractions(options: InteractionOptions): Promise<InteractionResult> {
  const standin = await options.startStandin();
  const bot = await startBotProcess({
    standin,
    dataDir: options.dataDir,
    storeUrl: `sqlite://${path.join(options.workDir, `bot-${Date.now()}.sqlite`)}`,
    cwd: options.workDir,
    cpuProfileDir: options.cpuProfileDir,
    label: 'interactions',
  });
  try {
    const wait = { timeoutMs: 600_000 };
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
      for (let i = 0; i < options.iterations + 5; i++) {
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
    return {
      startToFirstReplyMs,
      firstSearchMs,
      firstSearchExpired,
      botRss: bot.rss(),
      cases: results,
      violations,
    };
  } finally {
    await bot.stop();
    await standin.close();
  }
}
