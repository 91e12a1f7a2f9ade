// Pure lookups of the workers' own records in a history: their snapshots at stop points and rebalances.
import type { Op, SnapshotMoment, WorkSnapshot } from '../core/types.js';

type Snapshot = Extract<Op, { type: 'snapshot' }>;

/** The first snapshot `worker` reported at `moment`; a history without one cannot be checked. */
export function snapshotOf(history: readonly Op[], worker: string, moment: SnapshotMoment): WorkSnapshot {
  const found = findSnapshot(history, worker, moment);
  if (!found) throw new Error(`the history has no ${moment} snapshot of ${worker}`);
  return found;
}

export function findSnapshot(history: readonly Op[], worker: string, moment: SnapshotMoment): Snapshot | undefined {
  return history.find((o): o is Snapshot => o.type === 'snapshot' && o.worker === worker && o.moment === moment);
}
