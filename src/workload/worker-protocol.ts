// What the lab tells a consumer worker process, and what the worker reports back over IPC.
import type { SinkLocation } from '../core/resources.js';
import type { WorkSnapshot } from '../core/types.js';

/** When the worker commits offsets, relative to applying the side effect. */
export type CommitMode =
  /** kafkajs defaults: eachMessage, autoCommit (kafkajs commits after each batch). */
  | 'auto'
  /** autoCommit, but the handler hands each message to an in-process queue and returns at once. */
  | 'auto-handoff'
  /** autoCommit off; commit the batch's offsets after every message of it is applied. */
  | 'after-batch'
  /** autoCommit off; commit each message's offset right after applying it. */
  | 'per-message'
  /** autoCommit off; commit the batch's offsets first, then apply (at-most-once). */
  | 'before-process'
  /**
   * The most kafkajs offers at a rebalance: resolve each offset after its apply and keep autoCommit on,
   * so when heartbeat() learns of a rebalance, kafkajs commits the resolved offsets before rejoining.
   */
  | 'on-revoke';

/** How the worker avoids applying a message twice. */
export type DedupMode =
  | 'none'
  | 'redis-setnx'
  | 'dedup-window'
  | 'processed-table'
  /** Skip a message below the next offset this process expects for its partition: the Java consumer's own check. */
  | 'offset-guard';

/** What every worker process needs: who it is, what it consumes, where it stops, its group timing. */
export interface BaseWorkerConfig {
  workerId: string;
  bootstrap: string;
  topic: string;
  groupId: string;
  /**
   * Where this worker stops, mid-batch: in its `batch`-th batch (from 1), after applying the message at
   * `fraction` of the batch (never its first or last). What it does there is the spec's `action`.
   */
  stopAt?: StopSpec;
  sessionTimeout: number;
  heartbeatInterval: number;
  /** Caps a fetch, so batches hold tens of messages (kafkajs has no max.poll.records). */
  maxBytesPerPartition: number;
  /**
   * The worker's Kafka client: kafkajs (default), confluent (@confluentinc/kafka-javascript, librdkafka), java
   * (kafka-clients in a JVM: java/workers/; the consumer worker and the transform worker), or
   * platformatic (@platformatic/kafka: the transform worker only).
   */
  client?: 'kafkajs' | 'confluent' | 'java' | 'platformatic';
}

/** The consumer worker: consume orders, apply each to the business database. */
export interface WorkerConfig extends BaseWorkerConfig {
  commit: CommitMode;
  dedup: DedupMode;
  sink: SinkLocation;
  redisUrl?: string;
  /** Redis keys of this variant start with this, so runs never share keys. */
  redisPrefix: string;
  /** Ids the dedup window keeps. */
  dedupWindow: number;
  /** When the worker calls kafkajs' heartbeat() inside a batch (kafkajs heartbeats only from its loop). */
  heartbeatInBatch: 'after-apply' | 'before-apply' | 'none';
  /** Milliseconds each handed-off message takes to apply (auto-handoff): an async call's latency. */
  handoffDelayMs: number;
  /** kafkajs' requestTimeout for this worker's client (default 30 s): a request unanswered this long fails. */
  requestTimeout?: number;
  /** How often kafkajs' consumer retries a failed commit before the handler sees the error (default: the lab's 5). */
  commitRetries?: number;
}

/** The modes in which the client commits by itself (kafkajs after each batch, librdkafka on its timer). */
export function autoCommits(config: Pick<WorkerConfig, 'commit'>): boolean {
  return config.commit === 'auto' || config.commit === 'auto-handoff' || config.commit === 'on-revoke';
}

