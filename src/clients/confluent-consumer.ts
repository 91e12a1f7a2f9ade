// The worker processes' Kafka clients from @confluentinc/kafka-javascript (librdkafka, KafkaJS-compatible API): a consumer's handlers batch by batch, and the transform worker's producer.
import type { ConsumerHooks, WorkerConsumer } from '../processes/worker-consumer.js';
import type { TransformClients } from '../processes/transform-clients.js';
import { autoCommits, type BaseWorkerConfig, type TransformConfig, type WorkerConfig } from '../workload/worker-protocol.js';
import { load, type ConfluentConsumer, type ConfluentModule } from './confluent-library.js';

function library(): ConfluentModule {
  const lib = load();
  if (lib instanceof Error) throw lib;
  return lib;
}

/**
 * What differs from kafkajs, from lib/kafkajs/_consumer.js: autoCommit is consumer configuration (run()
 * refuses it) and commits on librdkafka's timer (auto.commit.interval.ms, 5 s), not after each batch;
 * consumer events are not supported, so the lab counts batches itself and, at the stop point, asks the
 * broker what is committed; heartbeat() does nothing (librdkafka heartbeats from its own thread).
 * eachMessage handlers run inside eachBatch here, so the stop point can count batches as with kafkajs.
 */
async function connectedConsumer(
  kafka: InstanceType<ConfluentModule['KafkaJS']['Kafka']>,
  config: BaseWorkerConfig,
  autoCommit: boolean,
  hooks: ConsumerHooks,
): Promise<{ raw: ConfluentConsumer; consumer: WorkerConsumer }> {
  /** The partitions of the topic librdkafka revoked last, until the next assignment. */
  let revoked: number[] = [];
  let lostAssignment = false;
  const raw = kafka.consumer({
    // The KafkaJS API has no GROUP_JOIN or REBALANCING event; librdkafka's rebalance callback says what this member was
    // given, and what it gave up (lib/kafkajs/_consumer.js, #rebalanceCallback awaits it, then assigns or unassigns).
    rebalance_cb: async (error: { code: number }, assignment: { topic: string; partition: number }[], fns?: { assignmentLost?: () => boolean }) => {
      const partitions = assignment.filter((a) => a.topic === config.topic).map((a) => a.partition);
      if (error.code === REVOKE_PARTITIONS) {
        revoked = partitions;
        // Lost (the session ran out): the broker's offsets are then another member's, and confirm none of this one's commits.
        lostAssignment = fns?.assignmentLost?.() ?? false;
      }
      if (error.code !== ASSIGN_PARTITIONS) return;
      if (revoked.length > 0) {
        // The rebalance is done: whatever librdkafka committed on the way (auto-commit commits on revocation) is in,
        // and the new owners start from what the broker has now. The worker's snapshot is of that moment.
        await confirmCommitted(revoked, !lostAssignment).catch(() => undefined);
        revoked = [];
        hooks.rebalancing();
      }
      hooks.joined('', partitions);
    },
    kafkaJS: {
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeout,
      heartbeatInterval: config.heartbeatInterval,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      fromBeginning: true,
      autoCommit,
      readUncommitted: false,
    },
  });
  await raw.connect();
  await raw.subscribe({ topics: [config.topic] });
  const answers = commitAnswers(raw, config.topic, hooks);
  /** What the broker has committed for these partitions (or the assigned ones), into the ledger. */
  async function confirmCommitted(partitions?: number[], answersToo = true): Promise<void> {
    // Bounded: the library waits forever by default (timeout -1), and the stop point must come.
    const asked = partitions ? partitions.map((partition) => ({ topic: config.topic, partition })) : null;
    // A partition with nothing committed comes back with a null (or negative) offset.
    const committed = (await raw.committed(asked, PROBE_TIMEOUT_MS)).filter((c) => c.topic === config.topic && c.offset !== null && BigInt(c.offset) >= 0n);
    const offsets = committed.map((c) => ({ partition: c.partition, offset: c.offset! }));
    if (answersToo) answers?.confirmed(offsets);
    hooks.knownCommitted(offsets);
  }
  hooks.setCommittedProbe(() => confirmCommitted());
  const consumer: WorkerConsumer = {
    run: (handlers) =>
      raw.run({
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          hooks.batchStarted(payload.batch.messages.length);
          try {
            if ('eachBatch' in handlers) return await handlers.eachBatch(payload);
            for (const message of payload.batch.messages) {
              await handlers.eachMessage({ message, partition: payload.batch.partition, heartbeat: payload.heartbeat });
              payload.resolveOffset(message.offset);
            }
          } catch (error) {
            // The library logs a handler's error (silenced here) and seeks back to redeliver: say so, as kafkajs' CRASH event would.
            hooks.handlerFailed(error);
            throw error;
          }
        },
      }),
    commitOffsets: async (offsets) => {
      const mine = offsets.map((o) => ({ partition: o.partition, offset: o.offset }));
      if (answers) answers.expect(mine);
      // Resolves once librdkafka has queued the commit (src/kafka-consumer.cc: Commit calls commitAsync), before the
      // broker answers; an application goes on either way, so the worker does too. The answer comes to `answers`.
      await raw.commitOffsets(offsets);
      if (!answers) hooks.committed(mine);
    },
    disconnect: () => raw.disconnect(),
  };
  return { raw, consumer };
}

/** The broker's codes (librdkafka passes them through) for a commit from a member the group no longer has. */
const COMMIT_REFUSALS = new Map<number, string>([
  [22, 'ILLEGAL_GENERATION'],
  [25, 'UNKNOWN_MEMBER_ID'],
  [27, 'REBALANCE_IN_PROGRESS'],
]);

