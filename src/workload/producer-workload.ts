// Sends lab messages the way a service would (several sends in flight, or one at a time) and records each outcome.
import type { History } from '../core/history.js';
import type { LabMessage, SendOutcome } from '../core/types.js';
import { createKafka, createProducer, LAB_RETRY, type KafkaClient, type Producer, type ProducerConfig, type RetryOptions } from '../kafka/client.js';
import { describeError, sendOutcomeOf } from '../kafka/errors.js';
import { encodeMessage } from './messages.js';
import { inWindows } from '../core/windows.js';

export interface ProducerSettings {
  idempotent: boolean;
  /** kafkajs `retry.retries`; 0 turns retries off. */
  retries: number;
  /** kafkajs `maxInFlightRequests`; undefined means unlimited (the kafkajs default). */
  maxInFlight?: number;
  /** How many send() calls the service keeps open at once; 1 means each send is awaited. */
  concurrency: number;
  /** kafkajs `requestTimeout` in ms. */
  requestTimeout?: number;
  acks?: -1 | 1 | 0;
}

export interface ProduceRun {
  /** `via` is where the producer connects: the chaos proxy in fault runs. */
  via: string;
  topic: string;
  messages: LabMessage[];
  settings: ProducerSettings;
  history?: History;
  clientId: string;
}

/** kafkajs producer options for the settings, written out so the lab can also print them. */
export function producerConfig(settings: ProducerSettings): ProducerConfig {
  return {
    idempotent: settings.idempotent,
    maxInFlightRequests: settings.maxInFlight,
    retry: { ...LAB_RETRY, retries: settings.retries },
  };
}

/** The value of a record the lab adds as a barrier (leader-failover); not a lab message, so no count includes it. */
export const BARRIER_VALUE = 'kafka-dup-lab: barrier';

/** One record that is not a lab message (no count includes it), with these acks. */
export async function sendBarrier(producer: Producer, topic: string, acks: -1 | 1): Promise<void> {
  await producer.send({ topic, acks, messages: [{ key: 'kafka-dup-lab-barrier', value: BARRIER_VALUE }] });
}

/** A kafkajs client that records each retry kafkajs will make of a send as a `retry` op. */
export function recordingKafka(o: { via: string; clientId: string; retry: RetryOptions; requestTimeout?: number; history?: History }): KafkaClient {
  const retries = o.retry.retries ?? 0;
  return createKafka(o.via, {
    clientId: o.clientId,
    requestTimeout: o.requestTimeout,
    retry: o.retry,
    // Only the attempts kafkajs will retry: the last failed one ends the send, which records it.
    onSendAttemptFailed: o.history
      ? (f) => {
          if (f.attempt < retries) o.history!.add({ type: 'retry', attempt: f.attempt + 1, delayMs: f.delayMs, error: f.error });
        }
      : undefined,
  });
}

/**
 * Sends every message with at most `concurrency` sends open, and records how each ended, as the client
 * saw it: ok (acknowledged), unknown (a reset or a timeout: the broker may have it) or failed.
 */
export async function sendAll(
  messages: readonly LabMessage[],
  concurrency: number,
  send: (m: LabMessage) => Promise<void>,
  history?: History,
  /** How the client's errors read: what the sender can know (unknown or refused), and a short description; kafkajs' by default. */
  classify: (error: unknown) => { outcome: SendOutcome; error: string } = (error) => ({ outcome: sendOutcomeOf(error), error: describeError(error) }),
): Promise<void> {
  await inWindows(messages, Math.max(1, concurrency), async (m) => {
    try {
      await send(m);
      history?.add({ type: 'send', ...m, outcome: 'ok' });
    } catch (error) {
      history?.add({ type: 'send', ...m, ...classify(error) });
    }
  });
}

/** Sends every message with at most `concurrency` sends open; returns the wall time of the sends in ms. */
export async function runProducer(run: ProduceRun): Promise<number> {
  const history = run.history;
  const kafka = recordingKafka({ via: run.via, clientId: run.clientId, retry: producerConfig(run.settings).retry!, requestTimeout: run.settings.requestTimeout, history });
  const producer = createProducer(kafka, producerConfig(run.settings));
  await producer.connect();
  const started = performance.now();
  try {
    const send = (m: LabMessage) =>
      producer.send({ topic: run.topic, acks: run.settings.acks ?? -1, messages: [{ key: m.key, value: encodeMessage(m) }] }).then(() => undefined);
    await sendAll(run.messages, run.settings.concurrency, send, run.history);
    const elapsed = performance.now() - started;
    return elapsed;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}
