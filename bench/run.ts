// `sitrep bench` as a function: generates (or reuses) the datasets, runs every phase, and returns one
// report object. The CLI prints it as a table or as JSON; the test checks its shape.
import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { Standin, StandinOptions } from '../tests/discord/standin.ts';
import { ensureDataset, YAML_MAX_SIZE } from './dataset.ts';
import type { DigestResult } from './digest-phase.ts';
import { measureFanout } from './fanout.ts';
import { type InteractionResult, type InteractionSample, measureInteractions } from './interaction.ts';
import type { BuildResult, FloorResult, MemorySample, ReloadResult, YamlLoadResult } from './load-phase.ts';
import { runPhase } from './phase.ts';
import type { QueryResult, SearchWords } from './query-phase.ts';
import { measureStartup, type StartupResult } from './startup.ts';
import { ratio } from './stats.ts';
import { evaluateTargets } from './targets.ts';
import type { BenchReport, LoadFigures, SizeReport, WarmFigures } from './types.ts';
import { measureWarmRestarts } from './warm.ts';

export interface BenchOptions {
  sizes: number[];
  seed: number;
  /** Where datasets are written (and reused by later runs with the same seed). */
  dataRoot: string;
  /** Scratch space: the indexes (removed after each size), state stores, the fan-out's data folder. */
  workDir: string;
  queryIterations: number;
  /** Fresh processes per warm restart command (after one untimed run); default 3. */
  warmRepetitions?: number;
  /** Time budget per query case and kind (the naive scans are slow at 100k). */
  queryBudgetMs: number;
  interaction: { iterations: number } | false;
  /**
   * After the interactions, new incidents dropped into the bot's data folder while it answers: at most
   * this many (default 100,000, the issue's import; never more than the size); 0 skips it.
   */
  importIncidents?: number;
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
  build: BuildResult;
  afterQueries: MemorySample;
  afterHandlers: MemorySample;
  queries: Record<string, QueryResult>;
  reload: ReloadResult;
  words: SearchWords;
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
    const dataset = await ensureDataset(options.dataRoot, options.seed, size, (line) => log(`  ${line}`));
    const yamlDir = dataset.yamlDir;
    log(
      `[${size}] ${dataset.reused ? 'reused' : 'generated'} ${yamlDir ?? `no YAML files (JSON lists only above ${YAML_MAX_SIZE})`}, ${dataset.jsonDir}; floor`,
    );
    const floor = await runPhase<{ yaml: FloorResult | null; json: FloorResult }>(
      { phase: 'floor', yamlDir, jsonDir: dataset.jsonDir },
      phaseOptions,
    );
    const indexOf = (format: string) => path.join(options.workDir, `index-${format}-${size}.sqlite`);
    const storeOf = (format: string) => path.join(options.workDir, `store-${format}-${size}.sqlite`);
    let yaml: YamlLoadResult | null = null;
    if (yamlDir !== undefined) {
      log(`[${size}] YAML files: cold build of the index (LiveCatalog), and a reload`);
      yaml = await runPhase<YamlLoadResult>(
        {
          phase: 'yaml',
          yamlDir,
          indexPath: indexOf('yaml'),
          expected: size,
          sampleFile: dataset.sampleFile,
          sampleId: dataset.sampleId,
        },
        phaseOptions,
      );
    }
    log(`[${size}] JSON lists: cold build of the index, a reload, queries, memory`);
    const json = await runPhase<JsonPhaseResult>(
      {
        phase: 'json',
        jsonDir: dataset.jsonDir,
        indexPath: indexOf('json'),
        expected: size,
        sampleFile: dataset.jsonSampleFile,
        sampleId: dataset.sampleId,
        seed: options.seed,
        queries: { iterations: options.queryIterations, budgetMs: options.queryBudgetMs },
      },
      phaseOptions,
    );
    const warm = async (
      format: 'yaml' | 'json',
      dataDir: string,
      floorMs: number,
    ): Promise<WarmFigures | null> => {
      log(
        `[${size}] warm restarts over the ${format.toUpperCase()} index: fresh processes, /latest and /search`,
      );
      try {
        const result = await measureWarmRestarts({
          dataDir,
          indexPath: indexOf(format),
          word: json.words.rare.word,
          wordIncidents: json.words.rare.incidents,
          expected: size,
          repetitions: options.warmRepetitions ?? 3,
          cpuProfileDir: options.cpuProfileDir,
          onError: (message) =>
            errors.push(`sitrep run over the ${format.toUpperCase()} index at ${size}: ${message}`),
        });
        return {
          ...result,
          floorMs,
          latestRatio: ratio(result.latest.total.p50, floorMs),
          searchRatio: ratio(result.search.total.p50, floorMs),
        };
      } catch (error) {
        errors.push(`warm restart (${format}) at ${size}: ${describe(error)}`);
        return null;
      }
    };
    const warmYaml = yamlDir !== undefined && floor.yaml ? await warm('yaml', yamlDir, floor.yaml.ms) : null;
    const warmJson = await warm('json', dataset.jsonDir, floor.json.ms);
    // It writes a day's changes into the JSON index (a file that is not on disk, revised incidents): the
    // bot's start below drops the file again; the revisions stay, which changes nothing measured there.
    log(`[${size}] digests: the tracker over the JSON index, a day's changes, composition`);
    const digestResult = await runPhase<DigestResult>(
      {
        phase: 'digest',
        jsonDir: dataset.jsonDir,
        indexPath: indexOf('json'),
        seed: options.seed,
        storePath: storeOf('json'),
      },
      phaseOptions,
    );
    let interaction: InteractionResult | null = null;
    const importIncidents = Math.min(size, options.importIncidents ?? 100_000);
    if (options.interaction) {
      log(
        `[${size}] interactions with the real bot on the stand-in, started over the JSON index; then ${importIncidents} new incidents dropped in while it answers`,
      );
      try {
        interaction = await measureInteractions({
          dataDir: dataset.jsonDir,
          indexPath: indexOf('json'),
          storeUrl: `sqlite://${storeOf('json')}`,
          workDir: options.workDir,
          iterations: options.interaction.iterations,
          sample: json.sample,
          startStandin: () => startStandin(),
          cpuProfileDir: options.cpuProfileDir,
          ...(importIncidents > 0
            ? { importDuring: { incidents: importIncidents, seed: options.seed } }
            : {}),
        });
      } catch (error) {
        errors.push(`interactions at ${size}: ${describe(error)}`);
      }
    }
    for (const file of [indexOf('yaml'), indexOf('json'), storeOf('json')])
      for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    const { memoryAfterObserve, ...digest } = digestResult;
    const { build } = json;
    sizes.push({
      size,
      dataset: {
        yaml: yamlDir !== undefined,
        yamlFiles: dataset.yamlFiles,
        yamlBytes: dataset.yamlBytes,
        jsonFiles: dataset.jsonFiles,
        jsonBytes: dataset.jsonBytes,
        reused: dataset.reused,
        generateMs: dataset.generateMs,
      },
      load: {
        yaml: yaml && floor.yaml ? loadFigures(floor.yaml, yaml.build) : null,
        json: loadFigures(floor.json, build),
      },
      warm: { yaml: warmYaml, json: warmJson },
      reload: { yaml: yaml?.reload ?? null, json: json.reload },
      searchWords: json.words,
      queries: json.queries,
      digest,
      memory: {
        jsonBytes: dataset.jsonBytes,
        indexBytes: build.indexBytes,
        rssBaseline: build.memory.baseline.rss,
        rssAfterBuild: build.memory.afterBuild.rss,
        rssAfterQueries: json.afterQueries.rss,
        rssAfterHandlers: json.afterHandlers.rss,
        heapAfterHandlers: json.afterHandlers.heapUsed + json.afterHandlers.external,
        rssWarm: warmJson?.search.rss ?? null,
        rssAfterObserve: memoryAfterObserve.rss,
        gcForced: json.afterQueries.gcForced,
      },
      interaction,
      problems: (yaml?.build.problems ?? 0) + build.problems,
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

function loadFigures(floor: FloorResult, build: BuildResult): LoadFigures {
  return {
    floorMs: floor.ms,
    firstAnswerMs: build.firstAnswerMs,
    searchReadyMs: build.searchReadyMs,
    firstAnswerRatio: ratio(build.firstAnswerMs, floor.ms),
    searchReadyRatio: ratio(build.searchReadyMs, floor.ms),
    warmIndexesMs: build.warmMs,
    indexBytes: build.indexBytes,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
