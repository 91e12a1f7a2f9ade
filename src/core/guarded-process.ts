// Starts a server under the guardian and waits until it prints that it is ready (bounded), keeping its last lines for errors.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { onCleanup } from './cleanup.js';
import { EnvironmentError } from './errors.js';
import { compiledScript } from './paths.js';
import { SERVER_PID_LINE } from './guardian-protocol.js';

export interface GuardedServer {
  /** Kills the server, waits for it, removes its data dir. Idempotent. */
  stop(): Promise<void>;
  /** Settles, with its last lines, if the server exits without stop() or crash(). */
  exited: Promise<string>;
  /** The server's own pid (not the guardian's), for SIGSTOP/SIGCONT. */
  pid: number | undefined;
  /**
   * SIGKILLs the server itself, as a crash would, and waits until it and its guardian are gone; the
   * guardian then removes `dataDir`, so a server meant to restart keeps its data elsewhere.
   */
  crash(): Promise<void>;
}

export interface GuardedStart {
  /** For messages: "The Kafka broker", "redis-server". */
  label: string;
  command: string;
  args: string[];
  /** Deleted when the server goes, whichever way. */
  dataDir: string;
  /** A line in the server's output that means it is ready. */
  readyLine: string | RegExp;
  timeoutMs: number;
}

export async function startGuarded(spec: GuardedStart): Promise<GuardedServer> {
  const child = spawn(process.execPath, [compiledScript('processes/server-guardian.js'), spec.dataDir, spec.command, ...spec.args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let pid: number | undefined;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));

  let stopping = false;
  const stop = async () => {
    stopping = true;
    unregister();
    if (!exited) {
      child.stdin.end(); // the guardian kills the server and removes the data dir
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(spec.dataDir, { recursive: true, force: true });
  };
  const unregister = onCleanup(spec.label, stop);

  const ready = new Promise<void>((resolve, reject) => {
    // A line may arrive in two chunks: the unfinished end of a chunk waits for the next one.
    let partial = '';
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        if (line.startsWith(SERVER_PID_LINE)) {
          pid = Number(line.slice(SERVER_PID_LINE.length));
          continue;
        }
        output.push(line);
        if (output.length > 200) output.shift();
        if (typeof spec.readyLine === 'string' ? line.includes(spec.readyLine) : spec.readyLine.test(line)) resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new EnvironmentError(`${spec.label} exited during start-up (code ${code}): ${lastLines(output, 3)}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EnvironmentError(`${spec.label} was not ready after ${spec.timeoutMs / 1000} s: ${lastLines(output, 3)}`)),
      spec.timeoutMs,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  const diedOnItsOwn = new Promise<string>((resolve) =>
    child.on('exit', (code) => {
      if (!stopping) resolve(`${spec.label} exited (code ${code}): ${lastLines(output, 3)}`);
    }),
  );
  const crash = async () => {
    stopping = true;
    if (pid !== undefined && !exited) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await stop();
  };
  return { stop, exited: diedOnItsOwn, pid, crash };
}

export function lastLines(lines: string[] | string, n: number): string {
  const all = (typeof lines === 'string' ? lines.split('\n') : lines).map((l) => l.trim()).filter(Boolean);
  return all.slice(-n).join(' | ') || 'no output';
}
