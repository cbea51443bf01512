// The documentation as a newcomer uses it: every `sitrep` and `npm` command in the sh blocks of the
// README and docs/ is run offline, as written, in a fresh copy of the example data; the links between
// the pages resolve; the backup and pretty-printer commands of docs/operations.md do what they say.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SITREP = path.join(ROOT, 'bin', 'sitrep.js');

/**
 * Doc commands that are not run here, each with its reason. An entry that matches no command fails
 * the test, so the list cannot outlive the docs.
 */
const NOT_RUN: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /^npm ci\b/, reason: 'installs from the registry; .ci/run starts with it' },
  { pattern: /^npm start\b/, reason: 'connects to Discord: needs a token (tests/start.e2e.test.ts runs it)' },
  { pattern: /\bsitrep(\.js)? deploy\b/, reason: 'registers commands with Discord: needs a token (bot.e2e)' },
  { pattern: /^npm test\b/, reason: 'the suite this test is part of' },
  { pattern: /^npm run (typecheck|lint|check)\b/, reason: 'minutes of work; .ci/run runs them' },
];

/** What a command exits with, when the docs say it is not 0. */
const EXPECTED_EXIT: readonly { pattern: RegExp; code: number }[] = [];

/** Lines typed into `sitrep console`, which otherwise waits for a person. */
const CONSOLE_INPUT = '/about\nexit\n';

/**
 * `exports/` in docs/imports.md stands for the reader's own downloads; here it holds the excerpts of
 * real exports that ship with the tests, under the names the docs use.
 */
const EXPORTS: Readonly<Record<string, string>> = {
  'acled-syria-2020.csv': 'acled-syria-2020.csv',
  'ged191.csv': 'ucdp-ged-191-myanmar.csv',
  'big-export.csv': 'acled-afghanistan-2020-03.csv',
  'GEDEvent.csv': 'ucdp-ged-191-myanmar.csv',
};

const CONCURRENCY = 2;
const COMMAND_TIMEOUT_MS = 30_000;

interface CodeBlock {
  file: string;
  line: number;
  lang: string;
  lines: string[];
}

interface DocCommand {
  file: string;
  line: number;
  text: string;
  /** The `sitrep import` commands above it in its block, run first in its sandbox: it asks about them. */
  before: string[];
}

async function docFiles(): Promise<string[]> {
  const docs = (await readdir(path.join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** Fenced code blocks, indented ones (inside list items) too, with the line each starts on. */
function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: (CodeBlock & { indent: number }) | undefined;
  markdown.split('\n').forEach((raw, i) => {
    const fence = /^(\s*)```\s*([\w-]*)/.exec(raw);
    if (open === undefined) {
      if (fence) open = { file, line: i + 2, lang: fence[2] ?? '', lines: [], indent: fence[1]?.length ?? 0 };
      return;
    }
    if (fence && raw.trim() === '```') {
      const { indent: _indent, ...block } = open;
      blocks.push(block);
      open = undefined;
      return;
    }
    open.lines.push(raw.slice(Math.min(open.indent, raw.length - raw.trimStart().length)));
  });
  return blocks;
}

/** Shell words of one line, quotes removed; a `#` starting a word outside quotes ends the line. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && /["\\$`]/.test(line[i + 1] ?? '')) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      word += line[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed quote in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** A line without its trailing comment, split at `&&` (outside quotes). */
function shellCommands(line: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let start = 0;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      end = i;
      break;
    } else if (c === '&' && line[i + 1] === '&') {
      out.push(line.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  out.push(line.slice(start, end));
  return out.map((c) => c.trim()).filter(Boolean);
}

const SITREP_COMMAND = /^(?:sudo -u \S+ )?(?:npx sitrep|sitrep|node bin\/sitrep\.js)(?:\s|$)/;
const NPM_COMMAND = /^npm\s/;

function docCommands(blocks: CodeBlock[]): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const block of blocks) {
    if (!['sh', 'shell', 'bash'].includes(block.lang)) continue;
    const imports: string[] = [];
    for (let i = 0; i < block.lines.length; i++) {
      let text = (block.lines[i] as string).replace(/^\$\s+/, '');
      const line = block.line + i;
      while (text.endsWith('\\') && i + 1 < block.lines.length)
        text = `${text.slice(0, -1)} ${(block.lines[++i] as string).trim()}`;
      for (const command of shellCommands(text)) {
        if (!SITREP_COMMAND.test(command) && !NPM_COMMAND.test(command)) continue;
        const asks = /\bsitrep(\.js)? run\b/.test(command);
        commands.push({ file: block.file, line, text: command, before: asks ? [...imports] : [] });
        if (/\bsitrep(\.js)? import\b/.test(command)) imports.push(command);
      }
    }
  }
  return commands;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; shell?: boolean },
): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      cwd: options.cwd,
      // Only what a shell gives: a developer's own settings must not leak in (the sandbox has a .env).
      env: options.env ?? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      shell: options.shell ?? false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let work: string;
