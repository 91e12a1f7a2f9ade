// Finds processes and temp dirs a run may leave behind, to prove it leaves none.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Command lines of running processes whose command line contains `needle`. */
export function processesMatching(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd.slice(0, 200)}`);
    } catch {
      /* exited while we looked */
    }
  }
  return found;
}

/** The lab's temp dirs; with `ownerPid`, only those that lab process made (kafka-dup-lab-<kind>-<pid>-…). */
export function labTempDirs(ownerPid?: number): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('kafka-dup-lab-') && (ownerPid === undefined || d.includes(`-${ownerPid}-`)));
}

export async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}
