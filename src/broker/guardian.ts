// Runs the broker JVM on behalf of the lab and makes sure it dies, and its data dir goes, when the lab goes.
//
// Usage: node guardian.js <data-dir> <java> <java args...>
// The lab holds this process's stdin open. When the lab exits for any reason (even SIGKILL, which
// it cannot catch), stdin closes and the guardian kills the JVM and deletes the data dir.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const [dataDir, java, ...javaArgs] = process.argv.slice(2);
if (!dataDir || !java) {
  process.stderr.write('usage: guardian <data-dir> <java> <args...>\n');
  process.exit(2);
}

// Its own process group, so a Ctrl-C in the terminal does not start a slow graceful shutdown of the JVM.
const jvm = spawn(java, javaArgs, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
let finished = false;

function finish(code: number): void {
  if (finished) return;
  finished = true;
  // The lab's data is throw-away, so there is no graceful shutdown to wait for.
  try {
    if (jvm.exitCode === null && jvm.pid) process.kill(-jvm.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  rmSync(dataDir!, { recursive: true, force: true });
  process.exit(code);
}

jvm.on('exit', (code, signal) => {
  jvm.removeAllListeners();
  if (!finished) {
    rmSync(dataDir, { recursive: true, force: true });
    finished = true;
    process.exit(code ?? (signal ? 1 : 0));
  }
});
jvm.on('error', (error) => {
  process.stderr.write(`could not start ${java}: ${error.message}\n`);
  finish(127);
});
process.stdin.on('end', () => finish(0));
process.stdin.on('close', () => finish(0));
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => finish(0));
