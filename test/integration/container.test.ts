// The container provider on a real Docker Engine: every kind of scenario, the broker's lifecycle without a reaper, Ctrl-C, and one-line errors.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, type CliRun } from './support/cli.js';
import { BROKEN_IMAGES, CONTAINER_ENV, TEST_IMAGE, containerSkipReason, containerTestsRun, labContainers } from './support/container.js';
import { findScenario } from '../../scenarios/index.js';
import { timingDependence } from '../../src/core/scenario.js';
import { lanAddress } from '../../src/broker/share.js';
import type { Counts, Op } from '../../src/core/types.js';
import { kcatValues } from './support/kcat.js';
import { waitFor } from './support/processes.js';

const title = containerTestsRun ? `container provider (Docker engine, ${TEST_IMAGE})` : `container provider (skipped here: ${containerSkipReason})`;

function runInContainer(args: string[], timeoutMs = 120_000): Promise<CliRun> {
  return runCli(args, { env: CONTAINER_ENV, timeoutMs });
}

type Row = { variant: string; counts: Record<string, number>; predicted: Record<string, number>; error?: string; topics: string[]; history: Op[] };
const rowsOf = (run: CliRun): Row[] => JSON.parse(run.stdout).scenarios[0].variants;
/**
 * What the seed fixes in a row: its counts and predictions. Not msg/s (a measurement) nor global
 * out-of-order, which comes from kafkajs swapping concurrent sends at random (README, Determinism).
 */
const fixed = (row: Row) => ({
  variant: row.variant,
  counts: { ...row.counts, throughput: undefined, globalOutOfOrder: undefined },
  predicted: row.predicted,
  error: row.error,
});

