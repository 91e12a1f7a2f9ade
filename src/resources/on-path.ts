// Whether a command exists on the PATH, looked up without running it.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(command: string): boolean {
  if (command.includes('/')) return existsSync(command);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
