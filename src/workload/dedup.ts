// Consumer-side deduplication strategies from the source notes: Redis SET NX, a window of recent ids, a processed table.
import type { Order } from './orders.js';
import type { Sink } from './sinks/sink.js';
import type { WorkerConfig } from './worker-protocol.js';

export interface Dedup {
  /** Before the side effect: may this worker apply the order? */
  claim(order: Order): Promise<boolean>;
  /** After the side effect. */
  applied(order: Order): Promise<void>;
  /** After the offsets covering these orders were committed. */
  committed(orders: Order[]): Promise<void>;
  close(): Promise<void>;
}

const noDedup: Dedup = {
  claim: async () => true,
  applied: async () => undefined,
  committed: async () => undefined,
  close: async () => undefined,
};

export async function openDedup(config: WorkerConfig, sink: Sink): Promise<Dedup> {
  switch (config.dedup) {
    case 'redis-setnx':
      return redisSetNx(config);
    case 'dedup-window':
      return {
        ...noDedup,
        claim: async (order) => !(await sink.recentlySeen(order.id)),
        // A separate write after the business transaction: a crash between the two leaves a gap.
        applied: (order) => sink.remember(order.id, config.dedupWindow),
      };
    case 'offset-guard':
      return offsetGuard();
    default:
      // processed-table dedups inside the sink's transaction; none does nothing.
      return noDedup;
  }
}

/**
 * What the Java consumer does inside poll() (CompletedFetch skips a record whose offset is below the
 * position it has reached): remember, per partition, the offset after the last one handled, and skip
 * anything below it. In memory only: a new process, or a partition handed back after a rebalance,
 * starts again from the committed offset, and this guard does not know what was applied before.
 */
function offsetGuard(): Dedup {
  const next = new Map<number, bigint>();
  return {
    ...noDedup,
    claim: async (order) => BigInt(order.offset) >= (next.get(order.partition) ?? -1n),
    applied: async (order) => {
      next.set(order.partition, BigInt(order.offset) + 1n);
    },
  };
}

/**
 * The notes' Redis recipe: SET order-key NX before applying; only the first claimant applies. The key
 * is deleted once the offset commit covers the order, so it lives exactly as long as a redelivery
 * can happen through this consumer group.
 */
async function redisSetNx(config: WorkerConfig): Promise<Dedup> {
  if (!config.redisUrl) throw new Error('redis-setnx needs a Redis URL');
  // Loaded here: every worker process would otherwise pay for the import at start, and most use no Redis.
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 2 });
  // Failed commands reject on their own; without a listener ioredis would also print every connection error.
  redis.on('error', () => undefined);
  await redis.connect();
  const key = (order: Order) => `${config.redisPrefix}:order:${order.orderId}`;
  return {
    claim: async (order) => (await redis.set(key(order), config.workerId, 'NX')) === 'OK',
    applied: async () => undefined,
    committed: async (orders) => {
      if (orders.length > 0) await redis.del(...orders.map(key));
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