type CommitResult = { topic: string; partition: number; offset: number | string; error?: { code?: number } };

/**
 * The broker's answer to each manual commit, from librdkafka's offset_commit_cb: the KafkaJS API sets it and
 * re-emits it on its internal client as 'offset.commit' (lib/kafkajs/_consumer.js; lib/kafka-consumer.js), and
 * that is the only place a refusal shows. An accepted commit is reported as committed; a refused one as
 * commit-failed, though commitOffsets had resolved. Commits librdkafka makes on its own timer are not the
 * worker's and are left out. Undefined when the library no longer exposes the client (then a queued commit counts).
 */
interface CommitAnswers {
  expect(offsets: { partition: number; offset: string }[]): void;
  confirmed(committed: { partition: number; offset: string }[]): void;
}

function commitAnswers(raw: ConfluentConsumer, topic: string, hooks: ConsumerHooks): CommitAnswers | undefined {
  const internal = (raw as { _getInternalClient?: () => { on(event: string, listener: (error: { code?: number; message?: string } | null, results: CommitResult[]) => void): void } | null })._getInternalClient?.();
  if (!internal) return undefined;
  const pending = new Set<string>();
  const key = (partition: number, offset: number | string) => `${partition}@${offset}`;
  internal.on('offset.commit', (error, results) => {
    for (const r of results ?? []) {
      if (r.topic !== topic || !pending.delete(key(r.partition, r.offset))) continue;
      const code = r.error?.code ?? error?.code;
      if (!code) hooks.committed([{ partition: r.partition, offset: String(r.offset) }]);
      else hooks.commitRefused(`the broker refused commit p${r.partition}@${r.offset} after commitOffsets had resolved: ${error?.message ?? `error ${code}`}`, COMMIT_REFUSALS.get(code));
    }
  });
  return {
    expect: (offsets) => offsets.forEach((o) => pending.add(key(o.partition, o.offset))),
    // librdkafka serves the callback only when the consumer is next polled: a worker held at its stop point would hear
    // of commits made before it only after. What the broker says it has committed answers those now, in their order.
    confirmed: (committed) => {
      for (const c of committed)
        for (const k of [...pending]) {
          const [partition, offset] = k.split('@').map(BigInt) as [bigint, bigint];
          if (partition === BigInt(c.partition) && offset <= BigInt(c.offset) && pending.delete(k)) hooks.committed([{ partition: c.partition, offset: offset.toString() }]);
        }
    },
  };
}

/** How long the stop point waits for the broker's committed offsets. */
const PROBE_TIMEOUT_MS = 5_000;
/** librdkafka's RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS (rdkafka.h): the rebalance callback's "here is your assignment". */
const ASSIGN_PARTITIONS = -175;
/** RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: "give these up". */
const REVOKE_PARTITIONS = -174;

function kafkaFor(lib: ConfluentModule, config: BaseWorkerConfig) {
  return new lib.KafkaJS.Kafka({ kafkaJS: { brokers: [config.bootstrap], clientId: `dup-lab-${config.workerId}`, logLevel: 0 } });
}

export async function openConfluentWorkerConsumer(config: WorkerConfig, hooks: ConsumerHooks): Promise<WorkerConsumer> {
  return (await connectedConsumer(kafkaFor(library(), config), config, autoCommits(config), hooks)).consumer;
}

/** librdkafka's codes for "a newer instance with this transactional id has taken over" (rdkafka.h). */
const FENCED_CODES = new Map<number, string>([
  [-144, '_FENCED'],
  [90, 'PRODUCER_FENCED'],
  [47, 'INVALID_PRODUCER_EPOCH'],
  [53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'],
]);
/** Once fenced, a transactional producer is in librdkafka's fatal state: later calls fail with _FATAL (-150). */
const FATAL = -150;

/** The transform worker's clients: sendOffsets takes the consumer itself here, not its group id. */
export async function openConfluentTransformClients(config: TransformConfig, hooks: ConsumerHooks): Promise<TransformClients> {
  const kafka = kafkaFor(library(), config);
  const producer = kafka.producer({
    kafkaJS:
      config.output === 'transaction'
        ? { transactionalId: config.transactionalId, transactionTimeout: config.transactionTimeout, idempotent: true, maxInFlightRequests: 1 }
        : { idempotent: true },
  });
  // With a transactional id, connecting (init_transactions) fences every older instance with that id.
  await producer.connect();
  const { raw, consumer } = await connectedConsumer(kafka, config, false, hooks);
  return {
    consumer,
    send: async (record) => {
      await producer.send({ topic: config.outputTopic, messages: [record] });
    },
    transaction: async () => {
      const tx = await producer.transaction();
      return {
        send: async (record) => {
          await tx.send({ topic: config.outputTopic, messages: [record] });
        },
        sendOffsets: (partition, offset) => tx.sendOffsets({ consumer: raw, topics: [{ topic: config.topic, partitions: [{ partition, offset }] }] }),
        commit: () => tx.commit(),
        abort: () => tx.abort(),
        isActive: () => tx.isActive(),
      };
    },
    fencedBy: (error) => {
      const code = (error as { code?: unknown }).code;
      if (code === FATAL && config.output === 'transaction') return '_FATAL';
      return typeof code === 'number' ? FENCED_CODES.get(code) : undefined;
    },
    disconnectProducer: () => producer.disconnect(),
  };
}
