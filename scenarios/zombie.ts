// Scenario zombie: a worker stalls past its session timeout, is evicted, and wakes up to finish its batch anyway.
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import { leftBehindNote } from '../src/check/group-offsets.js';
import { findSnapshot, snapshotOf } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { LAB_GROUP_TIMING, orderTopic, seededStop, variantSink, workerConfig, stepTimeoutMs } from '../src/workload/consumer-run.js';
import { groupOffsets, waitUntilCommittedToEnd } from '../src/workload/group-progress.js';
import { parseOffsets, WorkerHandle } from '../src/workload/worker-handle.js';
import { WORKER_FAULTS } from '../src/workload/process-faults/index.js';
import type { DedupMode, StopSpec, WorkerConfig } from '../src/workload/worker-protocol.js';
import { plural } from '../src/report/plural.js';

/** How long the zombie waits, after waking, to hit its rejected commit (or its fenced heartbeat). */
const WAKE_TIMEOUT_MS = 15_000;
/** A woken zombie that reports nothing (no commit, no refusal, no join) for this long has no work left in hand. */
const QUIET_MS = 1_500;

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
    lacking: {
      java: 'heartbeat() to call before an apply (kafka-clients heartbeats from a background thread)',
      // lib/kafkajs/_consumer.js: the KafkaJS API's heartbeat() is a no-op; librdkafka heartbeats from its own thread.
      confluent: 'heartbeat() that asks the coordinator (its KafkaJS API\'s heartbeat() does nothing: librdkafka heartbeats from its own thread)',
      platformatic: 'heartbeat() for a handler to call (@platformatic/kafka heartbeats on its own timer)',
    },
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
  // The zombie's next step after waking: a refused commit, a refused heartbeat (checking first), or a commit some
  // client gets through; then whatever else it does with what it had fetched, until it has nothing left to report.
  const outcome = await zombie.nextOf(['commit-failed', 'heartbeat-refused', 'committed'], WAKE_TIMEOUT_MS);
  if (!outcome) throw new Error(`worker w1: no commit, refused commit or refused heartbeat within ${WAKE_TIMEOUT_MS} ms of waking`);
  await zombie.quiet(QUIET_MS, WAKE_TIMEOUT_MS);
  await Promise.all([zombie.stop(), successor.stop()]);
  // w1's own count at the end: how much it applied after waking (its ledger, not the read-back).
  const end = zombie.lastOf('stopped');
  if (!end?.point) throw new Error('worker w1 stopped without reporting what it had applied');
  if (!findSnapshot(ctx.history.all(), 'w1', 'end')) ctx.history.add({ type: 'snapshot', worker: 'w1', moment: 'end', ...end.point });
  // Where the group stands once both have stopped: a zombie commit that got through leaves it behind the end.
  for (const offset of await groupOffsets(ctx.bootstrap, groupId, topic)) ctx.history.add({ type: 'group-offset', group: groupId, ...offset });
  return [{ kind: 'effects', sink, expectedBalance }];
}

/**
 * w2 redoes what w1 applied and had not committed; then everything w1 applies after waking is a second copy (w2
 * had applied the whole topic by then). With kafkajs and Java that is the rest of w1's batch; a client that keeps
 * going on what it fetched ahead goes further. From w1's own counts at the stall and at its end, and w2's own repeats.
 */
function predict(history: readonly Op[], variant: Variant<ZombieSettings>): Partial<Counts> {
  if (variant.settings.dedup !== 'none') return { duplicateEffects: 0 };
  const point = snapshotOf(history, 'w1', 'stall');
  // A history saved before the lab recorded w1's end has the rest of the batch instead (or nothing, checking first).
  const end = findSnapshot(history, 'w1', 'end');
  const afterWaking = end ? end.applied - point.applied : variant.settings.heartbeatInBatch === 'before-apply' ? 0 : point.remainingInBatch;
  return { duplicateEffects: point.appliedNotCommitted + afterWaking + (findSnapshot(history, 'w2', 'end')?.reapplied ?? 0) };
}

type CommitOp = Extract<Op, { type: 'commit' }>;

/** w2's highest accepted commit of the partition in `offsets` ("p0@60"), if higher: the position a zombie commit moved back from. */
function w2Highest(ops: readonly Op[], offsets: string): { partition: number; offset: bigint } | undefined {
  const [first] = parseOffsets(offsets);
  if (!first) return undefined;
  let highest = -1n;
  for (const o of ops)
    if (o.type === 'commit' && o.ok && o.worker === 'w2')
      for (const c of parseOffsets(o.offsets)) if (c.partition === first.partition && c.offset > highest) highest = c.offset;
  return highest > first.offset ? { partition: first.partition, offset: highest } : undefined;
}

