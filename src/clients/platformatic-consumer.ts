// The worker processes' clients from @platformatic/kafka (pure TypeScript): its message stream cut into fetch-sized batches,
// and, for the transform worker, an idempotent or transactional producer. Only this module and platformatic-producer.ts import the library.
import { FENCED_ERRORS } from '../kafka/errors.js';
import { platformaticErrorTree } from './platformatic-errors.js';
import type { OutputTransaction, TransformClients } from '../processes/transform-clients.js';
import type { ConsumerHooks, WorkerBatchPayload, WorkerConsumer } from '../processes/worker-consumer.js';
import { autoCommits, type BaseWorkerConfig, type TransformConfig, type WorkerConfig } from '../workload/worker-protocol.js';

type Platformatic = typeof import('@platformatic/kafka');
/** How long the stop point waits for the broker's committed offsets. */
const PROBE_TIMEOUT_MS = 5_000;

type StreamMessage = { topic: string; partition: number; offset: bigint; value: Buffer | null | undefined };


/**
 * platformatic has no batches: consume() returns a stream of messages, fetched ahead while the stream's buffer has
 * room. With highWaterMark 1 it fetches again only once its buffer is empty, so the messages buffered when the
 * worker takes one are exactly one fetch response: the lab's batch, as kafkajs' eachBatch gives it.
 * `autocommit`: platformatic's default (true) commits each fetch's last offset as soon as the stream receives it,
 * before the application has seen a message of it (clients/consumer/messages-stream.js, #pushRecords); reported
 * to the lab from the stream's 'autocommit' event.
 */
