// Entry point of a benchmark child process: runs one phase in a fresh process and sends the result
// back over IPC. Started by runPhase() with --expose-gc, so memory figures are after a full GC.
import path from 'node:path';
import { measureDigests } from './digest-phase.ts';
import { coldBuild, loadYamlLive, measureReload, readAndParseFloor } from './load-phase.ts';
import type { PhaseRequest, PhaseResponse } from './phase.ts';
import { interactionSample, runQueries, searchWords } from './query-phase.ts';

/** A progress line for the parent (runPhase forwards lines starting with "[bench] "). */
function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function run(request: PhaseRequest): Promise<unknown> {
  switch (request.phase) {
    case 'floor':
      return {
        yaml: request.yamlDir === undefined ? null : await readAndParseFloor(request.yamlDir),
        json: await readAndParseFloor(request.jsonDir),
      };
    case 'yaml':
      return loadYamlLive(
        request.yamlDir,
        request.indexPath,
        request.expected,
        request.sampleFile,
        request.sampleId,
      );
    case 'json': {
      const {
        result: build,
        live,
        feed,
      } = await coldBuild(request.jsonDir, request.indexPath, request.expected);
      try {
        progress(
          `index built: first answer ${build.firstAnswerMs.toFixed(0)} ms, search ready ${build.searchReadyMs.toFixed(0)} ms`,
        );
        const catalog = live.snapshot.catalog;
        const wordsStarted = performance.now();
        const words = searchWords(catalog);
        progress(
          `search words in ${(performance.now() - wordsStarted).toFixed(0)} ms: common "${words.common.word}" (${words.common.incidents} incidents), rare "${words.rare.word}" (${words.rare.incidents})`,
        );
        const sample = interactionSample(catalog, request.seed);
        // The reload first: the naive scans below read every incident into the heap.
        progress('reload of one JSON list file');
        const reload = await measureReload(
          live,
          feed,
          path.join(request.jsonDir, request.sampleFile),
          request.sampleId,
        );
        const {
          results: queries,
          afterQueries,
          afterHandlers,
        } = await runQueries(live.snapshot.catalog, request.seed, words, request.queries, progress);
        return { build, afterQueries, afterHandlers, queries, reload, words, sample };
      } finally {
        await live.close();
      }
    }
    case 'digest':
      return measureDigests(request.indexPath, request.jsonDir, request.seed, request.storePath);
  }
}

process.once('message', (message) => {
  run(message as PhaseRequest).then(
    (result) => {
      const response: PhaseResponse = { ok: true, result };
      process.send?.(response, () => process.exit(0));
    },
    (error: unknown) => {
      const response: PhaseResponse = {
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
      process.send?.(response, () => process.exit(1));
    },
  );
});
