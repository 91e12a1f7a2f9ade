// Pure checker for consumer-side side effects read back from the business database. No I/O.
import type { Counts, Op } from '../core/types.js';

export type EffectCounts = Pick<
  Counts,
  'messages' | 'effects' | 'duplicateEffects' | 'neverApplied' | 'balanceExpected' | 'balanceActual' | 'duplicates' | 'lost'
>;

/**
 * `send` ops are the messages put on the input topic (the pre-fill); `effect` ops are what the
 * database shows was applied per message id; `balance` is the account balance read back.
 */
export function checkEffects(ops: readonly Op[]): EffectCounts {
  const messages = new Set(ops.filter((op) => op.type === 'send' && op.outcome === 'ok').map((op) => (op as { id: string }).id));
  // Copies per message id, summed over every effect op (a read-back may report one id in several places).
  const copies = new Map<string, number>();
  for (const op of ops) {
    if (op.type === 'effect' && op.copies > 0) copies.set(op.id, (copies.get(op.id) ?? 0) + op.copies);
  }
  const effects = [...copies.values()].reduce((a, b) => a + b, 0);
  const duplicateEffects = effects - copies.size;
  const neverApplied = [...messages].filter((id) => !copies.has(id)).length;
  const balance = ops.filter((op): op is Extract<Op, { type: 'balance' }> => op.type === 'balance').at(-1);
  return {
    messages: messages.size,
    effects,
    duplicateEffects,
    neverApplied,
    balanceExpected: balance?.expected ?? 0,
    balanceActual: balance?.actual ?? 0,
    // The summary columns every scenario shares.
    duplicates: duplicateEffects,
    lost: neverApplied,
  };
}
