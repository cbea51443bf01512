// `sitrep run "/latest count:3"`: one slash command answered offline through the bot's own handlers.
import { commands } from '../../commands/index.ts';
import type { CommandContext } from '../../commands/types.ts';
import type { Catalog } from '../incidents/catalog.ts';
import { loadCatalog } from '../incidents/load.ts';
import type { Answer } from '../render/answer.ts';
import { toDiscordPages } from '../render/discord.ts';
import { toText } from '../render/text.ts';
import { VERSION } from '../version.ts';
import type { CliIo } from './io.ts';
import { parseSlashLine } from './slash-line.ts';

/** Answers one line against a loaded catalog. Throws UserError for what the user got wrong. */
export async function answerSlashLine(
  line: string,
  catalog: Catalog,
  loadedAt: Date,
  now = new Date(),
): Promise<Answer> {
  const { command, options } = parseSlashLine(line, commands);
  const context: CommandContext = { catalog, now, version: VERSION, loadedAt };
  return command.execute(options, context);
}

export function printAnswer(answer: Answer, json: boolean, io: CliIo): void {
  if (json) io.out(`${JSON.stringify(toDiscordPages(answer), null, 2)}\n`);
  else io.out(`${toText(answer)}\n`);
}

export async function answerLine(
  line: string,
  options: { dataDir: string; json: boolean; io: CliIo },
): Promise<number> {
  const { io } = options;
  const loaded = await loadCatalog(options.dataDir);
  if (loaded.problems.length > 0) {
    io.err(
      `warning: ${loaded.problems.length} problem(s) in ${options.dataDir}; those files are skipped (details: sitrep validate ${options.dataDir})\n`,
    );
  }
  printAnswer(await answerSlashLine(line, loaded.catalog, loaded.loadedAt), options.json, io);
  return 0;
}
