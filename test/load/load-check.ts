// The load check (npm run test:load): each scenario several times with one seed while a CPU hog keeps every core busy; fails on any difference in a count the seed fixes.
//
// Usage: node dist/test/load/load-check.js [--runs 5] [--scenarios a,b] [--bootstrap host:port] [--no-hog]
// Starts its own lab broker (the `broker` command) unless --bootstrap is given, and its own stress-ng.
// Runs skip reorder's msg/s passes (--no-throughput): a rate measured under a CPU hog says nothing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarios } from '../../scenarios/index.js';
import { timingDependence } from '../../src/core/scenario.js';
import { historyLines } from '../../src/report/timeline.js';
import { cellColumns, fixedCounts, runCheck, option, own, problemsOf, runScenario, runScenarios, shown, startBroker, type Row } from './support.js';

const DEFAULT_SCENARIOS = ['producer-retry', 'error-after-append', 'acks-zero', 'reorder', 'consumer-crash', 'fetch-duplicate', 'commit-timeout', 'rebalance', 'zombie', 'transactions'];

function startHog(): ChildProcess {
  if (spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('the load check needs stress-ng (apt-get install stress-ng), or --no-hog');
  }
  return own(spawn('stress-ng', ['--cpu', String(cpus().length), '--timeout', '3600'], { stdio: 'ignore' }));
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
  const bootstrap = option('--bootstrap') ?? (await startBroker()).bootstrap;
  console.log(`load check: ${runs} runs per scenario, seed ${seed}, ${hog ? `stress-ng --cpu ${cpus().length} running` : 'no CPU hog'}, broker ${bootstrap}`);
  let failures = 0;
  const started = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-load-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const firstRuns = new Map<string, Row[]>();
  for (const scenario of chosen) {
    const results: Row[][] = [];
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) results.push(await runScenario(scenario.name, bootstrap, seed, join(outDir, `${scenario.name}.json`)));
    const seconds = ((performance.now() - t0) / 1000 / runs).toFixed(1);
    const columns = cellColumns(scenario)
      .map((c) => c.label)
      .join('/');
    console.log(`\n${scenario.name} (${seconds} s a run; each cell: ${columns})`);
    for (const variant of scenario.variants) {
      const rows = results.map((r) => r.find((x) => x.variant === variant.name)!);
      const problems = [...new Set(rows.flatMap((r) => problemsOf(scenario, r, rows[0]!)).map((p) => p.split(':')[0]!))];
      // The load check runs kafkajs: a variant's timing dependence with another client does not apply.
      const varies = timingDependence(variant);
      const varied = varies && new Set(rows.map((r) => varies.counts.map((k) => r.counts[k]).join('/'))).size > 1;
      const verdict = problems.length
        ? `DIFFERS: ${problems.join(', ')}`
        : varies
          ? `${varied ? 'timing-dependent counts varied' : 'identical'}; ${varies.relation} in every run`
          : 'identical';
      if (problems.length) failures++;
      console.log(`  ${variant.name.padEnd(30)} ${rows.map((r) => shown(scenario, r).padEnd(14)).join(' ')} ${verdict}`);
      if (problems.includes('counts differ')) for (const r of rows) console.log(`      ${fixedCounts(scenario, r)}`);
      // A run that differs says what happened in it: the only trace a CI log keeps of a rare timing.
      rows.forEach((r, i) => {
        if (problemsOf(scenario, r, rows[0]!).length === 0) return;
        console.log(`      run ${i + 1}, what happened:`);
        for (const line of historyLines(r.history ?? [])) console.log(`        ${line}`);
      });
    }
    // The reference for run all: the first run without an error (an error is reported above already).
    firstRuns.set(scenario.name, results.find((rows) => rows.every((r) => !r.error)) ?? results[0]!);
  }
  failures += await checkRunAll(bootstrap, seed, outDir, firstRuns);
  console.log(`\nload check: ${failures === 0 ? 'every deterministic count identical' : `${failures} variant(s) differ`} (${Math.round((performance.now() - started) / 1000)} s)`);
  return failures === 0 ? 0 : 1;
}

/**
 * `run all` runs several scenarios at once: under the same hog, each of its scenarios must give the
 * counts the scenario gave alone (the scenarios it runs beyond those checked above are not compared).
 */
async function checkRunAll(bootstrap: string, seed: number, outDir: string, alone: Map<string, Row[]>): Promise<number> {
  const t0 = performance.now();
  const all = await runScenarios('all', bootstrap, seed, join(outDir, 'all.json'));
  console.log(`\nrun all, scenarios side by side (${((performance.now() - t0) / 1000).toFixed(1)} s), against the runs alone above:`);
  let failures = 0;
  for (const [name, reference] of alone) {
    const scenario = scenarios.find((s) => s.name === name)!;
    const rows = all.get(name) ?? [];
    const problems = reference.flatMap((ref) => {
      const row = rows.find((r) => r.variant === ref.variant);
      return row ? problemsOf(scenario, row, ref).map((p) => `${ref.variant}: ${p}`) : [`${ref.variant}: missing`];
    });
    if (problems.length) failures++;
    console.log(`  ${name.padEnd(30)} ${problems.length ? `DIFFERS: ${problems.join('; ')}` : 'identical'}`);
  }
  return failures;
}

runCheck('load check', main);
