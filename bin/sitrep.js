#!/usr/bin/env node
// The `sitrep` command. Runs the compiled JavaScript in dist/ (built by `npm ci` through `prepare`, or
// `npm run build`); when dist/ is missing or any source is newer than its build, runs the TypeScript
// sources through tsx instead, so the answer always comes from the code as it is now.
import { isDistFresh } from './dist.js';

// `sitrep run … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

let main;
if (!process.env.SITREP_FROM_SOURCE && isDistFresh()) {
  ({ main } = await import('../dist/src/cli.js'));
} else {
  if (!process.env.SITREP_FROM_SOURCE && process.stderr.isTTY)
    process.stderr.write(
      'sitrep: the sources changed since the last build; running them through tsx (npm run build makes it start fast)\n',
    );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
