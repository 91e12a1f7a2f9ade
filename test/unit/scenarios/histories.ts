// Hand-built histories for the scenarios' pure check, predict and note: sends, reads, faults, snapshots, effects.
import type { Op, WorkSnapshot } from '../../../src/core/types.js';

let clock = 0;
const at = () => clock++;

/** `count` lab messages over `keys` keys, round robin, each sent with `outcome`. */
export function sends(count: number, keys = 8, outcome: 'ok' | 'unknown' | 'failed' = 'ok', from = 0): Op[] {
  return Array.from({ length: count }, (_, i) => {
    const g = from + i;
    return { type: 'send', at: at(), id: `m${g}`, key: `k${g % keys}`, seq: Math.floor(g / keys), globalSeq: g, outcome };
  });
}

/** Reads of the messages with these global positions, in this order, at `where`. */
export function observes(globals: number[], keys = 8, where = 'log'): Op[] {
  return globals.map((g, offset) => ({
    type: 'observe',
    at: at(),
    where,
    partition: 0,
    offset: String(offset),
    id: `m${g}`,
    key: `k${g % keys}`,
    seq: Math.floor(g / keys),
    globalSeq: g,
  }));
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

export function fault(action: 'drop-response' | 'drop-request', affected = 1): Op {
  return { type: 'fault', at: at(), action, detail: `Produce #${clock}: ${action}`, affected };
}

export function snapshot(worker: string, moment: 'crash' | 'hold' | 'stall' | 'rebalance' | 'end', s: Partial<WorkSnapshot>): Op {
  return { type: 'snapshot', at: at(), worker, moment, applied: 0, appliedNotCommitted: 0, committedNotApplied: 0, remainingInBatch: 0, ...s };
}

/** Business rows read back: copies per message id (0 = never applied). */
export function effects(copies: Record<string, number>, expected: number, actual: number): Op[] {
  return [
    ...Object.entries(copies).map(([id, n]): Op => ({ type: 'effect', at: at(), id, copies: n, workers: Array.from({ length: n }, (_, i) => `w${i + 1}`) })),
    { type: 'balance', at: at(), expected, actual },
  ];
}

/** Copies per message for `count` messages: 1 each, `twice` of them 2, `never` of them 0. */
export function copiesOf(count: number, twice: number[] = [], never: number[] = []): Record<string, number> {
  return Object.fromEntries(range(0, count).map((i) => [`m${i}`, never.includes(i) ? 0 : twice.includes(i) ? 2 : 1]));
}
