// Where a command is on the PATH (or whether it is there at all), looked up without running it.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The file the shell would run for `command`: itself when it holds a slash, else the first match on PATH. */
export function whichPath(command: string): string | undefined {
  if (command.includes('/')) return existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

export function onPath(command: string): boolean {
  return whichPath(command) !== undefined;
}
