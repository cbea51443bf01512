// Failover on one SQLite file: two `sitrep start` processes on one machine; the one running a digest
// is SIGKILLed mid-run, and the other finishes the run within 15 s, nothing POSTed twice or lost; then
// a third joins, and the next owner, stopped with SIGTERM mid-run, hands the run over at once
// (tests/helpers/failover.ts).
import { expect, it } from 'vitest';
import { failoverDrill, setUpFailover } from './helpers/failover.ts';

setUpFailover();

it('SQLite: the process running a digest is SIGKILLed mid-run; the other finishes the run within 15 s, nothing posted twice or lost; a SIGTERM hands the run over at once', async () => {
  const { failoverMs, handoverMs } = await failoverDrill('SQLite (one file)', undefined, { sigterm: true });
  expect(failoverMs).toBeLessThanOrEqual(15_000);
  // Well inside the 8 s a lease lasts without renewal: handed back, not lapsed.
  expect(handoverMs).toBeLessThan(4000);
}, 58_000);
