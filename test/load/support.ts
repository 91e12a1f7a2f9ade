// What the load check and the room check share: owned child processes, a lab broker, a CLI run read back from its --out file, the counts a seed fixes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { timingDependence, type Scenario } from '../../src/core/scenario.js';
import type { CountName, Counts, Op } from '../../src/core/types.js';

export const CLI = join(packageRoot(), 'bin', 'kafka-dup-lab.js');

export interface Row {
  variant: string;
  counts: Partial<Counts>;
  predicted: Partial<Counts>;
  error?: string;
  skipped?: string;
  history: Op[];
}

export function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Children that must not outlive this script: stopped on exit, Ctrl-C or a thrown error. */
const children: ChildProcess[] = [];
export function own(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (killChildren(), process.exit(130)));

/** A lab broker through the CLI (`broker --broker local`, plus `extra`; `cli`: another checkout's): its bootstrap, and the command's pid. */
export async function startBroker(extra: string[] = [], cli = CLI): Promise<{ bootstrap: string; pid: number }> {
  const child = own(spawn(process.execPath, [cli, 'broker', '--broker', 'local', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) resolve({ bootstrap: match[1]!, pid: child.pid! });
    });
    child.on('exit', (code) => reject(new Error(`the lab broker exited (${code}) before it was ready`)));
  });
}

/** One run through the CLI, as a user runs it; its --out file holds each variant's history, for the relations. */
export async function runScenario(name: string, bootstrap: string, seed: number, out: string): Promise<Row[]> {
  return (await runScenarios(name, bootstrap, seed, out)).get(name)!;
}

/** `run <name>` (a scenario, or all) through the CLI: each scenario's rows, by name. */
export function runScenarios(name: string, bootstrap: string, seed: number, out: string): Promise<Map<string, Row[]>> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'run', name, '--bootstrap', bootstrap, '--seed', String(seed), '--json', '--out', out, '--no-throughput'];
    const child = own(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`run ${name} exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      const report = JSON.parse(readFileSync(out, 'utf8')) as { scenarios: { name: string; variants: Row[] }[] };
      resolve(new Map(report.scenarios.map((s) => [s.name, s.variants])));
    });
  });
}

/** The counts of a row the seed fixes: all but the scenario's measurements and the variant's timing-dependent ones. */
export function fixedCounts(scenario: Scenario, row: Row): string {
  const variant = scenario.variants.find((v) => v.name === row.variant);
  const skip = new Set<CountName>([...(scenario.measured ?? []), ...((variant && timingDependence(variant))?.counts ?? [])]);
  const pick = (c: Partial<Counts>) =>
    Object.entries(c)
      .filter(([k]) => !skip.has(k as CountName))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  return `${pick(row.counts)} | pred ${pick(row.predicted)}`;
}

/** The scenario's columns that a cell shows: not the inputs (sent, messages), not the measurements. */
export function cellColumns(scenario: Scenario) {
  return scenario.columns.filter((c) => !(scenario.measured ?? []).includes(c.key) && c.key !== 'sent' && c.key !== 'messages');
}

/** A row's cell: its columns' counts, compactly. */
export function shown(scenario: Scenario, row: Row): string {
  if (row.error) return `ERROR ${row.error.slice(0, 30)}`;
  if (row.skipped) return 'skipped';
  return cellColumns(scenario)
    .map((c) => row.counts[c.key] ?? '-')
    .join('/');
}

/** What is wrong with a row against a reference run of the same seed: an error, a fixed count that differs, a relation broken. */
export function problemsOf(scenario: Scenario, row: Row, reference: Row): string[] {
  const variant = scenario.variants.find((v) => v.name === row.variant);
  const problems: string[] = [];
  if (row.error) problems.push(`error: ${row.error}`);
  else if (fixedCounts(scenario, row) !== fixedCounts(scenario, reference)) problems.push(`counts differ: ${fixedCounts(scenario, row)}`);
  const varies = variant && timingDependence(variant);
  if (varies && !row.error && !varies.holds(row.counts, row.history)) problems.push(`"${varies.relation}" broken`);
  return problems;
}

/** Runs a check's main, stops every child it started, and exits with its code (1, with its message, if it threw). */
export function runCheck(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      killChildren();
      process.exit(code);
    },
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      killChildren();
      process.exit(1);
    },
  );
}
