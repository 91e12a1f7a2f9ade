// npm run bench: one table of the lab's speed on this machine, from one run — scenario wall times phase by phase, the proxy's cost, the checker's rate.
//
// Usage: node dist/test/bench/bench.js [--runs 5]
// Every wall time is a real `kafka-dup-lab run` in its own process, as a user starts it; the phases
// come from the lab's own timings (KAFKA_DUP_LAB_TIMINGS). The proxy and checker figures come from
// their benchmarks, each in a process of its own with the flags it needs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KAFKA_VERSION } from '../../src/broker/versions.js';
import { CLIENT_NAMES } from '../../src/clients/producer-client.js';
import { packageRoot } from '../../src/core/paths.js';
import type { Span, TimingsFile } from '../../src/core/timings.js';
import { CLI as DEFAULT_CLI, option, own, runCheck, startBroker } from '../load/support.js';

/** --cli <path>: another checkout's bin/kafka-dup-lab.js, for a before/after comparison on one machine (its runs give wall times; phases where it writes timings). */
const CLI = option('--cli') ?? DEFAULT_CLI;
const BENCH = join(packageRoot(), 'dist', 'test', 'bench');
const runs = Number(option('--runs') ?? 5);
const work = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-bench-'));
// Children are stopped by support.ts on exit, Ctrl-C or SIGTERM; the timings files go with the work dir.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

interface Row {
  figure: string;
  value: string;
  target?: string;
}
const rows: Row[] = [];
const row = (figure: string, value: string, target?: string) => rows.push({ figure, value, target });

interface CliRun {
  wallMs: number;
  timings: TimingsFile;
}

