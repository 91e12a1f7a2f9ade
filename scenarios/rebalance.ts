// Scenario rebalance (source notes §2, end): a second worker joins, partitions move, uncommitted work is redone.
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import { leftBehindNote } from '../src/check/group-offsets.js';
import { findSnapshot, snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, TimingDependence, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { orderTopic, seededStop, variantSink, workerConfig, stepTimeoutMs } from '../src/workload/consumer-run.js';
import { groupOffsets, waitUntilCommittedToEnd, waitUntilRebalancing } from '../src/workload/group-progress.js';
import { appliedTwice, describeShared } from '../src/workload/worker-ledger.js';
import { parseOffsets, WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { CommitMode, DedupMode, StopSpec } from '../src/workload/worker-protocol.js';
import { plural } from '../src/report/plural.js';

const PARTITIONS = 4;

interface RebalanceSettings {
  commit: CommitMode;
  dedup: DedupMode;
}

/** Which messages are redone depends on which partitions' batches were in flight: their amounts, so the balance, vary. */
const redoneAmountsVary: TimingDependence = {
  counts: ['balanceActual'],
  relation: 'balance actual > balance expected exactly when there are duplicate effects',
  holds: (c) => ((c.duplicateEffects ?? 0) > 0) === ((c.balanceActual ?? 0) > (c.balanceExpected ?? 0)),
};

const variants: Variant<RebalanceSettings>[] = [
  {
    name: 'commit-after-batch',
    title: 'manual commit after each batch (baseline)',
    why: 'The batch in progress is not committed when the rebalance comes: its applied part is redone.',
    settings: { commit: 'after-batch', dedup: 'none' },
    expect: {},
    varies: redoneAmountsVary,
    lesson:
      'After the rebalance every partition\'s owner, w1 included, started at the partition\'s last commit and applied those messages again: {dup}.',
  },
  {
    name: 'commit-per-message',
    title: 'manual commit per message',
    why: 'Every applied message is committed before the next one starts.',
    settings: { commit: 'per-message', dedup: 'none' },
    expect: {},
    lesson:
      'Each message was committed before the next began, so nothing applied was left uncommitted: {dup}. A crash between an apply and its commit would still redo one.',
  },
  {
    name: 'commit-on-revoke',
    title: 'resolve each offset, kafkajs commits on rebalance',
    why: 'autoCommit on, resolveOffset after each apply: kafkajs commits resolved offsets when heartbeat() reports a rebalance.',
    settings: { commit: 'on-revoke', dedup: 'none' },
    expect: { duplicateEffects: 0 },
    // clients/consumer/messages-stream.js, #pushRecords: its autocommit queues each fetch's last offset as it arrives.
    lacking: {
      platformatic: 'revoke callback the rebalance waits for (its consumer:group:rebalance event comes as it rejoins, on its own; its autocommit commits each fetch as it arrives, before the handler has seen it)',
    },
    lesson:
      'kafkajs committed the resolved offsets when heartbeat() reported the rebalance (the coordinator accepts commits while it prepares the rebalance): {dup}. This is kafkajs\' stand-in for Java\'s onPartitionsRevoked; it only works if the handler resolves each offset and heartbeats between messages.',
  },
  {
    name: 'processed-table',
    title: 'processed-message row, same transaction',
    why: 'Whatever is redelivered, the unique processed_messages row makes the second apply a no-op.',
    settings: { commit: 'after-batch', dedup: 'processed-table' },
    expect: { duplicateEffects: 0, neverApplied: 0 },
    lesson:
      'Messages came again, and the processed_messages row turned each second apply into a no-op: {dup}.',
  },
];

async function run(ctx: VariantContext, variant: Variant<RebalanceSettings>): Promise<ReadBackRequest[]> {
  const { topic, groupId, expectedBalance } = await orderTopic(ctx, 'orders', PARTITIONS);
  const sink = await variantSink(ctx, variant.name);
  // The first worker holds mid-batch, heartbeating, while the second one joins.
  const hold = seededStop(ctx, 'join', WORKER_FAULTS.hold.stopAction, { batches: [2, 4] });
  const config = (workerId: string, stopAt?: StopSpec) => workerConfig(ctx, { workerId, topic, groupId, ...variant.settings, sink, stopAt });

  const first = await WorkerHandle.start(config('w1', hold), ctx.history);
  ctx.defer('worker w1', () => first.kill());
  await WORKER_FAULTS.hold.inject(first, stepTimeoutMs(ctx));
  const second = await WorkerHandle.start(config('w2'), ctx.history);
  ctx.defer('worker w2', () => second.kill());
  await endHoldOnRebalance(ctx, first, groupId);
  await second.waitFor('joined', stepTimeoutMs(ctx));
  // w1's snapshot when it learns of the rebalance: what it applied and did not commit, the new owners redo.
  await first.waitFor('rebalancing', stepTimeoutMs(ctx));
  // Done when the group has committed everything. A client that goes on with records of partitions it lost can
  // move the group's offset back after that: then, once every partition's end has been committed by one worker or
  // the other and neither has reported anything for QUIET_MS.
  const settled = (ends: ReadonlyMap<number, bigint>) => [first, second].every((w) => w.silentForMs > QUIET_MS) && everyEndCommitted(ctx.history.all(), ends);
  await waitUntilCommittedToEnd(ctx.bootstrap, groupId, topic, stepTimeoutMs(ctx), settled);
  // Whatever a worker still has in hand, it finishes before the stop.
  await Promise.all([first.quiet(QUIET_MS, stepTimeoutMs(ctx)), second.quiet(QUIET_MS, stepTimeoutMs(ctx))]);
  await Promise.all([first.stop(), second.stop()]);
  // Each worker's own record of every offset it applied (the prediction counts what both applied, when w1 went on).
  for (const worker of [first, second]) {
    const end = worker.lastOf('stopped');
    if (end?.point?.appliedOffsets === undefined) {
      if (heldOnAfterRejoin(ctx.history.all())) throw new Error(`worker ${worker.id} stopped without reporting what it had applied`);
      continue;
    }
    if (!findSnapshot(ctx.history.all(), worker.id, 'end')) ctx.history.add({ type: 'snapshot', worker: worker.id, moment: 'end', ...end.point });
  }
  for (const offset of await groupOffsets(ctx.bootstrap, groupId, topic)) ctx.history.add({ type: 'group-offset', group: groupId, ...offset });
  return [{ kind: 'effects', sink, expectedBalance }];
}

/** Both workers silent this long: nothing is left for them to apply or commit. */
const QUIET_MS = 1_500;

/** Each partition's end offset has been committed by some worker (accepted), whatever the group holds now. */
function everyEndCommitted(history: readonly Op[], ends: ReadonlyMap<number, bigint>): boolean {
  const reached = new Set<number>();
  for (const o of history)
    if (o.type === 'commit' && o.ok) for (const c of parseOffsets(o.offsets)) if (c.offset >= (ends.get(c.partition) ?? 0n)) reached.add(c.partition);
  return [...ends.keys()].every((p) => reached.has(p));
}

/** w1's hold was ended by its own client's rejoin, and its handler went on with the records it had: see predict. */
function heldOnAfterRejoin(history: readonly Op[]): boolean {
  return history.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'released' && o.by === 'rejoin');
}

/** How long a holding worker has, after the broker says the group is rebalancing, to say it noticed. */
const NOTICE_MS = 3_000;

/**
 * kafkajs learns of the rebalance from heartbeat() while holding, the Java worker from poll(); either ends its hold
 * itself and reports the rebalance. A client whose handler gets no sign of it (its heartbeats run on their own) would
 * hold to the hold's limit: when the broker says the group is rebalancing and w1 has not reported it within
 * NOTICE_MS, the lab says go, and w1 goes on with its batch as any handler would (the worker reports the release).
 */
async function endHoldOnRebalance(ctx: VariantContext, holder: WorkerHandle, groupId: string): Promise<void> {
  let settled = false;
  const noticed = holder.nextOf(['rebalancing'], stepTimeoutMs(ctx)).finally(() => (settled = true));
  noticed.catch(() => undefined); // a failure after the broker's answer won surfaces at the next wait on w1
  const brokerSays = waitUntilRebalancing(ctx.bootstrap, groupId, stepTimeoutMs(ctx), () => settled).then(
    () => new Promise<undefined>((r) => setTimeout(r, NOTICE_MS)),
  );
  // A failed broker query must not fail the variant while w1 may still report the rebalance itself.
  const first = await Promise.race([noticed, brokerSays.catch(() => noticed)]);
  if (first || holder.lastOf('rebalancing')) return;
  holder.go();
}

/**
 * The new owners redo what w1 had applied and not committed when it learned of the rebalance (its snapshot then).
 * When its client rejoined by itself and w1's handler went on with the records it had in hand, some of them of
 * partitions that were no longer its, what it applies after depends on what it had fetched: then the prediction is
 * what both workers applied, from each one's own record of its offsets (and its own re-applies).
 */
function predict(history: readonly Op[], variant: Variant<RebalanceSettings>): Partial<Counts> {
  if (variant.settings.dedup !== 'none') return { duplicateEffects: 0 };
  if (!heldOnAfterRejoin(history)) return { duplicateEffects: snapshotOf(history, 'w1', 'rebalance').appliedNotCommitted };
  const twice = bothApplied(history);
  if (!twice) throw new Error('the history has no applied offsets of w1 and w2 at their end');
  return { duplicateEffects: twice.count };
}

/** The messages w1 and w2 both applied (or one of them twice), when both reported their applied offsets at the end. */
function bothApplied(history: readonly Op[]): ReturnType<typeof appliedTwice> | undefined {
  const ends = ['w1', 'w2'].map((w) => findSnapshot(history, w, 'end'));
  if (!ends.every((e) => e?.appliedOffsets !== undefined)) return undefined;
  return appliedTwice(ends.map((e) => ({ appliedOffsets: e!.appliedOffsets!, reapplied: e!.reapplied })));
}

/** "by both workers, p1 20-39 and p3 0-41; by w1 itself, 40 (...)": what the workers' records say they applied twice. */
function twiceNote(ops: readonly Op[], shared: Map<number, bigint[]>): string {
  const parts = shared.size > 0 ? [`by both workers, ${describeShared(shared)}`] : [];
  for (const worker of ['w1', 'w2']) {
    const again = findSnapshot(ops, worker, 'end')?.reapplied ?? 0;
    if (again > 0) parts.push(`by ${worker} itself, ${plural(again, 'message')} (its client fetched them again from the offsets the group had committed when it rejoined)`);
  }
  return parts.join('; ');
}

/** Where a client's own mechanism makes a variant's lesson different from kafkajs' (the variants' `lesson`). */
const CLIENT_LESSONS: Record<string, Partial<Record<string, string>>> = {
  java: {
    // ConsumerRebalanceListener.onPartitionsRevoked (java/workers/LabConsumer.java).
    'commit-on-revoke':
      'w1\'s onPartitionsRevoked committed what it had handled (commitSync inside the callback, which kafka-clients runs inside poll() before it gives the partitions up): {dup}. This is the Java client\'s own way; kafkajs has no revoke callback (see its row).',
  },
  // clients/consumer/messages-stream.js: a join refreshes the offsets to fetch, but what the stream has already
  // received stays in it and is handed out; clients/consumer/consumer.js sends OffsetCommit with the current
  // generation and member id, and the broker does not check that the member owns the partition.
  platformatic: {
    'commit-after-batch':
      'Every partition\'s new owner started at its last commit and redid what w1 had not committed; and @platformatic/kafka went on handing w1 the records it had fetched before the rebalance, of partitions that were no longer its too. w1 applied them and committed them, and the broker accepted those commits: {dup}.',
    'commit-per-message':
      'Nothing applied was uncommitted at the rebalance, but @platformatic/kafka went on handing w1 the records it had fetched before it, of partitions that were no longer its too. w1 applied and committed each, and the broker accepted the commits, since w1 was a member of the new generation (it does not check who owns a partition): {dup}. Per-message commits protect nothing once a client delivers records of lost partitions.',
  },
  confluent: {
    // lib/kafkajs/_consumer.js serves librdkafka's rebalance from consume(), between batches, never inside one.
    'commit-after-batch':
      'librdkafka gives partitions up only when the application next polls, so the rebalance waited for w1 to finish its batch and commit it, and the new owners started past it: {dup}. The broker waits for a member that long, up to its rebalance timeout (librdkafka\'s max.poll.interval.ms, which the KafkaJS API sets to twice the configured value: 600 s by default).',
    // rdkafka_assignment.c, rd_kafka_assignment_serve_removals: with enable.auto.commit, the removed partitions' stored offsets are committed.
    'commit-on-revoke':
      'autoCommit on and resolveOffset after each apply: when librdkafka removed the partitions from w1\'s assignment it committed their stored offsets (enable.auto.commit commits on revocation, not only on its 5 s timer): {dup}.',
  },
};

function note(variant: Variant<RebalanceSettings>, counts: Partial<Counts>, ops: readonly Op[], client: string): string {
  const c = counts as EffectCounts;
  const held = snapshotOf(ops, 'w1', 'hold');
  const revoke = snapshotOf(ops, 'w1', 'rebalance');
  const events = ops.filter((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker');
  // w1's first assignment, then the ones after the rebalance, sorted by worker (their reports race).
  const [before, ...after] = events.filter((e) => e.event === 'assigned').map((e) => `${e.worker} ${e.detail}`);
  const assigned = `${before ?? 'none'} before, ${after.sort().join(' and ') || 'none'} after`;
  const extra = revoke.applied - held.applied;
  // kafkajs learns of the rebalance from heartbeat() (it throws); kafka-clients from poll(), which w1 calls with its partitions
  // paused; a client that gives the handler no sign of it had its hold ended by the lab, one that rejoins by itself
  // by its rejoin (a 'released' event, `by` which).
  const ended = events.find((e) => e.worker === 'w1' && e.event === 'released');
  const learned = ended?.by === 'rejoin'
    ? "w1's client rejoined the group by itself, from its heartbeat timer, while the handler held (only a consumer:group:rebalance listener hears of it), so the rebalance did not wait for the batch"
    : ended
    ? `the broker said the group was rebalancing, but the client gave w1's handler no sign of it, so the lab ended the hold; w1 went on (${extra} more applied) and gave its partitions up when the client next polled`
    : client === 'java'
      ? 'w1, holding with its partitions paused, polled and took part in the rebalance (onPartitionsRevoked)'
      : "w1's next heartbeat reported the rebalance" + (extra > 0 ? ` (it first applied ${extra} more from a batch kafkajs had already fetched for another partition)` : '');
  const then = ended?.by === 'rejoin' ? '; then w1\'s handler went on with its batch' : '';
  const story = `w1 held mid-batch with ${held.appliedNotCommitted} applied messages uncommitted; w2 joined; ${learned}, with ${revoke.appliedNotCommitted} uncommitted${then}; assignments: ${assigned}.`;
  const lesson = CLIENT_LESSONS[client]?.[variant.name] ?? variant.lesson ?? '';
  // Beyond the redo of w1's uncommitted work: the same messages applied twice, from the workers' own records.
  const twice = heldOnAfterRejoin(ops) ? bothApplied(ops) : undefined;
  const beyond =
    twice && twice.count > revoke.appliedNotCommitted && variant.settings.dedup === 'none'
      ? ` Applied twice, from the workers' own records (how many varies from run to run, with what w1 had in hand): ${twiceNote(ops, twice.shared)}.`
      : '';
  return `${story} ${lesson.replace('{dup}', plural(c.duplicateEffects, 'duplicate effect'))}${beyond}${leftBehindNote(ops)}`;
}

export const rebalance: Scenario<RebalanceSettings> = {
  name: 'rebalance',
  summary: 'A second consumer joins; the partitions\' new owners start at the last commit and redo uncommitted work',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 1,
  parallelVariants: 4,
  columns: [
    { key: 'messages', label: 'messages' },
    { key: 'effects', label: 'effects' },
    { key: 'duplicateEffects', label: 'dup effects', predicted: true },
    { key: 'neverApplied', label: 'never applied' },
    { key: 'balanceExpected', label: 'balance expected' },
    { key: 'balanceActual', label: 'balance actual' },
  ],
  variants,
  clients: ['kafkajs', 'java', 'confluent', 'platformatic'],
  faults: ['hold'],
  run,
  check: checkEffects,
  predict,
  note,
  explain: {
    story: [
      'When a consumer joins or leaves a group, the coordinator moves partitions between members. The new',
      'owner of a partition starts at its last committed offset, so whatever the old owner applied but had',
      'not committed yet is applied again, even without any crash.',
      '',
      'The lab fills a 4-partition topic, lets one worker consume it, and at a seeded point in the middle of',
      'a batch the worker holds (heartbeating) while a second worker joins. The coordinator starts a',
      'rebalance, the first worker\'s heartbeat learns of it, and the partitions are split between the two.',
      '',
      'Committing per message leaves nothing applied and uncommitted at the moment of the rebalance. The',
      'most kafkajs offers is to resolve each offset after applying it, keep autoCommit on and call',
      'heartbeat() between messages: kafkajs then commits what was resolved before it rejoins. Only a',
      'processed-message row in the business transaction makes every redelivery harmless.',
    ].join('\n'),
    kafkajs: [
      'consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: async ({ batch, resolveOffset, heartbeat }) => {',
      '  for (const m of batch.messages) { await apply(m); resolveOffset(m.offset); await heartbeat() } } })',
      "consumer.on(consumer.events.REBALANCING, ...)   // notice only; there is no revoke callback",
      'kafka.consumer({ groupId, sessionTimeout: 2000, heartbeatInterval: 300 })   // lab timings',
    ],
    java: [
      'consumer.subscribe(topics, new ConsumerRebalanceListener() {',
      '  onPartitionsRevoked(parts) { consumer.commitSync(processedOffsets) } ... })',
      'enable.auto.commit=true commits in onJoinPrepare before rejoining (a synchronous commit)',
      'partition.assignment.strategy=CooperativeStickyAssignor   # revokes only the partitions that move',
    ],
    kafkajsDiffers: [
      'The Java client calls onPartitionsRevoked before it gives partitions up, so an application can commit',
      'exactly what it processed; with auto-commit it commits synchronously before rejoining. kafkajs has no',
      'revoke callback: it learns of a rebalance from a heartbeat, a fetch or a commit, and only then, with',
      'autoCommit on, commits the offsets already resolved. It heartbeats only from its processing loop (or',
      'when the handler calls heartbeat()), so a long batch without heartbeat() calls holds the rebalance up',
      'until it finishes or the member is evicted. kafkajs 2.2.4 supports only eager rebalancing: every',
      'member gives up every partition.',
      '',
      'With --client java the workers run kafka-clients in JVMs. Holding, w1 pauses its partitions and keeps',
      'calling poll(), which takes part in the rebalance; commit-on-revoke commits in onPartitionsRevoked. Its',
      'default assignors (range, then cooperative-sticky) settle on range here: eager, as kafkajs.',
      '',
      'With --client confluent, librdkafka heartbeats from its own thread and its KafkaJS API\'s heartbeat() does',
      'nothing, so a handler cannot learn of a rebalance mid-batch; the lab ends w1\'s hold once the broker says',
      'the group is rebalancing. librdkafka gives partitions up only when the application polls again, between',
      'batches: the rebalance waits for the batch in progress (up to twice max.poll.interval.ms), which is committed',
      'first. With autoCommit on, librdkafka commits the stored offsets of the partitions it removes.',
      '',
      'With --client platformatic, @platformatic/kafka rejoins from its own heartbeat timer as soon as a heartbeat',
      'answers REBALANCE_IN_PROGRESS, while the handler is still in its batch (it emits consumer:group:rebalance; the',
      'message stream is not told), so the rebalance does not wait for w1. Its stream then goes on handing w1 the',
      'records it had fetched before, of partitions that are now w2\'s too, and the broker accepts w1\'s commits of',
      'them (a member of the current generation may commit any partition): both workers apply those messages, even',
      'with a commit per message, and a late commit can leave the group\'s offset behind what w2 had committed. How',
      'many varies from run to run (what w1 had in hand); such a row predicts from both workers\' own records of what',
      'they applied. It has no revoke callback the rebalance waits for (its autocommit commits each fetch as it',
      'arrives), so commit-on-revoke is skipped with it.',
    ].join('\n'),
  },
};
