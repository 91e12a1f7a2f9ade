// Runs a scenario's variants on one broker, each with fresh topics: workload and faults, then read-back, then the pure evaluation.
//
// The runner knows no Kafka client, proxy or checker: the CLI hands it those as capabilities (LabCapabilities),
// so this folder stays the floor every other part stands on.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupsRunning, onCleanup, onCleanupInBackground } from './cleanup.js';
import { errorMessage } from './errors.js';
import { History } from './history.js';
import type { Progress } from './progress.js';
import { missingReason, type Resources } from './resources.js';
import { SeededRandom } from './rng.js';
import { makeTempDir } from './temp.js';
import { recordSpan, timed } from './timings.js';
import { inWindows } from './windows.js';
import type { MeasuredRates, ProxyHandle, ReadBackRequest, Scenario, TopicConfigs, Variant, VariantContext } from './scenario.js';
import type { Evaluation, Op, VariantResult } from './types.js';

/** What the runner needs from the rest of the lab: a Kafka admin, the chaos proxy, read-back and evaluation. */
export interface LabCapabilities {
  /** Creates topics and returns once every partition has a leader. */
  createTopics(bootstrap: string, topics: { name: string; partitions: number; configs?: TopicConfigs; replicas?: number[] }[]): Promise<void>;
  deleteTopics(bootstrap: string, names: string[]): Promise<void>;
  /** Deletes these consumer groups and the read-back groups of these topics, waiting up to `waitForEmptyMs` for killed members to time out. */
  deleteRunGroups(bootstrap: string, groupIds: string[], topics: string[], waitForEmptyMs: number): Promise<void>;
  /** Makes the transaction coordinator ready, so a variant's first transaction does not wait for it. */
  warmTransactions(bootstrap: string): Promise<void>;
  startProxy(options: { upstream: string; rules: readonly object[]; seed: number; history: History }): Promise<ProxyHandle & { close(): Promise<void> }>;
  /** Reads a topic or a business database back into the history. */
  readBack(bootstrap: string, request: ReadBackRequest, history: History): Promise<void>;
  /** Pure: check, predict, judge the promise, write the note. */
  evaluate(scenario: Scenario, variant: Variant, history: readonly Op[], client?: string): Evaluation;
}

export interface RunRequest {
  scenario: Scenario;
  variants: Variant[];
  bootstrap: string;
  seed: number;
  messages: number;
  faults: number;
  keepTopics: boolean;
  progress: Progress;
  resources: Omit<Resources, 'workDir'>;
  lab: LabCapabilities;
  /** Variants run at once; default: the scenario's parallelVariants. */
  parallel?: number;
  /** Delete the run's topics and groups even on Ctrl-C (a shared, external cluster). */
  deleteOnInterrupt?: boolean;
  /** Run the scenario's fault-free msg/s passes (default true). */
  measure?: boolean;
  /** The Kafka client the workload runs with (default kafkajs), its library for the header, and why it cannot run here, if so. */
  client?: { name: string; library: string; unavailable?: string };
}

export interface ScenarioResult {
  scenario: string;
  summary: string;
  seed: number;
  messages: number;
  faults: number;
  /** Set when the run named its client (--client): every variant ran with it. */
  client?: { name: string; library: string };
  results: VariantResult[];
}

/** A scenario whose variants have run; `measure` then runs its fault-free msg/s passes, if it has any, into `result`. */
export interface ScenarioRun {
  result: ScenarioResult;
  /** True when the scenario measures msg/s and `measure()` has not run yet. */
  measurePending: boolean;
  measure(): Promise<void>;
}

/** Runs the variants and, unless `measure` is false, the msg/s passes right after them. */
export async function runScenario(request: RunRequest): Promise<ScenarioResult> {
  const run = await runVariants(request);
  await run.measure();
  return run.result;
}

/**
 * Runs the variants only. The msg/s passes wait for `measure()`: a caller that runs several scenarios
 * at once measures afterwards, one scenario at a time, so no other work disturbs the figures.
 */
