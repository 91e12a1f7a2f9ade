// Scenario consumer-crash (source notes §2): a worker dies after its side effect and before the offset commit.
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import { findSnapshot, snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { CountName, Counts, Op, WorkSnapshot } from '../src/core/types.js';
import { EFFECT_COLUMNS, orderTopic, seededStop, stepTimeoutMs, variantSink, workerConfig } from '../src/workload/consumer-run.js';
import { waitUntilCommittedToEnd } from '../src/workload/group-progress.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { CommitMode, DedupMode, StopSpec } from '../src/workload/worker-protocol.js';
import { plural } from '../src/report/plural.js';


interface CrashSettings {
  commit: CommitMode;
  dedup: DedupMode;
}

/**
 * When a commit can be on its way at the SIGKILL, w1 knows only the commits acknowledged before its stop point (and,
 * for clients that commit by themselves, what the broker had when asked there); the broker may take a newer one.
 */
const COMMIT_IN_FLIGHT = {
  counts: ['neverApplied', 'lost', 'effects', 'balanceActual', 'duplicateEffects'] as CountName[],
  relation:
    'never applied ≥ what w1 knew was committed and not applied at the crash, and duplicate effects ≤ what it had applied past its last acknowledged commit',
  holds: (c: Partial<Counts>, history: readonly Op[]) => {
    const point = snapshotOf(history, 'w1', 'crash');
    return (c.neverApplied ?? 0) >= point.committedNotApplied && (c.duplicateEffects ?? 0) <= redoneBy(history, point);
  },
};

const variants: Variant<CrashSettings>[] = [
  {
    name: 'auto-commit',
    title: 'kafkajs defaults (baseline)',
    // kafkajs commits after the batch, and the Java worker waits at the crash inside poll()'s thread: exact. librdkafka's
    // timer and platformatic's commits of each fetch run beside the handler: one can land between the probe and the SIGKILL.
    varies: { ...COMMIT_IN_FLIGHT, clients: ['confluent', 'platformatic'] },
    why: 'autoCommit: kafkajs commits after each batch; a crash inside a batch redoes the part already applied.',
    settings: { commit: 'auto', dedup: 'none' },
    expect: {},
    lesson:
      'kafkajs auto-commit commits after each batch (interval and threshold are only checked between messages), so the restart redid the batch the crash cut. The Java client commits the previous poll\'s offsets from inside poll() every 5 s.',
  },
  {
    name: 'auto-commit-handoff',
    title: 'auto-commit, async handoff',
    why: 'The handler queues the work and returns, so offsets are committed before the work is done.',
    settings: { commit: 'auto-handoff', dedup: 'none' },
    expect: {},
    lesson:
      'The handler returned before the work was done, so kafkajs committed offsets of work still in the queue; the crash dropped that work and the restart skipped it.',
    // How far fetching and committing ran ahead of the slow applies when the crash came is a race:
    // on a busy machine (a room's worth of runs on one laptop) fewer messages are queued ahead. And
    // kafkajs auto-commits while the background loop applies, so a commit can be on its way at the
    // SIGKILL: w1 then knows only the commit before it, and the broker may take the newer one (in a
    // room on two cores w1 had applied 14 past its last acknowledged commit, and none came back).
    varies: COMMIT_IN_FLIGHT,
  },
  {
    name: 'commit-after-batch',
    title: 'manual commit after each batch',
    why: 'Commit once the whole batch is applied: fewer commits, a whole batch to redo after a crash.',
    settings: { commit: 'after-batch', dedup: 'none' },
    expect: {},
    lesson:
      'The restart began at the last commit, the start of the batch, and applied its first part again.',
  },
  {
    name: 'commit-per-message',
    title: 'manual commit per message',
    why: 'Commit right after each apply: the window shrinks to one message, it does not close.',
    settings: { commit: 'per-message', dedup: 'none' },
    expect: {},
    lesson:
      'Killed between one apply and its commit: that message was applied again.',
  },
  {
    name: 'commit-before-process',
    title: 'commit, then apply (at-most-once)',
    why: 'Offsets first: nothing is applied twice, and what the crash interrupts is never applied.',
    settings: { commit: 'before-process', dedup: 'none' },
    expect: { duplicateEffects: 0 },
    lesson:
      'The batch was committed before it was applied: the rest of it was never applied, and nothing twice.',
  },
  {
    name: 'redis-setnx',
    title: 'Redis SET NX per order id',
    why: 'Only the first worker to SET the order key applies it; the key is deleted after the commit.',
    settings: { commit: 'after-batch', dedup: 'redis-setnx' },
    expect: { duplicateEffects: 0 },
    lesson:
      'The keys of the applied orders were still set (they go only after the commit), so the restart skipped them. Windows remain: a crash between SET and the apply loses the order (its key blocks it), and a copy that arrives after the key is deleted (a producer retry, a rejected commit) is applied again.',
    needs: ['redis'],
  },
  {
    name: 'dedup-window',
    title: 'recent 1000 ids, checked first',
    why: 'Skip ids seen among the last 1000 recorded; batches are far smaller than the window.',
    settings: { commit: 'after-batch', dedup: 'dedup-window' },
    expect: { duplicateEffects: 0 },
    lesson:
      'The restart found the redone ids among the recent ones and skipped them. The id is recorded after the business write, in its own transaction: a crash between the two would apply it twice.',
  },
  {
    name: 'processed-table',
    title: 'processed-message row, same transaction',
    why: 'A unique processed_messages row is inserted in the same transaction as the business write.',
    settings: { commit: 'after-batch', dedup: 'processed-table' },
    expect: { duplicateEffects: 0, neverApplied: 0 },
    lesson:
      'The redone messages hit the unique processed_messages row written in the same transaction as the first apply, so their transactions did nothing.',
  },
];

async function run(ctx: VariantContext, variant: Variant<CrashSettings>): Promise<ReadBackRequest[]> {
  const { topic, groupId, expectedBalance } = await orderTopic(ctx);
  const sink = await variantSink(ctx, variant.name);
  // The same seeded crash point for every variant: inside the first worker's 3rd to 5th batch.
  const crash = seededStop(ctx, 'crash', WORKER_FAULTS.crash.stopAction);
  const config = (workerId: string, stopAt?: StopSpec) => workerConfig(ctx, { workerId, topic, groupId, ...variant.settings, sink, stopAt });

  const first = await WorkerHandle.start(config('w1', crash), ctx.history);
  ctx.defer('worker w1', () => first.kill());
  await WORKER_FAULTS.crash.inject(first, stepTimeoutMs(ctx));

  const second = await WorkerHandle.start(config('w2'), ctx.history);
  ctx.defer('worker w2', () => second.kill());
  await waitUntilCommittedToEnd(ctx.bootstrap, groupId, topic, stepTimeoutMs(ctx));
  await second.stop();
  return [{ kind: 'effects', sink, expectedBalance }];
}

/** What the crash point predicts: redone = applied after the last commit; skipped = committed, never applied. */
function predict(history: readonly Op[], variant: Variant<CrashSettings>): Partial<Counts> {
  const point = snapshotOf(history, 'w1', 'crash');
  const dedups = variant.settings.dedup !== 'none';
  return { duplicateEffects: dedups ? 0 : redoneBy(history, point), neverApplied: point.committedNotApplied };
}

/**
 * What w2 redoes past w1's last commit, plus what either worker applied twice itself: on a busy machine
 * a rebalance can hand a worker its partition again, and it restarts at its last commit.
 */
function redoneBy(history: readonly Op[], point: WorkSnapshot): number {
  return point.appliedNotCommitted + (point.reapplied ?? 0) + (findSnapshot(history, 'w2', 'end')?.reapplied ?? 0);
}

/**
 * The clients whose auto-commit runs on a 5 s timer (auto.commit.interval.ms) instead of after each batch.
 * librdkafka (lib/kafkajs/_consumer.js hands autoCommit to enable.auto.commit) commits the offsets the handler has
 * finished. kafka-clients (ConsumerCoordinator.maybeAutoCommitOffsetsAsync, called from poll()) commits
 * subscriptions.allConsumed(): the position after every record earlier polls returned, processed or not.
 */
const TIMED_AUTO_COMMIT: Record<string, { how: string; handoff: string; noCommitYet: string }> = {
  confluent: {
    how: 'librdkafka auto-commits the offsets the handler has finished every 5 s (auto.commit.interval.ms)',
    handoff: 'The handler returned before the work was done, so its offsets counted as finished at once',
    noCommitYet: 'librdkafka auto-commits only every 5 s and no tick came before the crash',
  },
  java: {
    how: 'the Java consumer auto-commits from inside poll(), every 5 s (auto.commit.interval.ms), the position after every record earlier polls returned, processed or not',
    handoff: 'The poll loop handed each record to another thread and polled on, so its position ran ahead of the applies',
    noCommitYet: 'the Java consumer auto-commits only every 5 s and no commit came before the crash',
  },
};

function timedAutoCommitLesson(client: string, variant: Variant<CrashSettings>, c: EffectCounts, point: WorkSnapshot): string | undefined {
  const timer = TIMED_AUTO_COMMIT[client];
  if (!timer) return undefined;
  const ticked = point.appliedNotCommitted < point.applied;
  if (variant.settings.commit === 'auto') {
    const how = `Auto-commit does not follow each batch here, as it does with kafkajs: ${timer.how}`;
    return ticked
      ? `${how}; the restart redid what w1 applied after the last commit.`
      : `${how}; the crash came before the first commit, so nothing was committed and the restart redid everything w1 had applied.`;
  }
  if (variant.settings.commit === 'auto-handoff') {
    return c.neverApplied > 0
      ? `${timer.handoff}; an auto-commit (every 5 s) committed offsets of work still in the queue, the crash dropped that work, and the restart skipped it.`
      : `${timer.handoff}, but ${timer.noCommitYet}: nothing was skipped, and the restart redid what w1 had applied. With kafkajs, which commits after each batch, the same handoff loses the queued work.`;
  }
  return undefined;
}

/**
 * @platformatic/kafka's autocommit (on by default) commits each fetch's last offset as soon as its stream receives
 * the fetch, before the application has seen a message of it (clients/consumer/messages-stream.js, #pushRecords
 * then kAutocommit), one commit request at a time. Whether that runs ahead of the applies or trails them is timing.
 */
function fetchAutoCommitLesson(variant: Variant<CrashSettings>, c: EffectCounts): string | undefined {
  if (variant.settings.commit !== 'auto' && variant.settings.commit !== 'auto-handoff') return undefined;
  const how = "@platformatic/kafka's autocommit (on by default) commits each fetch's last offset as soon as the stream receives it, before the handler has seen its messages, one commit request at a time";
  const ahead =
    variant.settings.commit === 'auto-handoff'
      ? 'the handler handed each message off and returned at once, so the stream fetched and committed far ahead of the applies'
      : 'the worker takes a whole fetch at a time, so the stream fetched the next one and committed it while this one was being applied';
  if (c.neverApplied > 0) return `${how}; ${ahead}: the crash dropped work already committed, and the restart skipped it.`;
  return `${how}; here the acknowledged commits trailed the applies, so the restart redid the ${c.duplicateEffects} applied past the last one. Whether a commit runs ahead of the applies or trails them is timing.`;
}


function note(variant: Variant<CrashSettings>, counts: Partial<Counts>, history: readonly Op[], client: string): string {
  const c = counts as EffectCounts;
  const point = snapshotOf(history, 'w1', 'crash');
  const w2Again = findSnapshot(history, 'w2', 'end')?.reapplied ?? 0;
  const again =
    (point.reapplied ? ` Before that, w1 applied ${plural(point.reapplied, 'message')} twice itself: a rebalance gave it its partition again and it restarted at its last commit.` : '') +
    (w2Again ? ` w2 did the same with ${plural(w2Again, 'message')}.` : '');
  const killed = `SIGKILL after ${point.applied} side effects, ${point.appliedNotCommitted} of them past the last commit${point.committedNotApplied ? `, ${point.committedNotApplied} committed but not yet applied` : ''}.${again}`;
  const balance = c.balanceActual === c.balanceExpected ? 'The balance is right.' : `The balance is off by ${c.balanceActual - c.balanceExpected}.`;
  // More skipped than w1 knew of: an auto-commit was on its way when the crash came, and the broker took it.
  const unseenCommit =
    c.neverApplied > point.committedNotApplied
      ? ` ${c.neverApplied - point.committedNotApplied} more than w1 knew of: a commit was on its way when the crash came, and the broker took it.`
      : variant.settings.dedup === 'none' && c.duplicateEffects < point.appliedNotCommitted
        ? ` ${point.appliedNotCommitted - c.duplicateEffects} fewer duplicates than w1's last acknowledged commit left open: a newer commit was on its way when the crash came, and the broker took it.`
        : '';
  const lesson = (client === 'platformatic' ? fetchAutoCommitLesson(variant, c) : timedAutoCommitLesson(client, variant, c, point)) ?? variant.lesson ?? '';
  return `${killed} ${lesson} ${plural(c.duplicateEffects, 'duplicate effect')}, ${c.neverApplied} never applied.${unseenCommit} ${balance}`;
}

export const consumerCrash: Scenario<CrashSettings> = {
  name: 'consumer-crash',
  summary: 'A consumer dies after its side effect and before its offset commit; the next one does the work again',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 1,
  parallelVariants: 4,
  columns: EFFECT_COLUMNS,
  variants,
  faults: ['crash'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  run,
  check: checkEffects,
  predict,
  note,
  explain: {
    story: [
      'A consumer reads a batch, applies each order to the business database (a row, and the amount added',
      'to an account balance), and commits its offsets. If it dies after applying and before committing,',
      'the next consumer of the partition starts from the last committed offset and applies those orders',
      'again. Adding to a balance cannot be made idempotent: every duplicate changes the result.',
      '',
      'The lab pre-fills a topic with orders, starts a worker process, and SIGKILLs it at a seeded point',
      'right after a side effect (a graceful stop would not do: kafkajs commits on stop). A fresh worker',
      'takes over; the counts come from the database afterwards. "pred" is what the crash point predicts.',
      '',
      'Committing more often shrinks the window but never closes it; committing first loses instead of',
      'duplicating. The dependable fix is in the business: a processed-message row with a unique id,',
      'written in the SAME transaction as the business write. Redis SET NX and a window of recent ids',
      'help, but each leaves a gap between two resources.',
    ].join('\n'),
    kafkajs: [
      'consumer.run({ autoCommit: true, eachMessage })       // commits after each batch',
      'consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch })',
      'await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }])',
      "kafka.consumer({ groupId, maxBytesPerPartition })      // no max.poll.records: bytes bound a batch",
    ],
    java: [
      'enable.auto.commit=true, auto.commit.interval.ms=5000   # commits the previous poll, from poll()',
      'enable.auto.commit=false + consumer.commitSync() after processing (Spring Kafka: false by default)',
      'max.poll.records=500',
      'INSERT INTO processed_messages(message_id) ... in the same transaction as the business write',
    ],
    kafkajsDiffers: [
      'Java\'s auto-commit commits, from inside poll(), the offsets returned by the previous poll, every',
      'auto.commit.interval.ms: it cannot know whether they were processed, so it can duplicate (crash',
      'before the next commit) and lose (work handed to another thread). kafkajs\' autoCommit commits',
      'resolved offsets after each batch the handler returned from; autoCommitInterval and',
      'autoCommitThreshold are checked only between messages, never by a timer; with eachBatch,',
      'eachBatchAutoResolve (default true) resolves the whole batch when the handler returns, even if it',
      'stopped early. And kafkajs commits on stop()/disconnect(): only a real crash shows the window.',
      '',
      'With --client confluent the workers use @confluentinc/kafka-javascript\'s consumer (librdkafka):',
      'kafka.consumer({ kafkaJS: { groupId, sessionTimeout: 2000, heartbeatInterval: 300, fromBeginning: true,',
      'autoCommit } }): autoCommit is consumer configuration there, and librdkafka commits the finished',
      'offsets on its own timer (auto.commit.interval.ms, 5 s), not after each batch.',
      '',
      'With --client platformatic the workers use @platformatic/kafka\'s consumer stream (highWaterMark 1: a batch',
      'is one fetch response); autocommit, its default, for the auto variants: it commits each fetch as the',
      'stream receives it, before the handler has seen it; consumer.commit() otherwise.',
      '',
      'With --client java each worker is a JVM running kafka-clients\' KafkaConsumer (java/workers/): a batch is',
      'one poll()\'s records of the partition; enable.auto.commit for the auto variants, commitSync otherwise;',
      'max.partition.fetch.bytes=3000, session.timeout.ms=2000. It writes the same tables through JDBC.',
    ].join('\n'),
  },
};
