// The append-only record of one variant's run: operations and fault events, in the order they happened.
import type { Op } from './types.js';

type WithoutTime<T> = T extends unknown ? Omit<T, 'at'> : never;
export type OpInput = WithoutTime<Op>;

export class History {
  private readonly ops: Op[] = [];
  private readonly startedAt = performance.now();

  /** Appends an operation, stamped with milliseconds since the history started. */
  add(op: OpInput): void {
    this.ops.push({ ...op, at: Math.round(performance.now() - this.startedAt) } as Op);
  }

  /** Milliseconds since the history started. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  all(): readonly Op[] {
    return this.ops;
  }

  ofType<T extends Op['type']>(type: T): Extract<Op, { type: T }>[] {
    return this.ops.filter((op): op is Extract<Op, { type: T }> => op.type === type);
  }
}
