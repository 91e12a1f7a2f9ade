// A consumer worker process: consumes orders, applies each to the business database, commits offsets
// as its mode says, and stops at its stop point so the lab can kill, hold or stall it there.
import { openWorkerConsumer, type WorkerBatchPayload, type WorkerConsumer, type WorkerMessage } from './worker-consumer.js';
import { openDedup, type Dedup } from '../workload/dedup.js';
import { decodeOrder, type Order } from '../workload/orders.js';
import { openSink } from '../workload/sinks/index.js';
import type { Sink } from '../workload/sinks/sink.js';
import type { WorkerConfig } from '../workload/worker-protocol.js';
import { WorkerRuntime } from './worker-runtime.js';

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const runtime = new WorkerRuntime(config);
const { ledger } = runtime;
let sink: Sink;
let dedup: Dedup;
let consumer: WorkerConsumer;

/** Dedup check, the business write, and the dedup bookkeeping, for one message. */
async function process1(order: Order): Promise<void> {
  if (!(await dedup.claim(order))) {
    ledger.skip(order);
    return;
  }
  const result = await sink.apply(order, config.workerId, { processedRow: config.dedup === 'processed-table' });
  if (result === 'already-processed') {
    ledger.skip(order);
    return;
  }
  await dedup.applied(order);
  ledger.apply(order);
  await runtime.stopPointIfDue('after-apply');
}

/** Decodes a fetched message and records its receipt in the ledger (once, when it is handed to us). */
function take(message: WorkerMessage, partition: number): Order {
  const order = decodeOrder(message.value?.toString() ?? null, partition, message.offset);
  if (!order) throw new Error(`offset ${message.offset} is not a lab order`);
  ledger.receive(order);
  return order;
}

/**
 * A manual commit; a failed one (refused: the group moved on without us; or timed out) is reported,
 * with the messages the worker will not apply because of it, then rethrown to kafkajs.
 */
function commit(partition: number, nextOffset: string, notApplied = 0): Promise<void> {
  return runtime.reported('commit-failed', () => consumer.commitOffsets([{ topic: config.topic, partition, offset: nextOffset }]), { notApplied });
}

async function eachBatch({ batch, resolveOffset, heartbeat }: WorkerBatchPayload): Promise<void> {
  runtime.heartbeatNow = heartbeat;
  const orders = batch.messages.map((m) => take(m, batch.partition));
  const next = (BigInt(batch.lastOffset()) + 1n).toString();
  // At-most-once: a failed commit ends the batch before any apply; the worker expects it again.
  if (config.commit === 'before-process') await commit(batch.partition, next, orders.length);
  for (const order of orders) {
    // A heartbeat before the apply is the worker asking "am I still a member?" (kafkajs throws if not).
    if (config.heartbeatInBatch === 'before-apply') await runtime.reported('heartbeat-refused', heartbeat);
    await process1(order);
    resolveOffset(order.offset);
    if (config.heartbeatInBatch === 'after-apply') await heartbeat();
    await runtime.stopPointIfDue('between-messages');
  }
  if (config.commit === 'after-batch') {
    await commit(batch.partition, next);
    await dedup.committed(orders);
  }
}

/** auto-handoff: the handler returns at once; a background loop applies, as slowly as an async call would. */
const handoffQueue: Order[] = [];
let handoffBusy = false;
async function drainHandoffQueue(): Promise<void> {
  for (;;) {
    const order = handoffQueue.shift();
    if (!order) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    handoffBusy = true;
    await new Promise((r) => setTimeout(r, config.handoffDelayMs));
    await process1(order);
    handoffBusy = false;
  }
}

/** Waits (bounded) until the handoff queue is empty, so a graceful stop finishes the work it took. */
async function drained(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((handoffQueue.length > 0 || handoffBusy) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

async function main(): Promise<void> {
  sink = await openSink(config.sink);
  dedup = await openDedup(config, sink);
  consumer = await openWorkerConsumer(config, runtime);

  if (config.commit === 'auto') {
    await consumer.run({
      eachMessage: async ({ message, partition, heartbeat }) => {
        runtime.heartbeatNow = heartbeat;
        await process1(take(message, partition));
        await runtime.stopPointIfDue('between-messages');
      },
    });
  } else if (config.commit === 'auto-handoff') {
    void drainHandoffQueue();
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        handoffQueue.push(take(message, partition));
      },
    });
  } else if (config.commit === 'per-message') {
    await consumer.run({
      eachMessage: async ({ message, partition, heartbeat }) => {
        runtime.heartbeatNow = heartbeat;
        const order = take(message, partition);
        await process1(order);
        await commit(partition, (BigInt(message.offset) + 1n).toString());
        await dedup.committed([order]);
        await runtime.stopPointIfDue('between-messages');
      },
    });
  } else {
    await consumer.run({ eachBatch });
  }
}

runtime.onMessages(async () => {
  await drained(10_000);
  await consumer?.disconnect().catch(() => undefined);
  await dedup?.close().catch(() => undefined);
  await sink?.close().catch(() => undefined);
});
runtime.run(main);
