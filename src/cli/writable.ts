// An output file that cannot be written is a usage error, found before a run is spent.
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export function checkWritable(flag: string, file: string | undefined): void {
  if (!file) return;
  const dir = dirname(resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: cannot write to ${dir}; pick a file in an existing, writable folder`);
  }
}
