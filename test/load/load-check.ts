// The load check (npm run test:load): each scenario several times with one seed while a CPU hog keeps every core busy; fails on any difference in a count the seed fixes.
//
// Usage: node dist/test/load/load-check.js [--runs 5] [--scenarios a,b] [--bootstrap host:port] [--no-hog]
// Starts its own lab broker (the `broker` command) unless --bootstrap is given, and its own stress-ng.
// Runs skip reorder's msg/s passes (--no-throughput): a rate measured under a CPU hog says nothing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarios } from '../../scenarios/index.js';
import { packageRoot } from '../../src/core/paths.js';
import type { Scenario } from '../../src/core/scenario.js';
import type { CountName, Counts, Op } from '../../src/core/types.js';

const DEFAULT_SCENARIOS = ['producer-retry', 'acks-zero', 'reorder', 'consumer-crash', 'rebalance', 'zombie', 'transactions'];
const CLI = join(packageRoot(), 'bin', 'kafka-dup-lab.js');

interface Row {
  variant: string;
  counts: Partial<Counts>;
  predicted: Partial<Counts>;
  error?: string;
  skipped?: string;
  history: Op[];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** A child that must not outlive this script: killed on exit, Ctrl-C or a thrown error. */
const children: ChildProcess[] = [];
function own(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}
function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (killChildren(), process.exit(130)));

async function startBroker(): Promise<string> {
  const child = own(spawn(process.execPath, [CLI, 'broker', '--broker', 'local'], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the lab broker exited (${code}) before it was ready`)));
  });
}

function startHog(): ChildProcess {
  if (spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('the load check needs stress-ng (apt-get install stress-ng), or --no-hog');
  }
  return own(spawn('stress-ng', ['--cpu', String(cpus().length), '--timeout', '3600'], { stdio: 'ignore' }));
}

/** One run through the CLI, as a user runs it; its --out file holds each variant's history, for the relations. */
function runScenario(name: string, bootstrap: string, seed: number, outDir: string): Promise<Row[]> {
  const out = join(outDir, `${name}.json`);
  return new Promise((resolve, reject) => {
    const child = own(spawn(process.execPath, [CLI, 'run', name, '--bootstrap', bootstrap, '--seed', String(seed), '--json', '--out', out, '--no-throughput'], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`run ${name} exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      resolve((JSON.parse(readFileSync(out, 'utf8')) as { scenarios: { variants: Row[] }[] }).scenarios[0]!.variants);
    });
  });
}

/** The counts of a row the seed fixes: all but the scenario's measurements and the variant's timing-dependent ones. */
function fixedCounts(scenario: Scenario, row: Row): string {
  const variant = scenario.variants.find((v) => v.name === row.variant);
  const skip = new Set<CountName>([...(scenario.measured ?? []), ...(variant?.varies?.counts ?? [])]);
  const pick = (c: Partial<Counts>) =>
    Object.entries(c)
      .filter(([k]) => !skip.has(k as CountName))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  return `${pick(row.counts)} | pred ${pick(row.predicted)}`;
}

/** The scenario's columns that a cell shows: not the inputs (sent, messages), not the measurements. */
function cellColumns(scenario: Scenario) {
  return scenario.columns.filter((c) => !(scenario.measured ?? []).includes(c.key) && c.key !== 'sent' && c.key !== 'messages');
}

/** A row's cell: its columns' counts, compactly. */
function shown(scenario: Scenario, row: Row): string {
  if (row.error) return `ERROR ${row.error.slice(0, 30)}`;
  if (row.skipped) return 'skipped';
  return cellColumns(scenario)
    .map((c) => row.counts[c.key] ?? '-')
    .join('/');
}

async function main(): Promise<number> {
  const runs = Number(option('--runs') ?? 5);
  const seed = Number(option('--seed') ?? 42);
  const names = (option('--scenarios') ?? DEFAULT_SCENARIOS.join(',')).split(',');
  const chosen = names.map((n) => {
    const s = scenarios.find((x) => x.name === n);
    if (!s) throw new Error(`no scenario ${n}`);
    return s;
  });
  const hog = process.argv.includes('--no-hog') ? undefined : startHog();
  const bootstrap = option('--bootstrap') ?? (await startBroker());
  console.log(`load check: ${runs} runs per scenario, seed ${seed}, ${hog ? `stress-ng --cpu ${cpus().length} running` : 'no CPU hog'}, broker ${bootstrap}`);
  let failures = 0;
  const started = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-load-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  for (const scenario of chosen) {
    const results: Row[][] = [];
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) results.push(await runScenario(scenario.name, bootstrap, seed, outDir));
    const seconds = ((performance.now() - t0) / 1000 / runs).toFixed(1);
    const columns = cellColumns(scenario)
      .map((c) => c.label)
      .join('/');
    console.log(`\n${scenario.name} (${seconds} s a run; each cell: ${columns})`);
    for (const variant of scenario.variants) {
      const rows = results.map((r) => r.find((x) => x.variant === variant.name)!);
      const problems: string[] = [];
      if (rows.some((r) => r.error)) problems.push('error row');
      if (new Set(rows.map((r) => fixedCounts(scenario, r))).size > 1) problems.push('counts differ');
      if (variant.varies && rows.some((r) => !r.error && !variant.varies!.holds(r.counts, r.history))) problems.push(`"${variant.varies.relation}" broken`);
      const varied = variant.varies && new Set(rows.map((r) => variant.varies!.counts.map((k) => r.counts[k]).join('/'))).size > 1;
      const verdict = problems.length
        ? `DIFFERS: ${problems.join(', ')}`
        : variant.varies
          ? `${varied ? 'timing-dependent counts varied' : 'identical'}; ${variant.varies.relation} in every run`
          : 'identical';
      if (problems.length) failures++;
      console.log(`  ${variant.name.padEnd(30)} ${rows.map((r) => shown(scenario, r).padEnd(14)).join(' ')} ${verdict}`);
      if (problems.includes('counts differ')) for (const r of rows) console.log(`      ${fixedCounts(scenario, r)}`);
    }
  }
  console.log(`\nload check: ${failures === 0 ? 'every deterministic count identical' : `${failures} variant(s) differ`} (${Math.round((performance.now() - started) / 1000)} s)`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    killChildren();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`load check: ${error instanceof Error ? error.message : String(error)}`);
    killChildren();
    process.exit(1);
  },
);
