// Scenario transactions (source notes §3): read-process-write with and without a Kafka transaction, and zombie fencing.
import { checkLog } from '../src/check/log-checker.js';
import { snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { LAB_GROUP_TIMING, LAB_TRANSACTION_TIMEOUT_MS, orderTopic, seededStop, transformConfig, stepTimeoutMs } from '../src/workload/consumer-run.js';
import { restartRefusedExplanation, RESTART_REFUSAL_WORKAROUND, successorCatchesUp, successorRefusal } from '../src/workload/successor.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { StopSpec, TransformConfig } from '../src/workload/worker-protocol.js';


interface TransactionSettings {
  output: TransformConfig['output'];
  isolation: 'read_committed' | 'read_uncommitted';
  /** crash: SIGKILL and restart; zombie: SIGSTOP, a second instance with the same id, then SIGCONT. */
  fault: 'crash' | 'zombie';
}

const variants: Variant<TransactionSettings>[] = [
  {
    name: 'no-transactions',
    title: 'idempotent producer, commit after batch (baseline)',
    why: 'Outputs are acknowledged before the input offsets are committed: a crash between the two redoes them.',
    settings: { output: 'plain', isolation: 'read_committed', fault: 'crash' },
    expect: {},
  },
  {
    name: 'transactions',
    title: 'transaction per batch, read_committed',
    why: 'Outputs and input offsets commit together (sendOffsets); the restart aborts the dead transaction.',
    settings: { output: 'transaction', isolation: 'read_committed', fault: 'crash' },
    expect: { duplicates: 0, lost: 0 },
  },
  {
    name: 'transactions-read-uncommitted',
    title: 'same, read with read_uncommitted',
    why: 'Aborted records stay in the log: only read_committed readers skip them.',
    settings: { output: 'transaction', isolation: 'read_uncommitted', fault: 'crash' },
    expect: {},
  },
  {
    name: 'zombie-fencing',
    title: 'two instances, one transactional id',
    why: 'A new instance fences the older one: its epoch is bumped, its open transaction aborted, its writes refused.',
    settings: { output: 'transaction', isolation: 'read_committed', fault: 'zombie' },
    expect: { duplicates: 0, lost: 0 },
  },
];

async function run(ctx: VariantContext, variant: Variant<TransactionSettings>): Promise<ReadBackRequest[]> {
  const { output, isolation, fault } = variant.settings;
  const { topic: input, groupId } = await orderTopic(ctx, 'in');
  const outputTopic = await ctx.createTopic('out', 1);
  const processFault = WORKER_FAULTS[fault === 'zombie' ? 'stall' : 'crash'];
  const stop = seededStop(ctx, 'crash', processFault.stopAction, { place: 'after-apply' });
  // Both instances share one identity: the same transactional id, as a restarted service would.
  const config = (workerId: string, stopAt?: StopSpec) =>
    transformConfig(ctx, { workerId, topic: input, groupId, outputTopic, output, database: 'none', stopAt, transactionalId: `dup-lab-${ctx.runId}-transformer` });

  const first = await WorkerHandle.startTransform(config('w1', stop), ctx.history);
  ctx.defer('worker w1', () => first.kill());
  await processFault.inject(first, stepTimeoutMs(ctx));
  const second = await WorkerHandle.startTransform(config('w2'), ctx.history);
  ctx.defer('worker w2', () => second.kill());
  // A successor whose producer the broker refuses (@platformatic/kafka: see successor.ts) never gets to the end.
  const refused = (await successorCatchesUp(second, ctx.bootstrap, groupId, input, stepTimeoutMs(ctx))) === 'refused';
  if (fault === 'crash') {
    await second.stop();
  } else {
    processFault.wake!(first);
    // Woken, the zombie is refused once the successor's transactions fenced it. Where the successor itself was
    // refused, nothing fenced the zombie: it carries on until its stale group membership fails it.
    await first.waitFor('fenced', stepTimeoutMs(ctx)).catch((error: unknown) => {
      if (!refused) throw error;
    });
    await Promise.all([first.kill(), second.stop()]);
  }
  return [{ kind: 'topic', topic: outputTopic, where: 'output', isolation }];
}

/** From w1's own record at its stop point: what it had written and not committed is redone, or aborted. */
function predict(history: readonly Op[], variant: Variant<TransactionSettings>): Partial<Counts> {
  const { output, isolation, fault } = variant.settings;
  const redone = snapshotOf(history, 'w1', fault === 'zombie' ? 'stall' : 'crash').appliedNotCommitted;
  if (output === 'plain') return { duplicates: redone };
  // A refused successor redoes nothing: the aborted records are the only copies.
  if (successorRefusal(history)) return { duplicates: 0 };
  return { duplicates: isolation === 'read_uncommitted' ? redone : 0 };
}

function restartRefusedNote(c: Partial<Counts>, refusal: Extract<Op, { type: 'worker' }>, zombie: boolean): string {
  return (
    `${restartRefusedExplanation(refusal)} So nothing after w1's last committed transaction was processed${zombie ? ', and nothing fenced the woken w1 either' : ''}: ${c.duplicates} duplicates, ${c.lost} lost. ` +
    RESTART_REFUSAL_WORKAROUND
  );
}

function note(variant: Variant<TransactionSettings>, c: Partial<Counts>, history: readonly Op[]): string {
  const { output, isolation, fault } = variant.settings;
  const refusal = output === 'transaction' ? successorRefusal(history) : undefined;
  if (refusal) return restartRefusedNote(c, refusal, fault === 'zombie');
  const n = snapshotOf(history, 'w1', fault === 'zombie' ? 'stall' : 'crash').appliedNotCommitted;
  if (output === 'plain') {
    return `w1 was killed with ${n} outputs written and acknowledged but its input offsets not committed; w2 started at the last commit and wrote them again: ${c.duplicates} duplicates in the output.`;
  }
  if (isolation === 'read_uncommitted') {
    return `The same run read with read_uncommitted: the ${n} records of the aborted transaction are still in the log, and this reader counts them: ${c.duplicates} duplicates.`;
  }
  if (fault === 'crash') {
    return `w1 was killed inside a transaction holding ${n} outputs; w2, with the same transactional id, fenced it on start, which aborted that transaction; the batch was redone in a new one. read_committed sees each input once: ${c.duplicates} duplicates, ${c.lost} lost.`;
  }
  const fenced = history.find((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced');
  const by = fenced?.code ?? fenced?.detail;
  return (
    `w1 was SIGSTOPped inside a transaction holding ${n} outputs; w2 started with the same transactional id (fencing w1: epoch bumped, w1's transaction aborted) and, after w1's ${LAB_GROUP_TIMING.sessionTimeout} ms session ran out, took the input partition. ` +
    `Woken, w1 carried on and was refused${by ? ` (${by})` : ''}: none of its writes became visible. ${c.duplicates} duplicates, ${c.lost} lost.`
  );
}

export const transactions: Scenario<TransactionSettings> = {
  name: 'transactions',
  summary: 'Read-process-write: a crash between output and offset commit duplicates, unless one transaction holds both',
  defaultMessages: 200,
  defaultFaults: 1,
  parallelVariants: 4,
  transactional: true,
  columns: [
    { key: 'sent', label: 'inputs' },
    { key: 'observed', label: 'outputs read' },
    { key: 'duplicates', label: 'duplicates', predicted: true },
    { key: 'lost', label: 'lost' },
  ],
  variants,
  faults: ['crash', 'stall'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  run,
  check: (history) => checkLog(history, 'output'),
  predict,
  note,
  explain: {
    story: [
      'A worker consumes an input topic, transforms each message and writes the result to an output topic,',
      'then commits its input offsets. Killed after writing and before committing, it leaves outputs whose',
      'inputs will be processed again: duplicates downstream.',
      '',
      'Kafka transactions make read-process-write one atomic step ("The Definitive Guide", p. 198): the',
      'producer begins a transaction, writes the outputs, adds the consumer\'s offsets to it (sendOffsets),',
      'and commits. A new instance with the same transactional id fences the old one (its epoch is bumped,',
      'its open transaction aborted, its later writes refused). Readers with read_committed never see',
      'aborted records; readers with read_uncommitted do. A transaction left open by an instance that never',
      `comes back is aborted after transaction.timeout.ms (the lab sets ${LAB_TRANSACTION_TIMEOUT_MS / 1000} s; Kafka's default is 60 s),`,
      'and until then it holds read_committed readers back at the last stable offset.',
      '',
      'This is not a transaction across a database and Kafka: see the dual-write scenario.',
    ].join('\n'),
    kafkajs: [
      "kafka.producer({ transactionalId: 'orders-transformer', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10000 })",
      'const tx = await producer.transaction(); await tx.send({ topic: out, messages })',
      'await tx.sendOffsets({ consumerGroupId, topics: [{ topic: in, partitions: [{ partition, offset }] }] })',
      'await tx.commit()   // or tx.abort()',
      'kafka.consumer({ groupId, readUncommitted: false })   // read_committed is the kafkajs default',
    ],
    java: [
      'transactional.id=orders-transformer, enable.idempotence=true, transaction.timeout.ms=60000',
      'producer.initTransactions(); producer.beginTransaction(); producer.send(...)',
      'producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata()); producer.commitTransaction()',
      'isolation.level=read_committed (Java consumer default: read_uncommitted)',
    ],
    kafkajsDiffers: [
      'kafkajs consumers read committed data by default (readUncommitted: false); the Java consumer\'s default',
      'is read_uncommitted. kafkajs\' sendOffsets sends only the group id, not the consumer\'s generation',
      '(KIP-447), so fencing rests on the transactional id alone: give each input partition, or each',
      'instance identity, a stable transactional id. The Java client (2.5+) can fence by consumer group',
      'generation with sendOffsetsToTransaction(offsets, groupMetadata).',
      '',
      'With --client confluent the workers use @confluentinc/kafka-javascript (librdkafka): its',
      'sendOffsets({ consumer, topics }) takes the consumer itself, not a group id, and librdkafka sends the',
      'consumer\'s group metadata with the offsets, as the Java client does (KIP-447).',
      '',
      'With --client java the workers are JVMs running kafka-clients (java/workers/LabTransformer.java):',
      'initTransactions() on start (fencing older instances), one transaction per poll()\'s batch, each output',
      'acknowledged before the next (send().get()), sendOffsetsToTransaction(offsets, consumer.groupMetadata()).',
      '',
      'With --client platformatic the workers use @platformatic/kafka: its message stream cut into fetch-sized',
      'batches (highWaterMark 1), producer.beginTransaction(), tx.send(), tx.addConsumer(consumer) and',
      'tx.addOffset(lastMessage) (TxnOffsetCommit with the group\'s generation and member id), tx.commit(). Its',
      'InitProducerId sends producer id 0 and epoch 0 where the protocol says -1: the broker refuses every',
      'instance after the first with a transactional id (PRODUCER_FENCED); producerId: -1n, producerEpoch: -1',
      'in the Producer options avoid it.',
    ].join('\n'),
  },
};
