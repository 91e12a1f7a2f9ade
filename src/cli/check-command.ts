// `kafka-dup-lab check <results.json>`: recomputes every count, prediction, verdict and note from a saved --out file, with no broker.
import { readFileSync } from 'node:fs';
import { evaluateVariant } from '../check/evaluate.js';
import { UsageError, errorMessage } from '../core/errors.js';
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import type { Op, VariantResult } from '../core/types.js';
import { RUN_SCHEMA, type JsonReport, type JsonVariant, type ReportHeader } from '../report/json.js';
import { findScenario } from '../../scenarios/index.js';
import { renderEnd, renderScenario, type OutputOptions } from './output.js';
import { EXIT } from './process.js';

export interface CheckOptions extends OutputOptions {
  strict?: boolean;
}

export async function checkCommand(file: string, options: CheckOptions): Promise<number> {
  if (options.json && options.markdown) throw new UsageError('--json and --markdown are two outputs: pick one');
  const { header, runs, changes } = recheckFile(file);
  for (const run of runs) process.stdout.write(renderScenario(findScenario(run.scenario)!, run, header, options));
  process.stdout.write(renderEnd(runs, header, options));
  // What was edited (or computed by another version of the lab) is news: say what changed, on stderr.
  for (const change of changes) process.stderr.write(`kafka-dup-lab: ${change}\n`);
  const broken = runs.some((run) => run.results.some((r) => r.promise === 'broken' || r.error));
  return options.strict && broken ? EXIT.promiseBroken : EXIT.ok;
}

/** A saved run, every variant evaluated again from its history; `changes` names what differs from the file. */
export function recheckFile(file: string): { header: ReportHeader; runs: ScenarioResult[]; changes: string[] } {
  const report = readReport(file);
  const header: ReportHeader = { broker: report.broker, services: report.services };
  const changes: string[] = [];
  const runs = report.scenarios.map((saved): ScenarioResult => {
    const scenario = findScenario(saved.name);
    if (!scenario) throw new UsageError(`${file} holds scenario "${saved.name}", which this version of the lab does not know`);
    const results = saved.variants.map((v) => recheck(scenario, v, file, changes));
    return { scenario: saved.name, summary: saved.summary, seed: saved.seed, messages: saved.messages, faults: saved.faults, results };
  });
  return { header, runs, changes };
}

function readReport(file: string): JsonReport {
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
  } catch (error) {
    throw new UsageError(`cannot read ${file} as a results file (${errorMessage(error)}); save one with "run ... --out ${file}"`);
  }
  if (report?.schema !== RUN_SCHEMA || !Array.isArray(report.scenarios)) {
    throw new UsageError(`${file} is not a kafka-dup-lab results file (schema ${RUN_SCHEMA}); save one with "run ... --out ${file}"`);
  }
  return report;
}

/** A saved variant evaluated again from its history; a row that did not run stays as it was. */
function recheck(scenario: Scenario, saved: JsonVariant, file: string, changes: string[]): VariantResult {
  const history = (saved.history ?? []) as Op[];
  const base: VariantResult = { ...saved, scenario: scenario.name, history };
  if (saved.skipped || saved.error) return base;
  const variant = scenario.variants.find((v) => v.name === saved.variant);
  if (!variant) throw new UsageError(`${file}: ${scenario.name} has no variant "${saved.variant}" in this version of the lab`);
  if (!saved.history) throw new UsageError(`${file} has no histories (a --json report?); "check" needs a file saved with --out`);
  let result: VariantResult;
  try {
    result = { ...base, ...evaluateVariant(scenario, variant, history, saved.client), error: undefined };
  } catch (error) {
    return { ...base, counts: {}, predicted: {}, promise: 'none', brokenBy: [], note: '', error: `could not evaluate its history: ${errorMessage(error)}` };
  }
  const differences = differ('counts', saved.counts, result.counts).concat(differ('predicted', saved.predicted, result.predicted));
  if (saved.promise !== result.promise) differences.push(`promise ${saved.promise} -> ${result.promise}`);
  if (differences.length) changes.push(`${scenario.name} ${saved.variant}: the history gives ${differences.join(', ')} (the file said otherwise)`);
  return result;
}

function differ(what: string, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((k) => before[k] !== after[k]).map((k) => `${what === 'counts' ? '' : 'predicted '}${k} ${before[k] ?? '-'} -> ${after[k] ?? '-'}`);
}