/** One CLI run, as a user starts it; fails on a non-zero exit. */
function cli(args: string[]): Promise<CliRun> {
  const file = join(work, `timings-${Date.now()}.json`);
  const started = performance.now();
  const child = own(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KAFKA_DUP_LAB_TIMINGS: file } }));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`kafka-dup-lab ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      const timings = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TimingsFile) : { spans: [], endMs: 0 };
      resolve({ wallMs: performance.now() - started, timings });
    }),
  );
}

/** A JSON line printed by a benchmark script run with `flags`. */
function benchJson<T>(script: string, flags: string[], args: string[] = []): T {
  const r = spawnSync(process.execPath, [...flags, join(BENCH, script), '--json', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (values: number[]) => `${seconds(median(values))} (${seconds(Math.min(...values))}–${seconds(Math.max(...values))})`;

/** A named span's duration in each run (0 where a run has none). */
function spanMs(all: CliRun[], name: string): number[] {
  return all.map((r) => r.timings.spans.find((s) => s.name === name)?.ms ?? 0);
}

/** The variant whose workload ended last, per run: the scenario's critical path. */
function slowestVariant(run: CliRun, scenario: string): { variant: string; spans: Map<string, Span> } {
  const ofScenario = run.timings.spans.filter((s) => s.name.startsWith(`${scenario}/`));
  if (ofScenario.length === 0) return { variant: '?', spans: new Map() };
  const last = ofScenario.filter((s) => s.name.endsWith(': workload')).reduce((a, b) => (b.startMs + b.ms > a.startMs + a.ms ? b : a));
  const variant = last.name.slice(scenario.length + 1, -': workload'.length);
  return { variant, spans: new Map(ofScenario.filter((s) => s.name.startsWith(`${scenario}/${variant}: `)).map((s) => [s.name.split(': ')[1]!, s])) };
}

/** A phase's durations, or a dash where the CLI wrote no timings (an older checkout under --cli). */
function phaseValue(values: number[]): string {
  return values.every((v) => v === 0) ? '—' : spread(values);
}

function phaseRows(label: string, all: CliRun[], names: [string, string][]): void {
  for (const [span, text] of names) row(`  ${label}: ${text}`, phaseValue(spanMs(all, span)));
}

function variantRows(label: string, all: CliRun[], scenario: string): void {
  const slowest = all.map((r) => slowestVariant(r, scenario));
  const names = [...new Set(slowest.map((s) => s.variant))].join(', ');
  for (const part of ['topic', 'workload', 'read-back', 'clean-up']) {
    row(`  ${label}: slowest variant (${names}): ${part}`, phaseValue(slowest.map((s) => s.spans.get(part)?.ms ?? 0)));
  }
}

async function repeat(n: number, args: string[]): Promise<CliRun[]> {
  const all: CliRun[] = [];
  for (let i = 0; i < n; i++) all.push(await cli(args));
  return all;
}

function machine(): string {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const javaLine = (java.stderr ?? '').split('\n')[0]?.replace(/"/g, '') ?? 'no java';
  return `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${javaLine} · Kafka ${DEFAULT_KAFKA_VERSION}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.error(`bench: ${runs} runs per figure; this takes a few minutes`);
  // Jars, storage template and class archive first, so no figure includes a one-time step.
  await cli(['prepare', '--broker', 'local']);

  const local = await repeat(Math.max(3, Math.ceil(runs / 2)), ['run', 'producer-retry', '--broker', 'local']);
  row('run producer-retry --broker local (JVM start included)', spread(local.map((r) => r.wallMs)), '≤ 6 s');
  phaseRows('local', local, [
    ['node start and imports', 'node start and imports'],
    ['broker: JVM start until ready', 'broker JVM start until ready'],
    ['broker: group coordinator warm-up', 'group coordinator warm-up'],
    ['scenario producer-retry', 'scenario (variants side by side)'],
    ['broker stop', 'broker stop'],
  ]);

  // leader-failover starts its own cluster of a controller and three brokers (local JVMs).
  const failover = await repeat(1, ['run', 'leader-failover']);
  row('run leader-failover (its 3-broker cluster started and stopped)', spread(failover.map((r) => r.wallMs)), '≤ 60 s');
  row('  failover: cluster start, 4 JVMs until every broker is live', phaseValue(spanMs(failover, 'broker start')), '≤ 20 s');
  phaseRows('failover', failover, [
    ['scenario leader-failover', 'scenario (4 variants, one after another)'],
    ['broker stop', 'cluster stop'],
  ]);

  // The lab's broker for the warm figures: `kafka-dup-lab broker`, as a workshop host starts it.
  const { bootstrap } = await startBroker([], CLI);
  await cli(['run', 'producer-retry', '--bootstrap', bootstrap]); // the broker's first run warms its JIT: not counted
  const warm = await repeat(runs, ['run', 'producer-retry', '--bootstrap', bootstrap]);
  row('run producer-retry --bootstrap <warm broker>', spread(warm.map((r) => r.wallMs)), '≤ 3 s');
  phaseRows('warm', warm, [
    ['node start and imports', 'node start and imports'],
    ['broker start', 'reaching the broker, group coordinator'],
    ['scenario producer-retry', 'scenario (variants side by side)'],
  ]);
  variantRows('warm', warm, 'producer-retry');

  // The same scenario with each client alone, then all four (a table each, the summary, the client matrix).
  // A client that cannot run here (confluent not installed) gives skipped rows at once: its figure says nothing.
  for (const client of CLIENT_NAMES) {
    const one = await repeat(1, ['run', 'producer-retry', '--client', client, '--bootstrap', bootstrap]);
    row(`run producer-retry --client ${client} --bootstrap <warm broker>`, spread(one.map((r) => r.wallMs)));
  }
  const everyClient = await repeat(Math.max(1, Math.floor(runs / 3)), ['run', 'producer-retry', '--client', 'all', '--bootstrap', bootstrap]);
  row('run producer-retry --client all --bootstrap <warm broker>', spread(everyClient.map((r) => r.wallMs)), '≤ 15 s');

  const all = await repeat(Math.max(1, Math.floor(runs / 3)), ['run', 'all', '--bootstrap', bootstrap]);
  row('run all --bootstrap <warm broker>', spread(all.map((r) => r.wallMs)), '≤ 30 s');
  row('  all: reorder msg/s passes (alone, at the end)', phaseValue(spanMs(all, 'reorder: fault-free msg/s')));

  // The proxy and checker benchmarks run this checkout's code: with --cli (another checkout) they would not measure it.
  if (option('--cli')) return print(performance.now() - started);
  const throughput = benchJson<{ throughput: number; perRequest: number; standalone: number }>('proxy-throughput.js', ['--disable-warning=TimeoutNegativeWarning'], ['--bootstrap', bootstrap]);
  row('proxy/direct, bulk (100 messages per send), in-process', throughput.throughput.toFixed(3), '≥ 0.97');
  row("proxy/direct, the lab's workload (1 message per send)", throughput.perRequest.toFixed(3));
  row('proxy/direct, bulk, `kafka-dup-lab proxy` in its own process', throughput.standalone.toFixed(3));
  type Forwarding = { mbPerSecond: number; userMsPerMb: number; systemMsPerMb: number; heapBytesPerMb: number };
  // Rate and CPU as the lab runs; the allocation with a young generation fixed so large that no
  // collection runs during a pass (its fresh pages slow the pass, so it gives no rate).
  const forwarding = benchJson<Forwarding>('proxy-forwarding.js', []);
  forwarding.heapBytesPerMb = benchJson<Forwarding>('proxy-forwarding.js', ['--expose-gc', '--min-semi-space-size=1024', '--max-semi-space-size=1024']).heapBytesPerMb;
  row('proxy alone: forwarding rate (8 KiB Produce frames)', `${forwarding.mbPerSecond.toFixed(0)} MB/s`);
  row('proxy alone: CPU per MB forwarded, user (JS, Node, V8)', `${forwarding.userMsPerMb.toFixed(2)} ms`);
  row('proxy alone: CPU per MB forwarded, system (kernel: read + write)', `${forwarding.systemMsPerMb.toFixed(2)} ms`);
  row('proxy alone: heap allocated per MB forwarded', `${Math.round(forwarding.heapBytesPerMb).toLocaleString('en')} bytes`);
  const checker = benchJson<{ recordsPerSecond: number; bytesPerRecord: number }>('checker.js', ['--expose-gc', '--max-semi-space-size=1024']);
  row('checker: records/s (1 M records)', Math.round(checker.recordsPerSecond).toLocaleString('en'));
  row('checker: bytes allocated per record', String(checker.bytesPerRecord));

  print(performance.now() - started);
}

function print(totalMs: number): void {
  const width = Math.max(...rows.map((r) => r.figure.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  console.log(`kafka-dup-lab bench · ${machine()}`);
  console.log(`${'figure'.padEnd(width)}  ${'median (min–max) or value'.padEnd(valueWidth)}  target`);
  for (const r of rows) console.log(`${r.figure.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.target ?? ''}`.trimEnd());
  console.log(`(${runs} runs per wall time, fewer for the local broker and run all, one per client; bench took ${Math.round(totalMs / 1000)} s)`);
}

runCheck('bench', async () => (await main(), 0));
