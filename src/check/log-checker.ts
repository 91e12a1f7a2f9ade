// Pure checker for what producers sent versus what a topic holds: duplicates, lost, out-of-order. No I/O.
import type { Counts, LabMessage, Op } from '../core/types.js';

type Send = Extract<Op, { type: 'send' }>;
type Observe = Extract<Op, { type: 'observe' }>;

export type LogCounts = Pick<
  Counts,
  | 'sent'
  | 'acked'
  | 'unknown'
  | 'failed'
  | 'observed'
  | 'duplicates'
  | 'lost'
  | 'outOfOrder'
  | 'globalOutOfOrder'
  | 'unknownInLog'
  | 'unknownMissing'
>;

/**
 * Counts anomalies in one topic's read-back (`where`), against what the producer sent.
 * Observations must be in read order: per partition by offset, which is how a reader sees them.
 */
export function checkLog(ops: readonly Op[], where = 'log'): LogCounts {
  const sends = ops.filter((op): op is Send => op.type === 'send');
  const observed = ops.filter((op): op is Observe => op.type === 'observe' && op.where === where);

  const copies = countCopies(observed);
  const outcomeById = new Map(sends.map((s) => [s.id, s.outcome]));
  const unknownIds = sends.filter((s) => s.outcome === 'unknown').map((s) => s.id);
  const unknownInLog = unknownIds.filter((id) => copies.has(id)).length;

  return {
    sent: sends.length,
    acked: sends.filter((s) => s.outcome === 'ok').length,
    unknown: unknownIds.length,
    failed: sends.filter((s) => s.outcome === 'failed').length,
    observed: observed.length,
    duplicates: observed.length - copies.size,
    lost: [...outcomeById].filter(([id, outcome]) => outcome === 'ok' && !copies.has(id)).length,
    outOfOrder: countOutOfOrder(observed, (m) => m.key, (m) => m.seq),
    globalOutOfOrder: countOutOfOrder(observed, () => '', (m) => m.globalSeq),
    unknownInLog,
    unknownMissing: unknownIds.length - unknownInLog,
  };
}

/** How many times each message id was observed. */
export function countCopies(observed: readonly Pick<LabMessage, 'id'>[]): Map<string, number> {
  const copies = new Map<string, number>();
  for (const o of observed) copies.set(o.id, (copies.get(o.id) ?? 0) + 1);
  return copies;
}

/**
 * Per group, observations whose sequence is lower than one already seen in that group.
 * Only first copies count: a duplicate is counted as a duplicate, not also as out of order.
 */
export function countOutOfOrder<T extends Pick<LabMessage, 'id'>>(
  observed: readonly T[],
  groupOf: (m: T) => string,
  seqOf: (m: T) => number,
): number {
  const highest = new Map<string, number>();
  const seen = new Set<string>();
  let outOfOrder = 0;
  for (const o of observed) {
    if (seen.has(o.id)) continue;
    seen.add(o.id);
    const group = groupOf(o);
    const top = highest.get(group);
    if (top !== undefined && seqOf(o) < top) outOfOrder++;
    else highest.set(group, seqOf(o));
  }
  return outOfOrder;
}
