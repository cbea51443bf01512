// The targets of issue 5, checked against a report at its largest size (100k in a full run), and the
// start-up targets of issue 17.
import type { BenchReport, TargetResult } from './types.ts';

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
  if (report.startup) {
    const { version, run, start, npm } = report.startup;
    const startup = (name: string, value: number, limit: number) =>
      out.push({ name, target: `≤ ${limit} ms`, value, limit, unit: 'ms', met: value <= limit, size: null });
    startup('start-up: sitrep --version (median)', version.p50, 250);
    startup('start-up: sitrep run "/latest" (median)', run.p50, 500);
    startup('start-up: sitrep start to connected (median)', start.p50, 1000);
    startup('start-up: npm start to connected (estimated)', start.p50 + npm.p50 - version.p50, 1000);
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
