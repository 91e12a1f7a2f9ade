// The transform worker's consumer and producer, from kafkajs (default), @confluentinc/kafka-javascript or @platformatic/kafka, behind one small interface.
import { createKafka, createProducer } from '../kafka/client.js';
import { FENCED_ERRORS, protocolErrorType } from '../kafka/errors.js';
import { openConfluentTransformClients } from '../clients/confluent-consumer.js';
import { openPlatformaticTransformClients } from '../clients/platformatic-consumer.js';
import type { TransformConfig } from '../workload/worker-protocol.js';
import type { WorkerConsumer } from './worker-consumer.js';
import type { WorkerRuntime } from './worker-runtime.js';

export interface OutputRecord {
  key: string;
  value: string;
}

/** One Kafka transaction: output records and the input offsets, committed or aborted together. */
export interface OutputTransaction {
  send(record: OutputRecord): Promise<void>;
  sendOffsets(partition: number, nextOffset: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

export interface TransformClients {
  /** Reads the input with read_committed; never commits by itself. */
  consumer: WorkerConsumer;
  /** A plain send from the idempotent (or transactional) producer, acks=all. */
  send(record: OutputRecord): Promise<void>;
  transaction(): Promise<OutputTransaction>;
  /** The error's name when it says a newer instance with the same transactional id took over; undefined otherwise. */
  fencedBy(error: unknown): string | undefined;
  disconnectProducer(): Promise<void>;
}


export async function openTransformClients(config: TransformConfig, runtime: WorkerRuntime): Promise<TransformClients> {
  if (config.client === 'confluent') return openConfluentTransformClients(config, runtime.hooks());
  if (config.client === 'platformatic') return openPlatformaticTransformClients(config, runtime.hooks());
  const kafka = createKafka(config.bootstrap, { clientId: `dup-lab-${config.workerId}` });
  const producer = createProducer(
    kafka,
    config.output === 'transaction'
      ? { transactionalId: config.transactionalId, transactionTimeout: config.transactionTimeout, idempotent: true, maxInFlightRequests: 1 }
      : { idempotent: true },
  );
  // With a transactional id, connecting fences every older instance with that id and aborts its open transaction.
  await producer.connect();
  const consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    heartbeatInterval: config.heartbeatInterval,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  runtime.watch(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  return {
    consumer: {
      run: (handlers) => {
        if (!('eachBatch' in handlers)) throw new Error('the transform worker consumes batch by batch');
        return consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: handlers.eachBatch });
      },
      commitOffsets: (offsets) => consumer.commitOffsets(offsets),
      disconnect: () => consumer.disconnect(),
    },
    send: async (record) => {
      await producer.send({ topic: config.outputTopic, acks: -1, messages: [record] });
    },
    transaction: async () => {
      const tx = await producer.transaction();
      return {
        send: async (record) => {
          await tx.send({ topic: config.outputTopic, messages: [record] });
        },
        sendOffsets: (partition, offset) => tx.sendOffsets({ consumerGroupId: config.groupId, topics: [{ topic: config.topic, partitions: [{ partition, offset }] }] }),
        commit: () => tx.commit(),
        abort: () => tx.abort(),
        isActive: () => tx.isActive(),
      };
    },
    fencedBy: (error) => {
      const type = protocolErrorType(error);
      return type && FENCED_ERRORS.has(type) ? type : undefined;
    },
    disconnectProducer: () => producer.disconnect(),
  };
}
