// A separate process writing to an SQLite state store, for tests/state-sqlite.test.ts.
//   burst <file> <firstBatch> <batchSize>: prints "opening", then writes batches of keys
//     `burst:<batch>:<i>` with setMany, printing "committed <batch>" after each, until it is killed.
//   race <file> <name> <ms>: prints "ready", waits for a line on stdin, opens the store, writes
//     `<name>:<n>` (set and setMany by turns) for <ms>, prints "wrote <count>" and exits.
import { once } from 'node:events';
import { createStateStore } from '../../src/state/store.ts';

const [mode, file, ...rest] = process.argv.slice(2);
const url = `sqlite://${file}`;
const pad = 'x'.repeat(200);

if (mode === 'burst') {
  const [first = '0', size = '250'] = rest;
  process.stdout.write('opening\n');
  const store = createStateStore(url);
  for (let batch = Number(first); ; batch++) {
    const entries = Array.from({ length: Number(size) }, (_, i) => ({
      key: `burst:${batch}:${i}`,
      value: { batch, i, pad },
    }));
    await store.setMany(entries);
    process.stdout.write(`committed ${batch}\n`);
  }
} else if (mode === 'race') {
  const [name = 'p', ms = '1000'] = rest;
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  const store = createStateStore(url);
  const end = Date.now() + Number(ms);
  let count = 0;
  for (let turn = 0; Date.now() < end; turn++) {
    if (turn % 2 === 0) {
      await store.set(`${name}:${count}`, count);
      count += 1;
    } else {
      await store.setMany([
        { key: `${name}:${count}`, value: count },
        { key: `${name}:${count + 1}`, value: count + 1 },
      ]);
      count += 2;
    }
  }
  await store.close();
  process.stdout.write(`wrote ${count}\n`);
  process.exit(0);
} else {
  throw new Error(`unknown mode ${mode}`);
}
