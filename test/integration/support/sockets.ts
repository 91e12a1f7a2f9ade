// Which addresses a process listens on, as the kernel reports them (ss), so tests can tell loopback from every interface.
import { spawnSync } from 'node:child_process';

export interface Listening {
  address: string;
  port: number;
  pid: number;
}

/** Every listening TCP socket, with its process. */
export function listening(): Listening[] {
  const out = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((line) => /^\S+\s+\d+\s+\d+\s+(\S+):(\d+)\s+\S+\s+users:\(\("[^"]+",pid=(\d+)/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ address: m[1]!.replace(/^\[::ffff:(.*)\]$/, '$1').replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]), pid: Number(m[3]) }));
}

/** True for an address that only this machine can reach. */
export const isLoopback = (address: string) => address.startsWith('127.') || address === '::1';
