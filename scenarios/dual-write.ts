// Scenario dual-write (source notes §3, end): one consumer writes a database row and publishes an event; the crash falls between.
import { checkDualWrite, type DualWriteCounts } from '../src/check/dual-write-checker.js';
import { findSnapshot, snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { LAB_TRANSACTION_TIMEOUT_MS, orderTopic, seededStop, transformConfig, variantSink, stepTimeoutMs } from '../src/workload/consumer-run.js';
import { restartRefusedExplanation, RESTART_REFUSAL_WORKAROUND, successorCatchesUp, successorRefusal } from '../src/workload/successor.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { StopSpec, TransformConfig } from '../src/workload/worker-protocol.js';


interface DualWriteSettings {
  output: TransformConfig['output'];
  database: TransformConfig['database'];
  /** Where the consumer is killed: between the row and the event, or after both, before the commit. */
  crashPlace: 'after-db-write' | 'after-apply';
}

const variants: Variant<DualWriteSettings>[] = [
  {
    name: 'naive',
    title: 'row, then event if the row is new (baseline)',
    why: 'Two writes, no common transaction: a crash between them leaves a row whose event never comes.',
    settings: { output: 'plain', database: 'row-if-new-then-event', crashPlace: 'after-db-write' },
    expect: {},
  },
  {
    name: 'kafka-transaction-only',
    title: 'event in a Kafka transaction, row outside',
    why: 'The event and the offsets commit together; the row is written outside the transaction.',
    settings: { output: 'transaction', database: 'row-then-event', crashPlace: 'after-apply' },
    expect: {},
  },
  {
    name: 'outbox',
    title: 'row + outbox row in one DB transaction, relay',
    why: 'Business row, processed row and outbox row commit together; a transactional relay publishes the outbox.',
    settings: { output: 'plain', database: 'outbox', crashPlace: 'after-apply' },
    expect: { disagreements: 0 },
  },
];

async function run(ctx: VariantContext, variant: Variant<DualWriteSettings>): Promise<ReadBackRequest[]> {
  const { output, database, crashPlace } = variant.settings;
  const { topic: input, groupId, expectedBalance } = await orderTopic(ctx, 'in');
  const events = await ctx.createTopic('events', 1);
  const sink = await variantSink(ctx, variant.name);
  const crash = seededStop(ctx, 'crash', WORKER_FAULTS.crash.stopAction, { place: crashPlace });
  const config = (workerId: string, stopAt?: StopSpec) =>
    transformConfig(ctx, { workerId, topic: input, groupId, outputTopic: events, output, database, stopAt, sink, transactionalId: `dup-lab-${ctx.runId}-consumer` });

  // The outbox relay runs beside the consumers; it too is killed once, inside its second transaction.
  const relayConfig = (workerId: string, crashAt?: { transaction: number; after: number }) => ({
    workerId,
    bootstrap: ctx.bootstrap,
    outputTopic: events,
    transactionalId: `dup-lab-${ctx.runId}-relay`,
    transactionTimeout: LAB_TRANSACTION_TIMEOUT_MS,
    sink,
    crashAt,
  });
  let relay: WorkerHandle | undefined;
  if (database === 'outbox') {
    relay = WorkerHandle.startRelay(relayConfig('relay1', { transaction: 2, after: 5 }), ctx.history);
    ctx.defer('relay1', () => relay!.kill());
  }

  const first = await WorkerHandle.startTransform(config('w1', crash), ctx.history);
  ctx.defer('worker w1', () => first.kill());
  await WORKER_FAULTS.crash.inject(first, stepTimeoutMs(ctx));
  const second = await WorkerHandle.startTransform(config('w2'), ctx.history);
  ctx.defer('worker w2', () => second.kill());
  // With @platformatic/kafka a restarted transactional producer is refused (successor.ts): w2 then never catches up.
  await successorCatchesUp(second, ctx.bootstrap, groupId, input, stepTimeoutMs(ctx));
  await second.stop();

  if (relay) {
    await WORKER_FAULTS.crash.inject(relay, stepTimeoutMs(ctx));
    const relay2 = WorkerHandle.startRelay(relayConfig('relay2'), ctx.history);
    ctx.defer('relay2', () => relay2.kill());
    await relay2.stop(stepTimeoutMs(ctx)); // publishes what is left of the outbox, then exits
  }
  return [
    { kind: 'effects', sink, expectedBalance },
    { kind: 'topic', topic: events, where: 'events', isolation: 'read_committed' },
  ];
}

function predict(history: readonly Op[], variant: Variant<DualWriteSettings>): Partial<Counts> {
  if (variant.settings.database === 'outbox') return { disagreements: 0 };
  // naive: only the message caught between row and event disagrees (its row exists, it is never published);
  // kafka-transaction-only: every row written in the aborted transaction's batch is written again.
  return { disagreements: variant.settings.database === 'row-if-new-then-event' ? 1 : snapshotOf(history, 'w1', 'crash').appliedNotCommitted };
}

function note(variant: Variant<DualWriteSettings>, counts: Partial<Counts>, history: readonly Op[]): string {
  const c = counts as DualWriteCounts;
  const point = snapshotOf(history, 'w1', 'crash');
  switch (variant.settings.database) {
    case 'row-if-new-then-event':
      return `w1 was killed after writing a row and before publishing its event. w2 redid the batch: the rows were there, so it published nothing for them, and that one event is missing for good: ${c.missingEvents} missing, ${c.disagreements} disagreement${c.disagreements === 1 ? '' : 's'}. (Publishing on every attempt instead would duplicate events.)`;
    case 'row-then-event': {
      const refusal = successorRefusal(history);
      if (refusal) {
        return `w1 was killed inside its Kafka transaction after ${point.appliedNotCommitted} rows and events; the transaction was aborted, the rows stayed. ${restartRefusedExplanation(refusal)} So nothing after w1's last committed transaction was processed: ${c.disagreements} disagreements (the rows of the aborted batch), ${c.lost} messages with neither row nor event. ${RESTART_REFUSAL_WORKAROUND}`;
      }
      return `w1 was killed inside its Kafka transaction after ${point.appliedNotCommitted} rows and events. The transaction was aborted, so the events vanished, but the rows, written outside it, stayed; w2 wrote them again: ${c.duplicateEffects} duplicate rows, ${c.duplicates} duplicate events, ${c.disagreements} disagreements.`;
    }
    default: {
      const relayCrash = findSnapshot(history, 'relay1', 'crash');
      return (
        `w1 was killed after ${point.appliedNotCommitted} outbox transactions past its last offset commit; w2 redid them, and the processed rows made them no-ops. ` +
        (relayCrash ? `The relay was killed with ${relayCrash.applied} events sent in an open transaction; the next relay fenced it (aborting them) and resumed after the last committed event. ` : '') +
        `Database and topic agree: ${c.disagreements} disagreements, ${c.duplicates} duplicate events, ${c.duplicateEffects} duplicate rows.`
      );
    }
  }
}

export const dualWrite: Scenario<DualWriteSettings> = {
  name: 'dual-write',
  summary: 'A consumer writes a database row and publishes an event; a crash between the two makes them disagree',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 1,
  parallelVariants: 3,
  transactional: true,
  columns: [
    { key: 'messages', label: 'messages' },
    { key: 'effects', label: 'rows' },
    { key: 'observed', label: 'events' },
    { key: 'duplicateEffects', label: 'dup rows' },
    { key: 'duplicates', label: 'dup events' },
    { key: 'missingEvents', label: 'missing events' },
    { key: 'disagreements', label: 'disagreements', predicted: true },
  ],
  variants,
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  faults: ['crash'],
  run,
  check: (history) => checkDualWrite(history, 'events'),
  predict,
  note,
  // In the run-all summary: duplicated rows and events, and what never came.
  // Lost: events that never came for a row, and messages with neither (a successor that could not take over).
  summaryCounts: (c) => ({ duplicates: (c.duplicateEffects ?? 0) + (c.duplicates ?? 0), lost: (c.missingEvents ?? 0) + (c.lost ?? 0) }),
  explain: {
    story: [
      'A consumer handles an order by writing a row to its database and publishing an event to Kafka.',
      'Two resources, no transaction spanning both: a crash between the writes leaves them disagreeing.',
      'The notes\' advice: while consuming, do not write to a database and send messages in one step.',
      '',
      'A Kafka transaction covers the event and the consumer offsets, not the database: when it aborts, the',
      'event vanishes but the row stays, and the retry writes the row again. The outbox pattern moves the',
      'event into the database: the business row, a processed-message row and an outbox row commit in one',
      'database transaction, and a relay publishes the outbox. The lab\'s relay publishes in Kafka',
      'transactions and resumes after the last committed event it finds in the topic, so even a relay',
      'crash neither loses nor repeats an event; the lab kills it once to show that.',
    ].join('\n'),
    kafkajs: [
      '// outbox, in the consumer: one database transaction',
      "BEGIN; INSERT INTO processed_messages ...; INSERT INTO orders ...; INSERT INTO outbox(event) ...; COMMIT",
      '// relay: kafka.producer({ transactionalId: "outbox-relay", idempotent: true, maxInFlightRequests: 1 })',
      'const tx = await producer.transaction(); await tx.send({ topic, messages: rows.map(toEvent) }); await tx.commit()',
    ],
    java: [
      'same pattern; Debezium\'s outbox event router is a common relay (it reads the database log)',
      'transactional.id for the relay, isolation.level=read_committed for event readers',
    ],
    kafkajsDiffers: [
      'Nothing specific to kafkajs here: no Kafka client can commit a database transaction. kafkajs only',
      'supplies the transactional producer the relay uses, and reads read_committed by default.',
      '',
      'With --client confluent, platformatic or java the consumer workers (rows, events, the Kafka transaction) use',
      'that client; the outbox relay stays on kafkajs (it is the same in every row). With @platformatic/kafka',
      'the restarted worker of kafka-transaction-only is refused (see transactions).',
    ].join('\n'),
  },
};
