// `sitrep console`: an interactive prompt that answers slash commands, with help, history and
// tab completion of command and option names.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { commands } from '../../commands/index.ts';
import { UserError } from '../errors.ts';
import { type LoadResult, loadCatalog } from '../incidents/load.ts';
import type { CliIo } from './io.ts';
import { answerSlashLine, printAnswer } from './run.ts';

const HISTORY_FILE = path.join('var', 'console-history');
const HISTORY_SIZE = 500;

const HELP = `Type a slash command as in Discord, for example:
  /latest count:3 country:Syria
  /incident id:2016-10-30-aleppo-west-shelling
  /quotes speaker:Hadid
  /search query:toxic gas
  /casualties country:Syria since:2016
Other words: help, commands, reload (re-read the data folder), json on|off, exit.
Tab completes command and option names; up and down arrows walk the history.
`;

function describeCommands(): string {
  return commands
    .map((c) => {
      const options = (c.data.options ?? []).map((o) => `${o.name}:`).join(' ');
      return `  /${c.data.name} ${options}\n      ${c.data.description}`;
    })
    .join('\n');
}

/** Completes `/la` → `/latest `, and option names after the command. */
export function completeLine(line: string): [string[], string] {
  const word = line.slice(line.lastIndexOf(' ') + 1);
  if (!line.includes(' ')) {
    const names = commands
      .map((c) => `/${c.data.name} `)
      .filter((n) => n.startsWith(line.startsWith('/') ? line : `/${line}`));
    return [names, line];
  }
  const command = commands.find((c) => c.data.name === line.split(' ')[0]?.replace(/^\//, ''));
  const options = (command?.data.options ?? []).map((o) => `${o.name}:`).filter((n) => n.startsWith(word));
  return [options, word];
}

export async function runConsole(options: { dataDir: string; io: CliIo }): Promise<number> {
  const { io, dataDir } = options;
  let loaded: LoadResult = await loadCatalog(dataDir);
  let json = false;
  const report = () =>
    io.out(
      `${loaded.catalog.size} incidents loaded from ${dataDir}${loaded.problems.length > 0 ? ` (${loaded.problems.length} problems: sitrep validate ${dataDir})` : ''}.\n`,
    );
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
        loaded = await loadCatalog(dataDir);
        report();
      } else if (line === 'json on' || line === 'json off') {
        json = line === 'json on';
        io.out(`JSON output ${json ? 'on' : 'off'}.\n`);
      } else printAnswer(await answerSlashLine(line, loaded.catalog, loaded.loadedAt), json, io);
    } catch (error) {
      if (error instanceof UserError) io.err(`${error.message}\n`);
      else io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    rl.prompt();
  }
  rl.close();
  saveHistory(history);
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
