// Formats one result's values for display (counts, predictions, promise verdicts), shared by the table and markdown reports.
import type { Column } from '../core/scenario.js';
import type { VariantResult } from '../core/types.js';

/** `all`: the scenario's results, for a column shown relative to its baseline. */
export function countCell(result: VariantResult, column: Column, all: readonly VariantResult[] = []): string {
  if (result.skipped || result.error) return '';
  const value = result.counts[column.key];
  if (value === undefined) return '—';
  const shown = formatNumber(value);
  const predicted = column.predicted ? result.predicted[column.key] : undefined;
  if (predicted !== undefined) return `${shown} (pred ${formatNumber(predicted)})`;
  const base = column.relativeToBaseline ? baselineValue(all, column) : undefined;
  return base === undefined || result.promise === 'none' ? shown : `${shown} (${(value / base).toFixed(2)}×)`;
}

/** The column's value in the run's baseline: the variant that promises nothing, measured like the others. */
function baselineValue(all: readonly VariantResult[], column: Column): number | undefined {
  const value = all.find((r) => r.promise === 'none' && !r.skipped && !r.error)?.counts[column.key];
  return value ? value : undefined;
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** "kept", "BROKEN (duplicates, lost)", "—", "skipped", "error". */
export function promiseCell(result: VariantResult): string {
  if (result.skipped) return 'skipped';
  if (result.error) return 'error';
  if (result.promise === 'none') return '—';
  if (result.promise === 'kept') return 'kept';
  return `BROKEN (${result.brokenBy.map(labelOf).join(', ')})`;
}

/** The line under a row: the note, or why the row is empty. */
export function noteLine(result: VariantResult): string {
  if (result.skipped) return `skipped: ${result.skipped}`;
  if (result.error) return `could not run: ${result.error}`;
  const promised = Object.entries(result.expect)
    .map(([k, v]) => `${labelOf(k)} = ${v}`)
    .join(', ');
  return promised ? [result.note, `Promise: ${promised}.`].filter(Boolean).join(' ') : result.note;
}

const LABELS: Record<string, string> = {
  outOfOrder: 'out-of-order',
  globalOutOfOrder: 'global out-of-order',
  duplicateEffects: 'duplicate effects',
  neverApplied: 'never applied',
  observed: 'in log',
  missingEvents: 'missing events',
};

export function labelOf(key: string): string {
  return LABELS[key] ?? key;
}
