// Runs a scenario on a test broker through the lab's runner, and picks rows out of the results.
import { expect } from 'vitest';
import type { RunningBroker } from '../../../src/broker/provider.js';
import { silentProgress } from '../../../src/core/progress.js';
import type { Resources } from '../../../src/core/resources.js';
import { runScenario, type ScenarioResult } from '../../../src/core/runner.js';
import type { Scenario } from '../../../src/core/scenario.js';
import { labCapabilities } from '../../../src/lab/capabilities.js';
import type { VariantResult } from '../../../src/core/types.js';
import { PRODUCER_CLIENTS, type ClientName } from '../../../src/clients/index.js';

export interface TestRun {
  /** Variant names; all of the scenario's when left out. */
  variants?: string[];
  messages: number;
  faults: number;
  seed?: number;
  keepTopics?: boolean;
  resources?: Omit<Resources, 'workDir'>;
  /** The client the workload runs with (--client); left out, kafkajs unnamed. */
  client?: ClientName;
  /** false skips the fault-free msg/s passes (--no-throughput). */
  measure?: boolean;
}

export async function runOn(broker: RunningBroker, scenario: Scenario, run: TestRun): Promise<ScenarioResult> {
  const client = run.client ? PRODUCER_CLIENTS[run.client] : undefined;
  const unavailable = await client?.unavailable();
  return runScenario({
    ...(client ? { client: { name: client.name, library: await client.library(), ...(unavailable ? { unavailable } : {}) } } : {}),
    scenario,
    variants: run.variants ? scenario.variants.filter((v) => run.variants!.includes(v.name)) : scenario.variants,
    bootstrap: broker.bootstrap,
    seed: run.seed ?? 42,
    messages: run.messages,
    faults: run.faults,
    keepTopics: run.keepTopics ?? false,
    progress: silentProgress,
    resources: run.resources ?? {},
    lab: labCapabilities,
    ...(run.measure === false ? { measure: false } : {}),
  });
}

/** The row of one variant, which must have run to the end. */
export function rowOf(result: ScenarioResult, name: string): VariantResult {
  const found = result.results.find((r) => r.variant === name);
  if (!found) throw new Error(`no row ${name}`);
  expect(found.error, name).toBeUndefined();
  return found;
}
