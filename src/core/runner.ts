// Runs a scenario's variants one after another on one broker, each with fresh topics, and turns each into a result row.
import { rmSync } from 'node:fs';
import { ChaosProxy } from '../chaos/proxy.js';
import type { ProxyRule } from '../chaos/rules.js';
import { judgePromise } from '../check/promise.js';
import { createTopics, deleteRunGroups, deleteTopics } from '../kafka/client.js';
import { cleanupsRunning, onCleanup, onCleanupInBackground } from './cleanup.js';
import { errorMessage } from './errors.js';
import { History } from './history.js';
import type { Progress } from './progress.js';
import { missingReason, type Resources } from './resources.js';
import { SeededRandom } from './rng.js';
import { makeTempDir } from './temp.js';
import { inWindows } from './windows.js';
import type { Scenario, Variant, VariantContext, VariantOutcome, MeasuredRates } from './scenario.js';
import type { VariantResult } from './types.js';

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
  /** Variants run at once; default: the scenario's parallelVariants. */
  parallel?: number;
  /** Delete the run's topics and groups even on Ctrl-C (a shared, external cluster). */
  deleteOnInterrupt?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  summary: string;
  seed: number;
  messages: number;
  faults: number;
  results: VariantResult[];
}

export async function runScenario(request: RunRequest): Promise<ScenarioResult> {
  const { scenario, variants, progress } = request;
  // The run id makes topic names and message ids unique, so runs on a shared broker never mix.
  const runId = `${request.seed.toString(36)}${Date.now().toString(36).slice(-5)}`;
  const results: VariantResult[] = new Array(variants.length);
  let done = 0;
  const report = () => progress.step(`${scenario.name}: ${done}/${variants.length} variants done`);
  report();
  // Variants are independent (own topics, proxy, clients); a scenario says how many may run at once.
  const indexes = variants.map((_, i) => i);
  await inWindows(indexes, Math.max(1, request.parallel ?? scenario.parallelVariants ?? 1), async (i) => {
    results[i] = await runVariant(request, variants[i]!, runId);
    done++;
    report();
  });
  if (scenario.prepareMeasure) {
    progress.step(`${scenario.name}: measuring without faults`);
    await measureAll(request, runId, results);
  }
  progress.done();
  return {
    scenario: scenario.name,
    summary: scenario.summary,
    seed: request.seed,
    messages: request.messages,
    faults: request.faults,
    results,
  };
}

/** The variant's topics, its workers' consumer group, and the read-back groups of its topics. */
async function removeRunData(request: RunRequest, topics: string[], groupId: string, waitForEmptyGroupMs = 0): Promise<void> {
  await deleteTopics(request.bootstrap, topics).catch(() => undefined);
  await deleteRunGroups(request.bootstrap, [groupId], topics, waitForEmptyGroupMs).catch(() => undefined);
}

/** After a Ctrl-C killed the workers, their group empties once their sessions time out (2 s in the lab). */
const INTERRUPTED_GROUP_WAIT_MS = 5_000;

