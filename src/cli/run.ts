// `sitrep run "/latest count:3"`: one slash command answered offline through the bot's own handlers.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { commands } from '../../commands/index.ts';
import type { CommandContext } from '../../commands/types.ts';
import type { Catalog } from '../incidents/catalog.ts';
import type { Answer } from '../render/answer.ts';
import { toDiscordPages } from '../render/discord.ts';
import { toText } from '../render/text.ts';
import { VERSION } from '../version.ts';
import type { CliIo } from './io.ts';
import { loadForCli } from './load.ts';
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
  if (!command.needsDigests) return command.execute(options, context);
  // Only /digest and /digest-admin read the env's digests and the state store, so only they open it.
  const { withOfflineDigests } = await import('./digest.ts');
  return withOfflineDigests(catalog, async (digests) => command.execute(options, { ...context, digests }));
}

/** Default folder for the images of `sitrep run`. */
export const DEFAULT_OUT_DIR = './var/out';

/**
 * Prints the answer as text, or as Discord payloads (`json`) in which each attachment shows its name,
 * description, size and, when written, its path instead of its bytes.
 */
export function printAnswer(
  answer: Answer,
  json: boolean,
  io: CliIo,
  written: ReadonlyMap<string, string> = new Map(),
): void {
  if (!json) {
    io.out(`${toText(answer)}\n`);
    for (const path of written.values()) io.out(`Image written: ${path}\n`);
    return;
  }
  const pages = toDiscordPages(answer).map(({ attachments, ...page }) =>
    attachments === undefined
      ? page
      : {
          ...page,
          attachments: attachments.map((file) => ({
            name: file.name,
            description: file.description,
            bytes: file.data.length,
            ...(written.has(file.name) ? { path: written.get(file.name) } : {}),
          })),
        },
  );
  io.out(`${JSON.stringify(pages, null, 2)}\n`);
}

/** Writes the answer's attachments into `dir` (created if missing); their name → path. */
export async function writeAttachments(answer: Answer, dir: string): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const files = answer.attachments ?? [];
  if (files.length === 0) return written;
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, basename(file.name));
    await writeFile(path, file.data);
    written.set(file.name, path);
  }
  return written;
}

export async function answerLine(
  line: string,
  options: {
    dataDir: string;
    json: boolean;
    io: CliIo;
    outDir?: string | undefined;
    /** The incident index to keep and read (INDEX_PATH); in memory when undefined. */
    indexPath?: string | undefined;
  },
): Promise<number> {
  const { io } = options;
  const loaded = await loadForCli(options.dataDir, io, options.indexPath);
  try {
    if (loaded.problems.length > 0) {
      io.err(
        `warning: ${loaded.problems.length} problem(s) in ${options.dataDir}; those files are skipped (details: sitrep validate ${options.dataDir})\n`,
      );
    }
    const answer = await answerSlashLine(line, loaded.catalog, loaded.loadedAt);
    const written = await writeAttachments(answer, options.outDir ?? DEFAULT_OUT_DIR);
    printAnswer(answer, options.json, io, written);
    return 0;
  } finally {
    loaded.catalog.close();
  }
}
