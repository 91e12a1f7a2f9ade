// Shared steps of the consumer scenarios: the business database per variant, worker settings, reading effects back.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkEffects, type EffectCounts } from '../check/effects-checker.js';
import type { History } from '../core/history.js';
import type { Column, VariantContext } from '../core/scenario.js';
import { makeOrders, prefillOrders } from './orders.js';
import { dropSink, initSink, readEffects, type SinkLocation } from './sinks/index.js';
import type { CommitMode, DedupMode, StopSpec, StopPlace, TransformConfig, WorkerConfig } from './worker-protocol.js';

/**
 * Group timing for lab workers. A crashed member holds its partitions until its session times out,
 * so short sessions keep a run in seconds; the lab broker allows them (group.min.session.timeout.ms=1000).
 */
export const LAB_GROUP_TIMING = { sessionTimeout: 2_000, heartbeatInterval: 300 } as const;

/** The table of a consumer scenario that predicts duplicate effects and never-applied orders. */
export const EFFECT_COLUMNS: Column[] = [
  { key: 'messages', label: 'messages' },
  { key: 'effects', label: 'effects' },
  { key: 'duplicateEffects', label: 'dup effects', predicted: true },
  { key: 'neverApplied', label: 'never applied', predicted: true },
  { key: 'balanceExpected', label: 'balance expected' },
  { key: 'balanceActual', label: 'balance actual' },
];

/** About 25 orders per fetch: batches well under the 1000-id dedup window, several per run. */
export const MAX_BYTES_PER_PARTITION = 3_000;

/** A schema name for the run's variant: lower case, safe, within PostgreSQL's 63-character limit. */
export function postgresSchema(runId: string): string {
  const name = `dup_lab_${runId}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, 52)}_${hash}`;
}

/** A fresh business database for the variant: a SQLite file in its work dir, or a schema in --pg-url's database. */
export async function variantSink(ctx: VariantContext, variant: string): Promise<SinkLocation> {
  const pg = ctx.resources.postgres;
  const location: SinkLocation = pg
    ? { kind: 'postgres', url: pg.url, schema: postgresSchema(ctx.runId) }
    : { kind: 'sqlite', file: join(ctx.resources.workDir, `${variant}.db`) };
  await initSink(location);
  if (!ctx.resources.keepDataDir) ctx.defer('business database', () => dropSink(location));
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
    // The worker's consumer: kafkajs unless the run named another client a consumer worker can use.
    ...(ctx.client === 'confluent' || ctx.client === 'java' || ctx.client === 'platformatic' ? { client: ctx.client } : {}),
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
    ...(ctx.client === 'confluent' || ctx.client === 'java' || ctx.client === 'platformatic' ? { client: ctx.client } : {}),
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

/** Keys of the order topics: more than any worker has in flight. */
const ORDER_KEYS = 8;

export interface OrderTopic {
  topic: string;
  /** The consumer group the variant's workers share. */
  groupId: string;
  /** The sum of all amounts: what the balance must be when every order is applied once. */
  expectedBalance: number;
}

/** A fresh topic pre-filled with the run's seeded orders (the same for every variant), and a group id. */
export async function orderTopic(ctx: VariantContext, suffix = 'orders', partitions = 1): Promise<OrderTopic> {
  const topic = await ctx.createTopic(suffix, partitions);
  const orders = makeOrders(ctx.runId, ctx.messages, ORDER_KEYS, ctx.rng.fork('amounts'));
  await prefillOrders(ctx.bootstrap, topic, orders, ctx.history, partitions);
  return { topic, groupId: ctx.groupId, expectedBalance: orders.reduce((sum, o) => sum + o.amount, 0) };
}

/**
 * Where the first worker stops: in a seeded batch of `batches` (from 1), at a seeded point inside it.
 * Drawn from the scenario's seed under `label`, so every variant stops at the same place.
 */
export function seededStop(
  ctx: VariantContext,
  label: string,
  action: StopSpec['action'],
  options: { batches?: [number, number]; place?: StopPlace } = {},
): StopSpec {
  const rng = ctx.rng.fork(label);
  const [first, last] = options.batches ?? [3, 5];
  return { batch: rng.int(first, last), fraction: 0.25 + rng.next() / 2, action, ...(options.place ? { place: options.place } : {}) };
}

/** Reads the business database back into the history and counts the side effects. */
export async function effectCounts(ctx: VariantContext, sink: SinkLocation, expectedBalance: number): Promise<EffectCounts> {
  await readEffectsInto(ctx.history, sink, expectedBalance);
  return checkEffects(ctx.history.all());
}

/**
 * How long one step of a consumer scenario may take (a worker reaching its stop point, a group
 * committing to the end): 30 s, plus time for big runs. Every wait is bounded by it.
 */
export function stepTimeoutMs(ctx: VariantContext): number {
  return 30_000 + ctx.messages * 20;
}
