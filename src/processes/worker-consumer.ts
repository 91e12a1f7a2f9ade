// The consumer a worker process drives, kafkajs (default), @confluentinc/kafka-javascript or @platformatic/kafka, behind the slice of kafkajs' API the worker uses.
import { createKafka, LAB_RETRY } from '../kafka/client.js';
import { openConfluentWorkerConsumer } from '../clients/confluent-consumer.js';
import { openPlatformaticWorkerConsumer } from '../clients/platformatic-consumer.js';
import { autoCommits, type WorkerConfig } from '../workload/worker-protocol.js';
import type { WorkerRuntime } from './worker-runtime.js';

export interface WorkerMessage {
  value: Buffer | null;
  offset: string;
}
export interface WorkerBatchPayload {
  batch: { partition: number; messages: WorkerMessage[]; lastOffset(): string };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
}
export interface WorkerMessagePayload {
  message: WorkerMessage;
  partition: number;
  heartbeat(): Promise<void>;
}
export type WorkerHandlers = { eachMessage(payload: WorkerMessagePayload): Promise<void> } | { eachBatch(payload: WorkerBatchPayload): Promise<void> };

export interface WorkerConsumer {
  /** Consumes with the handler; commits automatically when the worker's commit mode says so. */
  run(handlers: WorkerHandlers): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** What the client's consumer tells the worker: batch starts (for the stop point) and commits (for the ledger). */
export interface ConsumerHooks {
  /** The group gave this worker its partitions of the topic. */
  joined(memberId: string, partitions: number[]): void;
  batchStarted(size: number): void;
  /** A commit the worker made and the broker acknowledged. */
  committed(offsets: { partition: number; offset: string }[]): void;
  /** A commit the broker refused after the client had already told the worker it was done: the worker was not told. */
  commitRefused(error: string, code: string | undefined): void;
  /** What the broker had committed when asked (the client commits by itself): the ledger's, not a commit event. */
  knownCommitted(offsets: { partition: number; offset: string }[]): void;
  /** A rebalance took this worker's partitions: its snapshot of the moment the new owners start from the broker's commits. */
  rebalancing(): void;
  /** A handler threw; the client will redeliver the batch. */
  handlerFailed(error: unknown): void;
  /** Called at the stop point, before it is reported: the client may look up what the broker has committed. */
  setCommittedProbe(probe: () => Promise<void>): void;
}

export async function openWorkerConsumer(config: WorkerConfig, runtime: WorkerRuntime): Promise<WorkerConsumer> {
  if (config.client === 'confluent') return openConfluentWorkerConsumer(config, runtime.hooks());
  if (config.client === 'platformatic') return openPlatformaticWorkerConsumer(config, runtime.hooks());
  const consumer = createKafka(config.bootstrap, { clientId: `dup-lab-${config.workerId}`, requestTimeout: config.requestTimeout }).consumer({
    ...(config.commitRetries === undefined ? {} : { retry: { ...LAB_RETRY, retries: config.commitRetries } }),
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    heartbeatInterval: config.heartbeatInterval,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeInMs: 100,
  });
  runtime.watch(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  return {
    run: (handlers) =>
      'eachMessage' in handlers
        ? consumer.run({ autoCommit: autoCommits(config), eachMessage: handlers.eachMessage })
        : // on-revoke keeps autoCommit on, so kafkajs commits resolved offsets when it learns of a rebalance.
          consumer.run({ autoCommit: autoCommits(config), eachBatchAutoResolve: false, eachBatch: handlers.eachBatch }),
    commitOffsets: (offsets) => consumer.commitOffsets(offsets),
    disconnect: () => consumer.disconnect(),
  };
}
