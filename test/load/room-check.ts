// The room check (npm run test:room): one shared lab broker, 8 producer-retry and 4 consumer-crash runs at once, as a workshop room would; each must count what a run alone counts.
//
// Usage: node dist/test/load/room-check.js [--producers 8] [--consumers 4] [--seed 42]
// Starts `broker --share` (every interface, this machine's address advertised), runs each scenario
// once alone for reference, then all the runs together; checks every row against its reference, that
// no run left a topic or group behind, and reports the wall time and the broker's peak memory.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarios } from '../../scenarios/index.js';
import { withAdmin } from '../../src/kafka/client.js';
import { runCheck, option, problemsOf, runScenario, shown, startBroker, type Row } from './support.js';

/** The broker JVM under the broker command: the java process whose command line holds the command's data dir. */
function brokerJvm(commandPid: number): number | undefined {
  for (const pid of readdirPids()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('java') && cmd.includes(`kafka-dup-lab-broker-${commandPid}-`)) return pid;
    } catch {
      /* gone */
    }
  }
  return undefined;
}

function readdirPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** The broker's peak resident memory so far, in MB (the kernel's high-water mark for the process). */
function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function main(): Promise<number> {
  const producers = Number(option('--producers') ?? 8);
  const consumers = Number(option('--consumers') ?? 4);
  const seed = Number(option('--seed') ?? 42);
  const outDir = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-room-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const broker = await startBroker(['--share']);
  const jvm = brokerJvm(broker.pid);
  console.log(`room check: broker --share at ${broker.bootstrap}; ${producers} producer-retry and ${consumers} consumer-crash runs at once, seed ${seed}`);

  const plan = [
    ...Array.from({ length: producers }, (_, i) => ({ name: 'producer-retry', label: `producer-retry #${i + 1}` })),
    ...Array.from({ length: consumers }, (_, i) => ({ name: 'consumer-crash', label: `consumer-crash #${i + 1}` })),
  ];
  const reference = new Map<string, Row[]>();
  for (const name of new Set(plan.map((p) => p.name))) reference.set(name, await runScenario(name, broker.bootstrap, seed, join(outDir, `${name}-alone.json`)));

  const started = performance.now();
  const results = await Promise.allSettled(plan.map((p, i) => runScenario(p.name, broker.bootstrap, seed, join(outDir, `${i}.json`))));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  let failures = 0;
  for (const [i, p] of plan.entries()) {
    const scenario = scenarios.find((s) => s.name === p.name)!;
    const outcome = results[i]!;
    if (outcome.status === 'rejected') {
      failures++;
      console.log(`  ${p.label.padEnd(20)} FAILED: ${String(outcome.reason)}`);
      continue;
    }
    const rows = outcome.value;
    const problems = rows.flatMap((row) => problemsOf(scenario, row, reference.get(p.name)!.find((r) => r.variant === row.variant)!).map((x) => `${row.variant}: ${x}`));
    if (problems.length) failures++;
    console.log(`  ${p.label.padEnd(20)} ${rows.map((r) => `${r.variant} ${shown(scenario, r)}`).join('  ')}  ${problems.length ? `DIFFERS: ${problems.join('; ')}` : 'same as alone'}`);
  }
  const left = await withAdmin(broker.bootstrap, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('dup-lab-'));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes('dup-lab-'));
    return [...topics, ...groups];
  });
  if (left.length) failures++;
  console.log(`room check: ${plan.length} runs together in ${seconds} s; broker peak memory ${jvm ? `${peakMb(jvm)} MB` : 'unknown'}; left on the broker: ${left.length ? left.join(', ') : 'nothing'}`);
  console.log(`room check: ${failures === 0 ? 'every run counted what a run alone counts' : `${failures} problem(s)`}`);
  return failures === 0 ? 0 : 1;
}

runCheck('room check', main);
