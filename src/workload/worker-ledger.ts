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

  /** Every offset this worker applied, as ranges per partition ("p0:0-19,40-49 p2:20-49"): see appliedTwice. */
  appliedOffsets(): string {
    return [...this.applied]
      .sort(([a], [b]) => a - b)
      .map(([p, offsets]) => `p${p}:${ranges([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))}`)
      .join(' ');
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

/** "0-19,40-49" from sorted offsets. */
function ranges(sorted: bigint[]): string {
  const out: string[] = [];
  let start = sorted[0];
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]! + 1n) continue;
    out.push(start === sorted[i - 1] ? `${start}` : `${start}-${sorted[i - 1]}`);
    start = sorted[i];
  }
  return out.join(',');
}

/** The offsets per partition in an appliedOffsets() string. */
export function parseAppliedOffsets(text: string): Map<number, Set<bigint>> {
  const byPartition = new Map<number, Set<bigint>>();
  for (const part of text.split(' ').filter(Boolean)) {
    const match = /^p(\d+):(.*)$/.exec(part);
    if (!match) throw new Error(`not a partition's applied offsets: "${part}"`);
    const offsets = set(byPartition, Number(match[1]));
    for (const range of match[2]!.split(',').filter(Boolean)) {
      const [from, to = from] = range.split('-').map((n) => BigInt(n));
      for (let o = from!; o <= to!; o++) offsets.add(o);
    }
  }
  return byPartition;
}

/**
 * Messages applied more than once across `workers` (each one's appliedOffsets() and its own re-applies): a message
 * two workers applied counts once, one a worker applied twice itself counts in its `reapplied`. Per partition, the
 * offsets applied by both (sorted), for a note.
 */
export function appliedTwice(workers: { appliedOffsets: string; reapplied?: number }[]): { count: number; shared: Map<number, bigint[]> } {
  const seen = new Map<number, Set<bigint>>();
  const shared = new Map<number, bigint[]>();
  let count = 0;
  for (const w of workers) {
    count += w.reapplied ?? 0;
    for (const [p, offsets] of parseAppliedOffsets(w.appliedOffsets)) {
      const before = set(seen, p);
      for (const o of offsets) {
        if (before.has(o)) {
          count++;
          shared.set(p, [...(shared.get(p) ?? []), o]);
        }
        before.add(o);
      }
    }
  }
  for (const offsets of shared.values()) offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { count, shared };
}

/** "p0 20-39 and p2 22-41": the offsets applied twice, for a note. */
export function describeShared(shared: Map<number, bigint[]>): string {
  return [...shared].sort(([a], [b]) => a - b).map(([p, offsets]) => `p${p} ${ranges(offsets).replaceAll(',', ', ')}`).join(' and ');
}

function set<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
