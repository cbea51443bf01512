// The targets of issue 5, checked against a report at its largest size (100k in a full run).
import type { BenchReport } from './run.ts';

export interface TargetResult {
  name: string;
  /** What is compared, and how: "≤ 2 ×", "≤ 50 ms", "≥ 45 /s". */
  target: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
  /** The dataset size the figure is from. */
  size: number;
}

export function evaluateTargets(report: BenchReport): TargetResult[] {
  const out: TargetResult[] = [];
  const largest = report.sizes.at(-1);
  if (largest) {
    const size = largest.size;
    const atMost = (name: string, value: number, limit: number, unit: string) =>
      out.push({ name, target: `≤ ${limit} ${unit}`, value, limit, unit, met: value <= limit, size });
    const { yaml, json } = largest.load;
    atMost('first answer / floor (YAML files, bot path)', yaml.firstAnswerRatio, 2, '×');
    atMost('first answer / floor (JSON lists)', json.firstAnswerRatio, 2, '×');
    atMost('search ready / floor (YAML files, bot path)', yaml.searchReadyRatio, 5, '×');
    atMost('search ready / floor (JSON lists)', json.searchReadyRatio, 5, '×');
    atMost('reload of one changed file (watcher)', largest.reload.watchMs, 50, 'ms');
    for (const [name, q] of Object.entries(largest.queries)) {
      const limit = q.class === 'instant' ? 2 : q.class === 'search' ? 20 : 50;
      atMost(`p99 ${name}`, q.query.p99, limit, 'ms');
    }
    for (const [name, c] of Object.entries(largest.interaction?.cases ?? {})) {
      atMost(`p99 interaction ${name}`, c.p99, 50, 'ms');
    }
    atMost('heap after load / JSON on disk', largest.memory.heapToJson, 3, '×');
  }
  for (const round of report.fanout?.rounds ?? []) {
    const size = report.fanout?.size ?? 0;
    out.push({
      name: `fan-out ${round.kind} digests: requests per second`,
      target: '≥ 45 /s',
      value: round.achievedPerSecond,
      limit: 45,
      unit: '/s',
      met: round.achievedPerSecond >= 45,
      size,
    });
    out.push({
      name: `fan-out ${round.kind} digests: 429s`,
      target: '= 0',
      value: round.rateLimited,
      limit: 0,
      unit: '',
      met: round.rateLimited === 0,
      size,
    });
  }
  return out;
}
