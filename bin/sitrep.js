#!/usr/bin/env node
// The `sitrep` command. TypeScript sources run through tsx, so a fresh clone works right after `npm ci`.
import { register } from 'tsx/esm/api';

// `sitrep run … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