export async function runVariants(request: RunRequest): Promise<ScenarioRun> {
  const { scenario, variants, progress } = request;
  // The run id makes topic names, groups, transactional ids and message ids unique, so runs on a shared
  // broker never mix, even when a room starts the same scenario with the same seed at the same moment.
  // Five random characters, always five: the id is inside every message, and message sizes decide
  // where fetches (so batches, so crash points) end.
  const runId = `${request.seed.toString(36)}${randomRunSuffix()}`;
  const results: VariantResult[] = new Array(variants.length);
  const histories: History[] = new Array(variants.length);
  let done = 0;
  const report = () => progress.step(`${scenario.name}: ${done}/${variants.length} variants done`);
  report();
  if (scenario.transactional && variants.length > 0) await timed(`${scenario.name}: transaction coordinator warm-up`, () => request.lab.warmTransactions(request.bootstrap));
  // Variants are independent (own topics, proxy, clients); a scenario says how many may run at once.
  const indexes = variants.map((_, i) => i);
  await inWindows(indexes, Math.max(1, request.parallel ?? scenario.parallelVariants ?? 1), async (i) => {
    histories[i] = new History();
    results[i] = await runVariant(request, variants[i]!, runId, histories[i]!);
    done++;
    report();
  });
  progress.done();
  const result: ScenarioResult = {
    scenario: scenario.name,
    summary: scenario.summary,
    seed: request.seed,
    messages: request.messages,
    faults: request.faults,
    ...(request.client ? { client: { name: request.client.name, library: request.client.library } } : {}),
    results,
  };
  const run: ScenarioRun = {
    result,
    measurePending: scenario.prepareMeasure !== undefined && request.measure !== false,
    measure: async () => {
      if (!run.measurePending) return;
      run.measurePending = false;
      progress.step(`${scenario.name}: measuring without faults`);
      await timed(`${scenario.name}: fault-free msg/s`, () => measureAll(request, runId, results, histories));
      progress.done();
    },
  };
  return run;
}

function randomRunSuffix(): string {
  return Array.from(randomBytes(5), (b) => (b % 36).toString(36)).join('');
}

/** The variant's topics, its workers' consumer group, and the read-back groups of its topics. */
async function removeRunData(request: RunRequest, topics: string[], groupId: string, waitForEmptyGroupMs = 0): Promise<void> {
  await request.lab.deleteTopics(request.bootstrap, topics).catch(() => undefined);
  await request.lab.deleteRunGroups(request.bootstrap, [groupId], topics, waitForEmptyGroupMs).catch(() => undefined);
}

/** After a Ctrl-C killed the workers, their group empties once their sessions time out (2 s in the lab). */
const INTERRUPTED_GROUP_WAIT_MS = 5_000;
/**
 * After a normal end the group is usually empty at once; on a busy machine a killed member's session
 * may still be running out, and a group with members cannot be deleted: wait for that, boundedly.
 */
const GROUP_WAIT_MS = 10_000;