let envFile: string;
const results = new Map<string, Result>();
let commands: DocCommand[] = [];
let blocksByFile = new Map<string, CodeBlock[]>();

/** A fresh folder laid out like a clone, with only what `command` reads. */
async function sandbox(command: string, n: number): Promise<string> {
  const dir = path.join(work, `cmd-${n}`);
  await mkdir(dir, { recursive: true });
  await cp(path.join(ROOT, 'data'), path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, '.env'), envFile);
  const fixtures = path.join(ROOT, 'tests', 'fixtures', 'import');
  if (command.includes('tests/fixtures/import'))
    await cp(fixtures, path.join(dir, 'tests', 'fixtures', 'import'), { recursive: true });
  if (command.includes('exports/')) {
    await mkdir(path.join(dir, 'exports'));
    for (const [name, fixture] of Object.entries(EXPORTS))
      await copyFile(path.join(fixtures, fixture), path.join(dir, 'exports', name));
  }
  return dir;
}

function sitrepArgs(command: string): string[] {
  const words = shellWords(command);
  const start = words[0] === 'sudo' ? 3 : 0;
  const rest = words.slice(start);
  if (rest[0] === 'npx' || rest[0] === 'node') return rest.slice(2);
  return rest.slice(1);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-docs-'));
  const files = await docFiles();
  blocksByFile = new Map(
    await Promise.all(
      files.map(async (f) => [f, codeBlocks(f, await readFile(path.join(ROOT, f), 'utf8'))] as const),
    ),
  );
  commands = docCommands([...blocksByFile.values()].flat());
  // The digest settings of docs/digests.md, so `sitrep digest …` has digests to show.
  const dotenv = blocksByFile.get('docs/digests.md')?.find((b) => b.lang === 'dotenv');
  envFile = `${(dotenv?.lines ?? []).join('\n')}\n`;

  const runnable = commands.filter(
    (c) => SITREP_COMMAND.test(c.text) && !NOT_RUN.some((n) => n.pattern.test(c.text)),
  );
  const unique = [...new Map(runnable.map((c) => [c.text, c])).values()];
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const n = next++;
      const { text: command, before } = unique[n] as DocCommand;
      const args = sitrepArgs(command);
      const cwd = await sandbox([...before, command].join('\n'), n);
      for (const earlier of before) {
        const done = await run(process.execPath, [SITREP, ...sitrepArgs(earlier)], { cwd });
        if (done.code !== 0) throw new Error(`${earlier} (before ${command}) exited ${done.code}`);
      }
      results.set(
        command,
        await run(process.execPath, [SITREP, ...args], {
          cwd,
          ...(args[0] === 'console' ? { input: CONSOLE_INPUT } : {}),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('commands in the README and docs/', () => {
  it('finds the commands, and each one is run here or listed with a reason', () => {
    expect(commands.length).toBeGreaterThan(20);
    const orphans = commands.filter(
      (c) => !results.has(c.text) && !NOT_RUN.some((n) => n.pattern.test(c.text)),
    );
    expect(
      orphans.map((c) => `${c.file}:${c.line}: ${c.text}`),
      'not runnable offline: make it runnable or add it to NOT_RUN with the reason',
    ).toEqual([]);
    const unused = NOT_RUN.filter((n) => !commands.some((c) => n.pattern.test(c.text)));
    expect(
      unused.map((n) => String(n.pattern)),
      'NOT_RUN entries that match no command',
    ).toEqual([]);
  });

  it('every runnable command exits as documented and prints something', () => {
    const failures: string[] = [];
    for (const c of commands) {
      const result = results.get(c.text);
      if (!result) continue;
      const expected = EXPECTED_EXIT.find((e) => e.pattern.test(c.text))?.code ?? 0;
      if (result.code !== expected || result.stdout.trim() === '')
        failures.push(
          `${c.file}:${c.line}: ${c.text}\n  exit ${result.code} (expected ${expected}), ${result.stdout.length} bytes out\n  ${(result.stderr || result.stdout).trim().split('\n').slice(0, 4).join('\n  ')}`,
        );
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inCode = !inCode;
    const h = inCode ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (h?.[1]) out.add(slug(h[1]));
  }
  return out;
}

describe('links in the README, docs/, SECURITY.md and BENCHMARKS.md', () => {
  it('point at files and headings that exist', async () => {
    const files = [...(await docFiles()), 'SECURITY.md', 'BENCHMARKS.md'];
    const broken: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      const prose = text.replace(/```[\s\S]*?```/g, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/i.test(target)) continue;
        const [where, anchor] = target.split('#') as [string, string | undefined];
        const resolved =
          where === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), where);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(await readFile(resolved, 'utf8')).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  it('the pretty-printer command resolves locally and reads the log line shown', async () => {
    const block = blocksByFile.get('docs/operations.md')?.find((b) => b.lang === 'jsonl');
    const line = block?.lines[0] ?? '';
    expect(JSON.parse(line)).toMatchObject({ app: 'sitrep', msg: expect.any(String) });
    // --no-install: fails instead of fetching, so this proves `npx pino-pretty` needs no network.
    const result = await run('npx', ['--no-install', 'pino-pretty'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      input: `${line}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/INFO.*connected to Discord/);
  }, 30_000);

  it('the backup commands copy a live WAL database whole, where copying the file alone does not', async () => {
    const dir = path.join(work, 'backup');
    await mkdir(path.join(dir, 'var'), { recursive: true });
    const rows = 500;
    // The running bot, as far as the file is concerned: WAL mode, writes not yet checkpointed.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const db = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))})('var/sitrep.sqlite');
         db.pragma('journal_mode = WAL'); db.pragma('wal_autocheckpoint = 0');
         db.exec('CREATE TABLE keyv (key TEXT PRIMARY KEY, value TEXT, expires INTEGER)');
         const put = db.prepare('INSERT INTO keyv VALUES (?, ?, NULL)');
         for (let i = 0; i < ${rows}; i++) put.run('k' + i, 'v'.repeat(100));
         console.log('ready'); setInterval(() => {}, 1000);`,
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        writer.on('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
      const blocks = (blocksByFile.get('docs/operations.md') ?? []).filter(
        (b) => b.lang === 'sh' && b.lines.some((l) => /\.backup\b/.test(l)),
      );
      expect(blocks.length).toBeGreaterThanOrEqual(1);
      const backups: string[] = [];
      for (const block of blocks) {
        const script = block.lines.join('\n');
        if (
          /^sqlite3 /m.test(script) &&
          (await run('sh', ['-c', 'command -v sqlite3'], { cwd: dir })).code !== 0
        ) {
          console.log('sqlite3 is not installed here: its backup line is not run');
          continue;
        }
        const before = new Set(await listFiles(path.join(dir, 'var')));
        const result = await run('sh', ['-e', '-c', script], {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            NODE_PATH: path.join(ROOT, 'node_modules'),
          },
        });
        expect(result.code, result.stderr).toBe(0);
        backups.push(...(await listFiles(path.join(dir, 'var'))).filter((f) => !before.has(f)));
      }
      expect(backups.length).toBeGreaterThanOrEqual(1);
      for (const file of backups) {
        const copy = new Database(path.join(dir, 'var', file), { readonly: true });
        expect((copy.prepare('SELECT count(*) AS n FROM keyv').get() as { n: number }).n, file).toBe(rows);
        copy.close();
      }
      // What the page warns about: the main file alone does not hold what is still in the WAL.
      await copyFile(path.join(dir, 'var', 'sitrep.sqlite'), path.join(dir, 'naive.sqlite'));
      const naive = new Database(path.join(dir, 'naive.sqlite'), { readonly: true });
      expect(() => naive.prepare('SELECT count(*) FROM keyv').get()).toThrow(/no such table/);
      naive.close();
    } finally {
      writer.kill('SIGKILL');
    }
  }, 60_000);
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith('.sqlite'))
      out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  return out;
}
