// Pure checker for a database and a topic written side by side: do the rows and the events agree? No I/O.
import type { Counts, Op } from '../core/types.js';
import { checkEffects } from './effects-checker.js';
import { checkLog } from './log-checker.js';

export type DualWriteCounts = Pick<
  Counts,
  'messages' | 'effects' | 'duplicateEffects' | 'observed' | 'duplicates' | 'missingEvents' | 'disagreements' | 'lost'
>;

/**
 * `effect` ops are the business rows per message id (read from the database), `observe` ops at `where`
 * the events (read from the topic). A message disagrees when its row count and event count differ.
 */
export function checkDualWrite(ops: readonly Op[], where = 'events'): DualWriteCounts {
  const rows = new Map<string, number>();
  for (const op of ops) if (op.type === 'effect') rows.set(op.id, (rows.get(op.id) ?? 0) + op.copies);
  const events = new Map<string, number>();
  for (const op of ops) if (op.type === 'observe' && op.where === where) events.set(op.id, (events.get(op.id) ?? 0) + 1);
  const ids = new Set(ops.filter((op) => op.type === 'send' && op.outcome === 'ok').map((op) => (op as { id: string }).id));
  let disagreements = 0;
  let missingEvents = 0;
  for (const id of ids) {
    const r = rows.get(id) ?? 0;
    const e = events.get(id) ?? 0;
    if (r !== e) disagreements++;
    if (r > 0 && e === 0) missingEvents++;
  }
  const effects = checkEffects(ops);
  const log = checkLog(ops, where);
  return {
    messages: ids.size,
    effects: effects.effects,
    duplicateEffects: effects.duplicateEffects,
    observed: log.observed,
    duplicates: log.duplicates,
    missingEvents,
    disagreements,
    // A message that reached neither the database nor the topic.
    lost: [...ids].filter((id) => !(rows.get(id) ?? 0) && !events.has(id)).length,
  };
}
