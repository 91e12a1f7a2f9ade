// Ctrl-C, SIGTERM or a killed lab in any phase leaves no JVM, child process or temp dir behind.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/broker/provider.js';
import { withAdmin } from '../../src/kafka/client.js';
import { startTestBroker } from './support/broker.js';
import { CLI, runCli } from './support/cli.js';
import { labTempDirs, processesMatching, waitFor } from './support/processes.js';

/** The broker JVM of one lab process: its command line holds its data dir, named after that process. */
const brokerOf = (pid: number | undefined) => `kafka-dup-lab-broker-${pid}-`;

function startRun(options: { ownGroup?: boolean } = {}) {
  // 5000 messages: the variants run for ten seconds or more, so a signal 5 s after the broker appears
  // lands while they run even on a fast machine (with the default 1000 a run here was over in 6 s).
  const child = spawn(process.execPath, [CLI, 'run', 'producer-retry', '--broker', 'local', '--messages', '5000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
    detached: options.ownGroup ?? false,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

/** Everything one lab process started is gone: its broker JVM and its temp dirs (others' are not this test's business). */
async function expectNothingLeft(pid: number | undefined): Promise<void> {
  const clean = await waitFor(() => processesMatching(brokerOf(pid)).length === 0, 15_000);
  expect(clean, processesMatching(brokerOf(pid)).join('\n')).toBe(true);
  const leftDirs = await waitFor(() => labTempDirs(pid).length === 0, 5_000);
  expect(leftDirs, labTempDirs(pid).join(', ')).toBe(true);
}

describe('no orphans', () => {
  it.each([
    ['SIGINT while the broker starts', 'SIGINT', 0],
    ['SIGINT while variants run', 'SIGINT', 5_000],
    ['SIGTERM while variants run', 'SIGTERM', 5_000],
  ] as const)('%s: exit 130 and everything removed', async (_label, signal, afterBrokerMs) => {
    const run = startRun();
    const started = await waitFor(() => processesMatching(brokerOf(run.child.pid)).length > 0, 60_000, 50);
    expect(started, run.stderr()).toBe(true);
    await new Promise((r) => setTimeout(r, afterBrokerMs));
    run.child.kill(signal);
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(130);
    await expectNothingLeft(run.child.pid);
  }, 120_000);

  it('SIGKILL of the lab itself: the guardian still removes the JVM and its data dir', async () => {
    const run = startRun();
    expect(await waitFor(() => processesMatching(brokerOf(run.child.pid)).length > 0, 60_000, 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    run.child.kill('SIGKILL');
    await run.exited;
    await expectNothingLeft(run.child.pid);
  });

  it('SIGKILL of the whole process group: the JVM dies with it, and the next run sweeps the dead run\'s dir', async () => {
    const run = startRun({ ownGroup: true });
    expect(await waitFor(() => processesMatching(brokerOf(run.child.pid)).length > 0, 60_000, 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
    expect(await waitFor(() => processesMatching(brokerOf(run.child.pid)).length === 0, 10_000)).toBe(true);
    await runCli(['list']);
    await expectNothingLeft(run.child.pid);
  });

  it('the broker command prints its address, serves runs, and Ctrl-C stops it with exit 0, nothing left', async () => {
    const child = spawn(process.execPath, [CLI, 'broker', '--broker', 'local'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await waitFor(() => /bootstrap: \S+/.test(stdout), 60_000, 50), stdout).toBe(true);
    const bootstrap = /bootstrap: (\S+)/.exec(stdout)![1]!;
    const run = await runCli(['run', 'producer-retry', '--bootstrap', bootstrap, '--variant', 'no-retries', '--messages', '200', '--faults', '1', '--json'], {
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).broker.provider).toBe('external');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expectNothingLeft(child.pid);
  });

  it('SIGINT while consumer workers and a lab-started redis-server run: exit 130, no worker, no Redis, no JVM, no dir', async () => {
    const child = spawn(process.execPath, [CLI, 'run', 'consumer-crash', '--broker', 'local'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Its workers' command lines hold their SQLite file, in a work dir named after this lab process; so does its redis-server's data dir.
    const workers = `kafka-dup-lab-run-${child.pid}-`;
    const redis = `kafka-dup-lab-redis-${child.pid}-`;
    expect(await waitFor(() => processesMatching(workers).length > 0, 60_000, 50)).toBe(true);
    expect(processesMatching(redis).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await waitFor(() => processesMatching(workers).length === 0, 10_000)).toBe(true);
    expect(await waitFor(() => processesMatching(redis).length === 0, 10_000)).toBe(true);
    await expectNothingLeft(child.pid);
  });
});

describe('Ctrl-C on a shared broker (--bootstrap)', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
  });

  const labTopics = () => withAdmin(broker.bootstrap, (admin) => admin.listTopics()).then((names) => names.filter((n) => n.startsWith('dup-lab-')));
  const labGroups = () =>
    withAdmin(broker.bootstrap, (admin) => admin.listGroups()).then(({ groups }) => groups.map((g) => g.groupId).filter((id) => id.includes('dup-lab-')));

  // Several moments, so that some fall while variants are still starting: creating topics, forking workers.
  it.each([800, 1_500, 2_200, 3_000])('SIGINT %i ms in: exit 130, no worker, no run dir, no topic or group left on the broker', async (afterMs) => {
    const child = spawn(process.execPath, [CLI, 'run', 'consumer-crash', '--bootstrap', broker.bootstrap, '--variant', 'auto-commit', '--variant', 'commit-after-batch', '--variant', 'commit-before-process', '--variant', 'processed-table'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, afterMs));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(await waitFor(() => processesMatching(`kafka-dup-lab-run-${child.pid}-`).length === 0, 10_000)).toBe(true);
    expect(labTempDirs(child.pid)).toEqual([]);
    expect(await labTopics()).toEqual([]);
    // The killed workers' groups too, once their sessions ran out.
    expect(await labGroups()).toEqual([]);
  }, 60_000);

  // The Java worker is a JVM the lab spawns: Ctrl-C kills it; a lab killed outright closes its stdin, and the JVM halts.
  it.each(['SIGINT', 'SIGKILL'] as const)('%s while Java client workers run: no JVM worker left', async (signal) => {
    const child = spawn(process.execPath, [CLI, 'run', 'consumer-crash', '--client', 'java', '--bootstrap', broker.bootstrap, '--variant', 'auto-commit', '--variant', 'commit-after-batch'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Its JVMs' command lines hold their SQLite file, in the work dir named after this lab process.
    const workers = `kafka-dup-lab-run-${child.pid}-`;
    const pids = (lines: string[]) => lines.map((line) => line.slice(0, line.indexOf(':')));
    const jvmWorkers = () => pids(processesMatching(workers)).filter((pid) => pids(processesMatching('LabConsumer')).includes(pid));
    const jvmStarted = await waitFor(() => jvmWorkers().length > 0, 60_000, 50);
    expect(jvmStarted, stderr).toBe(true);
    child.kill(signal);
    const code = await exited;
    if (signal === 'SIGINT') expect(code, stderr).toBe(130);
    expect(await waitFor(() => processesMatching(workers).length === 0, 10_000), processesMatching(workers).join('\n')).toBe(true);
  }, 90_000);
});
