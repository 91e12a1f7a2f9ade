// Unit tests for the Markdown report: the exact text of a fixed run, escaping inside tables, the summary legend.
import { describe, it, expect } from 'vitest';
import { renderMarkdown, renderMarkdownSummary } from '../../../src/report/markdown.js';
import { SUMMARY_LEGEND, summaryRows } from '../../../src/report/summary.js';
import { mappedRun, mappedScenario, results, run, scenario } from './fixtures.js';

describe('renderMarkdown', () => {
  it('renders a fixed run as a heading, a table and the notes', () => {
    expect(renderMarkdown(scenario, run, 'local Apache Kafka 4.1.1')).toBe(
      [
        '### demo: A lost ack makes the producer retry.',
        '',
        '_broker: local Apache Kafka 4.1.1 · seed 42 · 100 messages · 5 faults_',
        '',
        '| variant | sent | duplicates | lost | promise |',
        '|---|---|---|---|---|',
        '| **baseline** | 100 | 25 (pred 25) | 0 | — |',
        '| **idempotent** | 100 | 0 | 0 | kept |',
        '| **concurrent** | 100 | 3 | 1.3 | BROKEN (duplicates, lost) |',
        '| **redis** |  |  |  | skipped |',
        '| **crashy** |  |  |  | error |',
        '',
        '- **baseline**: Each lost ack is retried.',
        '- **idempotent**: The broker drops the retried batch. Promise: duplicates = 0.',
        '- **concurrent**: Sends overlap. Promise: duplicates = 0, lost = 0.',
        '- **redis**: skipped: no Redis at localhost:6379',
        '- **crashy**: could not run: broker went away',
        '',
      ].join('\n'),
    );
  });

  it('escapes pipes and folds newlines in notes and table cells', () => {
    const piped = {
      ...run,
      results: [
        { ...results[0]!, variant: 'a|b', note: 'left | right\nnext line' },
        { ...results[3]!, skipped: 'no broker | no Redis' },
      ],
    };
    const text = renderMarkdown(scenario, piped, 'x');
    expect(text).toContain('| **a\\|b** | 100 | 25 (pred 25) | 0 | — |');
    expect(text).toContain('- **a|b**: left \\| right next line');
    expect(text).toContain('- **redis**: skipped: no broker \\| no Redis');
    // Every table line still has exactly the table's column separators.
    const tableLines = text.split('\n').filter((l) => l.startsWith('|'));
    for (const line of tableLines) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  it('has a header row and a separator for every column, and one row per variant', () => {
    const text = renderMarkdown(mappedScenario, mappedRun, 'x');
    expect(text).toContain('| variant | dup rows | dup events | missing events | promise |\n|---|---|---|---|---|\n');
    expect(text.split('\n').filter((l) => l.startsWith('| **'))).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says "1 fault", not "1 faults"', () => {
    expect(renderMarkdown(mappedScenario, mappedRun, 'x')).toContain('\n_broker: x · seed 7 · 20 messages · 1 fault_\n');
  });
});

describe('renderMarkdownSummary', () => {
  it('renders the summary rows as a table, followed by the legend', () => {
    const rows = summaryRows([run, mappedRun], [scenario, mappedScenario]);
    expect(renderMarkdownSummary(rows)).toBe(
      [
        '### Summary',
        '',
        '| scenario | variant | duplicates | lost | out-of-order | promise |',
        '|---|---|---|---|---|---|',
        '| demo | baseline | 25 | 0 | — | — |',
        '| demo | idempotent | 0 | 0 | — | kept |',
        '| demo | concurrent | 3 | 1.3 | — | BROKEN (duplicates, lost) |',
        '| demo | redis |  |  |  | skipped |',
        '| demo | crashy |  |  |  | error |',
        '| mapped | naive | 3 | 1 | — | — |',
        '| mapped | outbox | 0 | 0 | — | kept |',
        '| mapped | outbox-redis |  |  |  | skipped |',
        '',
        `_${SUMMARY_LEGEND}_`,
        '',
      ].join('\n'),
    );
  });

  it('includes the legend even with no rows', () => {
    expect(renderMarkdownSummary([])).toBe(
      ['### Summary', '', '| scenario | variant | duplicates | lost | out-of-order | promise |', '|---|---|---|---|---|---|', '', `_${SUMMARY_LEGEND}_`, ''].join('\n'),
    );
    expect(SUMMARY_LEGEND).toContain('out-of-order is per key');
  });

  it('escapes pipes in summary cells', () => {
    const [row] = summaryRows([run], [scenario]);
    expect(renderMarkdownSummary([{ ...row!, variant: 'x|y' }])).toContain('| demo | x\\|y | 25 | 0 | — | — |');
  });
});
