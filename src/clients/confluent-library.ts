// @confluentinc/kafka-javascript (librdkafka behind a KafkaJS-compatible API), loaded on first use: optional, a native addon. The only module that loads it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const PACKAGE = '@confluentinc/kafka-javascript';
export const INSTALL = `npm install ${PACKAGE} (a prebuilt librdkafka binding for most platforms; .ci/confluent.sh in the lab's repository builds it from source)`;

/** The little of the package the lab uses: its KafkaJS-compatible producer, admin and consumer. */
export interface ConfluentProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown>;
  flush(args: { timeout: number }): Promise<void>;
  /** Resolves with the producer itself: one transaction at a time (lib/kafkajs/_producer.js). */
  transaction(): Promise<ConfluentTransaction>;
  disconnect(): Promise<void>;
}
export interface ConfluentTransaction {
  send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown>;
  /** Takes the consumer itself, not its group id: the binding passes its groupMetadata() to send_offsets_to_transaction (src/producer.cc). */
  sendOffsets(arg: { consumer: ConfluentConsumer; topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}
export interface ConfluentAdmin {
  connect(): Promise<void>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string }[]>;
  disconnect(): Promise<void>;
}
export interface ConfluentMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
}
export interface ConfluentBatchPayload {
  batch: { partition: number; messages: ConfluentMessage[]; lastOffset(): string };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
}
export interface ConfluentConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: { eachBatchAutoResolve: boolean; eachBatch(payload: ConfluentBatchPayload): Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  committed(topicPartitions: { topic: string; partition: number }[] | null, timeoutMs: number): Promise<{ topic: string; partition: number; offset: string | null }[]>;
  disconnect(): Promise<void>;
}
export interface ConfluentModule {
  KafkaJS: { Kafka: new (config: object) => { producer(config: object): ConfluentProducer; admin(): ConfluentAdmin; consumer(config: object): ConfluentConsumer } };
  librdkafkaVersion?: string;
}

let loaded: ConfluentModule | Error | undefined;
/** Loaded on first use (a native addon): a run that never asks for this client never loads it. */
export function load(): ConfluentModule | Error {
  if (!loaded) {
    try {
      loaded = createRequire(import.meta.url)(PACKAGE) as ConfluentModule;
    } catch (error) {
      loaded = error instanceof Error ? error : new Error(String(error));
    }
  }
  return loaded;
}

/** The package's folder: its entry point may sit below it (lib/). */
export function packageDir(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

