// Locates the package on disk, and the compiled scripts the lab runs as child processes (guardian, workers).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding kafka-dup-lab's package.json, found upward from this file (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('kafka-dup-lab: cannot find its own package.json');
}

/**
 * A compiled script under dist/src, e.g. compiledScript('broker/guardian.js'). Child processes always
 * run the build, so they start in milliseconds and behave the same whether the parent runs from the
 * build or (in tests) from TypeScript source.
 */
export function compiledScript(relative: string): string {
  const path = join(packageRoot(), 'dist', 'src', relative);
  if (!existsSync(path)) throw new Error(`kafka-dup-lab: ${path} is missing; run "npm run build" first`);
  return path;
}
