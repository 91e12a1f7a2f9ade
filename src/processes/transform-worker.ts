// A read-process-write worker process: consumes orders, writes one output record per order (and, for
// dual-write, the business database), with or without a Kafka transaction around each batch.
import { describeError } from '../kafka/errors.js';
import { openTransformClients, type TransformClients } from './transform-clients.js';
import type { WorkerBatchPayload } from './worker-consumer.js';
import { encodeMessage } from '../workload/messages.js';
import { decodeOrder, type Order } from '../workload/orders.js';
import { openSink } from '../workload/sinks/index.js';
import type { Sink } from '../workload/sinks/sink.js';
import type { TransformConfig } from '../workload/worker-protocol.js';
import { WorkerRuntime } from './worker-runtime.js';

const config = JSON.parse(process.argv[2] ?? '{}') as TransformConfig;
const runtime = new WorkerRuntime(config);
const { ledger } = runtime;
let clients: TransformClients | undefined;
let sink: Sink | undefined;

/** The output record for an order: the same lab message (same id), marked as processed. */
function outputOf(order: Order): { key: string; value: string } {
  return { key: order.key, value: encodeMessage(order, { orderId: order.orderId, amount: order.amount, processed: 'yes' }) };
}

type Send = (record: { key: string; value: string }) => Promise<unknown>;

/** What an order needs after its database write: its event, nothing more (the outbox holds it), or nothing (done before). */
type AfterWrite = 'publish' | 'outboxed' | 'already-done';

async function databaseWrite(order: Order): Promise<AfterWrite> {
  if (!sink || config.database === 'none') return 'publish';
  if (config.database === 'outbox') {
    return (await sink.applyWithOutbox(order, config.workerId, outputOf(order).value)) === 'applied' ? 'outboxed' : 'already-done';
  }
  // row-if-new-then-event dedups the row, and so publishes only for a new one; row-then-event always writes.
  const result = await sink.apply(order, config.workerId, { processedRow: config.database === 'row-if-new-then-event' });
  return result === 'applied' ? 'publish' : 'already-done';
}

async function handle(order: Order, send: Send): Promise<void> {
  ledger.receive(order);
  const next = await databaseWrite(order);
  if (next === 'already-done') {
    ledger.skip(order);
    return;
  }
  ledger.apply(order);
  await runtime.stopPointIfDue('after-db-write');
  if (next === 'publish') await send(outputOf(order));
  await runtime.stopPointIfDue('after-apply');
}

function ordersOf(batch: WorkerBatchPayload['batch']): Order[] {
  return batch.messages.map((m) => {
    const order = decodeOrder(m.value?.toString() ?? null, batch.partition, m.offset);
    if (!order) throw new Error(`offset ${m.offset} is not a lab order`);
    return order;
  });
}

/** A fenced producer is a zombie: it reports, then waits to be stopped instead of doing more. */
async function fencedGuard(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const type = clients?.fencedBy(error);
    if (type) {
      runtime.send({ type: 'fenced', error: describeError(error), code: type });
      await new Promise<never>(() => undefined);
    }
    throw error;
  }
}

async function eachBatch({ batch, heartbeat, resolveOffset }: WorkerBatchPayload): Promise<void> {
  runtime.heartbeatNow = heartbeat;
  const orders = ordersOf(batch);
  const next = (BigInt(batch.lastOffset()) + 1n).toString();
  if (config.output === 'transaction') {
    await fencedGuard(async () => {
      const tx = await clients!.transaction();
      try {
        for (const order of orders) {
          await handle(order, (record) => tx.send(record));
          // Resolving moves kafkajs' fetch position; nothing is committed until the transaction is.
          resolveOffset(order.offset);
          await runtime.stopPointIfDue('between-messages');
        }
        // The input offsets ride in the same transaction: outputs and progress commit or abort together.
        await tx.sendOffsets(batch.partition, next);
        await tx.commit();
      } catch (error) {
        if (tx.isActive()) await tx.abort().catch(() => undefined);
        throw error;
      }
    });
    ledger.commit(batch.partition, next);
    runtime.send({ type: 'committed', offsets: [{ partition: batch.partition, offset: next }] });
    return;
  }
  for (const order of orders) {
    await handle(order, (record) => clients!.send(record));
    resolveOffset(order.offset);
    await heartbeat();
    await runtime.stopPointIfDue('between-messages');
  }
  await runtime.reported('commit-failed', () => clients!.consumer.commitOffsets([{ topic: config.topic, partition: batch.partition, offset: next }]));
}

async function main(): Promise<void> {
  if (config.sink) sink = await openSink(config.sink);
  clients = await openTransformClients(config, runtime);
  await clients.consumer.run({ eachBatch });
}

runtime.onMessages(async () => {
  await clients?.consumer.disconnect().catch(() => undefined);
  await clients?.disconnectProducer().catch(() => undefined);
  await sink?.close().catch(() => undefined);
});
runtime.run(main);
