// Shared fixed results for the report tests: a tiny scenario and one result row of each kind.
import type { Scenario } from '../../../src/core/scenario.js';
import type { ScenarioResult } from '../../../src/core/runner.js';
import type { VariantResult } from '../../../src/core/types.js';

export const scenario: Scenario = {
  name: 'demo',
  summary: 'A lost ack makes the producer retry.',
  explain: { story: '', kafkajs: [], java: [], kafkajsDiffers: '' },
  defaultMessages: 100,
  defaultFaults: 5,
  faults: ['drop-response'],
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'duplicates', label: 'duplicates', predicted: true },
    { key: 'lost', label: 'lost' },
  ],
  variants: [],
  run: () => Promise.reject(new Error('not run in unit tests')),
  check: () => ({}),
  predict: () => ({}),
  note: () => '',
};

const base = (variant: string, extra: Partial<VariantResult>): VariantResult => ({
  scenario: 'demo',
  variant,
  title: variant,
  why: `why ${variant}`,
  counts: {},
  predicted: {},
  expect: {},
  promise: 'none',
  brokenBy: [],
  note: '',
  topics: [],
  durationMs: 1000,
  history: [],
  ...extra,
});

export const results: VariantResult[] = [
  base('baseline', {
    counts: { sent: 100, duplicates: 25, lost: 0 },
    predicted: { duplicates: 25 },
    note: 'Each lost ack is retried.',
    topics: ['lab-demo-baseline'],
    history: [{ type: 'phase', at: 0, name: 'produce' }],
  }),
  base('idempotent', {
    counts: { sent: 100, duplicates: 0, lost: 0 },
    expect: { duplicates: 0 },
    promise: 'kept',
    note: 'The broker drops the retried batch.',
  }),
  base('concurrent', {
    counts: { sent: 100, duplicates: 3, lost: 1.25 },
    expect: { duplicates: 0, lost: 0 },
    promise: 'broken',
    brokenBy: ['duplicates', 'lost'],
    note: 'Sends overlap.',
    topics: ['lab-demo-concurrent'],
  }),
  base('redis', { skipped: 'no Redis at localhost:6379', expect: { duplicates: 0 } }),
  base('crashy', { error: 'broker went away', counts: { sent: 3 } }),
];

export const run: ScenarioResult = {
  scenario: 'demo',
  summary: 'A lost ack makes the producer retry.',
  seed: 42,
  messages: 100,
  faults: 5,
  results,
};

/** A scenario whose run-all summary maps its own counts (like dual-write: rows plus events, missing events). */
export const mappedScenario: Scenario = {
  ...scenario,
  name: 'mapped',
  summary: 'Rows and events disagree.',
  columns: [
    { key: 'duplicateEffects', label: 'dup rows' },
    { key: 'duplicates', label: 'dup events' },
    { key: 'missingEvents', label: 'missing events' },
  ],
  summaryCounts: (c) => ({ duplicates: (c.duplicateEffects ?? 0) + (c.duplicates ?? 0), lost: c.missingEvents }),
};

export const mappedRun: ScenarioResult = {
  scenario: 'mapped',
  summary: 'Rows and events disagree.',
  seed: 7,
  messages: 20,
  faults: 1,
  results: [
    base('naive', {
      scenario: 'mapped',
      counts: { duplicateEffects: 2, duplicates: 1, missingEvents: 1, lost: 99, outOfOrder: 4 },
      note: 'The crash falls between row and event.',
    }),
    base('outbox', {
      scenario: 'mapped',
      counts: { duplicateEffects: 0, duplicates: 0, missingEvents: 0 },
      expect: { missingEvents: 0 },
      promise: 'kept',
    }),
    base('outbox-redis', { scenario: 'mapped', skipped: 'no Redis', counts: { duplicates: 5 } }),
  ],
};
