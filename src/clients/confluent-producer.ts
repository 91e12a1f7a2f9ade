// The @confluentinc/kafka-javascript producer (librdkafka, KafkaJS-compatible API) behind the producer interface; optional, and the only module that loads it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { INSTALL, PACKAGE, load, packageDir } from './confluent-library.js';
import type { SendOutcome } from '../core/types.js';
import { encodeMessage } from '../workload/messages.js';
import { sendAll, type ProduceRun, type ProducerSettings } from '../workload/producer-workload.js';
import type { ProducerClient } from './producer-client.js';

/** The lab's first retry wait for every client (kafkajs' 300 ms; librdkafka's retry.backoff.ms defaults to 100). */
const RETRY_BACKOFF_MS = 300;
/** message.timeout.ms over socket.timeout.ms in librdkafka's defaults (CONFIGURATION.md): 300 s / 60 s. */
const MESSAGE_TIMEOUT_PER_SOCKET_TIMEOUT = 5;

/** The producer configuration for the settings: the kafkaJS block, and librdkafka properties outside it. */
function producerConfig(settings: ProducerSettings): { kafkaJS: Record<string, unknown>; rdkafka: Record<string, string | number> } {
  return {
    kafkaJS: {
      idempotent: settings.idempotent,
      acks: settings.acks ?? -1,
      retry: { retries: settings.retries },
      ...(settings.maxInFlight === undefined ? {} : { maxInFlightRequests: settings.maxInFlight }),
    },
    rdkafka: {
      // One message per request, sent at once, as the other clients do (librdkafka batches for 5 ms by default).
      'linger.ms': 0,
      'batch.num.messages': 1,
      'retry.backoff.ms': RETRY_BACKOFF_MS,
      ...(settings.requestTimeout === undefined
        ? {}
        : // librdkafka waits for a Produce answer min(socket.timeout.ms, the message's time left) (rdkafka_request.c,
          // rd_kafka_ProduceRequest), then disconnects and retries (socket.max.fails=1, rdkafka_broker.c): the lab's wait
          // is socket.timeout.ms. The whole send (message.timeout.ms) keeps its default proportion: 300 s / 60 s.
          { 'request.timeout.ms': settings.requestTimeout, 'socket.timeout.ms': settings.requestTimeout, 'message.timeout.ms': settings.requestTimeout * MESSAGE_TIMEOUT_PER_SOCKET_TIMEOUT }),
    },
  };
}

/**
 * librdkafka's error codes (rdkafka.h) that leave the outcome open: a timed-out message or request, a
 * transport failure, and the broker answers that may follow a write (KAFKA-13574). Others are refusals.
 */
const UNKNOWN_CODES = new Set([-192 /* _MSG_TIMED_OUT */, -185 /* _TIMED_OUT */, -195 /* _TRANSPORT */, -187 /* _ALL_BROKERS_DOWN */, 6 /* NOT_LEADER_OR_FOLLOWER */, 7 /* REQUEST_TIMED_OUT */, 13 /* NETWORK_EXCEPTION */]);

export function confluentOutcome(error: unknown): SendOutcome {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && !UNKNOWN_CODES.has(code) ? 'failed' : 'unknown';
}

/** How long an acks=0 run may take to hand librdkafka's queue to the socket. */
const FLUSH_LIMIT_MS = 10_000;

export const confluentProducer: ProducerClient = {
  name: 'confluent',
  async library() {
    try {
      const entry = createRequire(import.meta.url).resolve(PACKAGE);
      const version = (JSON.parse(readFileSync(join(packageDir(dirname(entry)), 'package.json'), 'utf8')) as { version: string }).version;
      const lib = load();
      return `${PACKAGE} ${version}${lib instanceof Error || !lib.librdkafkaVersion ? '' : ` (librdkafka ${lib.librdkafkaVersion})`}`;
    } catch {
      return `${PACKAGE} (not installed)`;
    }
  },
  async unavailable() {
    const lib = load();
    return lib instanceof Error ? `${PACKAGE} is not installed here (${lib.message.split('\n')[0]}); ${INSTALL}` : null;
  },
  settingsFor(settings) {
    const c = producerConfig(settings);
    return [`kafka.producer({ kafkaJS: ${JSON.stringify(c.kafkaJS).replace(/"/g, '')}, ${Object.entries(c.rdkafka).map(([k, v]) => `'${k}': ${v}`).join(', ')} })`];
  },
  async produce(run: ProduceRun): Promise<number> {
    const lib = load();
    if (lib instanceof Error) throw lib;
    const c = producerConfig(run.settings);
    const kafka = new lib.KafkaJS.Kafka({ kafkaJS: { brokers: run.via.split(','), clientId: run.clientId, logLevel: 0 } });
    const producer = kafka.producer({ kafkaJS: c.kafkaJS, ...c.rdkafka });
    await producer.connect();
    const started = performance.now();
    try {
      await sendAll(
        run.messages,
        run.settings.concurrency,
        (m) => producer.send({ topic: run.topic, messages: [{ key: m.key, value: encodeMessage(m) }] }).then(() => undefined),
        run.history,
        (error) => {
          const e = error as { message?: string; code?: unknown };
          return { outcome: confluentOutcome(error), error: `${e.message ?? String(error)}${e.code === undefined ? '' : ` (code ${String(e.code)})`}` };
        },
      );
      const elapsed = performance.now() - started;
      // acks=0: wait until librdkafka has written everything. acks is a producer setting here (lib/kafkajs/_producer.js
      // ignores a send's own), so no acks=all barrier can follow; the scenario waits for the broker (proxy.settled).
      if (run.settings.acks === 0) await producer.flush({ timeout: FLUSH_LIMIT_MS });
      return elapsed;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  },
};