async function openConsumer(lib: Platformatic, config: BaseWorkerConfig, hooks: ConsumerHooks, autocommit: boolean) {
  const consumer = new lib.Consumer({
    clientId: `dup-lab-${config.workerId}`,
    bootstrapBrokers: [config.bootstrap],
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    heartbeatInterval: config.heartbeatInterval,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTime: 100,
    isolationLevel: lib.FetchIsolationLevels.READ_COMMITTED,
    autocommit,
  });
  // A heartbeat (or commit) answered REBALANCE_IN_PROGRESS: it rejoins at once, on its own, whatever the handler is doing
  // (clients/consumer/consumer.js, #getRejoinError, then #joinGroup). The stream is not told.
  consumer.on('consumer:group:rebalance', () => hooks.rebalancing());
  consumer.on('consumer:group:join', (e) =>
    hooks.joined(e.memberId, (e.assignments ?? []).filter((a) => a.topic === config.topic).flatMap((a) => a.partitions)),
  );
  const stream = await consumer.consume({
    topics: [config.topic],
    mode: lib.MessagesStreamModes.COMMITTED,
    fallbackMode: lib.MessagesStreamFallbackModes.EARLIEST,
    highWaterMark: 1,
    autocommit,
  });
  const ofTopic = (offsets: { topic: string; partition: number; offset: bigint }[]) =>
    offsets.filter((o) => o.topic === config.topic).map((o) => ({ partition: o.partition, offset: o.offset.toString() }));
  stream.on('autocommit', (error, offsets) => {
    if (!error && offsets) hooks.committed(ofTopic(offsets));
  });
  hooks.setCommittedProbe(async () => {
    const partitions = (consumer.assignments ?? []).filter((a) => a.topic === config.topic).flatMap((a) => a.partitions);
    // Bounded, as the other clients' probes: the stop point must come.
    const committed = await Promise.race([
      consumer.listCommittedOffsets({ topics: [{ topic: config.topic, partitions }] }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no committed offsets within 5 s')), PROBE_TIMEOUT_MS).unref()),
    ]);
    // Indexed by partition number (clients/consumer/consumer.js: partitions[index] = committedOffset).
    const offsets = committed.get(config.topic) ?? [];
    hooks.knownCommitted(partitions.flatMap((p) => (offsets[p] !== undefined && offsets[p]! >= 0n ? [{ partition: p, offset: offsets[p]!.toString() }] : [])));
  });
  /** The last message handed out per partition: a transaction's offset is added from it (Transaction.addOffset). */
  const lastMessage = new Map<number, StreamMessage>();

  const nextBatch = async (iterator: AsyncIterator<StreamMessage>): Promise<StreamMessage[] | null> => {
    const first = await iterator.next();
    if (first.done) return null;
    const batch = [first.value];
    for (let m = stream.read() as StreamMessage | null; m !== null; m = stream.read() as StreamMessage | null) batch.push(m);
    return batch;
  };

  const worker: WorkerConsumer = {
    run: async (handlers) => {
      const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<StreamMessage>;
      for (let batch = await nextBatch(iterator); batch; batch = await nextBatch(iterator)) {
        for (const partition of [...new Set(batch.map((m) => m.partition))]) {
          const messages = batch.filter((m) => m.partition === partition);
          lastMessage.set(partition, messages.at(-1)!);
          hooks.batchStarted(messages.length);
          const payload: WorkerBatchPayload = {
            batch: { partition, messages: messages.map((m) => ({ value: m.value ?? null, offset: m.offset.toString() })), lastOffset: () => messages.at(-1)!.offset.toString() },
            resolveOffset: () => undefined,
            // platformatic heartbeats on its own timer.
            heartbeat: async () => undefined,
          };
          if ('eachBatch' in handlers) await handlers.eachBatch(payload);
          else for (const message of payload.batch.messages) await handlers.eachMessage({ message, partition, heartbeat: payload.heartbeat });
        }
      }
    },
    commitOffsets: async (offsets) => {
      // consumer.commit() commits the offset it is given: the next one to read, as kafkajs' commitOffsets. Refused
      // as from a member the group no longer has (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS),
      // it rejoins the group and commits again under the new generation (clients/consumer/consumer.js, #commit):
      // a woken zombie's commit goes through (zombie shows it).
      await consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
      hooks.committed(offsets.map((o) => ({ partition: o.partition, offset: o.offset })));
    },
    disconnect: async () => {
      await stream.close().catch(() => undefined);
      await consumer.close(true);
    },
  };
  return { consumer, worker, lastMessage };
}

/** The consumer worker's consumer (consumer-crash): platformatic's autocommit for the auto modes, consumer.commit() otherwise. */
export async function openPlatformaticWorkerConsumer(config: WorkerConfig, hooks: ConsumerHooks): Promise<WorkerConsumer> {
  const lib = await import('@platformatic/kafka');
  return (await openConsumer(lib, config, hooks, autoCommits(config))).worker;
}

export async function openPlatformaticTransformClients(config: TransformConfig, hooks: ConsumerHooks): Promise<TransformClients> {
  const lib = await import('@platformatic/kafka');
  const transactional = config.output === 'transaction';
  const producer = new lib.Producer({
    clientId: `dup-lab-${config.workerId}-out`,
    bootstrapBrokers: [config.bootstrap],
    idempotent: true,
    acks: lib.ProduceAcks.ALL,
    serializers: lib.stringSerializers,
    // The lab's retry wait for every client (platformatic's default is 1 s: each transaction waited that long on CONCURRENT_TRANSACTIONS).
    retryDelay: 300,
    // platformatic sends its `timeout` as InitProducerId's transaction timeout.
    ...(transactional ? { transactionalId: config.transactionalId, timeout: config.transactionTimeout } : {}),
  });
  const { consumer, worker, lastMessage } = await openConsumer(lib, config, hooks, false);
  return {
    consumer: worker,
    send: async (record) => {
      await producer.send({ messages: [{ topic: config.outputTopic, key: record.key, value: record.value }] });
    },
    transaction: async (): Promise<OutputTransaction> => {
      // Its first transaction sends InitProducerId with the transactional id: that fences every older instance.
      const tx = await producer.beginTransaction();
      return {
        send: async (record) => {
          await tx.send({ messages: [{ topic: config.outputTopic, key: record.key, value: record.value }] });
        },
        // TxnOffsetCommit of the message's offset + 1, with the consumer's group, generation and member id (KIP-447).
        sendOffsets: async (partition, next) => {
          const last = lastMessage.get(partition);
          if (!last || (last.offset + 1n).toString() !== next) throw new Error(`no message before offset ${next} of partition ${partition} to commit from`);
          await tx.addConsumer(consumer);
          await tx.addOffset(last as Parameters<typeof tx.addOffset>[0]);
        },
        commit: () => tx.commit(),
        abort: () => tx.abort(),
        isActive: () => !tx.completed,
      };
    },
    fencedBy: (error) => {
      return platformaticErrorTree(error).find((e) => e.apiId && FENCED_ERRORS.has(e.apiId))?.apiId;
    },
    disconnectProducer: () => producer.close(),
  };
}
