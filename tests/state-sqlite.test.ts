// The SQLite state store across processes: WAL really on, a SIGKILL in the middle of a write burst
// leaves nothing locked and nothing half-written, and processes started together all get through.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStateStore } from '../src/state/store.ts';
import { sleep, until } from './helpers/wait.ts';

interface Child {
  process: ChildProcess;
  output: () => string;
}

function startChild(args: string[]): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve('tests/helpers/state-child.ts'), ...args],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { process: child, output: () => output };
}

async function exited(child: Child): Promise<{ code: number | null; signal: string | null }> {
  const { exitCode, signalCode } = child.process;
  if (exitCode !== null || signalCode !== null) return { code: exitCode, signal: signalCode };
  const [code, signal] = (await once(child.process, 'exit')) as [number | null, string | null];
  return { code, signal };
}

/** Raw rows under `sitrep:<prefix>`, read with a connection of its own. */
function keysUnder(file: string, prefix: string): string[] {
  const db = new Database(file);
  try {
    return db
      .prepare('SELECT key FROM keyv WHERE key >= ? AND key < ?')
      .pluck()
      .all(`sitrep:${prefix}:`, `sitrep:${prefix};`) as string[];
  } finally {
    db.close();
  }
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sitrep-state-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('SQLite state store', () => {
  it('puts a file in WAL mode, as a second connection sees', async () => {
    const file = path.join(work, 'wal.sqlite');
    const store = createStateStore(`sqlite://${file}`);
    await store.set('cursor', { at: 1 });
    const other = new Database(file, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('reads while another connection writes, and a lock held past the timeout reaches the caller', async () => {
    const file = path.join(work, 'busy.sqlite');
    const store = createStateStore(`sqlite://${file}`, { timeoutMs: 100 });
    await store.set('cursor', 1);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(await store.get('cursor')).toBe(1);
      await expect(store.setMany([{ key: 'cursor', value: 2 }])).rejects.toThrow(/database is locked/);
      await expect(store.set('cursor', 2)).rejects.toThrow(/database is locked/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.set('cursor', 3);
    expect(await store.get('cursor')).toBe(3);
    await store.close();
  });

  it('read-only: a missing file reads as empty and is not created; an existing one is never written', async () => {
    const missing = path.join(work, 'not-yet', 'state.sqlite');
    const empty = createStateStore(`sqlite://${missing}`, { readOnly: true });
    expect(await empty.get('cursor')).toBeUndefined();
    await empty.close();
    expect(existsSync(path.dirname(missing))).toBe(false);

    const file = path.join(work, 'read-only.sqlite');
    const writer = createStateStore(`sqlite://${file}`);
    await writer.set('cursor', 'kept');
    await writer.close();
    const reader = createStateStore(`sqlite://${file}`, { readOnly: true });
    expect(await reader.get('cursor')).toBe('kept');
    await expect(reader.set('cursor', 'changed')).rejects.toThrow(/readonly/);
    await reader.close();
  });

  it('a SIGKILL at a random point of a write burst leaves nothing locked and no batch half-written', async () => {
    const file = path.join(work, 'killed.sqlite');
    const size = 250;
    let next = 0;
    for (let round = 0; round < 4; round++) {
      const writer = startChild(['burst', file, String(next), String(size)]);
      await until('the writer to start', () => writer.output().includes('opening'), 15_000);
      await sleep(50 + Math.random() * 350);
      writer.process.kill('SIGKILL');
      expect((await exited(writer)).signal).toBe('SIGKILL');
      expect(writer.output()).not.toMatch(/error/i);
      const committed = [...writer.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));

      // The restart: opens at once (the busy timeout is 10 s), reads, writes.
      const started = performance.now();
      const store = createStateStore(`sqlite://${file}`);
      const last = committed.at(-1);
      if (last !== undefined) {
        expect(await store.get(`burst:${last}:${size - 1}`)).toMatchObject({ batch: last, i: size - 1 });
      }
      await store.set(`restart:${round}`, round);
      expect(performance.now() - started).toBeLessThan(2_000);

      const perBatch = new Map<number, number>();
      for (const key of keysUnder(file, 'burst')) {
        const batch = Number(key.split(':')[2]);
        perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
      }
      for (const [batch, count] of perBatch) expect({ batch, count }).toEqual({ batch, count: size });
      for (const batch of committed) expect(perBatch.get(batch)).toBe(size);
      expect(await store.get(`restart:${round}`)).toBe(round);
      await store.close();
      next = Math.max(next, ...perBatch.keys()) + 1;
    }
    expect(next).toBeGreaterThan(0);
  });

  it('processes started together on one new file all open it and write, none told "database is locked"', async () => {
    for (let round = 0; round < 3; round++) {
      const file = path.join(work, `together-${round}.sqlite`);
      const names = ['a', 'b', 'c'];
      const writers = names.map((name) => startChild(['race', file, name, '700']));
      await until(
        'every writer to be ready',
        () => writers.every((w) => w.output().includes('ready')),
        15_000,
      );
      for (const writer of writers) writer.process.stdin?.write('go\n');
      const exits = await Promise.all(writers.map(exited));

      const store = createStateStore(`sqlite://${file}`);
      for (const [i, writer] of writers.entries()) {
        const name = names[i] as string;
        expect(writer.output()).not.toMatch(/locked|error/i);
        expect(exits[i]).toEqual({ code: 0, signal: null });
        const wrote = Number(/wrote (\d+)/.exec(writer.output())?.[1]);
        expect(wrote).toBeGreaterThan(0);
        expect(keysUnder(file, name)).toHaveLength(wrote);
        expect(await store.get(`${name}:0`)).toBe(0);
        expect(await store.get(`${name}:${wrote - 1}`)).toBe(wrote - 1);
      }
      await store.close();
    }
  });
});
