// Environment failures as a user meets them: the real `sitrep` in a child process, configured only
// through the environment. Each one is a single line on stderr that names the setting, never a stack
// trace or a secret, and a sysexits code (66 no data folder, 69 store or Discord unreachable, 77 token
// refused).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Standin, startStandin } from './discord/standin.ts';
import { until } from './helpers/wait.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secretpart.abcdefghijklmnopqrstu';
/** The token's secret part (discord.js's own debug line shows the first two, which are not secret). */
const SECRET = 'abcdefghijklmnopqrstu';
const DATA = path.resolve('data');

interface Run {
  kill(): void;
  stdout(): string;
  stderr(): string;
  /** The exit code; the child is killed after `timeoutMs`, which fails the test. */
  exit: Promise<number | null>;
}

const children = new Set<Run>();
let dir: string;

function sitrep(args: string[], env: Record<string, string>, timeoutMs = 20_000): Run {
  // An empty working folder, so a developer's .env cannot leak in.
  const child = spawn(process.execPath, [path.resolve('bin/sitrep.js'), ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      INDEX_PATH: path.join(dir, 'index.sqlite'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? null : code);
    });
  });
  const run: Run = {
    kill: () => child.kill('SIGKILL'),
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
  };
  children.add(run);
  return run;
}

/** The failure's one line: alone on stderr, naming `key`, no stack, no secret. */
async function expectOneLine(run: Run, code: number, key: string, shape: RegExp): Promise<string> {
  expect(await run.exit).toBe(code);
  const lines = run
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  const [line = ''] = lines;
  expect(line.startsWith(`${key}: `)).toBe(true);
  expect(line).toMatch(shape);
  const everything = run.stdout() + run.stderr();
  expect(everything).not.toMatch(/^\s+at /m);
  expect(everything).not.toContain(TOKEN);
  expect(everything).not.toContain(SECRET);
  return line;
}

/** A 127.0.0.1 port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let standin: Standin | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitrep-env-'));
});
afterEach(async () => {
  for (const run of children) run.kill();
  children.clear();
  await standin?.close();
  standin = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Settings that get past the data folder and the store, so Discord is what fails. */
const reachable = () => ({
  DISCORD_TOKEN: TOKEN,
  DATA_DIR: DATA,
  STORE_URL: `sqlite://${path.join(dir, 'state.sqlite')}`,
});

describe('a missing data folder stops with 66 (EX_NOINPUT)', () => {
  it('sitrep start with a misspelt DATA_DIR names DATA_DIR', async () => {
    const run = sitrep(['start'], { ...reachable(), DATA_DIR: './dta' });
    const line = await expectOneLine(run, 66, 'DATA_DIR', /no such folder: \.\/dta \(.*dta\)/);
    expect(line).toContain('incident files');
  });

  it('sitrep run --data /nonexistent names --data instead of answering "no incidents"', async () => {
    const run = sitrep(['run', '--data', '/nonexistent', '/latest'], {});
    await expectOneLine(run, 66, '--data', /no such folder: \/nonexistent/);
    expect(run.stdout()).toBe('');
  });

  it('sitrep validate and digest with a misspelt DATA_DIR', async () => {
    await expectOneLine(sitrep(['validate'], { DATA_DIR: './dta' }), 66, 'DATA_DIR', /no such folder/);
    await expectOneLine(
      sitrep(['digest', 'status'], { DATA_DIR: './dta' }),
      66,
      'DATA_DIR',
      /no such folder/,
    );
  });
});

