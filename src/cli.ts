// The `sitrep` command: validate, run, console, schema, index (and, with a token, start and deploy).
// Each command imports its modules when it runs, so `sitrep --version` loads nothing else and only
// `start` and `deploy` load discord.js.
import { parseArgs } from 'node:util';
import { type CliIo, processIo } from './cli/io.ts';
import { EnvironmentError, UserError } from './errors.ts';
import { VERSION } from './version.ts';

function helpText(commandNames: string): string {
  return `sitrep ${VERSION}: conflict briefings in Discord, and offline in your terminal

Usage:
  sitrep run "/latest count:3"        answer one slash command offline (--json: the Discord payload)
  sitrep console                      interactive: type slash commands, "help", "exit"
  sitrep validate [dir]               check every incident file; exit 1 on any problem
  sitrep index [--rebuild]            the incident index of the data folder: update and show it (-h)
  sitrep schema [file]                write the JSON Schema for editors (default data/schema.json)
  sitrep import acled|ucdp FILE       import an ACLED or UCDP GED CSV export (--out, --replace: sitrep import -h)
  sitrep digest preview [n]           what digest n's next run would post (reads STORE_URL, posts nothing)
  sitrep digest status [n]            each digest's schedule, next and last runs, what each run posted and left out
  sitrep digest why <id> [n]          what became of incident <id> in each digest (or digest n), and why
  sitrep deploy                       register the slash commands with Discord (needs DISCORD_TOKEN)
  sitrep start                        run the bot (needs DISCORD_TOKEN; same as npm start)
  sitrep bench [--sizes 1000,10000]   measure start-up, and speed and memory on generated incidents (-h)

Options:
  --data DIR      incident folder (default: DATA_DIR, then ./data)
  --json          print Discord message payloads instead of text (run)
  --rebuild       delete the incident index and build it again from every file (index)
  --out DIR       where run writes images such as charts (default: ./var/out)
  -h, --help      this help
  -v, --version   the version

Commands you can run: ${commandNames}
`;
}

/** The help, with the command list read from the commands themselves. */
async function help(): Promise<string> {
  const { commands } = await import('../commands/index.ts');
  return helpText(commands.map((c) => `/${c.data.name}`).join(' '));
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    // `sitrep bench …` and `sitrep import …` parse their own options.
    const ownOptions = argv[0] === 'bench' || argv[0] === 'import';
    parsed = parseCli(ownOptions ? argv.slice(0, 1) : argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${await help()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.version) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  if (values.help && verb === 'index') {
    const { INDEX_HELP } = await import('./cli/index-status.ts');
    io.out(INDEX_HELP);
    return 0;
  }
  if (values.help || verb === undefined || verb === 'help') {
    io.out(await help());
    return 0;
  }

  try {
    const { indexPathFor, loadBaseConfig, loadEnvFile, requireDataDir } = await import('./config.ts');
    loadEnvFile();
    const config = loadBaseConfig();
    const dataDir = values.data ?? config.dataDir;
    if (values.rebuild && verb !== 'index') throw new UserError('--rebuild goes with sitrep index');
    // Answering from a folder that is not there would look like an empty dataset: stop instead.
    if (
      verb === 'run' ||
      verb === 'console' ||
      verb === 'digest' ||
      verb === 'validate' ||
      verb === 'index'
    ) {
      const argument = verb === 'validate' ? rest[0] : undefined;
      await requireDataDir(argument ?? dataDir, argument ? 'validate' : values.data ? '--data' : 'DATA_DIR');
    }
    // The incident index of the folder a command reads (INDEX_PATH for DATA_DIR, else that folder's own).
    const indexPath = indexPathFor(config, verb === 'validate' ? (rest[0] ?? dataDir) : dataDir);
    switch (verb) {
      case 'validate': {
        const { validateFolder } = await import('./cli/validate.ts');
        return await validateFolder(rest[0] ?? dataDir, io, { indexPath });
      }
      case 'index': {
        if (rest.length > 0)
          throw new UserError(
            `sitrep index takes no arguments (got "${rest.join(' ')}"); see sitrep index --help`,
          );
        const { indexCommand } = await import('./cli/index-status.ts');
        return await indexCommand({ dataDir, indexPath, rebuild: values.rebuild === true, io });
      }
      case 'run': {
        if (rest.length === 0)
          throw new UserError('sitrep run needs a command line, e.g. sitrep run "/latest count:3"');
        const { answerLine } = await import('./cli/run.ts');
        return await answerLine(rest.join(' '), {
          dataDir,
          json: values.json === true,
          io,
          outDir: values.out,
          indexPath,
        });
      }
      case 'console': {
        const { runConsole } = await import('./cli/console.ts');
        return await runConsole({ dataDir, io, indexPath });
      }
      case 'digest': {
        const { digestCommand } = await import('./cli/digest.ts');
        return await digestCommand(rest, { dataDir, io, indexPath });
      }
      case 'start': {
        const { startCommand } = await import('./cli/bot.ts');
        return await startCommand(io);
      }
      case 'deploy': {
        const { deployCommand } = await import('./cli/bot.ts');
        return await deployCommand(io);
      }
      case 'schema': {
        const { writeSchema } = await import('./cli/schema.ts');
        return await writeSchema(rest[0] ?? 'data/schema.json', io);
      }
      case 'bench': {
        const { benchCommand } = await importBench();
        return await benchCommand(argv.slice(1), io);
      }
      case 'import': {
        const { importCommand } = await import('./import/command.ts');
        return await importCommand(argv.slice(1), { dataDir: dataDirOf(argv.slice(1)) ?? dataDir, io });
      }
      default:
        throw new UserError(`Unknown command "${verb}". Run sitrep --help.`);
    }
  } catch (error) {
    const { ConfigError } = await import('./config.ts');
    // A missing folder, an unreachable store or Discord, a refused token: one line, a sysexits code.
    if (error instanceof EnvironmentError) {
      io.err(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof UserError || error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return error instanceof ConfigError ? 78 : 2;
    }
    io.err(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/**
 * The benchmark is development tooling that dist/ does not hold: it always runs from its TypeScript
 * sources, through tsx when this file runs compiled.
 */
async function importBench(): Promise<{ benchCommand(args: string[], io: CliIo): Promise<number> }> {
  const compiled = import.meta.url.endsWith('.js');
  if (compiled) (await import('tsx/esm/api')).register();
  return import(new URL(compiled ? '../../bench/cli.ts' : '../bench/cli.ts', import.meta.url).href);
}

/** `--data DIR` among a sub-command's own options. */
function dataDirOf(args: string[]): string | undefined {
  const i = args.findIndex((a) => a === '--data' || a.startsWith('--data='));
  if (i < 0) return undefined;
  const arg = args[i] as string;
  return arg.includes('=') ? arg.slice('--data='.length) : args[i + 1];
}

function parseCli(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      rebuild: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
