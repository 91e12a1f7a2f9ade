// Removes the lab's broker container if the lab dies without doing so (SIGKILL, a crash, a closed terminal).
//
// Usage: node container-guardian.js <label=value>
// The lab holds this process's stdin open; when the lab goes, for any reason, stdin closes and the
// guardian removes the containers with that label (the one start the lab made; none left is fine)
// and exits. It runs in its own process group, so a signal to the lab's group does not reach it
// before it has done its job.
import { removeLabelled } from '../containers/runtime.js';

const [label] = process.argv.slice(2);
if (!label || !label.includes('=')) {
  process.stderr.write('usage: container-guardian <label=value>\n');
  process.exit(2);
}

let done = false;
async function removeAndExit(): Promise<void> {
  if (done) return;
  done = true;
  await removeLabelled(label!).catch(() => undefined);
  process.exit(0);
}

// The lab writes this when it has removed the container itself: nothing left to do.
process.stdin.on('data', (chunk: Buffer) => {
  if (chunk.toString().includes('released')) process.exit(0);
});
process.stdin.on('end', removeAndExit);
process.stdin.on('close', removeAndExit);
process.stdin.on('error', removeAndExit);
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, removeAndExit);
