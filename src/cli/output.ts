// What `run` and `check` print: each scenario's table (or Markdown, or JSON), the timeline, the summary of several.
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import { toJsonReport, type ReportHeader } from '../report/json.js';
import { renderMarkdown, renderMarkdownSummary } from '../report/markdown.js';
import { renderSummaryTable, summaryRows } from '../report/summary.js';
import { clientMatrix, renderClientMatrix, renderMarkdownClientMatrix } from '../report/client-matrix.js';
import { renderTable } from '../report/table.js';
import { renderTimeline } from '../report/timeline.js';
import { scenarios } from '../../scenarios/index.js';
import { colorLevel } from './tty.js';

export interface OutputOptions {
  json?: boolean;
  markdown?: boolean;
  timeline?: boolean;
}

/** One scenario's table, Markdown or nothing (JSON comes at the end, in one piece). */
export function renderScenario(scenario: Scenario, run: ScenarioResult, header: ReportHeader, options: OutputOptions): string {
  if (options.json) return '';
  const body = options.markdown
    ? renderMarkdown(scenario, run, header.broker.description)
    : renderTable(scenario, run, { broker: header.broker.description, colorLevel: colorLevel(), width: process.stdout.columns, extras: header.services });
  if (!options.timeline) return `${body}\n`;
  const timeline = renderTimeline(run.results);
  return options.markdown ? `${body}\n\`\`\`\n${timeline}\n\`\`\`\n\n` : `${body}\n${timeline}\n\n`;
}

/** After the last scenario: the JSON report, or the summary when there were several scenarios. */
export function renderEnd(runs: ScenarioResult[], header: ReportHeader, options: OutputOptions): string {
  if (options.json) return `${JSON.stringify(toJsonReport(runs, header, { timeline: options.timeline }), null, 2)}\n`;
  if (runs.length < 2) return '';
  const rows = summaryRows(runs, scenarios);
  const summary = options.markdown ? renderMarkdownSummary(rows) : renderSummaryTable(rows, colorLevel());
  // Several clients: the same rows side by side, a column per client.
  const matrix = clientMatrix(runs, scenarios);
  if (!matrix) return summary;
  return `${summary}\n${options.markdown ? renderMarkdownClientMatrix(matrix) : renderClientMatrix(matrix, colorLevel())}`;
}
