// Starts `kafka-dup-lab proxy` as a child process for the tests, and stops it; a proxy that never says where it listens is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

export interface ProxyProcess {
  child: ChildProcess;
  /** Where clients connect, as the command printed it. */
  bootstrap: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

export async function startProxyCommand(target: string, args: string[]): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [CLI, 'proxy', '--target', target, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proxy did not start: ${output}`));
    }, 20_000);
    child.stdout!.on('data', () => {
      const match = /clients connect to: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { child, bootstrap, output: () => output };
}

/** SIGINT (the proxy's Ctrl-C) and its exit code; at once if it has exited already. */
export async function stopProxyCommand(proxy: ProxyProcess): Promise<number | null> {
  if (proxy.child.exitCode !== null || proxy.child.signalCode !== null) return proxy.child.exitCode;
  const exited = new Promise<number | null>((resolve) => proxy.child.on('exit', (code) => resolve(code)));
  proxy.child.kill('SIGINT');
  return exited;
}
