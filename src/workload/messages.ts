// The lab's messages: deterministic ids, keys and per-key sequence numbers, and their JSON encoding.
import type { LabMessage } from '../core/types.js';

/**
 * N messages over `keys` keys, round robin (message i has key k(i mod keys)), each with its per-key
 * and global sequence. Round robin, with more keys than sends in flight, keeps two messages of one
 * key from ever being in flight together: kafkajs may swap two concurrent send() calls on their way
 * to the socket, and that swap would otherwise show up as per-key disorder that no fault caused.
 */
export function makeMessages(runId: string, count: number, keys: number): LabMessage[] {
  if (keys < 1) throw new RangeError(`makeMessages needs at least one key, got ${keys}`);
  return Array.from({ length: count }, (_, i) => ({
    id: `${runId}-${i}`,
    key: `k${i % keys}`,
    seq: Math.floor(i / keys),
    globalSeq: i,
  }));
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