/** What w1 did after its SIGCONT, from the history: refused commits and heartbeats, accepted commits, a rejoin. */
function afterWaking(ops: readonly Op[]) {
  const woke = ops.findIndex((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'resumed');
  const later = woke < 0 ? [] : ops.slice(woke);
  const commits = later.filter((o): o is CommitOp => o.type === 'commit' && o.worker === 'w1');
  return {
    refused: commits.filter((c) => !c.ok),
    accepted: commits.filter((c) => c.ok),
    heartbeatRefused: later.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced'),
    /** Partitions the group gave w1 again after it woke ("partitions [0]"), if any. */
    givenAgain: later.find((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker' && o.worker === 'w1' && o.event === 'assigned' && !/\[\]/.test(o.detail ?? ''))?.detail,
    rejoinedFirst: (() => {
      const firstAccepted = later.findIndex((o) => o.type === 'commit' && o.worker === 'w1' && o.ok);
      return firstAccepted > 0 && later.slice(0, firstAccepted).some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'assigned');
    })(),
  };
}

function note(variant: Variant<ZombieSettings>, counts: Partial<Counts>, ops: readonly Op[]): string {
  const c = counts as EffectCounts;
  const point = snapshotOf(ops, 'w1', 'stall');
  const end = findSnapshot(ops, 'w1', 'end');
  const applied = end ? end.applied - point.applied : point.remainingInBatch;
  const successor = ops.find((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker' && o.worker === 'w2' && o.event === 'assigned');
  const stalled =
    `w1 was SIGSTOPped mid-batch with ${point.appliedNotCommitted} applied messages uncommitted and ${point.remainingInBatch} to go; ` +
    `after the ${LAB_GROUP_TIMING.sessionTimeout} ms session timeout the coordinator evicted it and gave w2 ${successor?.detail ?? 'its partition'}; w2 started from the last commit and redid them.`;
  const woken = afterWaking(ops);
  const deduped = variant.settings.dedup === 'processed-table';
  const first = woken.refused[0];
  const refusedAs = first ? (first.code ?? first.error) : '';
  const unseen = first?.unseen ? ', though the client had already told w1 it was done' : '';
  let wake: string;
  if (woken.heartbeatRefused && woken.refused.length === 0 && woken.accepted.length === 0) {
    wake = ` Woken with SIGCONT, w1's heartbeat() before its next apply was refused (it is no longer a member), so it stopped without applying anything more.`;
  } else {
    wake = deduped
      ? ' Woken with SIGCONT, w1 went on with the messages it had in hand.'
      : ` Woken with SIGCONT, w1 applied ${plural(applied, 'message')} w2 had already applied` +
        (applied > point.remainingInBatch ? ` (the rest of its batch was ${point.remainingInBatch}: it did not stop there).` : '.');
    if (woken.accepted.length > 0) {
      const before = w2Highest(ops, woken.accepted[0]!.offsets);
      wake +=
        ` Its commit ${woken.accepted[0]!.offsets} was accepted` +
        (woken.rejoinedFirst ? ', the client having rejoined the group and committed under the new generation' : '') +
        (before !== undefined ? `: the group's offset went back behind w2's p${before.partition}@${before.offset}.` : '.');
    } else if (woken.refused.length > 1) {
      wake += ` ${woken.refused.length === 2 ? 'Both' : `All ${woken.refused.length}`} of its commits were refused (${refusedAs})${unseen}, and nothing stopped it.`;
    } else if (first) {
      wake += ` Its commit was refused (${refusedAs})${unseen}${deduped ? '.' : ': a refused commit does not undo side effects.'}`;
    }
    const given = woken.givenAgain;
    if (given) wake += ` Rejoined, w1 was given ${given} again and read on from the group's offset.`;
  }
  const rewound = leftBehindNote(ops);
  const dedupEnd = deduped ? ' Every second apply, by either worker, met the processed_messages row and did nothing.' : '';
  return `${stalled}${wake}${rewound}${dedupEnd} ${plural(c.duplicateEffects, 'duplicate effect')}.`;
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
  clients: ['kafkajs', 'java', 'platformatic', 'confluent'],
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
      '',
      'With --client confluent, commitOffsets resolves once librdkafka has queued the commit (the binding calls',
      'commitAsync), so the woken worker is never told the broker refused it (UNKNOWN_MEMBER_ID): it goes on',
      'through everything librdkafka had fetched ahead, until the rejoin. The lab hears the refusals from',
      'librdkafka\'s offset_commit_cb and puts them in the timeline.',
      'With --client platformatic, consumer.commit() answered UNKNOWN_MEMBER_ID rejoins the group and commits',
      'again under the new generation: the zombie\'s commit goes through and moves the group\'s offset back',
      'behind what w2 committed; the next member to start there redoes the difference.',
      'How far either zombie gets varies from run to run (how much was fetched ahead, who gets the partition',
      'after the rejoin): each row predicts from the woken worker\'s own count of what it applied.',
      'Neither has a heartbeat() that asks the coordinator, so heartbeat-check is skipped with both.',
    ].join('\n'),
  },
};
