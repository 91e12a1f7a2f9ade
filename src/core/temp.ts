// Temp dirs named after the process that made them, so a later run can remove those a killed run left.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'kafka-dup-lab-';

/** A new temp dir `kafka-dup-lab-<kind>-<pid>-XXXXXX`. */
export function makeTempDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `${PREFIX}${kind}-${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes lab temp dirs whose owning process is gone (a run killed with SIGKILL cannot clean up). */
export function sweepStaleTempDirs(): string[] {
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const name of entries) {
    const match = new RegExp(`^${PREFIX}[a-z]+-(\\d+)-`).exec(name);
    if (!match || alive(Number(match[1]))) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
