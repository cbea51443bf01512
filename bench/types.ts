// The shape of a bench report: what runBench returns, the table and the targets read, and --json prints.
import type { Dataset } from './dataset.ts';
import type { DigestResult } from './digest-phase.ts';
import type { FanoutResult } from './fanout.ts';
import type { InteractionResult } from './interaction.ts';
import type { ReloadResult } from './load-phase.ts';
import type { QueryResult, SearchWords } from './query-phase.ts';
import type { StartupResult } from './startup.ts';
import type { WarmResult } from './warm.ts';

/** A cold build of the index: LiveCatalog.begin() (the bot's start) over a folder with no index yet. */
export interface LoadFigures {
  floorMs: number;
  firstAnswerMs: number;
  /** Every incident in the index and /search answering: the cold build. */
  searchReadyMs: number;
  /** firstAnswerMs / floorMs */
  firstAnswerRatio: number;
  /** searchReadyMs / floorMs: the "cold build ≤ 3× the floor". */
  searchReadyRatio: number;
  /** warmIndexes after the build (the lists autocomplete and /about keep). */
  warmIndexesMs: number;
  /** The index on disk. */
  indexBytes: number;
}

/** A warm restart: a fresh process over the built index, nothing changed; whole process, medians. */
export interface WarmFigures extends WarmResult {
  floorMs: number;
  /** latest.total.p50 / floorMs */
  latestRatio: number;
  /** search.total.p50 / floorMs */
  searchRatio: number;
}

export interface MemoryFigures {
  jsonBytes: number;
  /** The JSON lists' index on disk. */
  indexBytes: number;
  /** RSS of the measuring process with its modules loaded, before the build. */
  rssBaseline: number;
  /** After the cold build of the JSON lists' index (and a full GC). */
  rssAfterBuild: number;
  /** After every query ran (the index and its caches; no rendering yet). */
  rssAfterQueries: number;
  /**
   * After every handler too (rendering to Discord pages, charts of /casualties): the "RSS of the
   * bot" figure. Both before the naive scans read everything.
   */
  rssAfterHandlers: number;
  /** V8 heap + external memory at that point. */
  heapAfterHandlers: number;
  /** A warm-started process after its first /search answer. */
  rssWarm: number | null;
  /** The digest phase's process after the tracker's first look at every incident. */
  rssAfterObserve: number;
  gcForced: boolean;
}

export interface SizeReport {
  size: number;
  dataset: Pick<Dataset, 'yamlFiles' | 'yamlBytes' | 'jsonFiles' | 'jsonBytes' | 'reused' | 'generateMs'> & {
    /** False above YAML_MAX_SIZE: the JSON lists only. */
    yaml: boolean;
  };
  /** null for YAML where the size has the JSON lists only. */
  load: { yaml: LoadFigures | null; json: LoadFigures };
  warm: { yaml: WarmFigures | null; json: WarmFigures | null };
  reload: { yaml: ReloadResult | null; json: ReloadResult };
  /** The words the search cases and the warm /search use. */
  searchWords: SearchWords;
  queries: Record<string, QueryResult>;
  digest: Omit<DigestResult, 'memoryAfterObserve'>;
  memory: MemoryFigures;
  interaction: InteractionResult | null;
  problems: number;
}

export interface BenchReport {
  version: 1;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryBytes: number };
  seed: number;
  startedAt: string;
  durationMs: number;
  sizes: SizeReport[];
  /** Start-up of fresh processes, on the example data (not per size); null when not measured. */
  startup: StartupResult | null;
  fanout: (FanoutResult & { size: number }) | null;
  targets: TargetResult[];
  /** Sections that could not be measured (the rest of the report stands). */
  errors: string[];
}

export interface TargetResult {
  name: string;
  /** What is compared, and how: "≤ 2 ×", "≤ 50 ms", "≥ 45 /s". */
  target: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
  /** The dataset size the figure is from; null for start-up, which runs on the example data. */
  size: number | null;
}
