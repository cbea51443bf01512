// The targets of issue 13 (an incident index on disk), checked against a report at its largest size
// (1,000,000 in the issue's run), as ratios to the floor measured in the same run where the issue says
// so; the interaction targets of issue 5 and the start-up targets of issue 17.
import type { BenchReport, TargetResult } from './types.ts';

const MB = 1024 * 1024;

export function evaluateTargets(report: BenchReport): TargetResult[] {
  const out: TargetResult[] = [];
  const largest = report.sizes.at(-1);
  if (largest) {
    const size = largest.size;
    const atMost = (name: string, value: number, limit: number, unit: string) =>
      out.push({ name, target: `≤ ${limit} ${unit}`, value, limit, unit, met: value <= limit, size });
    for (const format of ['yaml', 'json'] as const) {
      const label = format === 'yaml' ? 'YAML files' : 'JSON lists';
      const load = largest.load[format];
      if (load) atMost(`cold build of the index / floor (${label})`, load.searchReadyRatio, 3, '×');
      const warm = largest.warm[format];
      if (warm) {
        atMost(`warm restart to first /latest, whole process / floor (${label})`, warm.latestRatio, 0.1, '×');
        atMost(
          `warm restart to first /search of a word in ${warm.wordIncidents} incident${warm.wordIncidents === 1 ? '' : 's'}, whole process / floor (${label})`,
          warm.searchRatio,
          0.1,
          '×',
        );
      }
      if (warm?.cli) {
        atMost(
          `sitrep run "/latest" over the index, whole process / floor (${label})`,
          warm.cli.latest.p50 / warm.floorMs,
          0.1,
          '×',
        );
        atMost(
          `sitrep run "/search <rare word>" over the index, whole process / floor (${label})`,
          warm.cli.search.p50 / warm.floorMs,
          0.1,
          '×',
        );
      }
      const reload = largest.reload[format];
      if (reload)
        atMost(
          `one changed file reflected in answers, through the watcher (${format === 'yaml' ? 'one YAML incident' : `a JSON list of ${Math.min(size, 1000)}`})`,
          reload.watchMs,
          20,
          'ms',
        );
    }
    for (const [name, q] of Object.entries(largest.queries)) {
      const limit = q.class === 'instant' ? 2 : q.class === 'search' ? 20 : 50;
      atMost(`p99 ${name}`, q.query.p99, limit, 'ms');
    }
    atMost(
      'RSS after the build, the queries and their handlers',
      largest.memory.rssAfterHandlers / MB,
      400,
      'MB',
    );
    if (largest.memory.rssWarm !== null)
      atMost('RSS of a warm-started process after /search', largest.memory.rssWarm / MB, 400, 'MB');
    const interaction = largest.interaction;
    if (interaction) {
      atMost('RSS of the bot on the stand-in', interaction.botRss / MB, 400, 'MB');
      atMost('first /search after start (stand-in)', interaction.firstSearchMs, 3000, 'ms');
      const imported = interaction.importWhileAnswering;
      if (imported) {
        const value = imported.answers.max;
        out.push({
          name: `slowest answer while ${imported.incidents} new incidents are indexed (stand-in)${imported.failed > 0 ? `; ${imported.failed} got no answer` : ''}`,
          target: '≤ 3000 ms',
          value,
          limit: 3000,
          unit: 'ms',
          met: value <= 3000 && imported.failed === 0,
          size,
        });
      }
      for (const [name, c] of Object.entries(interaction.cases))
        atMost(`p99 interaction ${name}`, c.p99, 50, 'ms');
    }
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
      // The bot's digest posts share one budget of 20 a second across its processes (src/digest/pacer.ts).
      target: '≥ 18 /s',
      value: round.achievedPerSecond,
      limit: 18,
      unit: '/s',
      met: round.achievedPerSecond >= 18,
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
