// The worker processes' Kafka clients from @confluentinc/kafka-javascript (librdkafka, KafkaJS-compatible API): a consumer's handlers batch by batch, and the transform worker's producer.
import type { ConsumerHooks, WorkerConsumer } from '../processes/worker-consumer.js';
import type { TransformClients } from '../processes/transform-clients.js';
import { autoCommits, type BaseWorkerConfig, type TransformConfig, type WorkerConfig } from '../workload/worker-protocol.js';
import { load, type ConfluentConsumer, type ConfluentModule } from './confluent-library.js';

function library(): ConfluentModule {
  const lib = load();
  if (lib instanceof Error) throw lib;
  return lib;
}

/**
 * What differs from kafkajs, from lib/kafkajs/_consumer.js: autoCommit is consumer configuration (run()
 * refuses it) and commits on librdkafka's timer (auto.commit.interval.ms, 5 s), not after each batch;
 * consumer events are not supported, so the lab counts batches itself and, at the stop point, asks the
 * broker what is committed; heartbeat() does nothing (librdkafka heartbeats from its own thread).
 * eachMessage handlers run inside eachBatch here, so the stop point can count batches as with kafkajs.
 */
async function connectedConsumer(
  kafka: InstanceType<ConfluentModule['KafkaJS']['Kafka']>,
  config: BaseWorkerConfig,
  autoCommit: boolean,
  hooks: ConsumerHooks,
): Promise<{ raw: ConfluentConsumer; consumer: WorkerConsumer }> {
  const raw = kafka.consumer({
    kafkaJS: {
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeout,
      heartbeatInterval: config.heartbeatInterval,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      fromBeginning: true,
      autoCommit,
      readUncommitted: false,
    },
  });
  await raw.connect();
  await raw.subscribe({ topics: [config.topic] });
  hooks.setCommittedProbe(async () => {
    // Bounded: the library waits forever by default (timeout -1), and the stop point must come.
    const committed = (await raw.committed(null, PROBE_TIMEOUT_MS)).filter((c) => c.topic === config.topic && BigInt(c.offset) >= 0n);
    hooks.knownCommitted(committed.map((c) => ({ partition: c.partition, offset: c.offset })));
  });
  const consumer: WorkerConsumer = {
    run: (handlers) =>
      raw.run({
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          hooks.batchStarted(payload.batch.messages.length);
          try {
            if ('eachBatch' in handlers) return await handlers.eachBatch(payload);
            for (const message of payload.batch.messages) {
              await handlers.eachMessage({ message, partition: payload.batch.partition, heartbeat: payload.heartbeat });
              payload.resolveOffset(message.offset);
            }
          } catch (error) {
            // The library logs a handler's error (silenced here) and seeks back to redeliver: say so, as kafkajs' CRASH event would.
            hooks.handlerFailed(error);
            throw error;
          }
        },
      }),
    commitOffsets: async (offsets) => {
      await raw.commitOffsets(offsets);
      hooks.committed(offsets.map((o) => ({ partition: o.partition, offset: o.offset })));
    },
    disconnect: () => raw.disconnect(),
  };
  return { raw, consumer };
}

/** How long the stop point waits for the broker's committed offsets. */
const PROBE_TIMEOUT_MS = 5_000;

function kafkaFor(lib: ConfluentModule, config: BaseWorkerConfig) {
  return new lib.KafkaJS.Kafka({ kafkaJS: { brokers: [config.bootstrap], clientId: `dup-lab-${config.workerId}`, logLevel: 0 } });
}

export async function openConfluentWorkerConsumer(config: WorkerConfig, hooks: ConsumerHooks): Promise<WorkerConsumer> {
  return (await connectedConsumer(kafkaFor(library(), config), config, autoCommits(config), hooks)).consumer;
}

/** librdkafka's codes for "a newer instance with this transactional id has taken over" (rdkafka.h). */
const FENCED_CODES = new Map<number, string>([
  [-144, '_FENCED'],
  [90, 'PRODUCER_FENCED'],
  [47, 'INVALID_PRODUCER_EPOCH'],
  [53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'],
]);
/** Once fenced, a transactional producer is in librdkafka's fatal state: later calls fail with _FATAL (-150). */
const FATAL = -150;

/** The transform worker's clients: sendOffsets takes the consumer itself here, not its group id. */
export async function openConfluentTransformClients(config: TransformConfig, hooks: ConsumerHooks): Promise<TransformClients> {
  const kafka = kafkaFor(library(), config);
  const producer = kafka.producer({
    kafkaJS:
      config.output === 'transaction'
        ? { transactionalId: config.transactionalId, transactionTimeout: config.transactionTimeout, idempotent: true, maxInFlightRequests: 1 }
        : { idempotent: true },
  });
  // With a transactional id, connecting (init_transactions) fences every older instance with that id.
  await producer.connect();
  const { raw, consumer } = await connectedConsumer(kafka, config, false, hooks);
  return {
    consumer,
    send: async (record) => {
      await producer.send({ topic: config.outputTopic, messages: [record] });
    },
    transaction: async () => {
      const tx = await producer.transaction();
      return {
        send: async (record) => {
          await tx.send({ topic: config.outputTopic, messages: [record] });
        },
        sendOffsets: (partition, offset) => tx.sendOffsets({ consumer: raw, topics: [{ topic: config.topic, partitions: [{ partition, offset }] }] }),
        commit: () => tx.commit(),
        abort: () => tx.abort(),
        isActive: () => tx.isActive(),
      };
    },
    fencedBy: (error) => {
      const code = (error as { code?: unknown }).code;
      if (code === FATAL && config.output === 'transaction') return '_FATAL';
      return typeof code === 'number' ? FENCED_CODES.get(code) : undefined;
    },
    disconnectProducer: () => producer.disconnect(),
  };
}
