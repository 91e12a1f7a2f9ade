// The --json report: a stable, documented shape (schema "kafka-dup-lab/run/v1"), the same for one scenario or all.
import type { RunningBroker } from '../broker/provider.js';
import type { ScenarioResult } from '../core/runner.js';
import type { Op, VariantResult } from '../core/types.js';
import { timelineLines } from './timeline.js';

export const RUN_SCHEMA = 'kafka-dup-lab/run/v1';

export interface JsonVariant extends Omit<VariantResult, 'history' | 'scenario'> {
  /** With --out: every operation of the variant's history. */
  history?: Op[];
  /** With --json --timeline: the timeline lines. */
  timeline?: string[];
}

/** What a report says about where it ran: the broker, and services that are not the defaults. */
export interface ReportHeader {
  broker: Pick<RunningBroker, 'provider' | 'kafkaVersion' | 'description'>;
  /** Lines such as "business database: PostgreSQL at postgres://lab@host/lab" (passwords redacted). */
  services?: string[];
}

export interface JsonReport {
  schema: typeof RUN_SCHEMA;
  broker: ReportHeader['broker'];
  services?: string[];
  scenarios: {
    name: string;
    summary: string;
    seed: number;
    messages: number;
    faults: number;
    /** The Kafka client every variant of this entry ran with, when the run named one (--client). */
    client?: { name: string; library: string };
    variants: JsonVariant[];
  }[];
  keptTopics: string[];
}

export function toJsonReport(results: ScenarioResult[], header: ReportHeader, options: { history?: boolean; timeline?: boolean } = {}): JsonReport {
  const { broker, services } = header;
  return {
    schema: RUN_SCHEMA,
    broker: { provider: broker.provider, kafkaVersion: broker.kafkaVersion, description: broker.description },
    ...(services?.length ? { services } : {}),
    scenarios: results.map((run) => ({
      name: run.scenario,
      summary: run.summary,
      seed: run.seed,
      messages: run.messages,
      faults: run.faults,
      ...(run.client ? { client: run.client } : {}),
      variants: run.results.map((result) => {
        const { history, scenario: _scenario, ...rest } = result;
        return {
          ...rest,
          ...(options.history ? { history } : {}),
          ...(options.timeline ? { timeline: timelineLines(result) } : {}),
        };
      }),
    })),
    keptTopics: results.flatMap((run) => run.results.flatMap((r) => r.topics)),
  };
}
