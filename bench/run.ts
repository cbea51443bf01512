// `sitrep bench` as a function: generates (or reuses) the datasets, runs every phase, and returns one
// report object. The CLI prints it as a table or as JSON; the test checks its shape.
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { Standin, StandinOptions } from '../tests/discord/standin.ts';
import { ensureDataset } from './dataset.ts';
import type { DigestResult } from './digest-phase.ts';
import { measureFanout } from './fanout.ts';
import { type InteractionResult, type InteractionSample, measureInteractions } from './interaction.ts';
import type { FloorResult, JsonLoadResult, MemorySample, YamlLoadResult } from './load-phase.ts';
import { runPhase } from './phase.ts';
import type { QueryResult } from './query-phase.ts';
import { measureStartup, type StartupResult } from './startup.ts';
import { ratio } from './stats.ts';
import { evaluateTargets } from './targets.ts';
import type { BenchReport, LoadFigures, MemoryFigures, SizeReport } from './types.ts';

export interface BenchOptions {
  sizes: number[];
  seed: number;
  /** Where datasets are written (and reused by later runs with the same seed). */
  dataRoot: string;
  /** Scratch space: state stores, the fan-out's data folder. */
  workDir: string;
  queryIterations: number;
  /** Time budget per query case and kind (the naive scans are slow at 100k). */
  queryBudgetMs: number;
  interaction: { iterations: number } | false;
  fanout: { size: number; digests: number; perSecond: number; added: number } | false;
  cpuProfileDir?: string | undefined;
  /** Only the fan-out (for working on it): no per-size loads, queries or interactions. */
  fanoutOnly?: boolean;
  /** Fresh processes of `sitrep --version`, `sitrep run "/latest"` and `sitrep start`, each this many times. */
  startup?: { repetitions: number } | false;
  /** Only the start-up: no datasets, loads, queries, interactions or fan-out. */
  startupOnly?: boolean;
  log?: (line: string) => void;
}

interface JsonPhaseResult {
  load: JsonLoadResult;
  queries: Record<string, QueryResult>;
  digest: DigestResult;
  sample: InteractionSample;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const phase = { cpuProfileDir: options.cpuProfileDir };
  const startStandin = async (standinOptions: StandinOptions = {}): Promise<Standin> => {
    const { startStandin: start } = await import('../tests/discord/standin.ts');
    return start(standinOptions);
  };
  const sizes: SizeReport[] = [];
  const errors: string[] = [];
  // First, while the machine is not yet busy with the large datasets.
  let startup: StartupResult | null = null;
  if (options.startup) {
    log(`start-up: sitrep --version, run "/latest" and start, ${options.startup.repetitions} times each`);
    try {
      startup = await measureStartup({
        repetitions: options.startup.repetitions,
        workDir: path.join(options.workDir, 'startup'),
        startStandin: () => startStandin(),
      });
    } catch (error) {
      errors.push(`start-up: ${describe(error)}`);
    }
  }
  const phaseOptions = { ...phase, log: (line: string) => log(`  ${line}`) };
  for (const size of options.fanoutOnly || options.startupOnly ? [] : options.sizes) {
    log(`[${size}] dataset`);
    const dataset = await ensureDataset(options.dataRoot, options.seed, size);
    log(`[${size}] ${dataset.reused ? 'reused' : 'generated'} ${dataset.yamlDir}, ${dataset.jsonDir}; floor`);
    const floor = await runPhase<{ yaml: FloorResult; json: FloorResult }>(
      { phase: 'floor', yamlDir: dataset.yamlDir, jsonDir: dataset.jsonDir },
      phaseOptions,
    );
    log(`[${size}] YAML files through LiveCatalog, and a reload`);
    const yaml = await runPhase<YamlLoadResult>(
      { phase: 'yaml', yamlDir: dataset.yamlDir, sampleFile: dataset.sampleFile },
      phaseOptions,
    );
    log(`[${size}] JSON lists: load, memory, queries, digests`);
    const json = await runPhase<JsonPhaseResult>(
      {
        phase: 'json',
        jsonDir: dataset.jsonDir,
        seed: options.seed,
        queries: { iterations: options.queryIterations, budgetMs: options.queryBudgetMs },
        workDir: options.workDir,
      },
      phaseOptions,
    );
    let interaction: InteractionResult | null = null;
    if (options.interaction) {
      log(`[${size}] interactions with the real bot on the stand-in`);
      try {
        interaction = await measureInteractions({
          dataDir: dataset.jsonDir,
          workDir: options.workDir,
          iterations: options.interaction.iterations,
          sample: json.sample,
          startStandin: () => startStandin(),
          cpuProfileDir: options.cpuProfileDir,
        });
      } catch (error) {
        errors.push(`interactions at ${size}: ${describe(error)}`);
      }
    }
    const { memoryAfterObserve, ...digest } = json.digest;
    sizes.push({
      size,
      dataset: {
        yamlFiles: dataset.yamlFiles,
        yamlBytes: dataset.yamlBytes,
        jsonFiles: dataset.jsonFiles,
        jsonBytes: dataset.jsonBytes,
        reused: dataset.reused,
        generateMs: dataset.generateMs,
      },
      load: {
        yaml: loadFigures(floor.yaml, yaml),
        json: loadFigures(floor.json, json.load),
      },
      reload: yaml.reload,
      queries: json.queries,
      digest,
      memory: memoryFigures(size, dataset.jsonBytes, json.load.memory, memoryAfterObserve),
      interaction,
      problems: yaml.problems + json.load.problems,
    });
  }