/** A variant's context and the undo list that closes it (proxies, deferred steps, topics, work dir). */
function openContext(request: RunRequest, variant: Variant, runId: string, history: History) {
  const { scenario } = request;
  const topics: string[] = [];
  const undo: { label: string; run: () => Promise<void> | void }[] = [];
  const workDir = makeTempDir('run');
  const unregisterWorkDir = onCleanup('run work dir', () => rmSync(workDir, { recursive: true, force: true }));
  const ctx: VariantContext = {
    scenario: scenario.name,
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
    createTopic: async (suffix, partitions, configs) => {
      const name = `dup-lab-${scenario.name}-${variant.name}-${suffix}-${runId}`;
      const creation = createTopics(request.bootstrap, [{ name, partitions, configs }]);
      // A Ctrl-C while the topic is being created: wait for it, then delete it, or it would outlive the run.
      const unregister =
        request.deleteOnInterrupt && !request.keepTopics
          ? onCleanupInBackground(`topic ${name}`, () => creation.then(() => deleteTopics(request.bootstrap, [name])).catch(() => undefined))
          : () => undefined;
      await creation;
      topics.push(name); // from here on the run's topic cleanup covers it
      unregister();
      return name;
    },
    startProxy: async (rules: ProxyRule[]) => {
      const proxy = await ChaosProxy.start({
        upstream: request.bootstrap,
        rules,
        seed: request.seed,
        onEvent: (e) => history.add({ type: 'fault', action: e.action, detail: e.detail, affected: e.affected }),
      });
      undo.push({ label: 'chaos proxy', run: () => proxy.close() });
      return proxy;
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
    if (!request.keepTopics) await removeRunData(request, topics, ctx.groupId);
    rmSync(workDir, { recursive: true, force: true });
    unregisterWorkDir();
  };
  return { ctx, topics, close };
}

async function runVariant(request: RunRequest, variant: Variant, runId: string): Promise<VariantResult> {
  const { scenario } = request;
  const history = new History();
  const base = {
    scenario: scenario.name,
    variant: variant.name,
    title: variant.title,
    why: variant.why,
    expect: variant.expect,
  };

  const missing = (variant.needs ?? [])
    .map((need) => missingReason(request.resources, need))
    .filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    return { ...base, topics: [], counts: {}, predicted: {}, promise: 'none', brokenBy: [], note: '', skipped: missing.join('; '), durationMs: 0, history: [] };
  }

  // Interrupted while earlier variants ran: start nothing more (the cleanups are already running).
  if (cleanupsRunning()) {
    return { ...base, topics: [], counts: {}, predicted: {}, promise: 'none', brokenBy: [], note: '', error: 'interrupted', durationMs: 0, history: [] };
  }
  const { ctx, topics, close } = openContext(request, variant, runId, history);
  let outcome: VariantOutcome | undefined;
  let error: string | undefined;
  try {
    outcome = await scenario.runVariant(ctx, variant);
  } catch (e) {
    error = errorMessage(e);
  } finally {
    await close();
  }

  const counts = outcome?.counts ?? {};
  const verdict = error ? { promise: 'none' as const, brokenBy: [] } : judgePromise(variant.expect, counts);
  return {
    ...base,
    counts,
    predicted: outcome?.predicted ?? {},
    ...verdict,
    note: outcome?.note ?? '',
    error,
    topics: request.keepTopics ? topics : [],
    durationMs: Math.round(history.elapsed()),
    history: [...history.all()],
  };
}

/**
 * Warm-up round, then MEASURE_ROUNDS rounds over the variants one at a time; each variant keeps its
 * highest throughput (the best round is the least disturbed one).
 */
const MEASURE_ROUNDS = 3;

async function measureAll(request: RunRequest, runId: string, results: VariantResult[]): Promise<void> {
  const runs: { index: number; pass?: () => Promise<MeasuredRates>; close: () => Promise<void>; topics: string[] }[] = [];
  try {
    for (const [index, variant] of request.variants.entries()) {
      if (results[index]!.error || results[index]!.skipped) continue;
      const { ctx, topics, close } = openContext(request, variant, `${runId}m`, new History());
      // Listed before preparing, so a failed preparation is still closed below.
      const run: (typeof runs)[number] = { index, close, topics };
      runs.push(run);
      run.pass = await request.scenario.prepareMeasure!(ctx, variant);
    }
    const best = new Map<number, MeasuredRates>();
    for (let round = 0; round <= MEASURE_ROUNDS; round++) {
      for (const run of runs) {
        const measured = await run.pass!();
        if (round === 0) continue; // warm-up: connections, metadata, the JIT of client and broker
        const kept = best.get(run.index);
        best.set(run.index, { throughput: Math.max(kept?.throughput ?? 0, measured.throughput) });
      }
    }
    for (const run of runs) {
      const result = results[run.index]!;
      const variant = request.variants[run.index]!;
      const counts = { ...result.counts, ...best.get(run.index) };
      results[run.index] = {
        ...result,
        counts,
        ...judgePromise(variant.expect, counts),
        topics: [...result.topics, ...(request.keepTopics ? run.topics : [])],
      };
    }
  } catch (e) {
    for (const run of runs) results[run.index]!.note += ` (measurement failed: ${errorMessage(e)})`;
  } finally {
    for (const run of runs) await run.close();
  }
}
