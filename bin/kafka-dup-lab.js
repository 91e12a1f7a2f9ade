#!/usr/bin/env node
// Entry point: runs the built CLI and exits with its code (explicitly, so no stray timer keeps the lab alive).

// Node 22 calls node:sqlite (the business database) experimental on every start; Node 24 no longer
// does. That one warning is left out of the lab's output; any other warning is printed as Node would.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/.test(warning.message)) return;
  process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
});

const { main } = await import('../dist/src/cli/main.js');
main(process.argv).then((code) => process.exit(code));
