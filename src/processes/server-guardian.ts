// Runs a server (the broker JVM, redis-server) for the lab and makes sure it dies, and its data dir goes, when the lab goes.
//
// Usage: node server-guardian.js <data-dir> <command> <args...>
// The lab holds this process's stdin open. When the lab exits for any reason (even SIGKILL, which
// it cannot catch), stdin closes and the guardian kills the server and deletes the data dir.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { SERVER_PID_LINE } from '../core/guardian-protocol.js';

const [dataDir, command, ...args] = process.argv.slice(2);
if (!dataDir || !command) {
  process.stderr.write('usage: guardian <data-dir> <command> <args...>\n');
  process.exit(2);
}

// Same process group as the lab, so even a SIGKILL of the whole group takes the server with it.
const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
// The server's own pid, for a lab that stalls (SIGSTOP) or crashes (SIGKILL) it on purpose: a cluster node.
if (server.pid !== undefined) process.stdout.write(`${SERVER_PID_LINE}${server.pid}\n`);
let exitCode = 0;

function removeDataAndExit(): void {
  rmSync(dataDir!, { recursive: true, force: true });
  process.exit(exitCode);
}

/** The lab's data is throw-away: no graceful shutdown, kill, wait for the exit, then delete. */
function stop(): void {
  if (server.exitCode !== null || server.signalCode !== null) removeDataAndExit();
  server.kill('SIGKILL');
  setTimeout(removeDataAndExit, 5_000).unref();
}

server.on('exit', (code, signal) => {
  exitCode = code ?? (signal === 'SIGKILL' ? 0 : 1);
  removeDataAndExit();
});
server.on('error', (error) => {
  process.stderr.write(`could not start ${command}: ${error.message}\n`);
  exitCode = 127;
  removeDataAndExit();
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
