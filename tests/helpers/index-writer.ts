// A separate process writing the incident index, for tests/index.test.ts:
//   <index file> <data folder> <batches> <size>: opens the index, prints "opened", then writes <batches>
//   batches of <size> incidents (one file each), one transaction per batch, printing "committed <n>"
//   after each, and exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { Catalog } from '../../src/incidents/catalog.ts';
import { parseIncident } from '../../src/incidents/schema.ts';

const [file = '', dataDir = '', batches = '20', size = '25'] = process.argv.slice(2);
const catalog = Catalog.open(file, { dataDir });
process.stdout.write('opened\n');
for (let batch = 0; batch < Number(batches); batch++) {
  catalog.transaction(() => {
    for (let i = 0; i < Number(size); i++) {
      const id = `w-${batch}-${i}`;
      const result = parseIncident({
        id,
        title: `Written by the other process ${batch}/${i}`,
        date: { start: '2021-03-04' },
        location: { country: 'Syria', iso3: 'SYR' },
        type: { event: 'battles' },
        summary: 'A neutral summary.',
        sources: [{ id: 's1', name: 'Wire' }],
      });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const path = `${dataDir}/${id}.yaml`;
      catalog.applyFile(
        { path, display: path, size: 1, mtimeMs: 1, ino: 1, hash: id },
        { file: path, incidents: [result.incident], problems: [] },
      );
    }
  });
  process.stdout.write(`committed ${batch}\n`);
  await sleep(5);
}
catalog.close();