  let fanout: BenchReport['fanout'] = null;
  if (options.fanout && !options.startupOnly) {
    const { size, digests, perSecond, added } = options.fanout;
    log(`[${size}] fan-out: ${digests} digests due in the same minute, ${perSecond} requests/s limit`);
    const dataset = await ensureDataset(options.dataRoot, options.seed, size);
    try {
      const result = await measureFanout({
        jsonDir: dataset.jsonDir,
        workDir: options.workDir,
        seed: options.seed,
        digests,
        perSecond,
        added,
        startStandin,
        log: (line) => log(`  ${line}`),
        cpuProfileDir: options.cpuProfileDir,
      });
      fanout = { size, ...result };
    } catch (error) {
      errors.push(`fan-out at ${size}: ${describe(error)}`);
    }
  }

  const cpuList = cpus();
  const report: BenchReport = {
    version: 1,
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      memoryBytes: totalmem(),
    },
    seed: options.seed,
    startedAt,
    durationMs: performance.now() - started,
    sizes,
    startup,
    fanout,
    targets: [],
    errors,
  };
  report.targets = evaluateTargets(report);
  return report;
}

function loadFigures(
  floor: FloorResult,
  load: { firstAnswerMs: number; searchReadyMs: number },
): LoadFigures {
  return {
    floorMs: floor.ms,
    firstAnswerMs: load.firstAnswerMs,
    searchReadyMs: load.searchReadyMs,
    firstAnswerRatio: ratio(load.firstAnswerMs, floor.ms),
    searchReadyRatio: ratio(load.searchReadyMs, floor.ms),
  };
}

function memoryFigures(
  size: number,
  jsonBytes: number,
  m: JsonLoadResult['memory'],
  withTracker: MemorySample,
): MemoryFigures {
  // Typed arrays (the autocomplete's trigram postings) and WASM memory (SQLite) live outside the V8
  // heap proper: count them, they are the bot's memory too.
  const js = (sample: MemorySample) => sample.heapUsed + sample.external;
  const heapCatalog = js(m.afterLoad) - js(m.baseline);
  const heapIndexed = js(m.afterIndexes) - js(m.baseline);
  const heapWithTracker = js(withTracker) - js(m.baseline);
  const rssIndexed = m.afterIndexes.rss - m.baseline.rss;
  const per10k = (bytes: number) => (bytes / size) * 10_000;
  return {
    jsonBytes,
    heapCatalog,
    heapIndexed,
    heapWithTracker,
    rssIndexed,
    per10k: {
      json: per10k(jsonBytes),
      heapCatalog: per10k(heapCatalog),
      heapIndexed: per10k(heapIndexed),
      heapWithTracker: per10k(heapWithTracker),
      rss: per10k(rssIndexed),
    },
    heapToJson: ratio(heapIndexed, jsonBytes),
    gcForced: m.afterIndexes.gcForced,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
