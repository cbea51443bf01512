// The `sitrep` command: validate, run, console, schema (and, with a token, start and deploy).
import { parseArgs } from 'node:util';
import { commands } from '../commands/index.ts';
import { deployCommand, startCommand } from './cli/bot.ts';
import { runConsole } from './cli/console.ts';
import { digestCommand } from './cli/digest.ts';
import { type CliIo, processIo } from './cli/io.ts';
import { answerLine } from './cli/run.ts';
import { writeSchema } from './cli/schema.ts';
import { validateFolder } from './cli/validate.ts';
import { ConfigError, loadBaseConfig, loadEnvFile } from './config.ts';
import { UserError } from './errors.ts';
import { importCommand } from './import/command.ts';
import { VERSION } from './version.ts';

const HELP = `sitrep ${VERSION}: conflict briefings in Discord, and offline in your terminal

Usage:
  sitrep run "/latest count:3"        answer one slash command offline (--json: the Discord payload)
  sitrep console                      interactive: type slash commands, "help", "exit"
  sitrep validate [dir]               check every incident file; exit 1 on any problem
  sitrep schema [file]                write the JSON Schema for editors (default data/schema.json)
  sitrep import acled|ucdp FILE       import an ACLED or UCDP GED CSV export (--out DIR; see sitrep import)
  sitrep digest preview [n]           what digest n's next run would post (reads STORE_URL, posts nothing)
  sitrep digest status                each digest's schedule, next run, last run and outcome
  sitrep deploy                       register the slash commands with Discord (needs DISCORD_TOKEN)
  sitrep start                        run the bot (needs DISCORD_TOKEN; same as npm start)
  sitrep bench [--sizes 1000,10000]   generate incidents and measure speed and memory (sitrep bench -h)

Options:
  --data DIR      incident folder (default: DATA_DIR, then ./data)
  --json          print Discord message payloads instead of text (run)
  --out DIR       where run writes images such as charts (default: ./var/out)
  -h, --help      this help
  -v, --version   the version

Commands you can run: ${commands.map((c) => `/${c.data.name}`).join(' ')}
`;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    // `sitrep bench …` and `sitrep import …` parse their own options.
    const ownOptions = argv[0] === 'bench' || argv[0] === 'import';
    parsed = parseCli(ownOptions ? argv.slice(0, 1) : argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.version) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  if (values.help || verb === undefined || verb === 'help') {
    io.out(HELP);
    return 0;
  }

  try {
    loadEnvFile();
    const config = loadBaseConfig();
    const dataDir = values.data ?? config.dataDir;
    switch (verb) {
      case 'validate':
        return await validateFolder(rest[0] ?? dataDir, io);
      case 'run':
        if (rest.length === 0)
          throw new UserError('sitrep run needs a command line, e.g. sitrep run "/latest count:3"');
        return await answerLine(rest.join(' '), {
          dataDir,
          json: values.json === true,
          io,
          outDir: values.out,
        });
      case 'console':
        return await runConsole({ dataDir, io });
      case 'digest':
        return await digestCommand(rest, { dataDir, io });
      case 'start':
        return await startCommand(io);
      case 'deploy':
        return await deployCommand(io);
      case 'schema':
        return await writeSchema(rest[0] ?? 'data/schema.json', io);
      case 'bench': {
        // Loaded on demand: the benchmarks pull in the generator and the test stand-in.
        const { benchCommand } = await import('./bench/cli.ts');
        return await benchCommand(argv.slice(1), io);
      }
      case 'import':
        return await importCommand(argv.slice(1), { dataDir: dataDirOf(argv.slice(1)) ?? dataDir, io });
      default:
        throw new UserError(`Unknown command "${verb}". Run sitrep --help.`);
    }
  } catch (error) {
    if (error instanceof UserError || error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return error instanceof ConfigError ? 78 : 2;
    }
    io.err(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
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
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
