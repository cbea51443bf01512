// Entry point of a benchmark child process: runs one phase in a fresh process and sends the result
// back over IPC. Started by runPhase() with --expose-gc, so memory figures are after a full GC.
import { measureDigests } from './digest-phase.ts';
import { loadJson, loadYamlLive, readAndParseFloor } from './load-phase.ts';
import type { PhaseRequest, PhaseResponse } from './phase.ts';
import { interactionSample, runQueries } from './query-phase.ts';

/** A progress line for the parent (runPhase forwards lines starting with "[bench] "). */
function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function run(request: PhaseRequest): Promise<unknown> {
  switch (request.phase) {
    case 'floor':
      return {
        yaml: await readAndParseFloor(request.yamlDir),
        json: await readAndParseFloor(request.jsonDir),
      };
    case 'yaml':
      return loadYamlLive(request.yamlDir, request.sampleFile);
    case 'json': {
      const { result, catalog } = await loadJson(request.jsonDir);
      progress(
        `loaded in ${result.firstAnswerMs.toFixed(0)} ms, indexes by ${result.searchReadyMs.toFixed(0)} ms`,
      );
      const queries = await runQueries(catalog, request.seed, request.queries, progress);
      progress('queries done; digests');
      const digest = await measureDigests(catalog, request.seed, request.workDir);
      return { load: result, queries, digest, sample: interactionSample(catalog, request.seed) };
    }
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
