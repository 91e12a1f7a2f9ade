// A consumer worker process: consumes orders, applies each to the business database, commits offsets
// as its mode says, and stops at its crash point so the lab can SIGKILL it there.
import { createKafka, type Consumer, type EachBatchPayload, type KafkaMessage } from '../kafka/client.js';
import { describeError } from '../kafka/errors.js';
import { decodeOrder, type Order } from './orders.js';
import { openSink } from './sinks/index.js';
import type { Sink } from './sinks/sink.js';
import { openDedup, type Dedup } from './dedup.js';
import { crashPosition, type CrashPoint, type FromWorker, type ToWorker, type WorkerConfig } from './worker-protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const send = (message: FromWorker) => process.send?.(message);

// The lab holds the IPC channel; if the lab dies, so does the worker.
process.on('disconnect', () => process.exit(1));

/** What the worker knows, to say at the crash point what a restart will redo or skip. */
class Ledger {
  private readonly applied = new Map<number, Set<bigint>>();
  private readonly handled = new Map<number, Set<bigint>>();
  private readonly received = new Map<number, Set<bigint>>();
  readonly committed = new Map<number, bigint>();
  appliedCount = 0;
  skippedCount = 0;

  get handledCount(): number {
    return this.appliedCount + this.skippedCount;
  }

  receive(o: Order): void {
    set(this.received, o.partition).add(BigInt(o.offset));
  }
  apply(o: Order): void {
    set(this.applied, o.partition).add(BigInt(o.offset));
    set(this.handled, o.partition).add(BigInt(o.offset));
    this.appliedCount++;
  }
  skip(o: Order): void {
    set(this.handled, o.partition).add(BigInt(o.offset));
    this.skippedCount++;
  }
  crashPoint(messagesSeen: number): CrashPoint {
    let appliedNotCommitted = 0;
    let committedNotApplied = 0;
    for (const [p, offsets] of this.applied) {
      const committed = this.committed.get(p) ?? -1n;
      for (const offset of offsets) if (offset >= committed) appliedNotCommitted++;
    }
    for (const [p, offsets] of this.received) {
      const committed = this.committed.get(p) ?? -1n;
      const handled = this.handled.get(p) ?? new Set();
      for (const offset of offsets) if (offset < committed && !handled.has(offset)) committedNotApplied++;
    }
    return {
      applied: this.appliedCount,
      appliedNotCommitted,
      committedNotApplied,
      remainingInBatch: Math.max(0, messagesSeen - this.handledCount),
      committed: Object.fromEntries([...this.committed].map(([p, o]) => [p, o.toString()])),
    };
  }
}

function set<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}

const ledger = new Ledger();
let sink: Sink;
let dedup: Dedup;
let consumer: Consumer;

/** Messages handled (applied or skipped) when the stop point comes; set when its batch starts. */
let stopTarget: number | undefined;
let batchesSeen = 0;
let messagesSeen = 0;
let heartbeatNow: (() => Promise<void>) | undefined;

/** Called as each batch starts: the stop batch fixes the stop target inside it. */
function onBatchStart(batchSize: number): void {
  batchesSeen++;
  if (config.stopAt && batchesSeen === config.stopAt.batch) stopTarget = messagesSeen + crashPosition(batchSize, config.stopAt.fraction);
  messagesSeen += batchSize;
}

const HOLD_LIMIT_MS = 20_000;

/**
 * At the stop point. A crash comes right after a side effect, before the commit that covers it; a
 * hold or a stall comes between two messages, where kafkajs itself would heartbeat.
 */
