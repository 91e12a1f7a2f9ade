// Sends lab messages the way a service would (several sends in flight, or one at a time) and records each outcome.
import type { History } from '../core/history.js';
import type { LabMessage } from '../core/types.js';
import { createKafka, createProducer, LAB_RETRY, type ProducerConfig } from '../kafka/client.js';
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

/** Sends every message with at most `concurrency` sends open; returns the wall time in ms. */
export async function runProducer(run: ProduceRun): Promise<number> {
  const history = run.history;
  const kafka = createKafka(run.via, {
    clientId: run.clientId,
    requestTimeout: run.settings.requestTimeout,
    retry: producerConfig(run.settings).retry,
    // Only the attempts kafkajs will retry: the last failed one ends the send, which records it.
    onSendAttemptFailed: history
      ? (f) => {
          if (f.attempt < run.settings.retries) history.add({ type: 'retry', attempt: f.attempt + 1, delayMs: f.delayMs, error: f.error });
        }
      : undefined,
  });
  const producer = createProducer(kafka, producerConfig(run.settings));
  await producer.connect();
  const started = performance.now();
  try {
    const sendOne = async (m: LabMessage) => {
      try {
        await producer.send({
          topic: run.topic,
          acks: run.settings.acks ?? -1,
          messages: [{ key: m.key, value: encodeMessage(m) }],
        });
        run.history?.add({ type: 'send', ...m, outcome: 'ok' });
      } catch (error) {
        run.history?.add({ type: 'send', ...m, outcome: sendOutcomeOf(error), error: describeError(error) });
      }
    };
    await inWindows(run.messages, Math.max(1, run.settings.concurrency), sendOne);
    return performance.now() - started;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}
