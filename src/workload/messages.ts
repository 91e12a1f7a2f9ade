// The lab's messages: deterministic ids, keys and per-key sequence numbers, and their JSON encoding.
import type { LabMessage } from '../core/types.js';
import type { SeededRandom } from '../core/rng.js';

/** N messages spread over `keys` keys at seeded random, each with its per-key and global sequence. */
export function makeMessages(runId: string, count: number, keys: number, rng: SeededRandom): LabMessage[] {
  if (keys < 1) throw new RangeError(`makeMessages needs at least one key, got ${keys}`);
  const nextSeq = new Map<string, number>();
  const messages: LabMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = `k${rng.int(0, keys - 1)}`;
    const seq = nextSeq.get(key) ?? 0;
    nextSeq.set(key, seq + 1);
    messages.push({ id: `${runId}-${i}`, key, seq, globalSeq: i });
  }
  return messages;
}

/** Extra fields a scenario may carry in a message (order id, amount, ...). */
export type Payload = Record<string, string | number>;

/** The lab's own fields come last, so a payload field of the same name can never replace them. */
export function encodeMessage(m: LabMessage, payload: Payload = {}): string {
  return JSON.stringify({ ...payload, id: m.id, key: m.key, seq: m.seq, g: m.globalSeq });
}

export interface DecodedMessage extends LabMessage {
  payload: Payload;
}

/** The lab message in a record value, or null for anything else (foreign or malformed records). */
export function decodeMessage(value: string | null): DecodedMessage | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    const { id, key, seq, g, ...payload } = parsed;
    if (typeof id !== 'string' || typeof key !== 'string' || typeof seq !== 'number' || typeof g !== 'number') return null;
    return { id, key, seq, globalSeq: g, payload: payload as Payload };
  } catch {
    return null;
  }
}