/** A variant's context and the undo list that closes it (proxies, deferred steps, topics, work dir). */
function openContext(request: RunRequest, variant: Variant, runId: string, history: History) {
  const { scenario, lab } = request;
  const topics: string[] = [];
  const undo: { label: string; run: () => Promise<void> | void }[] = [];
  const workDir = makeTempDir('run');
  const unregisterWorkDir = onCleanup('run work dir', () => rmSync(workDir, { recursive: true, force: true }));
  const ctx: VariantContext = {
    scenario: scenario.name,
    client: request.client?.name ?? 'kafkajs',
    runId: `${runId}-${variant.name}`,
    groupId: `dup-lab-${runId}-${variant.name}`,
    bootstrap: request.bootstrap,
    history,
    // Each variant gets the same seeded draws, so variants face the same faults at the same points.
    rng: new SeededRandom(request.seed).fork(scenario.name),
    messages: request.messages,
    faults: request.faults,
    progress: request.progress,
    resources: { ...request.resources, workDir },
    createTopic: async (suffix, partitions, configs, replicas) => {
      const name = `dup-lab-${scenario.name}-${variant.name}-${suffix}-${runId}`;
      const creation = timed(`${scenario.name}/${variant.name}: topic`, () => lab.createTopics(request.bootstrap, [{ name, partitions, configs, replicas }]));
      // A Ctrl-C while the topic is being created: wait for it, then delete it, or it would outlive the run.
      const unregister =
        request.deleteOnInterrupt && !request.keepTopics
          ? onCleanupInBackground(`topic ${name}`, () => creation.then(() => lab.deleteTopics(request.bootstrap, [name])).catch(() => undefined))
          : () => undefined;
      await creation;
      topics.push(name); // from here on the run's topic cleanup covers it
      unregister();
      return name;
    },
    startProxy: async (rules) => {
      const proxy = await lab.startProxy({ upstream: request.bootstrap, rules, seed: request.seed, history });
      undo.push({ label: 'chaos proxy', run: () => proxy.close() });
      return { bootstrap: proxy.bootstrap, settled: (limitMs) => proxy.settled(limitMs) };
    },
    defer: (label, run) => undo.push({ label, run }),
  };
  // On a shared cluster a Ctrl-C must not leave the run's topics behind either; the variants' removals
  // overlap (each waits for its killed workers' sessions to end before the group can go).
  const unregisterTopics =
    request.deleteOnInterrupt && !request.keepTopics
      ? onCleanupInBackground('variant topics and group', () => removeRunData(request, topics, ctx.groupId, INTERRUPTED_GROUP_WAIT_MS))
      : () => undefined;
  const close = async () => {
    for (const step of undo.reverse()) await Promise.resolve().then(step.run).catch(() => undefined);
    unregisterTopics();
    if (!request.keepTopics) await removeRunData(request, topics, ctx.groupId, GROUP_WAIT_MS);
    if (request.resources.keepDataDir) keepSqliteFiles(workDir, join(request.resources.keepDataDir, `${scenario.name}-${variant.name}`));
    rmSync(workDir, { recursive: true, force: true });
    unregisterWorkDir();
  };
  return { ctx, topics, close };
}

/** The variant's SQLite files (with their WAL, if any), for a look with sqlite3 after the run. */
function keepSqliteFiles(workDir: string, to: string): void {
  const files = readdirSync(workDir).filter((f) => /\.db(-wal|-shm)?$/.test(f));
  if (files.length === 0) return;
  mkdirSync(to, { recursive: true });
  for (const f of files) copyFileSync(join(workDir, f), join(to, f));
}

