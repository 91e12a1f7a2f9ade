// Renders a scenario's results as a terminal table (cli-table3), colored with chalk when the terminal allows it.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Scenario } from '../core/scenario.js';
import type { ScenarioResult } from '../core/runner.js';
import type { VariantResult } from '../core/types.js';
import { countCell, noteLine, promiseCell } from './cells.js';

export interface RenderContext {
  broker: string;
  /** Chalk color level: 0 for plain text (NO_COLOR, pipes, tests). */
  colorLevel: 0 | 1 | 2 | 3;
  /** Total width available for the notes under each row. */
  width?: number;
  /** More header lines: where the business database and Redis are. */
  extras?: string[];
}

export function renderTable(scenario: Scenario, run: ScenarioResult, context: RenderContext): string {
  const chalk = new Chalk({ level: context.colorLevel });
  const head = ['variant', ...scenario.columns.map((c) => c.label), 'promise'];
  const rows = run.results.map((r) => [r.variant, ...scenario.columns.map((c) => countCell(r, c, run.results)), promiseCell(r)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)) + 2);
  const total = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const noteWidth = Math.max(total, Math.min(context.width ?? 100, 120));
  // Stretch the last column so wrapped notes may use the full width.
  widths[widths.length - 1]! += noteWidth - total;

  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    colWidths: widths,
    wordWrap: true,
    style: { head: [], border: [], compact: false },
  });
  run.results.forEach((result, i) => {
    const cells = rows[i]!;
    table.push([chalk.bold(cells[0]!), ...cells.slice(1, -1), colorPromise(chalk, result, cells.at(-1)!)]);
    table.push([{ colSpan: head.length, content: chalk.dim(noteLine(result)) }]);
  });

  const header = [
    `${chalk.bold(run.scenario)} — ${run.summary}`,
    chalk.dim(`broker: ${context.broker} · seed ${run.seed} · ${run.messages} messages · ${run.faults} fault${run.faults === 1 ? '' : 's'}${run.client ? ` · client: ${run.client.library}` : ''}`),
    ...(context.extras ?? []).map((line) => chalk.dim(line)),
  ];
  return `${header.join('\n')}\n${table.toString()}\n${keptTopicsLine(run.results)}`;
}

function colorPromise(chalk: ChalkInstance, result: VariantResult, text: string): string {
  if (result.promise === 'kept') return chalk.green(text);
  if (result.promise === 'broken' || result.error) return chalk.red.bold(text);
  if (result.skipped) return chalk.yellow(text);
  return text;
}

function keptTopicsLine(results: VariantResult[]): string {
  const topics = results.flatMap((r) => r.topics);
  return topics.length ? `kept topics: ${topics.join(', ')}\n` : '';
}
