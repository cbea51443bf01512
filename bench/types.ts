// The shape of a bench report: what runBench returns, the table and the targets read, and --json prints.
import type { Dataset } from './dataset.ts';
import type { DigestResult } from './digest-phase.ts';
import type { FanoutResult } from './fanout.ts';
import type { InteractionResult } from './interaction.ts';
import type { YamlLoadResult } from './load-phase.ts';
import type { QueryResult } from './query-phase.ts';
import type { StartupResult } from './startup.ts';

export interface LoadFigures {
  floorMs: number;
  firstAnswerMs: number;
  searchReadyMs: number;
  /** firstAnswerMs / floorMs */
  firstAnswerRatio: number;
  searchReadyRatio: number;
}

export interface MemoryFigures {
  jsonBytes: number;
  /**
   * Growth of heap + external memory (typed arrays, WASM) from before the load to after it: the
   * catalog only, then with every index built.
   */
  heapCatalog: number;
  heapIndexed: number;
  /** With the digest tracker's record of every incident too (what the bot holds). */
  heapWithTracker: number;
  rssIndexed: number;
  /** Per 10,000 incidents. */
  per10k: { json: number; heapCatalog: number; heapIndexed: number; heapWithTracker: number; rss: number };
  /** heapIndexed / jsonBytes */
  heapToJson: number;
  gcForced: boolean;
}

export interface SizeReport {
  size: number;
  dataset: Pick<Dataset, 'yamlFiles' | 'yamlBytes' | 'jsonFiles' | 'jsonBytes' | 'reused' | 'generateMs'>;
  load: { yaml: LoadFigures; json: LoadFigures };
  reload: YamlLoadResult['reload'];
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