/** "a", "a and b", "a, b and c". */
function listed(names: readonly string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function unrun(base: Omit<VariantResult, 'counts' | 'predicted' | 'promise' | 'brokenBy' | 'note' | 'topics' | 'durationMs' | 'history'>, why: { skipped?: string; error?: string }): VariantResult {
  return { ...base, topics: [], counts: {}, predicted: {}, promise: 'none', brokenBy: [], note: '', ...why, durationMs: 0, history: [] };
}

async function runVariant(request: RunRequest, variant: Variant, runId: string, history: History): Promise<VariantResult> {
  const { scenario } = request;
  const client = request.client;
  const base = { scenario: scenario.name, variant: variant.name, title: variant.title, why: variant.why, expect: variant.expect, ...(client ? { client: client.name } : {}) };

  if (client && !(scenario.clients ?? ['kafkajs']).includes(client.name)) {
    return unrun(base, { skipped: `${scenario.name} runs with ${listed(scenario.clients ?? ['kafkajs'])} so far, not ${client.name}` });
  }
  if (client?.unavailable) return unrun(base, { skipped: client.unavailable });
  const lacks = client ? variant.lacking?.[client.name] : undefined;
  if (lacks) return unrun(base, { skipped: `${client!.name} has no ${lacks}` });
  const missing = (variant.needs ?? []).map((need) => missingReason(request.resources, need)).filter((m): m is string => m !== undefined);
  if (missing.length > 0) return unrun(base, { skipped: missing.join('; ') });
  // Interrupted while earlier variants ran: start nothing more (the cleanups are already running).
  if (cleanupsRunning()) return unrun(base, { error: 'interrupted' });

  const { ctx, topics, close } = openContext(request, variant, runId, history);
  let error: string | undefined;
  try {
    const started = performance.now();
    const readBacks = await scenario.run(ctx, variant);
    history.add({ type: 'phase', name: 'workload', ms: Math.round(performance.now() - started) });
    recordSpan(`${scenario.name}/${variant.name}: workload`, started);
    const reading = performance.now();
    // Before close(): the topics and the business database go with the variant.
    for (const readBack of readBacks) await request.lab.readBack(request.bootstrap, readBack, history);
    history.add({ type: 'phase', name: 'read-back', ms: Math.round(performance.now() - reading) });
    recordSpan(`${scenario.name}/${variant.name}: read-back`, reading);
  } catch (e) {
    error = errorMessage(e);
  } finally {
    await timed(`${scenario.name}/${variant.name}: clean-up`, close);
  }
  const ops = [...history.all()];
  let evaluation: Evaluation = { counts: {}, predicted: {}, promise: 'none', brokenBy: [], note: '' };
  if (!error) {
    try {
      evaluation = request.lab.evaluate(scenario, variant, ops, request.client?.name);
    } catch (e) {
      error = `could not evaluate: ${errorMessage(e)}`;
    }
  }
  return { ...base, ...evaluation, error, topics: request.keepTopics ? topics : [], durationMs: Math.round(history.elapsed()), history: ops };
}

/**
 * Warm-up round, then MEASURE_ROUNDS rounds over the variants one at a time; each variant keeps its
 * highest throughput (the best round is the least disturbed one), recorded in its history.
 */
const MEASURE_ROUNDS = 3;

/** Marks the run id of a measurement's topics; upper case, so it never reads as part of a (base-36, lower-case) run id. */
export const MEASURE_MARK = 'M';

async function measureAll(request: RunRequest, runId: string, results: VariantResult[], histories: History[]): Promise<void> {
  const runs: { index: number; pass?: () => Promise<MeasuredRates>; close: () => Promise<void>; topics: string[] }[] = [];
  try {
    for (const [index, variant] of request.variants.entries()) {
      if (results[index]!.error || results[index]!.skipped) continue;
      const { ctx, topics, close } = openContext(request, variant, `${runId}${MEASURE_MARK}`, new History());
      // Listed before preparing, so a failed preparation is still closed below.
      const run: (typeof runs)[number] = { index, close, topics };
      runs.push(run);
      run.pass = await request.scenario.prepareMeasure!(ctx, variant);
    }
    const best = new Map<number, number>();
    for (let round = 0; round <= MEASURE_ROUNDS; round++) {
      for (const run of runs) {
        const measured = await run.pass!();
        if (round === 0) continue; // warm-up: connections, metadata, the JIT of client and broker
        best.set(run.index, Math.max(best.get(run.index) ?? 0, measured.throughput));
      }
    }
    for (const run of runs) {
      const history = histories[run.index]!;
      history.add({ type: 'measure', name: 'throughput', value: best.get(run.index) ?? 0 });
      const result = results[run.index]!;
      const ops = [...history.all()];
      results[run.index] = {
        ...result,
        ...request.lab.evaluate(request.scenario, request.variants[run.index]!, ops, request.client?.name),
        history: ops,
        topics: [...result.topics, ...(request.keepTopics ? run.topics : [])],
      };
    }
  } catch (e) {
    for (const run of runs) results[run.index]!.note += ` (measurement failed: ${errorMessage(e)})`;
  } finally {
    for (const run of runs) await run.close();
  }
}
