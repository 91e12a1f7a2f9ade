// A read-process-write worker process: consumes orders, writes one output record per order (and, for
// dual-write, the business database), with or without a Kafka transaction around each batch.
import { createKafka, createProducer, type Consumer, type EachBatchPayload, type Producer } from '../kafka/client.js';
import { describeError, protocolErrorType } from '../kafka/errors.js';
import { encodeMessage } from '../workload/messages.js';
import { decodeOrder, type Order } from '../workload/orders.js';
import { openSink } from '../workload/sinks/index.js';
import type { Sink } from '../workload/sinks/sink.js';
import type { TransformConfig } from '../workload/worker-protocol.js';
import { WorkerRuntime } from './worker-runtime.js';

const config = JSON.parse(process.argv[2] ?? '{}') as TransformConfig;
const runtime = new WorkerRuntime(config);
const { ledger } = runtime;
let consumer: Consumer;
let producer: Producer;
let sink: Sink | undefined;

/** Errors that mean a newer instance with the same transactional id has taken over. */
const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

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

function ordersOf(batch: EachBatchPayload['batch']): Order[] {
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
    const type = protocolErrorType(error);
    if (type && FENCED.has(type)) {
      runtime.send({ type: 'fenced', error: describeError(error), code: type });
      await new Promise<never>(() => undefined);
    }
    throw error;
  }
}

async function eachBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> {
  runtime.heartbeatNow = heartbeat;
  const orders = ordersOf(batch);
  const next = (BigInt(batch.lastOffset()) + 1n).toString();
  if (config.output === 'transaction') {
    await fencedGuard(async () => {
      const tx = await producer.transaction();
      try {
        for (const order of orders) {
          await handle(order, (record) => tx.send({ topic: config.outputTopic, messages: [record] }));
          // Resolving moves kafkajs' fetch position; nothing is committed until the transaction is.
          resolveOffset(order.offset);
          await runtime.stopPointIfDue('between-messages');
        }
        // The input offsets ride in the same transaction: outputs and progress commit or abort together.
        await tx.sendOffsets({ consumerGroupId: config.groupId, topics: [{ topic: config.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
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
    await handle(order, (record) => producer.send({ topic: config.outputTopic, acks: -1, messages: [record] }));
    resolveOffset(order.offset);
    await heartbeat();
    await runtime.stopPointIfDue('between-messages');
  }
  await runtime.reported('commit-failed', () => consumer.commitOffsets([{ topic: config.topic, partition: batch.partition, offset: next }]));
}

async function main(): Promise<void> {
  if (config.sink) sink = await openSink(config.sink);
  const kafka = createKafka(config.bootstrap, { clientId: `dup-lab-${config.workerId}` });
  producer = createProducer(
    kafka,
    config.output === 'transaction'
      ? { transactionalId: config.transactionalId, transactionTimeout: config.transactionTimeout, idempotent: true, maxInFlightRequests: 1 }
      : { idempotent: true },
  );
  // With a transactional id, connecting fences every older instance with that id and aborts its open transaction.
  await producer.connect();
  consumer = kafka.consumer({
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
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
}

runtime.onMessages(async () => {
  await consumer?.disconnect().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await sink?.close().catch(() => undefined);
});
runtime.run(main);
