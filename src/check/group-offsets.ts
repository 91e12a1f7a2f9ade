// Where a consumer group was left: the offsets the lab read from the broker after a scenario's workers stopped (group-offset ops).
import type { Op } from '../core/types.js';
import { plural } from '../report/plural.js';

/** Partitions the group has committed short of their end: a later member redoes the rest. */
export function behindEnd(ops: readonly Op[]): { partition: number; committed: bigint; end: bigint }[] {
  return ops.flatMap((o) =>
    o.type === 'group-offset' && BigInt(o.committed) < BigInt(o.end) ? [{ partition: o.partition, committed: BigInt(o.committed), end: BigInt(o.end) }] : [],
  );
}

/** One sentence per partition left behind its end, for a note ('' when the group reached every end). */
export function leftBehindNote(ops: readonly Op[]): string {
  return behindEnd(ops)
    .map((r) =>
      r.committed < 0n
        ? ` At the end the group has no committed offset for p${r.partition}: the next member to start there begins where its offset reset says (from the beginning, ${plural(Number(r.end), 'message')} again, with the lab's settings; not counted: the run ends first).`
        : ` At the end the group's committed offset for p${r.partition} is ${r.committed}, short of ${r.end}: the next member to start there redoes ${plural(Number(r.end - r.committed), 'message')} (not counted: the run ends first).`,
    )
    .join('');
}
