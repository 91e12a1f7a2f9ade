// What a worker knows about its own progress, to say at a stop point what a restart would redo or skip. Pure. (java/workers/WorkerLedger.java mirrors it for the Java client: change both.)
import type { CrashPoint } from './worker-protocol.js';

/** One consumed message's place: its partition and offset. */
export interface Place {
  partition: number;
  offset: string;
}

export class Ledger {
  private readonly applied = new Map<number, Set<bigint>>();
  private readonly handled = new Map<number, Set<bigint>>();
  private readonly received = new Map<number, Set<bigint>>();
  readonly committed = new Map<number, bigint>();
  appliedCount = 0;
  skippedCount = 0;
  /** Applies of an offset this worker had applied before (it was handed its partition again). */
  private reappliedCount = 0;

  get handledCount(): number {
    return this.appliedCount + this.skippedCount;
  }

  receive(m: Place): void {
    set(this.received, m.partition).add(BigInt(m.offset));
  }

  /** The message's side effect happened (a database write, an output record). */
  apply(m: Place): void {
    const offsets = set(this.applied, m.partition);
    if (offsets.has(BigInt(m.offset))) this.reappliedCount++;
    offsets.add(BigInt(m.offset));
    set(this.handled, m.partition).add(BigInt(m.offset));
    this.appliedCount++;
  }

  /** The message was handled without a side effect (a dedup hit). */
  skip(m: Place): void {
    set(this.handled, m.partition).add(BigInt(m.offset));
    this.skippedCount++;
  }

  /** The group now has `offset` as the next offset to read for `partition`. */
  commit(partition: number, offset: string): void {
    this.committed.set(partition, BigInt(offset));
  }

  /** `messagesSeen`: messages of every batch started so far, handled or not. */
  crashPoint(messagesSeen: number): CrashPoint {
    let appliedNotCommitted = 0;
    let committedNotApplied = 0;
    for (const [p, offsets] of this.applied) {
      const committed = this.committed.get(p) ?? -1n;
      for (const offset of offsets) if (offset >= committed) appliedNotCommitted++;
    }
    for (const [p, offsets] of this.received) {
      const committed = this.committed.get(p) ?? -1n;
      const handled = this.handled.get(p) ?? new Set();
      for (const offset of offsets) if (offset < committed && !handled.has(offset)) committedNotApplied++;
      // A client that commits what it fetched before handing it over (@platformatic/kafka's autocommit) can
      // commit past everything the worker received: those offsets are skipped for good too.
      const lastReceived = offsets.size > 0 ? [...offsets].reduce((a, b) => (a > b ? a : b)) : undefined;
      if (lastReceived !== undefined && committed > lastReceived + 1n) committedNotApplied += Number(committed - lastReceived - 1n);
    }
    return {
      applied: this.appliedCount,
      appliedNotCommitted,
      committedNotApplied,
      remainingInBatch: Math.max(0, messagesSeen - this.handledCount),
      ...(this.reappliedCount > 0 ? { reapplied: this.reappliedCount } : {}),
    };
  }
}

function set<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
