// Pure: one variant's history -> its counts, prediction, verdict and note. The same for a live run and a saved one (`check`).
import { timingDependence, type Scenario, type Variant } from '../core/scenario.js';
import type { Counts, Evaluation, Op } from '../core/types.js';
import { judgePromise } from './promise.js';

export function evaluateVariant(scenario: Scenario, variant: Variant, history: readonly Op[], client = 'kafkajs'): Evaluation {
  const counts = { ...scenario.check(history), ...measurements(history) };
  const predicted = scenario.predict(history, variant);
  const note = [scenario.note(variant, counts, history, client), timingRemark(variant, client)].filter(Boolean).join(' ');
  return { counts, predicted, ...judgePromise(variant.expect, counts), note };
}

/** The runner's fault-free measurements (msg/s), recorded in the history after the faults. */
function measurements(history: readonly Op[]): Partial<Counts> {
  const counts: Partial<Counts> = {};
  for (const op of history) if (op.type === 'measure') counts[op.name] = op.value;
  return counts;
}

/** Where timing, not the seed, decides a count, the row says so, with the relation that always holds. */
function timingRemark(variant: Variant, client: string): string {
  const varies = timingDependence(variant, client);
  if (!varies) return '';
  return `(Timing, not the seed, decides ${varies.counts.join(' and ')}; what always holds: ${varies.relation}.)`;
}
