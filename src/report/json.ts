// The --json report: a stable, documented shape (schema "kafka-dup-lab/run/v1"), the same for one scenario or all.
import type { RunningBroker } from '../broker/provider.js';
import type { ScenarioResult } from '../core/runner.js';
import type { Op, VariantResult } from '../core/types.js';

export const RUN_SCHEMA = 'kafka-dup-lab/run/v1';

export interface JsonVariant extends Omit<VariantResult, 'history' | 'scenario'> {
  history?: Op[];
}

export interface JsonReport {
  schema: typeof RUN_SCHEMA;
  broker: { provider: string; kafkaVersion: string; description: string };
  scenarios: {
    name: string;
    summary: string;
    seed: number;
    messages: number;
    faults: number;
    variants: JsonVariant[];
  }[];
  keptTopics: string[];
}

export function toJsonReport(
  results: ScenarioResult[],
  broker: Pick<RunningBroker, 'provider' | 'kafkaVersion' | 'description'>,
  options: { history?: boolean } = {},
): JsonReport {
  return {
    schema: RUN_SCHEMA,
    broker: { provider: broker.provider, kafkaVersion: broker.kafkaVersion, description: broker.description },
    scenarios: results.map((run) => ({
      name: run.scenario,
      summary: run.summary,
      seed: run.seed,
      messages: run.messages,
      faults: run.faults,
      variants: run.results.map(({ history, scenario: _scenario, ...rest }) => (options.history ? { ...rest, history } : rest)),
    })),
    keptTopics: results.flatMap((run) => run.results.flatMap((r) => r.topics)),
  };
}
