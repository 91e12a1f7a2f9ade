// Unit tests for the table cells: counts, predictions, promise verdicts and the note line.
import { describe, it, expect } from 'vitest';
import { countCell, formatNumber, labelOf, noteLine, promiseCell } from '../../../src/report/cells.js';
import type { Column } from '../../../src/core/scenario.js';
import { results } from './fixtures.js';

const [baseline, idempotent, concurrent, redis, crashy] = results as [
  (typeof results)[0],
  (typeof results)[0],
  (typeof results)[0],
  (typeof results)[0],
  (typeof results)[0],
];
const duplicates: Column = { key: 'duplicates', label: 'duplicates', predicted: true };
const lost: Column = { key: 'lost', label: 'lost' };

describe('countCell', () => {
  it('shows a relative column as a share of the baseline\'s value, and the baseline and unmeasured rows plain', () => {
    const msgs: Column = { key: 'throughput', label: 'msg/s', relativeToBaseline: true };
    const all = [
      { ...baseline, counts: { throughput: 2000 } },
      { ...idempotent, counts: { throughput: 1260 } },
      { ...concurrent, counts: { throughput: 2500 } },
      { ...idempotent, variant: 'unmeasured', counts: {} },
    ];
    expect(all.map((r) => countCell(r, msgs, all))).toEqual(['2000', '1260 (0.63×)', '2500 (1.25×)', '—']);
    // Without the other results, or without a measured baseline, the value alone.
    expect(countCell(all[1]!, msgs)).toBe('1260');
    expect(countCell(all[1]!, msgs, [{ ...baseline, counts: {} }, all[1]!])).toBe('1260');
  });

  it('shows the prediction beside the count for a predicted column', () => {
    expect(countCell(baseline, duplicates)).toBe('25 (pred 25)');
  });

  it('shows the bare count when the variant predicts nothing for that column', () => {
    expect(countCell(idempotent, duplicates)).toBe('0');
  });

  it('ignores a prediction when the column does not show predictions', () => {
    expect(countCell(baseline, { key: 'duplicates', label: 'duplicates' })).toBe('25');
  });

  it('shows a dash for a count that was not measured', () => {
    expect(countCell(baseline, { key: 'outOfOrder', label: 'out-of-order' })).toBe('—');
  });

  it('shows one decimal for a fractional count', () => {
    expect(countCell(concurrent, lost)).toBe('1.3');
  });

  it('is empty for skipped and failed rows', () => {
    expect(countCell(redis, duplicates)).toBe('');
    expect(countCell(crashy, { key: 'sent', label: 'sent' })).toBe('');
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [25, '25'],
    [-3, '-3'],
    [1234.56, '1234.6'],
    [0.04, '0.0'],
  ])('formats %d as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('promiseCell', () => {
  it('reads "—", "kept", "BROKEN (...)", "skipped" and "error"', () => {
    expect(results.map(promiseCell)).toEqual(['—', 'kept', 'BROKEN (duplicates, lost)', 'skipped', 'error']);
  });

  it('uses the display labels of the broken counts', () => {
    expect(promiseCell({ ...concurrent, brokenBy: ['outOfOrder', 'neverApplied', 'observed'] })).toBe(
      'BROKEN (out-of-order, never applied, in log)',
    );
  });

  it('reads "skipped" before "error" when a row has both', () => {
    expect(promiseCell({ ...crashy, skipped: 'no Postgres' })).toBe('skipped');
  });
});

describe('noteLine', () => {
  it('is the note when nothing is promised', () => {
    expect(noteLine(baseline)).toBe('Each lost ack is retried.');
  });

  it('adds the promise after the note', () => {
    expect(noteLine(concurrent)).toBe('Sends overlap. Promise: duplicates = 0, lost = 0.');
  });

  it('has no leading space when the note is empty', () => {
    expect(noteLine({ ...concurrent, note: '' })).toBe('Promise: duplicates = 0, lost = 0.');
  });

  it('uses display labels in the promise', () => {
    expect(noteLine({ ...idempotent, expect: { outOfOrder: 0 } })).toBe('The broker drops the retried batch. Promise: out-of-order = 0.');
  });

  it('explains a skipped or failed row', () => {
    expect(noteLine(redis)).toBe('skipped: no Redis at localhost:6379');
    expect(noteLine(crashy)).toBe('could not run: broker went away');
  });
});

describe('labelOf', () => {
  it.each([
    ['outOfOrder', 'out-of-order'],
    ['globalOutOfOrder', 'global out-of-order'],
    ['duplicateEffects', 'duplicate effects'],
    ['neverApplied', 'never applied'],
    ['observed', 'in log'],
    ['duplicates', 'duplicates'],
    ['lost', 'lost'],
  ])('labels %s as %s', (key, label) => {
    expect(labelOf(key)).toBe(label);
  });
});
