// A worker's consumer from @confluentinc/kafka-javascript (librdkafka, KafkaJS-compatible API): the worker's handlers, batch by batch.
import type { ConsumerHooks, WorkerConsumer } from '../processes/worker-consumer.js';
import { autoCommits, type WorkerConfig } from '../workload/worker-protocol.js';
import { load } from './confluent-library.js';

/**
 * What differs from kafkajs, from lib/kafkajs/_consumer.js: autoCommit is consumer configuration (run()
 * refuses it) and commits on librdkafka's timer (auto.commit.interval.ms, 5 s), not after each batch;
 * consumer events are not supported, so the lab counts batches itself and, at the stop point, asks the
 * broker what is committed; heartbeat() does nothing (librdkafka heartbeats from its own thread).
 * eachMessage handlers run inside eachBatch here, so the stop point can count batches as with kafkajs.
 */
export async function openConfluentWorkerConsumer(config: WorkerConfig, hooks: ConsumerHooks): Promise<WorkerConsumer> {
  const lib = load();
  if (lib instanceof Error) throw lib;
  const kafka = new lib.KafkaJS.Kafka({ kafkaJS: { brokers: [config.bootstrap], clientId: `dup-lab-${config.workerId}`, logLevel: 0 } });
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeout,
      heartbeatInterval: config.heartbeatInterval,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      fromBeginning: true,
      autoCommit: autoCommits(config),
    },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [config.topic] });
  hooks.setCommittedProbe(async () => {
    const committed = (await consumer.committed()).filter((c) => c.topic === config.topic && BigInt(c.offset) >= 0n);
    hooks.committed(committed.map((c) => ({ partition: c.partition, offset: c.offset })));
  });
  return {
    run: (handlers) =>
      consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          hooks.batchStarted(payload.batch.messages.length);
          if ('eachBatch' in handlers) return handlers.eachBatch(payload);
          for (const message of payload.batch.messages) {
            await handlers.eachMessage({ message, partition: payload.batch.partition, heartbeat: payload.heartbeat });
            payload.resolveOffset(message.offset);
          }
        },
      }),
    commitOffsets: async (offsets) => {
      await consumer.commitOffsets(offsets);
      hooks.committed(offsets.map((o) => ({ partition: o.partition, offset: o.offset })));
    },
    disconnect: () => consumer.disconnect(),
  };
}
