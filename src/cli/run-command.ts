// `kafka-dup-lab run <scenario>`: start (or reach) a broker, run the variants, print the table or JSON.
import { writeFileSync } from 'node:fs';
import { startBroker } from '../broker/select.js';
import type { ProviderChoice } from '../broker/provider.js';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { runCleanups } from '../core/cleanup.js';
import { UsageError } from '../core/errors.js';
import { createProgress } from '../core/progress.js';
import { runScenario, type ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import { toJsonReport } from '../report/json.js';
import { renderTable } from '../report/table.js';
import { findScenario, scenarios } from '../../scenarios/index.js';
import { pickVariants } from './parse.js';
import { prepareResources, redact, type PreparedResources } from '../resources/prepare.js';
import { EXIT } from './process.js';

export interface RunOptions {
  variant?: string[];
  messages?: number;
  faults?: number;
  seed: number;
  broker: ProviderChoice;
  bootstrap?: string;
  kafkaVersion: string;
  json?: boolean;
  keepTopics?: boolean;
  out?: string;
  strict?: boolean;
  redisUrl?: string;
  pgUrl?: string;
}

export async function runCommand(name: string, options: RunOptions): Promise<number> {
  const scenario = findScenario(name);
  if (!scenario) {
    throw new UsageError(`unknown scenario "${name}"; run "kafka-dup-lab list" to see them (${scenarios.map((s) => s.name).join(', ')})`);
  }
  const variants = pickVariants(scenario, options.variant);
  const messages = options.messages ?? scenario.defaultMessages;
  const faults = options.faults ?? scenario.defaultFaults;
  const progress = createProgress({ quiet: false });

  const broker = await startBroker({
    choice: options.broker,
    bootstrap: options.bootstrap,
    kafkaVersion: options.kafkaVersion ?? DEFAULT_KAFKA_VERSION,
    progress,
  });
  let result: ScenarioResult;
  let prepared: PreparedResources | undefined;
  try {
    const needs = new Set(variants.flatMap((v) => v.needs ?? []));
    prepared = await prepareResources(needs, { redisUrl: options.redisUrl, pgUrl: options.pgUrl }, progress);
    result = await runScenario({
      scenario,
      variants,
      bootstrap: broker.bootstrap,
      seed: options.seed,
      messages,
      faults,
      keepTopics: options.keepTopics ?? false,
      progress,
      resources: prepared.resources,
    });
  } finally {
    await prepared?.stop();
    await broker.stop();
    await runCleanups();
  }

  const report = toJsonReport([result], broker);
  if (options.out) writeFileSync(options.out, `${JSON.stringify(toJsonReport([result], broker, { history: true }), null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(
      renderTable(scenario as Scenario, result, {
        broker: broker.description,
        colorLevel: colorLevel(),
        width: process.stdout.columns,
        extras: resourceLines(options),
      }),
    );
  }
  const broken = result.results.some((r) => r.promise === 'broken' || r.error);
  return options.strict && broken ? EXIT.promiseBroken : EXIT.ok;
}

/** Header lines that say where the services of this run live, when they are not the defaults. */
function resourceLines(options: RunOptions): string[] {
  const lines: string[] = [];
  if (options.pgUrl) lines.push(`business database: PostgreSQL at ${redact(options.pgUrl)}`);
  if (options.redisUrl) lines.push(`redis: ${redact(options.redisUrl)}`);
  return lines;
}

/** Colors only on a terminal, and never with NO_COLOR (https://no-color.org). */
export function colorLevel(): 0 | 1 | 2 | 3 {
  if (process.env.NO_COLOR || !process.stdout.isTTY) return 0;
  const depth = process.stdout.getColorDepth?.() ?? 1;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
}
