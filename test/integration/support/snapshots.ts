// A worker's own record at a moment of its run (its report, not the read-back), picked out of a variant's history.
import type { Op, VariantResult } from '../../../src/core/types.js';

export function workerSnapshot(r: VariantResult, worker: string, moment: string): Extract<Op, { type: 'snapshot' }> {
  const found = r.history.find((o): o is Extract<Op, { type: 'snapshot' }> => o.type === 'snapshot' && o.worker === worker && o.moment === moment);
  if (!found) throw new Error(`${r.variant}: no ${moment} snapshot of ${worker}`);
  return found;
}
