// Order messages for the consumer scenarios: each lab message is one order with an id and an amount.
import type { History } from '../core/history.js';
import type { SeededRandom } from '../core/rng.js';
import type { LabMessage } from '../core/types.js';
import { createKafka, createProducer } from '../kafka/client.js';
import { decodeMessage, encodeMessage, makeMessages } from './messages.js';

export interface Order extends LabMessage {
  orderId: string;
  /** Cents added to the account balance: the side effect that cannot be made idempotent. */
  amount: number;
  partition: number;
  offset: string;
}

/** Orders, round robin over `keys` keys, with seeded amounts from 1 to 100. */
export function makeOrders(runId: string, count: number, keys: number, rng: SeededRandom): (LabMessage & { orderId: string; amount: number })[] {
  return makeMessages(runId, count, keys).map((m, i) => ({ ...m, orderId: `order-${i}`, amount: rng.int(1, 100) }));
}

/** Messages per produce request when pre-filling: they become the record batches a consumer fetches. */
const PREFILL_CHUNK = 10;

/** Writes the orders to the topic, in order, and records each as a sent message. */
export async function prefillOrders(
  bootstrap: string,
  topic: string,
  orders: (LabMessage & { orderId: string; amount: number })[],
  history: History,
  /** With several partitions, order i goes to partition i mod partitions (even and deterministic). */
  partitions = 1,
): Promise<void> {
  const producer = createProducer(createKafka(bootstrap, { clientId: 'dup-lab-prefill' }), { idempotent: true });
  await producer.connect();
  try {
    for (let i = 0; i < orders.length; i += PREFILL_CHUNK) {
      const chunk = orders.slice(i, i + PREFILL_CHUNK);
      await producer.send({
        topic,
        acks: -1,
        messages: chunk.map((o) => ({
          key: o.key,
          value: encodeMessage(o, { orderId: o.orderId, amount: o.amount }),
          partition: o.globalSeq % partitions,
        })),
      });
      for (const o of chunk) history.add({ type: 'send', id: o.id, key: o.key, seq: o.seq, globalSeq: o.globalSeq, outcome: 'ok' });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The order in a consumed record, or null for anything that is not one. */
export function decodeOrder(value: string | null, partition: number, offset: string): Order | null {
  const m = decodeMessage(value);
  if (!m || typeof m.payload.orderId !== 'string' || typeof m.payload.amount !== 'number') return null;
  return { id: m.id, key: m.key, seq: m.seq, globalSeq: m.globalSeq, orderId: m.payload.orderId, amount: m.payload.amount, partition, offset };
}
