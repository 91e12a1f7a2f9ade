// Scenario zombie: a worker stalls past its session timeout, is evicted, and wakes up to finish its batch anyway.
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import { snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { LAB_GROUP_TIMING, orderTopic, seededStop, variantSink, workerConfig, stepTimeoutMs } from '../src/workload/consumer-run.js';
import { waitUntilCommittedToEnd } from '../src/workload/group-progress.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { DedupMode, StopSpec, WorkerConfig } from '../src/workload/worker-protocol.js';
import { plural } from '../src/report/plural.js';

/** How long the zombie waits, after waking, to hit its rejected commit (or its fenced heartbeat). */
const WAKE_TIMEOUT_MS = 15_000;

interface ZombieSettings {
  dedup: DedupMode;
  heartbeatInBatch: WorkerConfig['heartbeatInBatch'];
}

const variants: Variant<ZombieSettings>[] = [
  {
    name: 'commit-after-batch',
    title: 'manual commit after each batch (baseline)',
    why: 'The stalled worker wakes inside a batch it no longer owns, applies the rest of it, then commits.',
    settings: { dedup: 'none', heartbeatInBatch: 'none' },
    expect: {},
  },
  {
    name: 'heartbeat-check',
    title: 'heartbeat() before each apply',
    why: 'Ask the coordinator before every side effect: an evicted member gets UNKNOWN_MEMBER_ID and stops.',
    settings: { dedup: 'none', heartbeatInBatch: 'before-apply' },
    expect: {},
    // AbstractCoordinator's HeartbeatThread: the application has nothing to call; it learns of its eviction in poll() or from a refused commit.
    lacking: { java: 'heartbeat() to call before an apply (kafka-clients heartbeats from a background thread)' },
  },
  {
    name: 'processed-table',
    title: 'processed-message row, same transaction',
    why: 'Both workers apply the same messages; the unique row lets only the first transaction through.',
    settings: { dedup: 'processed-table', heartbeatInBatch: 'none' },
    expect: { duplicateEffects: 0, neverApplied: 0 },
  },
];

async function run(ctx: VariantContext, variant: Variant<ZombieSettings>): Promise<ReadBackRequest[]> {
  const { topic, groupId, expectedBalance } = await orderTopic(ctx);
  const sink = await variantSink(ctx, variant.name);
  const stall = seededStop(ctx, 'stall', WORKER_FAULTS.stall.stopAction);
  const config = (workerId: string, stopAt?: StopSpec) =>
    workerConfig(ctx, { workerId, topic, groupId, commit: 'after-batch', ...variant.settings, sink, stopAt });

  const zombie = await WorkerHandle.start(config('w1', stall), ctx.history);
  ctx.defer('worker w1', () => zombie.kill());
  await WORKER_FAULTS.stall.inject(zombie, stepTimeoutMs(ctx)); // SIGSTOP: like a long GC pause, no heartbeats

  // w2 gets w1's partition once the coordinator evicts w1 (its session runs out): the history records w2's assignment.
  const successor = await WorkerHandle.start(config('w2'), ctx.history);
  ctx.defer('worker w2', () => successor.kill());
  await successor.waitFor('joined', stepTimeoutMs(ctx));
  await waitUntilCommittedToEnd(ctx.bootstrap, groupId, topic, stepTimeoutMs(ctx));

  WORKER_FAULTS.stall.wake!(zombie); // SIGCONT: the zombie goes on where it was, in the middle of its batch
  // The zombie ends its batch with a refused commit, or (checking first) a refused heartbeat.
  await Promise.race([zombie.waitFor('commit-failed', WAKE_TIMEOUT_MS), zombie.waitFor('heartbeat-refused', WAKE_TIMEOUT_MS)]);
  await Promise.all([zombie.stop(), successor.stop()]);
  return [{ kind: 'effects', sink, expectedBalance }];
}

/** w2 redoes what w1 applied and had not committed; without a check, w1 then also applies the rest of its batch. */
function predict(history: readonly Op[], variant: Variant<ZombieSettings>): Partial<Counts> {
  const point = snapshotOf(history, 'w1', 'stall');
  if (variant.settings.dedup !== 'none') return { duplicateEffects: 0 };
  return { duplicateEffects: point.appliedNotCommitted + (variant.settings.heartbeatInBatch === 'before-apply' ? 0 : point.remainingInBatch) };
}

function note(variant: Variant<ZombieSettings>, counts: Partial<Counts>, ops: readonly Op[]): string {
  const c = counts as EffectCounts;
  const point = snapshotOf(ops, 'w1', 'stall');
  // What stopped the zombie first after waking: a refused commit, or (checking first) a refused heartbeat.
  const refusal = ops.find((o) => (o.type === 'commit' && o.worker === 'w1' && !o.ok) || (o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced'));
  const rejected = refusal?.type === 'commit' ? refusal : undefined;
  const rejectedBy = rejected ? (rejected.code ?? rejected.error) : undefined;
  const successor = ops.find((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker' && o.worker === 'w2' && o.event === 'assigned');
  const afterWaking = ops.filter((o) => o.type === 'effect' && o.workers && o.workers.length > 1 && o.workers.at(-1) === 'w1').length;
  const stalled =
    `w1 was SIGSTOPped mid-batch with ${point.appliedNotCommitted} applied messages uncommitted and ${point.remainingInBatch} to go; ` +
    `after the ${LAB_GROUP_TIMING.sessionTimeout} ms session timeout the coordinator evicted it and gave w2 ${successor?.detail ?? 'its partition'}; w2 started from the last commit and redid them.`;
  const deduped = variant.settings.dedup === 'processed-table';
  const wake = !rejected
    ? ` Woken with SIGCONT, w1's heartbeat() before its next apply was refused (it is no longer a member), so it stopped without applying anything more.`
    : deduped
      ? ` Woken with SIGCONT, w1 went through the rest of its batch, and its commit was rejected (${rejectedBy}).`
      : ` Woken with SIGCONT, w1 applied ${afterWaking} messages w2 had already applied, then its commit was rejected (${rejectedBy}): a rejected commit does not undo side effects.`;
  const end = deduped ? ' Every second apply, by either worker, met the processed_messages row and did nothing.' : '';
  return `${stalled}${wake}${end} ${plural(c.duplicateEffects, 'duplicate effect')}.`;
}

export const zombie: Scenario<ZombieSettings> = {
  name: 'zombie',
  summary: 'A stalled consumer is evicted, its partition moves, and it wakes up to finish the batch anyway',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 1,
  parallelVariants: 3,
  columns: [
    { key: 'messages', label: 'messages' },
    { key: 'effects', label: 'effects' },
    { key: 'duplicateEffects', label: 'dup effects', predicted: true },
    { key: 'neverApplied', label: 'never applied' },
    { key: 'balanceExpected', label: 'balance expected' },
    { key: 'balanceActual', label: 'balance actual' },
  ],
  variants,
  clients: ['kafkajs', 'java'],
  faults: ['stall'],
  run,
  check: checkEffects,
  predict,
  note,
  explain: {
    story: [
      'A consumer stops answering for longer than its session timeout: a long GC pause, a stuck call, a',
      'suspended VM. The coordinator evicts it and gives its partitions to another member, which starts at',
      'the last commit and redoes the uncommitted work. Then the stalled process wakes up. It does not know',
      'it was evicted: it finishes the batch it was in, applying side effects the other member has already',
      'applied, and only its commit is refused. A rejected commit undoes nothing.',
      '',
      'The lab SIGSTOPs the first worker in the middle of a batch, starts a second one, waits until the',
      'second has processed everything, then SIGCONTs the first.',
      '',
      'Asking the coordinator before each side effect (kafkajs: heartbeat() before the apply) stops the',
      'zombie at its first step after waking, but cannot stop the redo of what it applied before the stall,',
      'and there is a race between the answer and the apply. A processed-message row in the business',
      'transaction makes both harmless.',
    ].join('\n'),
    kafkajs: [
      "kafka.consumer({ groupId, sessionTimeout: 2000, heartbeatInterval: 300 })   // lab timings",
      'eachBatch: async ({ batch, heartbeat }) => { for (const m of batch.messages) { await heartbeat(); await apply(m) } }',
      '// broker: group.min.session.timeout.ms=1000 lets the lab use 2 s sessions (Kafka\'s default minimum is 6 s)',
    ],
    java: [
      'session.timeout.ms=45000 (default), heartbeat.interval.ms=3000',
      'max.poll.interval.ms=300000: a member that does not poll in time leaves the group by itself',
      'commitSync() throws CommitFailedException after eviction; side effects already done stay done',
    ],
    kafkajsDiffers: [
      'The Java client heartbeats from a background thread, so a slow handler alone does not evict it;',
      'max.poll.interval.ms does, and the member then leaves the group itself. kafkajs heartbeats only from',
      'its processing loop (or when the handler calls heartbeat()), so a slow batch and a stalled process',
      'look the same to the coordinator: no heartbeat, eviction after sessionTimeout. kafkajs has no',
      'max.poll.interval.ms; its rebalanceTimeout bounds how long a rebalance waits for members.',
      '',
      'With --client java the workers run kafka-clients in JVMs: the SIGSTOP stops its heartbeat thread too, so',
      'the eviction is the same, and the woken worker\'s commitSync throws CommitFailedException. heartbeat-check',
      'is skipped there: kafka-clients has no heartbeat() for the handler to call.',
    ].join('\n'),
  },
};
