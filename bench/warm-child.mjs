// A warm restart in a fresh process: LiveCatalog.start() over an index that is already there (nothing
// changed since it was built), then one command answered as the bot answers it (handler + rendering to
// Discord pages). Plain JavaScript, so it runs the way bin/sitrep.js runs the bot: the compiled dist/
// when it is fresh (`node bench/warm-child.mjs`), else the sources (`node --import tsx …`). It prints one
// JSON line (WarmReport, warm.ts) when it has the answer, which is when the parent stops its clock.
const importsStarted = performance.now();
/** @type {{ dataDir: string; indexPath: string; command: 'latest' | 'search'; query?: string; compiled: boolean }} */
const request = JSON.parse(process.argv[2] ?? '{}');
const from = (compiled, source) => new URL(request.compiled ? compiled : source, import.meta.url).href;
const [{ LiveCatalog }, { findCommand }, { toDiscordPages }] = await Promise.all([
  import(from('../dist/src/incidents/live.js', '../src/incidents/live.ts')),
  import(from('../dist/commands/index.js', '../commands/index.ts')),
  import(from('../dist/src/render/discord.js', '../src/render/discord.ts')),
]);
const importsMs = performance.now();
const live = new LiveCatalog(request.dataDir, { indexPath: request.indexPath, pollMs: 0 });
const t0 = performance.now();
const snapshot = await live.start();
const startMs = performance.now() - t0;
const t1 = performance.now();
const command = findCommand(request.command);
if (!command) throw new Error(`no /${request.command}`);
const options = request.command === 'search' ? { query: request.query ?? '' } : { count: 5 };
const pages = toDiscordPages(
  await command.execute(options, {
    catalog: snapshot.catalog,
    now: new Date('2025-01-15T12:00:00Z'),
    version: 'bench',
    loadedAt: snapshot.loadedAt,
  }),
);
const answerMs = performance.now() - t1;
const report = {
  bootMs: importsStarted,
  importsMs,
  startMs,
  answerMs,
  incidents: snapshot.catalog.size,
  filesParsed: live.counters.filesParsed,
  answer: JSON.stringify(pages[0] ?? null).slice(0, 300),
  rss: process.memoryUsage().rss,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
await live.close();
