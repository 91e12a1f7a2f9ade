// The leader-failover producer: plain kafkajs sends in phases, each outcome recorded, retries long enough to outlast an election.
import type { History } from '../core/history.js';
import type { LabMessage } from '../core/types.js';
import { createProducer, LAB_RETRY } from '../kafka/client.js';
import { encodeMessage } from './messages.js';
import { recordingKafka, sendAll, sendBarrier } from './producer-workload.js';

/**
 * A retry every 400 ms, up to 40 times (kafkajs caps the total at maxRetryTime, 30 s): a send in
 * flight at the crash retries through fencing (6 s) and the election instead of failing halfway, and
 * is sent again within 400 ms of the new leader, not after a doubled back-off of several seconds.
 */
const FAILOVER_RETRY = { ...LAB_RETRY, initialRetryTime: 400, multiplier: 1, retries: 40 };

export interface FailoverProducer {
  sendAll(messages: readonly LabMessage[], concurrency: number): Promise<void>;
  /** One acks=all record that is not a lab message: once it is answered, every in-sync follower has all before it. */
  barrier(): Promise<void>;
  /** One acks=1 record that is not a lab message: the leader alone has it once it is answered. */
  decoy(): Promise<void>;
  close(): Promise<void>;
}

export async function openFailoverProducer(o: { bootstrap: string; topic: string; acks: 1 | -1; history: History; clientId: string }): Promise<FailoverProducer> {
  const kafka = recordingKafka({ via: o.bootstrap, clientId: o.clientId, retry: FAILOVER_RETRY, history: o.history });
  const producer = createProducer(kafka, { idempotent: false, retry: FAILOVER_RETRY });
  await producer.connect();
  const send = (m: LabMessage) => producer.send({ topic: o.topic, acks: o.acks, messages: [{ key: m.key, value: encodeMessage(m) }] }).then(() => undefined);
  return {
    sendAll: (messages, concurrency) => sendAll(messages, concurrency, send, o.history),
    barrier: () => sendBarrier(producer, o.topic, -1),
    decoy: () => sendBarrier(producer, o.topic, 1),
    close: () => producer.disconnect().catch(() => undefined),
  };
}
