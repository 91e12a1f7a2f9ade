#!/usr/bin/env node
// Entry point: runs the built CLI and exits with its code (explicitly, so no stray timer keeps the lab alive).

// The lab needs what Node.js 22.22+ and 24 have (node:sqlite, testcontainers 12): an older Node gets one line, not a stack trace.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `kafka-dup-lab: needs Node.js 22.22+ or 24, this is ${process.version}; Node 24 from the npm registry, for this shell: export PATH="$(npx -y -p node@24 -- sh -c 'dirname "$(command -v node)"'):$PATH"\n`,
  );
  process.exit(1);
}

// Two warnings a user can do nothing about are left out of the lab's output; any other is printed as
// Node would. Node 22 calls node:sqlite (the business database) experimental on every start. kafkajs
// 2.2.4 arms a timer with throttledUntil (-1 until a broker throttles) minus Date.now(), which Node 24
// reports as TimeoutNegativeWarning; Node runs such a timer after 1 ms, as kafkajs intends.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/.test(warning.message)) return;
  if (warning.name === 'TimeoutNegativeWarning' && /kafkajs/.test(warning.stack ?? '')) return;
  process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
});

const { main } = await import('../dist/src/cli/main.js');
main(process.argv).then((code) => process.exit(code));
