// Pure checker for what producers sent versus what a topic holds: duplicates, lost, out-of-order. No I/O.
import type { Counts, LabMessage, Op } from '../core/types.js';


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
 *
 * Two passes and one map (copies per id), which serves duplicates, "first copy" for order, and the
 * sends' lookups: a million-record history is checked in well under a second, in tens of MB.
 */
export function checkLog(ops: readonly Op[], where = 'log'): LogCounts {
  const copies = new Map<string, number>();
  const highestSeqOfKey = new Map<string, number>();
  let highestGlobal = -Infinity;
  let observed = 0;
  let outOfOrder = 0;
  let globalOutOfOrder = 0;
  for (const op of ops) {
    if (op.type !== 'observe' || op.where !== where) continue;
    observed++;
    const seen = copies.get(op.id);
    if (seen !== undefined) {
      // A duplicate is counted as a duplicate, not also as out of order.
      copies.set(op.id, seen + 1);
      continue;
    }
    copies.set(op.id, 1);
    const top = highestSeqOfKey.get(op.key);
    if (top !== undefined && op.seq < top) outOfOrder++;
    else highestSeqOfKey.set(op.key, op.seq);
    if (op.globalSeq < highestGlobal) globalOutOfOrder++;
    else highestGlobal = op.globalSeq;
  }

  let sent = 0;
  let acked = 0;
  let unknown = 0;
  let failed = 0;
  let lost = 0;
  let unknownInLog = 0;
  for (const op of ops) {
    if (op.type !== 'send') continue;
    sent++;
    const inLog = copies.has(op.id);
    if (op.outcome === 'ok') {
      acked++;
      if (!inLog) lost++;
    } else if (op.outcome === 'unknown') {
      unknown++;
      if (inLog) unknownInLog++;
    } else failed++;
  }
  return {
    sent,
    acked,
    unknown,
    failed,
    observed,
    duplicates: observed - copies.size,
    lost,
    outOfOrder,
    globalOutOfOrder,
    unknownInLog,
    unknownMissing: unknown - unknownInLog,
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

/** In the summary and the client matrix, a failed send whose message never reached the log is lost to the service: counted there. */
export function producerSummaryCounts(c: Partial<Counts>): Pick<Partial<Counts>, 'duplicates' | 'lost' | 'outOfOrder'> {
  return { duplicates: c.duplicates, lost: (c.lost ?? 0) + (c.unknownMissing ?? 0), outOfOrder: c.outOfOrder };
}