describe('an unreachable state store stops with 69 (EX_UNAVAILABLE)', () => {
  it('Redis down: names STORE_URL, never its password', async () => {
    const run = sitrep(['start'], { ...reachable(), STORE_URL: 'redis://sitrep:hunter2pass@127.0.0.1:1' });
    const line = await expectOneLine(
      run,
      69,
      'STORE_URL',
      /cannot reach the state store \(Redis redis:\/\/127\.0\.0\.1:1\): connect ECONNREFUSED/,
    );
    expect(line).toContain('is Redis running there');
    expect(run.stdout() + run.stderr()).not.toContain('hunter2pass');
  });

  it('Redis down for sitrep digest status too', async () => {
    const run = sitrep(['digest', 'status'], { DATA_DIR: DATA, STORE_URL: 'redis://127.0.0.1:1' });
    await expectOneLine(run, 69, 'STORE_URL', /ECONNREFUSED/);
  });

  it('an SQLite path whose folder is a file', async () => {
    const file = path.join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const run = sitrep(['start'], { ...reachable(), STORE_URL: `sqlite://${file}/state.sqlite` });
    await expectOneLine(
      run,
      69,
      'STORE_URL',
      /cannot open the state store \(SQLite .*not-a-folder\/state\.sqlite\)/,
    );
  });
});

describe('Discord unreachable stops with 69 (EX_UNAVAILABLE) and the hint', () => {
  const hint = /check the network, a proxy, or DISCORD_API_URL$/;

  it('a name that does not resolve (DNS)', async () => {
    const run = sitrep(['start'], { ...reachable(), DISCORD_API_URL: 'http://nonexistent.invalid/api' });
    const line = await expectOneLine(run, 69, 'DISCORD_API_URL', hint);
    expect(line).toMatch(/cannot reach Discord at http:\/\/nonexistent\.invalid\/api \(.*ENOTFOUND/);
  });

  it('a refused connection, for start and for deploy', async () => {
    const api = `http://127.0.0.1:${await closedPort()}/api`;
    const start = sitrep(['start'], { ...reachable(), DISCORD_API_URL: api });
    const deploy = sitrep(['deploy'], { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: api });
    expect(await expectOneLine(start, 69, 'DISCORD_API_URL', hint)).toContain('ECONNREFUSED');
    expect(await expectOneLine(deploy, 69, 'DISCORD_API_URL', hint)).toContain('ECONNREFUSED');
  });
});

describe('a token Discord refuses stops with 77 (EX_NOPERM)', () => {
  it('at start and at deploy, never printing the token', async () => {
    standin = await startStandin();
    const env = { ...reachable(), DISCORD_API_URL: standin.apiUrl, LOG_LEVEL: 'debug' };
    const shape = /Discord refused the token \(401 Unauthorized\).*Reset Token/;
    await expectOneLine(sitrep(['start'], env), 77, 'DISCORD_TOKEN', shape);
    await expectOneLine(sitrep(['deploy'], env), 77, 'DISCORD_TOKEN', shape);
  });
});

describe('commands not deployed: a warning with the command to run, and the bot starts', () => {
  const warning = 'run npx sitrep deploy';

  async function startAndStop(env: Record<string, string>, waitFor: string): Promise<Run> {
    const run = sitrep(['start'], env, 30_000);
    await until('the deployed-commands check', () => run.stdout().includes(waitFor), 25_000);
    expect(run.stdout()).toContain('connected to Discord');
    run.kill();
    return run;
  }

  it('warns when Discord offers none of the commands, not after sitrep deploy', async () => {
    standin = await startStandin({ token: TOKEN });
    const env = { ...reachable(), DISCORD_API_URL: standin.apiUrl };

    const before = await startAndStop(env, warning);
    const line = before
      .stdout()
      .split('\n')
      .find((l) => l.includes(warning));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 40,
      missing: expect.arrayContaining(['latest']),
    });

    const deploy = sitrep(['deploy'], env);
    expect(await deploy.exit).toBe(0);
    expect(standin.commands.global.map((c) => c.name)).toContain('latest');

    const after = await startAndStop(env, 'slash commands are deployed');
    expect(after.stdout()).not.toContain(warning);
    expect(standin.violations).toEqual([]);
  }, 60_000);
});
