// Timing helpers: percentiles over repeated calls, with a warm-up and a time budget.

export interface Latency {
  /** Calls measured. */
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? 0 : total / sorted.length,
    max: sorted.at(-1) ?? 0,
  };
}

export interface MeasureOptions {
  /** Calls to time (fewer when the budget runs out first, but never fewer than `minIterations`). */
  iterations: number;
  minIterations?: number;
  warmup?: number;
  /** Stop timing after this many milliseconds in total. */
  budgetMs?: number;
}

/** Times `fn(i)` for i = 0, 1, …; a call that throws counts (user errors are answers too). */
export function measure(fn: (i: number) => unknown, options: MeasureOptions): Latency {
  const { iterations, warmup = Math.min(20, iterations), budgetMs = Number.POSITIVE_INFINITY } = options;
  const minIterations = Math.min(options.minIterations ?? 10, iterations);
  const call = (i: number) => {
    try {
      fn(i);
    } catch {
      // A UserError is a valid answer ("no incidents in …"); its cost is what we measure.
    }
  };
  // Warm the JIT, but not for long: a slow case (a naive scan at a million) needs no twenty rounds of it.
  const warmStarted = performance.now();
  for (let i = 0; i < warmup && (i < 1 || performance.now() - warmStarted < 500); i++) call(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    call(warmup + i);
    samples.push(performance.now() - t);
    if (enough(samples.length, performance.now() - started, minIterations, budgetMs)) break;
  }
  return summarize(samples);
}

/** measure() for calls that may return a promise (async command handlers): each is awaited in turn. */
export async function measureAsync(fn: (i: number) => unknown, options: MeasureOptions): Promise<Latency> {
  const { iterations, warmup = Math.min(20, iterations), budgetMs = Number.POSITIVE_INFINITY } = options;
  const minIterations = Math.min(options.minIterations ?? 10, iterations);
  const call = async (i: number) => {
    try {
      await fn(i);
    } catch {
      // A UserError is an answer too.
    }
  };
  const warmStarted = performance.now();
  for (let i = 0; i < warmup && (i < 1 || performance.now() - warmStarted < 500); i++) await call(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await call(warmup + i);
    samples.push(performance.now() - t);
    if (enough(samples.length, performance.now() - started, minIterations, budgetMs)) break;
  }
  return summarize(samples);
}

/**
 * The budget is spent once `minIterations` calls are timed; and whatever the count, past three budgets
 * (a call of a minute, as rendering every claim of a million incidents may take, is timed once after one
 * warm-up, not five times).
 */
function enough(samples: number, elapsedMs: number, minIterations: number, budgetMs: number): boolean {
  return elapsedMs > budgetMs && (samples >= minIterations || elapsedMs > 3 * budgetMs);
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

export function ratio(value: number, base: number): number {
  return value / Math.max(base, 1e-6);
}
