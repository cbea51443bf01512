// `sitrep console`: an interactive prompt that answers slash commands, with help, history and
// tab completion of command and option names.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { commands } from '../../commands/index.ts';
import { ConfigError } from '../config.ts';
import { UserError } from '../errors.ts';
import { LiveCatalog } from '../incidents/live.ts';
import { likelyMeant } from '../incidents/similar.ts';
import type { CliIo } from './io.ts';
import { loadReporting } from './load.ts';
import { answerSlashLine, printAnswer } from './run.ts';

const HISTORY_FILE = path.join('var', 'console-history');
const HISTORY_SIZE = 500;

/** What the console answers besides slash commands (a near miss gets a "did you mean"). */
const CONSOLE_WORDS = ['help', 'commands', 'reload', 'json on', 'json off', 'exit', 'quit'];

/** "hepl", not a command typed without its slash ("quotes"). */
function isNearConsoleWord(line: string): boolean {
  const first = line.split(/\s/)[0]?.toLowerCase();
  if (line.startsWith('/') || commands.some((c) => c.data.name === first)) return false;
  return likelyMeant(line, CONSOLE_WORDS) !== undefined;
}

const HELP = `Type a slash command as in Discord, for example:
  /latest count:3 country:Syria
  /incident id:2016-10-30-aleppo-west-shelling
  /quotes speaker:Hadid
  /search query:toxic gas
  /casualties country:Syria since:2016
  /digest preview                (the digests in the env file; nothing is posted)
  /digest status | /digest why incident:<id>
Other words: help, commands, reload (re-read the data folder), json on|off, exit.
Tab completes command and option names; up and down arrows walk the history.
`;

function describeCommands(): string {
  return commands
    .flatMap((c) => {
      const options = c.data.options ?? [];
      const subcommands = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
      if (subcommands.length === 0) {
        return [
          `  /${c.data.name} ${options.map((o) => `${o.name}:`).join(' ')}\n      ${c.data.description}`,
        ];
      }
      return subcommands.map(
        (s) =>
          `  /${c.data.name} ${s.name} ${(s.options ?? []).map((o) => `${o.name}:`).join(' ')}\n      ${s.description}`,
      );
    })
    .join('\n');
}

/** Completes `/la` → `/latest `, then sub-command names (`/digest p` → `preview `) or option names. */
export function completeLine(line: string): [string[], string] {
  const word = line.slice(line.lastIndexOf(' ') + 1);
  if (!line.includes(' ')) {
    const names = commands
      .map((c) => `/${c.data.name} `)
      .filter((n) => n.startsWith(line.startsWith('/') ? line : `/${line}`));
    return [names, line];
  }
  const words = line.split(' ');
  const command = commands.find((c) => c.data.name === words[0]?.replace(/^\//, ''));
  const defined = command?.data.options ?? [];
  const subcommands = defined.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subcommands.length > 0 && words.length === 2) {
    return [subcommands.map((s) => `${s.name} `).filter((n) => n.startsWith(word)), word];
  }
  const sub = subcommands.find((s) => s.name === words[1]);
  const options = subcommands.length > 0 ? (sub?.options ?? []) : defined;
  return [options.map((o) => `${o.name}:`).filter((n) => n.startsWith(word)), word];
}

export async function runConsole(options: {
  dataDir: string;
  io: CliIo;
  /** The incident index to keep and read (INDEX_PATH); in memory when undefined. */
  indexPath?: string | undefined;
}): Promise<number> {
  const { io, dataDir } = options;
  // One index for the whole session; "reload" brings it up to date with the folder.
  const live = new LiveCatalog(dataDir, {
    ...(options.indexPath !== undefined ? { indexPath: options.indexPath } : {}),
    ...loadReporting(io, options.indexPath),
  });
  await live.refresh();
  let json = false;
  const report = () => {
    const loaded = live.snapshot;
    io.out(
      `${loaded.catalog.size} incidents loaded from ${dataDir}${loaded.problems.length > 0 ? ` (${loaded.problems.length} problems: sitrep validate ${dataDir})` : ''}.\n`,
    );
  };
  io.out(`sitrep console. Type "help" for examples, "exit" to leave.\n`);
  report();

  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'sitrep> ',
    history: readHistory(),
    historySize: HISTORY_SIZE,
    completer: completeLine,
    terminal: process.stdin.isTTY === true,
  });
  const history: string[] = [];
  rl.prompt();
  for await (const input of rl) {
    const line = input.trim();
    if (line !== '') history.push(line);
    if (line === 'exit' || line === 'quit') break;
    try {
      if (line === '') {
        // nothing
      } else if (line === 'help' || line === '?') io.out(HELP);
      else if (line === 'commands') io.out(`${describeCommands()}\n`);
      else if (line === 'reload') {
        await live.refresh();
        report();
      } else if (line === 'json on' || line === 'json off') {
        json = line === 'json on';
        io.out(`JSON output ${json ? 'on' : 'off'}.\n`);
      } else if (isNearConsoleWord(line)) {
        io.err(
          `Unknown word "${line}". Did you mean ${likelyMeant(line, CONSOLE_WORDS)}? Type "help" for examples.\n`,
        );
      } else {
        const { catalog, loadedAt } = live.snapshot;
        printAnswer(await answerSlashLine(line, catalog, loadedAt), json, io);
      }
    } catch (error) {
      if (error instanceof UserError || error instanceof ConfigError) io.err(`${error.message}\n`);
      else io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    rl.prompt();
  }
  rl.close();
  saveHistory(history);
  await live.close();
  return 0;
}

function readHistory(): string[] {
  try {
    // readline wants the newest entry first.
    return readFileSync(HISTORY_FILE, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(lines: string[]): void {
  if (lines.length === 0) return;
  try {
    const previous = readHistory().reverse();
    mkdirSync(path.dirname(HISTORY_FILE), { recursive: true });
    writeFileSync(HISTORY_FILE, `${[...previous, ...lines].slice(-HISTORY_SIZE).join('\n')}\n`);
  } catch {
    // History is a convenience; a read-only folder must not break the console.
  }
}