export interface StopSpec {
  batch: number;
  fraction: number;
  /**
   * Where in a message's handling: after its side effect (default for a crash), between two messages
   * (default for a hold or a stall), or after the database write and before the event (dual-write).
   */
  place?: StopPlace;
  /**
   * crash: report and wait to be SIGKILLed. hold: report, then keep calling heartbeat() until it
   * says a rebalance started. stall: report, then wait for the lab's "go" (it SIGSTOPs meanwhile).
   */
  action: 'crash' | 'hold' | 'stall';
}

export type StopPlace = 'after-apply' | 'between-messages' | 'after-db-write';

/** The message, counted from 1 within its batch, after which the worker crashes. */
export function crashPosition(batchSize: number, fraction: number): number {
  if (batchSize <= 1) return 1;
  return Math.min(batchSize - 1, Math.max(1, Math.round(batchSize * fraction)));
}

/** The transform worker: consume input, write output records (and, for dual-write, the business database). */
export interface TransformConfig extends BaseWorkerConfig {
  outputTopic: string;
  /**
   * plain: an idempotent producer, input offsets committed after each batch. transaction: one Kafka
   * transaction per batch holding the outputs and the input offsets (read-process-write).
   */
  output: 'plain' | 'transaction';
  transactionalId?: string;
  transactionTimeout: number;
  /**
   * none: no database. row-if-new-then-event: a deduplicated business write, then the event only if the
   * row was new. row-then-event: a plain business write, then the event. outbox: business row, processed
   * row and outbox row in one database transaction; no event (a relay publishes the outbox).
   */
  database: 'none' | 'row-if-new-then-event' | 'row-then-event' | 'outbox';
  sink?: SinkLocation;
}

/** The outbox relay: publishes outbox rows, in order, each batch in one Kafka transaction. */
export interface RelayConfig {
  workerId: string;
  bootstrap: string;
  outputTopic: string;
  transactionalId: string;
  transactionTimeout: number;
  sink: SinkLocation;
  /** Kill point: in its `transaction`-th transaction, after sending `after` events, before the commit. */
  crashAt?: { transaction: number; after: number };
}

/** What a worker reports at its stop point and when a rebalance starts: see WorkSnapshot. */
export type CrashPoint = WorkSnapshot;

export type FromWorker =
  | { type: 'joined'; memberId: string; partitions: number[] }
  | { type: 'committed'; offsets: { partition: number; offset: string }[] }
  /** `code`: the Kafka error code name, when the broker gave one (UNKNOWN_MEMBER_ID, ...). */
  /** `notApplied`: messages of the batch the worker will not apply because the commit failed (it expects them again). */
  | { type: 'commit-failed'; error: string; code?: string; notApplied?: number; unseen?: boolean }
  | { type: 'stop-point'; action: StopSpec['action']; point: CrashPoint }
  /** kafkajs signalled a rebalance (heartbeat or fetch said REBALANCE_IN_PROGRESS); it rejoins. */
  | { type: 'rebalancing'; point: CrashPoint }
  /** The worker's own heartbeat() was refused: the group no longer knows it (evicted). */
  | { type: 'heartbeat-refused'; error: string; code?: string }
  /** The producer's transactional id was taken over by a newer instance (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH). */
  | { type: 'fenced'; error: string; code?: string }
  /** The relay published every outbox row up to this id. */
  | { type: 'relayed'; upTo: number }
  /** `point`: its own count at the end (the lab records it when the worker re-applied something). */
  | { type: 'stopped'; applied: number; skipped: number; point?: CrashPoint }
  /**
   * A hold ended without the client stopping the batch; the worker goes on with it. `lab`: the lab's go (the client
   * gave the handler no sign of the rebalance). `rejoin`: the client had rejoined the group by itself meanwhile.
   */
  | { type: 'released'; by: 'lab' | 'rejoin' }
  /** kafkajs crashed the consumer on an error it retries: it rejoins and resumes from the committed offsets. */
  | { type: 'restarted'; error: string }
  | { type: 'failed'; error: string };

export type ToWorker = { type: 'stop' } | { type: 'go' };
