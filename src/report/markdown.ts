// Renders results as Markdown, for slides and notes: one table per scenario, the notes as a list, and the run-all summary. Pure.
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import { countCell, noteLine, promiseCell } from './cells.js';
import { SUMMARY_LEGEND, type SummaryRow } from './summary.js';

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(scenario: Scenario, run: ScenarioResult, broker: string): string {
  const head = ['variant', ...scenario.columns.map((c) => c.label), 'promise'];
  const rows = run.results.map((r) => [`**${r.variant}**`, ...scenario.columns.map((c) => countCell(r, c, run.results)), promiseCell(r)]);
  const notes = run.results.map((r) => `- **${r.variant}**: ${escape(noteLine(r))}`);
  return [
    `### ${run.scenario}: ${run.summary}`,
    '',
    `_broker: ${broker} · seed ${run.seed} · ${run.messages} messages · ${run.faults} fault${run.faults === 1 ? '' : 's'}${run.client ? ` · client: ${run.client.library}` : ''}_`,
    '',
    table(head, rows),
    '',
    ...notes,
    '',
  ].join('\n');
}

export function renderMarkdownSummary(rows: SummaryRow[]): string {
  return ['### Summary', '', table(['scenario', 'variant', 'duplicates', 'lost', 'out-of-order', 'promise'], rows.map((r) => [r.scenario, r.variant, r.duplicates, r.lost, r.outOfOrder, r.promise])), '', `_${SUMMARY_LEGEND}_`, ''].join('\n');
}
