// The bench report as a plain-text table: one column per dataset size, then the targets.
import { YAML_MAX_SIZE } from './dataset.ts';
import type { Latency } from './stats.ts';
import type { BenchReport, SizeReport } from './types.ts';

const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const x = (value: number) => `${value.toFixed(value >= 10 ? 0 : value >= 1 ? 1 : 2)}×`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1)} MB`;
const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p99)}`;
const sizeLabel = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

function table(
  title: string,
  sizes: readonly SizeReport[],
  rows: [string, (s: SizeReport) => string][],
): string {
  const header = [title, ...sizes.map((s) => sizeLabel(s.size))];
  const body = rows.map(([label, cell]) => [label, ...sizes.map(cell)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Start-up of fresh processes: the median, and the slowest (one slow start on a busy machine is noise). */
function startupTable(report: BenchReport): string[] {
  const s = report.startup;
  if (!s) return [];
  const row = (label: string, l: Latency) =>
    `${label.padEnd(40)}${ms(l.p50).padStart(8)}${ms(l.max).padStart(8)}`;
  return [
    `Start-up, ms (${s.version.n} fresh processes each; bin/sitrep.js ran ${s.compiled ? 'dist/, compiled' : 'the sources through tsx: dist/ was stale'})`,
    `${''.padEnd(40)}${'median'.padStart(8)}${'max'.padStart(8)}`,
    row('node -e "" (the floor)', s.node),
    row('sitrep --version', s.version),
    row('sitrep run "/latest" (example data)', s.run),
    row('sitrep start to connected (stand-in)', s.start),
    row('npm run sitrep -- --version', s.npm),
    `npm start to connected, estimated: ${ms(s.start.p50 + s.npm.p50 - s.version.p50)} (start + npm's own launch)`,
    '',
  ];
}

export function formatReport(report: BenchReport): string {
  const { sizes } = report;
  const m = report.machine;
  const out: string[] = [
    `sitrep bench — seed ${report.seed}, ${m.cpus} × ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GB, Node ${m.node}, ${m.platform}`,
    `finished in ${(report.durationMs / 1000).toFixed(0)} s`,
    '',
    ...startupTable(report),
    ...(sizes.length > 0 ? sizeTables(sizes) : []),
  ];
  if (report.fanout) {
    const f = report.fanout;
    out.push(
      `Fan-out: ${f.digests} digests due in the same minute at ${sizeLabel(f.size)} incidents, limit ${f.limitPerSecond} requests/s`,
    );
    for (const r of f.rounds) {
      out.push(
        `  ${r.kind.padEnd(8)} ${r.accepted} posts to ${r.channelsPosted} channels, ${r.achievedPerSecond.toFixed(1)}/s over ${(r.spanMs / 1000).toFixed(1)} s, ${r.rateLimited} × 429, first post ${(r.startLagMs / 1000).toFixed(1)} s after the minute, 99% by ${(r.p99Ms / 1000).toFixed(1)} s, all by ${(r.totalMs / 1000).toFixed(1)} s${Object.keys(r.otherStatuses).length > 0 ? `, other answers ${JSON.stringify(r.otherStatuses)}` : ''}`,
      );
    }
    out.push('');
  }
  if (report.errors.length > 0) {
    out.push('Not measured');
    for (const error of report.errors) out.push(`  ${error}`);
    out.push('');
  }
  out.push('Targets');
  for (const t of report.targets) {
    const value =
      t.unit === 'ms'
        ? `${ms(t.value)} ms`
        : t.unit === '×'
          ? x(t.value)
          : `${t.value.toFixed(t.unit === '/s' ? 1 : 0)}${t.unit ? ` ${t.unit}` : ''}`;
    const at = t.size === null ? 'example data' : sizeLabel(t.size);
    out.push(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${value} (target ${t.target}, at ${at})`);
  }
  return `${out.join('\n')}\n`;
}

/** The tables with one column per dataset size. */
function sizeTables(sizes: readonly SizeReport[]): string[] {
  const dash = '-';
  const yamlOnly = (s: SizeReport, cell: (s: SizeReport) => string) => (s.dataset.yaml ? cell(s) : dash);
  const warmRow = (
    format: 'yaml' | 'json',
    command: 'latest' | 'search',
  ): [string, (s: SizeReport) => string] => [
    `${format.toUpperCase()} ${command === 'latest' ? '/latest' : '/search of a rare word'}`,
    (s) => {
      const w = s.warm[format];
      if (!w) return dash;
      const c = w[command];
      return `${ms(c.total.p50)} (${x(command === 'latest' ? w.latestRatio : w.searchRatio)})`;
    },
  ];
  const breakdown = (
    format: 'yaml' | 'json',
    command: 'latest' | 'search',
  ): [string, (s: SizeReport) => string] => [
    '  boot · imports · start() · answer',
    (s) => {
      const c = s.warm[format]?.[command];
      return c
        ? `${ms(c.bootMs)} · ${ms(c.importsMs - c.bootMs)} · ${ms(c.startMs)} · ${ms(c.answerMs)}`
        : dash;
    },
  ];
  const cliRow = (
    format: 'yaml' | 'json',
    command: 'latest' | 'search',
  ): [string, (s: SizeReport) => string] => [
    `sitrep run "/${command === 'latest' ? 'latest' : 'search <rare>'}" (${format.toUpperCase()}), to exit`,
    (s) => {
      const w = s.warm[format];
      const l = w?.cli?.[command];
      return w && l ? `${ms(l.p50)} (${x(l.p50 / w.floorMs)})` : dash;
    },
  ];
  const out: string[] = [
    table('Data', sizes, [
      [
        'YAML files (one per incident)',
        (s) => yamlOnly(s, () => `${s.dataset.yamlFiles} · ${mb(s.dataset.yamlBytes)}`),
      ],
      ['JSON list files (1,000 each)', (s) => `${s.dataset.jsonFiles} · ${mb(s.dataset.jsonBytes)}`],
      ['index on disk (JSON lists)', (s) => mb(s.memory.indexBytes)],
      ['files with problems', (s) => String(s.problems)],
    ]),
  ];
  const jsonOnly = sizes.filter((s) => !s.dataset.yaml).map((s) => sizeLabel(s.size));
  if (jsonOnly.length > 0)
    out.push(
      `(at ${jsonOnly.join(', ')}: JSON lists only; one YAML file per incident is generated up to ${sizeLabel(YAML_MAX_SIZE)})`,
    );
  out.push(
    '',
    table('Cold build of the index, ms (× the floor)', sizes, [
      ['YAML floor: read + parse', (s) => (s.load.yaml ? ms(s.load.yaml.floorMs) : dash)],
      [
        'YAML first /latest, during the build',
        (s) => (s.load.yaml ? `${ms(s.load.yaml.firstAnswerMs)} (${x(s.load.yaml.firstAnswerRatio)})` : dash),
      ],
      [
        'YAML all indexed, /search answers',
        (s) => (s.load.yaml ? `${ms(s.load.yaml.searchReadyMs)} (${x(s.load.yaml.searchReadyRatio)})` : dash),
      ],
      ['JSON floor: read + parse', (s) => ms(s.load.json.floorMs)],
      [
        'JSON first /latest, during the build',
        (s) => `${ms(s.load.json.firstAnswerMs)} (${x(s.load.json.firstAnswerRatio)})`,
      ],
      [
        'JSON all indexed, /search answers',
        (s) => `${ms(s.load.json.searchReadyMs)} (${x(s.load.json.searchReadyRatio)})`,
      ],
      ['then warmIndexes (JSON)', (s) => ms(s.load.json.warmIndexesMs)],
    ]),
    '',
    table(
      'Warm restart: a fresh process, index built, nothing changed; ms to the answer (× the floor)',
      sizes,
      [
        ['ran', (s) => (s.warm.json ? (s.warm.json.compiled ? 'dist/ (compiled)' : 'sources (tsx)') : dash)],
        warmRow('yaml', 'latest'),
        breakdown('yaml', 'latest'),
        warmRow('yaml', 'search'),
        breakdown('yaml', 'search'),
        warmRow('json', 'latest'),
        breakdown('json', 'latest'),
        warmRow('json', 'search'),
        breakdown('json', 'search'),
        cliRow('yaml', 'latest'),
        cliRow('yaml', 'search'),
        cliRow('json', 'latest'),
        cliRow('json', 'search'),
        [
          'the rare word (incidents with it)',
          (s) => `${s.searchWords.rare.word} (${s.searchWords.rare.incidents})`,
        ],
      ],
    ),
    '',
    table('Reload of one changed file, ms', sizes, [
      ['YAML incident, watcher → answers show it', (s) => (s.reload.yaml ? ms(s.reload.yaml.watchMs) : dash)],
      ['JSON list file, watcher → answers', (s) => ms(s.reload.json.watchMs)],
      ['YAML refresh() (full rescan)', (s) => (s.reload.yaml ? ms(s.reload.yaml.refreshMs) : dash)],
      ['JSON refresh() (full rescan)', (s) => ms(s.reload.json.refreshMs)],
      [
        'YAML refresh() with nothing changed',
        (s) => (s.reload.yaml ? ms(s.reload.yaml.noopRefreshMs) : dash),
      ],
      ['JSON refresh() with nothing changed', (s) => ms(s.reload.json.noopRefreshMs)],
      ['then first /latest (JSON)', (s) => ms(s.reload.json.firstQueryMs.latest)],
      ['then first /incident', (s) => ms(s.reload.json.firstQueryMs.incident)],
      ['then first autocomplete', (s) => ms(s.reload.json.firstQueryMs.autocomplete)],
      ['then first /search', (s) => ms(s.reload.json.firstQueryMs.search)],
      ['after another reload, warmIndexes', (s) => ms(s.reload.json.rewarmMs)],
    ]),
    '',
  );
  const names = Object.keys(sizes[0]?.queries ?? {});
  out.push(
    table(
      'Queries p50 / p99, ms',
      sizes,
      names.map((name) => [name, (s) => (s.queries[name] ? lat(s.queries[name].query) : '-')]),
    ),
    '',
    table(
      'Handler + rendering p50 / p99, ms',
      sizes,
      names.map((name) => [name, (s) => (s.queries[name] ? lat(s.queries[name].handler) : '-')]),
    ),
    '',
    table(
      'Naive scan p50, ms (× slower than the query)',
      sizes,
      names.map((name) => [
        name,
        (s) => (s.queries[name] ? `${ms(s.queries[name].naive.p50)} (${x(s.queries[name].speedup)})` : '-'),
      ]),
    ),
    '',
  );
  if (sizes.some((s) => s.interaction)) {
    const cases = Object.keys(sizes.find((s) => s.interaction)?.interaction?.cases ?? {});
    out.push(
      table('Interaction on the stand-in p50 / p99, ms', sizes, [
        [
          'start to first reply (sitrep start)',
          (s) => (s.interaction ? ms(s.interaction.startToFirstReplyMs) : '-'),
        ],
        [
          'first /search after start',
          (s) =>
            s.interaction
              ? `${ms(s.interaction.firstSearchMs)}${s.interaction.firstSearchExpired ? ' EXPIRED' : ''}`
              : '-',
        ],
        ...cases.map((name): [string, (s: SizeReport) => string] => [
          name,
          (s) => {
            const c = s.interaction?.cases[name];
            return c ? `${lat(c)}${c.deferred > 0 ? ` (${c.deferred} deferred)` : ''}` : '-';
          },
        ]),
        ['bot RSS', (s) => (s.interaction ? mb(s.interaction.botRss) : '-')],
        [
          'new incidents dropped in · indexed in, ms',
          (s) => {
            const i = s.interaction?.importWhileAnswering;
            return i ? `${i.incidents} · ${ms(i.indexedMs)}` : '-';
          },
        ],
        [
          '  answers meanwhile: n · p50 / p99 · max',
          (s) => {
            const i = s.interaction?.importWhileAnswering;
            return i ? `${i.answers.n} · ${lat(i.answers)} · ${ms(i.answers.max)}` : '-';
          },
        ],
        [
          '  slowest ack · over 3 s · failed',
          (s) => {
            const i = s.interaction?.importWhileAnswering;
            return i ? `${ms(i.maxAckMs)} · ${i.over3s} · ${i.failed}` : '-';
          },
        ],
      ]),
      '',
    );
  }
  out.push(
    table('Digests', sizes, [
      ['tracker: first look at every incident, ms', (s) => ms(s.digest.firstObserveMs)],
      ["a day's changes written into the index, ms", (s) => ms(s.digest.writeChangesMs)],
      ['tracker: a day of changes, ms', (s) => ms(s.digest.observeChangesMs)],
      ['compose regular digest p50 / p99, ms', (s) => lat(s.digest.compose.regular)],
      ['  … for two countries', (s) => lat(s.digest.compose.regularCountries)],
      ['compose first digest p50 / p99, ms', (s) => lat(s.digest.compose.first)],
      [
        'alert poll, nothing new p50 / p99, ms',
        (s) => (s.digest.delivery ? lat(s.digest.delivery.alertPoll) : '—'),
      ],
      [
        'filtered run with its record, ms',
        (s) => (s.digest.delivery ? ms(s.digest.delivery.filteredRunMs) : '—'),
      ],
      ['/digest why p50 / p99, ms', (s) => (s.digest.delivery ? lat(s.digest.delivery.why) : '—')],
      ['/digest status p50 / p99, ms', (s) => (s.digest.delivery ? lat(s.digest.delivery.status) : '—')],
    ]),
    '',
    table('Memory', sizes, [
      ['JSON on disk', (s) => mb(s.memory.jsonBytes)],
      ['index on disk', (s) => mb(s.memory.indexBytes)],
      ['RSS: modules loaded, before the build', (s) => mb(s.memory.rssBaseline)],
      ['RSS: after the cold build', (s) => mb(s.memory.rssAfterBuild)],
      ['RSS: after the queries', (s) => mb(s.memory.rssAfterQueries)],
      ['RSS: and the handlers (rendering, charts)', (s) => mb(s.memory.rssAfterHandlers)],
      ['heap + external at that point', (s) => mb(s.memory.heapAfterHandlers)],
      [
        'RSS: warm-started process after /search',
        (s) => (s.memory.rssWarm === null ? dash : mb(s.memory.rssWarm)),
      ],
      ["RSS: after the tracker's first look", (s) => mb(s.memory.rssAfterObserve)],
    ]),
    '',
  );
  return out;
}