async function stopPointIfDue(place: 'after-apply' | 'between-messages'): Promise<void> {
  if (stopTarget === undefined || ledger.handledCount < stopTarget || !config.stopAt) return;
  const action = config.stopAt.action;
  if (place !== (action === 'crash' ? 'after-apply' : 'between-messages')) return;
  stopTarget = undefined;
  send({ type: 'stop-point', action, point: ledger.crashPoint(messagesSeen) });
  if (action === 'crash') await new Promise<never>(() => undefined); // the lab SIGKILLs us here
  if (action === 'stall') await goSignal; // the lab SIGSTOPs us, later SIGCONTs and says go
  if (action === 'hold') {
    // Stay in the batch, heartbeating, until the coordinator says a rebalance started: heartbeat()
    // then throws and the batch ends here (bounded, so a missing rebalance cannot hang the worker).
    const deadline = Date.now() + HOLD_LIMIT_MS;
    while (Date.now() < deadline) {
      await heartbeatNow?.();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

let go: () => void = () => undefined;
const goSignal = new Promise<void>((resolve) => (go = resolve));

/** Dedup check, the business write, and the dedup bookkeeping, for one message. */
async function process1(order: Order): Promise<void> {
  ledger.receive(order);
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
  await stopPointIfDue('after-apply');
}

function orderOf(message: KafkaMessage, partition: number): Order {
  const order = decodeOrder(message.value?.toString() ?? null, partition, message.offset);
  if (!order) throw new Error(`offset ${message.offset} is not a lab order`);
  return order;
}

/** A manual commit; a refused one (the group moved on without us) is reported, then rethrown to kafkajs. */
async function commit(partition: number, nextOffset: string): Promise<void> {
  try {
    await consumer.commitOffsets([{ topic: config.topic, partition, offset: nextOffset }]);
  } catch (error) {
    send({ type: 'commit-failed', error: describeError(error) });
    throw error;
  }
}

async function heartbeatOrReport(heartbeat: () => Promise<void>): Promise<void> {
  try {
    await heartbeat();
  } catch (error) {
    send({ type: 'heartbeat-refused', error: describeError(error) });
    throw error;
  }
}

async function eachBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
  heartbeatNow = heartbeat;
  const orders = batch.messages.map((m) => orderOf(m, batch.partition));
  for (const order of orders) ledger.receive(order);
  const next = (BigInt(batch.lastOffset()) + 1n).toString();
  if (config.commit === 'before-process') await commit(batch.partition, next);
  for (const order of orders) {
    // A heartbeat before the apply is the worker asking "am I still a member?" (kafkajs throws if not).
    if (config.heartbeatInBatch === 'before-apply') await heartbeatOrReport(heartbeat);
    await process1(order);
    resolveOffset(order.offset);
    if (config.heartbeatInBatch === 'after-apply') await heartbeat();
    await stopPointIfDue('between-messages');
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

async function main(): Promise<void> {
  sink = await openSink(config.sink);
  dedup = await openDedup(config, sink);
  const kafka = createKafka(config.bootstrap, { clientId: `dup-lab-${config.workerId}` });
  consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    heartbeatInterval: config.heartbeatInterval,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeInMs: 100,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) =>
    send({ type: 'joined', memberId: e.payload.memberId, partitions: e.payload.memberAssignment[config.topic] ?? [] }),
  );
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    const offsets = e.payload.topics.flatMap((t) => t.partitions.map((p) => ({ partition: Number(p.partition), offset: p.offset })));
    for (const o of offsets) ledger.committed.set(o.partition, BigInt(o.offset));
    send({ type: 'committed', offsets });
  });
  consumer.on(consumer.events.CRASH, (e) =>
    send(e.payload.restart ? { type: 'restarted', error: describeError(e.payload.error) } : { type: 'failed', error: describeError(e.payload.error) }),
  );
  consumer.on(consumer.events.START_BATCH_PROCESS, (e) => onBatchStart(e.payload.batchSize));
  consumer.on(consumer.events.REBALANCING, () => send({ type: 'rebalancing', point: ledger.crashPoint(messagesSeen) }));
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });

  if (config.commit === 'auto') {
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ message, partition, heartbeat }) => {
        heartbeatNow = heartbeat;
        await process1(orderOf(message, partition));
        await stopPointIfDue('between-messages');
      },
    });
  } else if (config.commit === 'auto-handoff') {
    void drainHandoffQueue();
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ message, partition }) => {
        const order = orderOf(message, partition);
        ledger.receive(order);
        handoffQueue.push(order);
      },
    });
  } else if (config.commit === 'per-message') {
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition, heartbeat }) => {
        heartbeatNow = heartbeat;
        const order = orderOf(message, partition);
        await process1(order);
        await commit(partition, (BigInt(message.offset) + 1n).toString());
        await dedup.committed([order]);
        await stopPointIfDue('between-messages');
      },
    });
  } else if (config.commit === 'on-revoke') {
    await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch });
  } else {
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  }
}

/** Waits (bounded) until the handoff queue is empty, so a graceful stop finishes the work it took. */
async function drained(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((handoffQueue.length > 0 || handoffBusy) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'go') go();
  if (message.type !== 'stop') return;
  // A graceful stop: kafkajs commits what was resolved and leaves the group. Not a crash.
  void (async () => {
    await drained(10_000);
    await consumer?.disconnect().catch(() => undefined);
    send({ type: 'stopped', applied: ledger.appliedCount, skipped: ledger.skippedCount });
    await dedup?.close().catch(() => undefined);
    await sink?.close().catch(() => undefined);
    process.exit(0);
  })();
});

main().catch((error: unknown) => {
  send({ type: 'failed', error: describeError(error) });
  process.exit(1);
});