/** One line on stderr, no stack trace. */
function expectOneLine(run: CliRun, pattern: RegExp): void {
  const lines = run.stderr.trim().split('\n').filter((l) => !l.startsWith('Pulling '));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!containerTestsRun)(title, () => {
  // The same seed on the local JVM and in the container: the deterministic rows must agree exactly.
  // The variants whose counts the seed fixes with kafkajs (those timing decides are compared by their relation).
  const fixedVariants = (name: string) => findScenario(name)!.variants.filter((v) => !timingDependence(v)).map((v) => v.name);
  describe.each(['producer-retry', 'consumer-crash', 'transactions', 'dual-write'].map((name) => [name, fixedVariants(name)] as const))('%s', (scenario, deterministic) => {
    it('runs every variant in a container, removes the container, and counts what the local JVM counts', async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'dup-lab-test-')), 'run.json');
      const container = await runInContainer(['run', scenario, '--broker', 'container', '--json', '--out', out]);
      expect(container.code, container.stderr).toBe(0);
      const report = JSON.parse(container.stdout);
      expect(report.broker.provider).toBe('container');
      expect(report.broker.kafkaVersion).toBe('4.1.1');
      // The --out file: the same rows, with their histories, for the relations timing leaves.
      const rows: Row[] = JSON.parse(readFileSync(out, 'utf8')).scenarios[0].variants;
      rmSync(dirname(out), { recursive: true, force: true });
      for (const row of rows) expect(row.error, `${row.variant}: ${row.error}`).toBeUndefined();
      expect(labContainers().length, 'a lab container was left behind').toBe(0);

      const local = await runCli(['run', scenario, '--broker', 'local', '--json'], { timeoutMs: 120_000 });
      expect(local.code, local.stderr).toBe(0);
      const pick = (run: CliRun) => rowsOf(run).filter((r) => deterministic.includes(r.variant)).map(fixed);
      expect(pick(container)).toEqual(pick(local));
      for (const variant of findScenario(scenario)!.variants.filter((v) => timingDependence(v))) {
        const row = rows.find((r) => r.variant === variant.name)!;
        const varies = timingDependence(variant)!;
        expect(varies.holds(row.counts as Partial<Counts>, row.history), `${variant.name}: ${varies.relation}`).toBe(true);
      }
    }, 300_000);
  });

  describe('the broker command without a reaper', () => {
    function startBrokerCommand(extra: string[] = []) {
      const child = spawn(process.execPath, [CLI, 'broker', '--broker', 'container', ...extra], {
        env: { ...process.env, ...CONTAINER_ENV, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const bootstrap = async () => {
        expect(await waitFor(() => /bootstrap: \S+/.test(out), 90_000, 50), out).toBe(true);
        return /bootstrap: (\S+)/.exec(out)![1]!;
      };
      return { child, exited, bootstrap, output: () => out };
    }

    it('stays up, publishes on loopback only, serves transactions that kcat reads back; Ctrl-C removes the container, exit 0', async () => {
      const broker = startBrokerCommand();
      const bootstrap = await broker.bootstrap();
      // Still up well after start: nothing but the command holds it (no reaper, no open promise trick).
      await new Promise((r) => setTimeout(r, 2_000));
      expect(broker.child.exitCode).toBeNull();
      const mine = labContainers(broker.child.pid);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.ports).toMatch(/^127\.0\.0\.1:\d+->9092\/tcp$/);

      const run = await runCli(['run', 'transactions', '--bootstrap', bootstrap, '--variant', 'transactions', '--keep-topics', '--json'], { timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(0);
      const [row] = rowsOf(run);
      const output = row!.topics.find((t) => t.includes('-out-'))!;
      const committed = kcatValues(bootstrap, output, 'read_committed');
      const uncommitted = kcatValues(bootstrap, output, 'read_uncommitted');
      // The killed worker's transaction was aborted: read_committed sees each input once, its copies stay in the log.
      expect(committed).toHaveLength(200);
      expect(new Set(committed.map((v) => JSON.parse(v).id)).size).toBe(committed.length);
      expect(uncommitted.length).toBeGreaterThan(committed.length);

      broker.child.kill('SIGINT');
      expect(await broker.exited, broker.output()).toBe(0);
      expect(labContainers(broker.child.pid)).toEqual([]);
    }, 180_000);

    it.each(['SIGTERM', 'SIGKILL'] as const)('%s of the command: the container goes (a SIGKILL through the guardian)', async (signal) => {
      const broker = startBrokerCommand();
      await broker.bootstrap();
      expect(labContainers(broker.child.pid)).toHaveLength(1);
      broker.child.kill(signal);
      await broker.exited;
      expect(await waitFor(() => labContainers(broker.child.pid).length === 0, 20_000), 'container still there').toBe(true);
      expect(spawnSync('pgrep', ['-f', 'processes/container-guardian.js']).status, 'a guardian is still running').toBe(1);
    }, 120_000);

    it('--share: published on every interface, the LAN address advertised and usable', async () => {
      const broker = startBrokerCommand(['--share']);
      const bootstrap = await broker.bootstrap();
      try {
        expect(bootstrap.split(':')[0]).toBe(lanAddress());
        expect(labContainers(broker.child.pid)[0]!.ports).toMatch(/^0\.0\.0\.0:\d+->9092\/tcp/);
        expect(broker.output()).toMatch(/warning: this broker accepts anyone/);
        const run = await runCli(['run', 'producer-retry', '--bootstrap', bootstrap, '--variant', 'retries', '--messages', '200', '--faults', '1', '--json'], { timeoutMs: 60_000 });
        expect(run.code, run.stderr).toBe(0);
        expect(rowsOf(run)[0]!.counts.duplicates).toBeGreaterThan(0);
      } finally {
        broker.child.kill('SIGINT');
        await broker.exited;
      }
      expect(labContainers(broker.child.pid)).toEqual([]);
    }, 120_000);

    it('--port: the fixed port; a second broker on it is a one-line usage error, nothing left', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const clash = await runInContainer(['broker', '--broker', 'container', '--port', String(port)]);
        expect(clash.code).toBe(2);
        expectOneLine(clash, new RegExp(`port ${port} is already in use on this machine; pick another with --port`));
        expect(labContainers().length).toBe(0);
      } finally {
        blocker.close();
      }
    }, 60_000);
  });

  it('Ctrl-C during a container run with workers: exit 130, no container, no worker left', async () => {
    const child = spawn(process.execPath, [CLI, 'run', 'consumer-crash', '--broker', 'container'], {
      env: { ...process.env, ...CONTAINER_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await waitFor(() => labContainers(child.pid).length === 1, 60_000, 50), stderr).toBe(true);
    // Into the variants: the broker is up and workers have been forked.
    const workers = () => spawnSync('pgrep', ['-P', String(child.pid), '-f', 'processes/worker.js']).stdout.toString().trim();
    expect(await waitFor(() => workers() !== '', 60_000, 50), stderr).toBe(true);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(labContainers(child.pid)).toEqual([]);
    expect(await waitFor(() => workers() === '', 10_000)).toBe(true);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGKILL', null],
  ] as const)('%s while the engine is still starting the container: no container left (the guardian watches it from before it exists)', async (signal, code) => {
    const child = spawn(process.execPath, [CLI, 'run', 'producer-retry', '--broker', 'container'], {
      env: { ...process.env, ...CONTAINER_ENV, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(await waitFor(() => labContainers(child.pid).length === 1, 60_000, 20)).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(await waitFor(() => labContainers(child.pid).length === 0, 20_000), 'container still there').toBe(true);
  }, 90_000);

  describe('one line for what is wrong, exit 1 or 2, nothing left running', () => {
    it.each([
      ['an image with no shell', ['--kafka-image', BROKEN_IMAGES.noShell], 1, /has no sh to run; it is not an apache\/kafka-style image: pick one with --kafka-image, or use --broker local$/],
      ['an image without the /opt/kafka layout', ['--kafka-image', BROKEN_IMAGES.noKafka], 1, /has no \/opt\/kafka\/bin\/kafka-storage\.sh; it is not an apache\/kafka-style image/],
      ['a broker that dies in its first second', ['--kafka-image', BROKEN_IMAGES.diesAtStart], 1, /the container exited while Kafka was starting: .*simulated broken setting$/],
      ['an image that cannot be pulled', ['--kafka-image', 'kafka-dup-lab-test/not-there:1'], 1, /^kafka-dup-lab: could not pull kafka-dup-lab-test\/not-there:1: .*--kafka-image .*--broker local\.$/],
      ['--kafka-image with the local broker', ['--kafka-image', TEST_IMAGE, '--broker', 'local'], 2, /--kafka-image picks the image of a container broker/],
    ])('%s', async (_what, args, code, pattern) => {
      const broker = args.includes('--broker') ? [] : ['--broker', 'container'];
      const run = await runInContainer(['run', 'producer-retry', ...broker, ...args], 60_000);
      expect(run.code, run.stderr).toBe(code);
      expectOneLine(run, pattern);
      // A broken image fails fast: no waiting out the 120 s start timeout.
      expect(run.ms).toBeLessThan(30_000);
      expect(labContainers().length).toBe(0);
    }, 60_000);

    it('a stopped engine (a socket nobody answers)', async () => {
      const dead = `/tmp/kafka-dup-lab-test-dead-${process.pid}.sock`;
      spawnSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(dead)})`]);
      const run = await runCli(['run', 'producer-retry', '--broker', 'container'], { env: { ...CONTAINER_ENV, DOCKER_HOST: `unix://${dead}` } });
      spawnSync('rm', ['-f', dead]);
      expect(run.code).toBe(1);
      expectOneLine(run, /--broker container: the container engine at DOCKER_HOST=unix:\/\/\S+ does not answer \(is it stopped\?\): ECONNREFUSED; start the engine, or use --broker local or --bootstrap\.$/);
    });
  });

  it('auto with an engine but no pullable image falls back to the local JVM, saying so', async () => {
    const { KAFKA_DUP_LAB_KAFKA_IMAGE: _image, ...env } = CONTAINER_ENV;
    const run = await runCli(['run', 'producer-retry', '--variant', 'retries', '--messages', '200', '--faults', '1', '--json'], {
      env: { ...env, KAFKA_DUP_LAB_KAFKA_IMAGE: 'kafka-dup-lab-test/not-there:1' },
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).broker.provider).toBe('local');
    expect(run.stderr).toMatch(/could not pull kafka-dup-lab-test\/not-there:1 \(.*\); using the local JVM instead/);
  }, 120_000);

  it('prepare: ready with the image here; FAILED and exit 1 for an image it cannot pull', async () => {
    const ready = await runInContainer(['prepare', '--broker', 'container']);
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout).toContain(`ready   image ${TEST_IMAGE}: present`);
    const failed = await runInContainer(['prepare', '--broker', 'container', '--kafka-image', 'kafka-dup-lab-test/not-there:1']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^FAILED  image kafka-dup-lab-test\/not-there:1: could not pull/m);
  }, 60_000);

  it('doctor lists a container whose lab died, with the command that removes it', async () => {
    const create = spawnSync(
      'docker',
      ['create', '--label', 'org.kafka-dup-lab=broker', '--label', 'org.kafka-dup-lab.owner-pid=999999', '--label', `org.kafka-dup-lab.owner-host=${hostname()}`, BROKEN_IMAGES.noKafka, 'sh'],
      { encoding: 'utf8' },
    );
    const id = create.stdout.trim().slice(0, 12);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    const doctor = await runInContainer(['doctor']);
    expect(doctor.stdout).toContain(`kafka image`);
    expect(doctor.stdout).toContain(`${TEST_IMAGE} is here`);
    const command = /docker rm -f ([0-9a-f ]+)/.exec(doctor.stdout.replace(/\s*│\s*/g, ' '))?.[0]?.trim();
    expect(command, doctor.stdout).toBe(`docker rm -f ${id}`);
    spawnSync('sh', ['-c', command!]);
    expect(labContainers()).toEqual([]);
  }, 60_000);
});
