// Shared steps of the consumer scenarios: the business database per variant, worker settings, reading effects back.
import { join } from 'node:path';
import type { History } from '../core/history.js';
import type { VariantContext } from '../core/scenario.js';
import { dropSink, initSink, readEffects, type SinkLocation } from './sinks/index.js';
import type { CommitMode, DedupMode, StopSpec, TransformConfig, WorkerConfig } from './worker-protocol.js';

/**
 * Group timing for lab workers. A crashed member holds its partitions until its session times out,
 * so short sessions keep a run in seconds; the lab broker allows them (group.min.session.timeout.ms=1000).
 */
export const LAB_GROUP_TIMING = { sessionTimeout: 2_000, heartbeatInterval: 300 } as const;

/** About 25 orders per fetch: batches well under the 1000-id dedup window, several per run. */
export const MAX_BYTES_PER_PARTITION = 3_000;

/** A fresh business database for the variant: a SQLite file in its work dir, or a schema in --pg-url's database. */
export async function variantSink(ctx: VariantContext, variant: string): Promise<SinkLocation> {
  const pg = ctx.resources.postgres;
  const location: SinkLocation = pg
    ? { kind: 'postgres', url: pg.url, schema: `dup_lab_${ctx.runId}_${variant}`.toLowerCase().replace(/[^a-z0-9_]/g, '_') }
    : { kind: 'sqlite', file: join(ctx.resources.workDir, `${variant}.db`) };
  await initSink(location);
  ctx.defer('business database', () => dropSink(location));
  return location;
}

export function workerConfig(
  ctx: VariantContext,
  options: {
    workerId: string;
    topic: string;
    groupId: string;
    commit: CommitMode;
    dedup: DedupMode;
    sink: SinkLocation;
    stopAt?: StopSpec;
    heartbeatInBatch?: WorkerConfig['heartbeatInBatch'];
  },
): WorkerConfig {
  const redis = ctx.resources.redis;
  return {
    heartbeatInBatch: 'after-apply',
    ...options,
    bootstrap: ctx.bootstrap,
    redisUrl: redis && 'url' in redis ? redis.url : undefined,
    redisPrefix: `dup-lab:${ctx.runId}`,
    dedupWindow: 1_000,
    handoffDelayMs: 4,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    ...LAB_GROUP_TIMING,
  };
}

/**
 * Kafka's default transaction timeout is 60 s (kafkajs: 60000). The lab uses 10 s: long enough for a
 * batch, short enough that a transaction left open by a process nobody restarts is aborted quickly.
 * A restarted instance with the same transactional id does not wait for it: it fences the old one.
 */
export const LAB_TRANSACTION_TIMEOUT_MS = 10_000;

export function transformConfig(
  ctx: VariantContext,
  options: Pick<TransformConfig, 'workerId' | 'topic' | 'groupId' | 'outputTopic' | 'output' | 'database' | 'stopAt' | 'sink' | 'transactionalId'>,
): TransformConfig {
  return {
    ...options,
    bootstrap: ctx.bootstrap,
    transactionTimeout: LAB_TRANSACTION_TIMEOUT_MS,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    ...LAB_GROUP_TIMING,
  };
}

/** Reads the business database back into the history: side effects per message id, and the balance. */
export async function readEffectsInto(history: History, sink: SinkLocation, expectedBalance: number): Promise<void> {
  const effects = await readEffects(sink);
  for (const [id, { copies, workers }] of effects.copies) history.add({ type: 'effect', id, copies, workers });
  history.add({ type: 'balance', expected: expectedBalance, actual: effects.balance });
}
