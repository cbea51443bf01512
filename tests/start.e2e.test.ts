// `sitrep start` as a user runs it: a child process configured only through the environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Standin, startStandin } from './discord/standin.ts';
import { until } from './helpers/wait.ts';

interface Run {
  child: ChildProcess;
  output: () => string;
}

function runSitrep(args: string[], env: Record<string, string>): Run {
  let output = '';
  // Run from an empty folder so a developer's own .env cannot leak into the test.
  const child = spawn(process.execPath, [path.resolve('bin/sitrep.js'), ...args], {
    cwd: tmpdir(),
    // The index in memory: nothing written under the shared temporary folder.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', INDEX_PATH: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function exitCode(run: Run): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const [code] = (await once(run.child, 'exit')) as [number | null];
  return code;
}

let standin: Standin | undefined;
let running: Run | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
  await standin?.close();
  standin = undefined;
});

/** `sitrep start` against the stand-in, with only the env settings it needs, over the example data. */
const startOn = (on: Standin) =>
  runSitrep(['start'], {
    DISCORD_TOKEN: on.token,
    DISCORD_API_URL: on.apiUrl,
    DATA_DIR: path.resolve('data'),
    LOG_LEVEL: 'info',
  });

describe('sitrep start', () => {
  it('connects with only env settings, answers, and stops cleanly on SIGTERM', async () => {
    standin = await startStandin();
    running = startOn(standin);
    await standin.waitForSession({ timeoutMs: 20_000 });
    await until(
      'the bot to connect',
      () => running?.output().includes('connected to Discord') === true,
      10_000,
    );
    const exchange = await standin.invoke(standin.chatInput({ name: 'about', options: [] }));
    expect(JSON.stringify(exchange.message)).toContain('Incidents');
    running.child.kill('SIGTERM');
    expect(await exitCode(running)).toBe(0);
    expect(running.output()).toContain('shutting down');
    expect(running.output()).not.toContain(standin.token);
    expect(standin.violations).toEqual([]);
  }, 40_000);

  it('stops on SIGTERM within seconds even when Discord has gone away', async () => {
    standin = await startStandin();
    running = startOn(standin);
    await until(
      'the bot to connect',
      () => running?.output().includes('connected to Discord') === true,
      20_000,
    );
    // Discord unreachable: the gateway drops and every request fails; a stop must not wait on them.
    await standin.close();
    standin = undefined;
    const stopped = Date.now();
    running.child.kill('SIGTERM');
    expect(await exitCode(running)).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(8000);
  }, 40_000);

  it('a SIGTERM while it is still starting stops it cleanly, not by the signal', async () => {
    standin = await startStandin();
    running = startOn(standin);
    await until('the start to begin', () => running?.output().includes('"msg"') === true, 20_000);
    const stopped = Date.now();
    running.child.kill('SIGTERM');
    expect(await exitCode(running)).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(8000);
  }, 40_000);

  it('stops at once naming DISCORD_TOKEN when it is missing', async () => {
    running = runSitrep(['start'], {});
    expect(await exitCode(running)).toBe(78);
    expect(running.output()).toMatch(/DISCORD_TOKEN: required/);
  }, 20_000);

  it('names the wrong key and never prints the token value', async () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.with spaces-in-it';
    running = runSitrep(['start'], {
      DISCORD_TOKEN: token,
      DISCORD_GUILD_ID: 'abc',
      DISCORD_API_URL: 'ftp://x',
    });
    expect(await exitCode(running)).toBe(78);
    const out = running.output();
    expect(out).toMatch(/DISCORD_TOKEN: does not look like a bot token/);
    expect(out).toMatch(/DISCORD_GUILD_ID: expected a Discord id/);
    expect(out).toMatch(/DISCORD_API_URL: expected an http\(s\) URL/);
    expect(out).not.toContain('secret');
  }, 20_000);

  it('reports a token Discord refuses without printing it', async () => {
    standin = await startStandin();
    const wrong = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrongtokenvalue.abcdefghijklmnop';
    running = runSitrep(['start'], {
      DISCORD_TOKEN: wrong,
      DISCORD_API_URL: standin.apiUrl,
      DATA_DIR: path.resolve('data'),
      LOG_LEVEL: 'debug',
    });
    expect(await exitCode(running)).toBe(77);
    expect(running.output()).not.toContain(wrong);
    expect(running.output()).toMatch(/could not start/);
  }, 30_000);
});
