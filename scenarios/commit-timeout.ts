// Scenario commit-timeout: an offset commit reaches the broker after the client gave up on it; the client thinks it failed, the broker applied it.
import { ApiKey } from '../src/chaos/wire.js';
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { plural } from '../src/report/plural.js';
import { EFFECT_COLUMNS, orderTopic, stepTimeoutMs, variantSink, workerConfig } from '../src/workload/consumer-run.js';
import { pickOrdinals } from '../src/workload/fault-points.js';
import { waitUntilCommittedToEnd } from '../src/workload/group-progress.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import type { CommitMode } from '../src/workload/worker-protocol.js';

interface CommitTimeoutSettings {
  commit: CommitMode;
  /** kafkajs consumer retries of a failed commit; undefined: the lab's (and kafkajs') default, 5. */
  commitRetries?: number;
}

/** kafkajs' requestTimeout in the worker: an OffsetCommit unanswered for 1 s fails. */
const REQUEST_TIMEOUT_MS = 1_000;
/** How long the proxy holds a chosen OffsetCommit: well past the request timeout. */
const DELAY_MS = 2_500;
/**
 * Longer than the hold: heartbeats queue behind the held commit on the coordinator's connection, and a
 * session that ran out meanwhile would make the broker refuse the late commit instead of applying it.
 */
const SESSION_TIMEOUT_MS = 6_000;

const variants: Variant<CommitTimeoutSettings>[] = [
  {
    name: 'commit-first',
    title: 'commit, then apply; no commit retries (baseline)',
    why: 'At-most-once: when the commit fails, the batch is left alone, to come again. It does not come: the broker took the commit.',
    settings: { commit: 'before-process', commitRetries: 0 },
    expect: {},
    lesson:
      'Each failed commit ended its batch before any apply, as at-most-once code does, expecting the batch again. kafkajs restarted the consumer, which asked the broker for its committed offset: the late commit was there, so the restart began after the batch, and it was never applied.',
  },
  {
    name: 'commit-first-retried',
    title: 'commit, then apply; kafkajs retries the commit',
    why: 'kafkajs\' consumer retries a commit that timed out (5 times by default): the application never sees the failure.',
    settings: { commit: 'before-process' },
    expect: { duplicateEffects: 0, neverApplied: 0 },
    lesson:
      'kafkajs retried each timed-out commit (a retry queued behind a held commit timed out too, and a later one got through), so the handler never saw an error, and every copy reached the broker in order. The cost is time: about 2.5 s a held commit.',
  },
  {
    name: 'apply-then-commit',
    title: 'apply, then commit; no commit retries',
    why: 'At-least-once: a failed commit means the batch will be redone, the theory says. It is not: the broker took the commit.',
    settings: { commit: 'after-batch', commitRetries: 0 },
    expect: { neverApplied: 0 },
    lesson:
      'Each failed commit came after its batch was applied; kafkajs restarted the consumer from the broker\'s committed offset, which the late commit had moved past the batch, so nothing was redone: the duplicates a "failed" commit promises did not happen.',
  },
];

async function run(ctx: VariantContext, variant: Variant<CommitTimeoutSettings>): Promise<ReadBackRequest[]> {
  const { topic, groupId, expectedBalance } = await orderTopic(ctx);
  const sink = await variantSink(ctx, variant.name);
  // The 2nd, 4th and 6th OffsetCommit requests (for 3 faults the range leaves no room to seed them), the
  // same for every variant. A retry is a request too: with kafkajs' retries one may be the one held.
  const ordinals = pickOrdinals(ctx.rng.fork('faults'), ctx.faults, 2, 8, 2);
  const proxy = await ctx.startProxy([{ api: ApiKey.OffsetCommit, action: 'delay', delayMs: DELAY_MS, ordinals }]);
  const worker = await WorkerHandle.start(
    {
      ...workerConfig(ctx, { workerId: 'w1', topic, groupId, commit: variant.settings.commit, dedup: 'none', sink }),
      bootstrap: proxy.bootstrap,
      sessionTimeout: SESSION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      commitRetries: variant.settings.commitRetries,
    },
    ctx.history,
  );
  ctx.defer('worker w1', () => worker.kill());
  await waitUntilCommittedToEnd(ctx.bootstrap, groupId, topic, stepTimeoutMs(ctx));
  await worker.stop();
  return [{ kind: 'effects', sink, expectedBalance }];
}

/** Commits the proxy held past the client's timeout (and then delivered), from its fault log. */
function heldCommits(history: readonly Op[]): number {
  return history.filter((o) => o.type === 'fault' && o.action === 'delay').length;
}

/** The commits the worker saw fail, and the messages it left unapplied because of them, from its own record. */
function failedCommits(history: readonly Op[]): { failed: number; notApplied: number } {
  const failed = history.filter((o): o is Extract<Op, { type: 'commit' }> => o.type === 'commit' && !o.ok);
  return { failed: failed.length, notApplied: failed.reduce((sum, o) => sum + (o.notApplied ?? 0), 0) };
}

/**
 * Every held commit reached the broker in its turn and was applied, so nothing is redone; what the worker
 * left unapplied after a failed commit never comes again.
 */
function predict(history: readonly Op[]): Partial<Counts> {
  return { duplicateEffects: 0, neverApplied: failedCommits(history).notApplied };
}

function note(variant: Variant<CommitTimeoutSettings>, counts: Partial<Counts>, history: readonly Op[]): string {
  const c = counts as EffectCounts;
  const { failed, notApplied } = failedCommits(history);
  const held = `The proxy held ${plural(heldCommits(history), 'offset commit')} ${DELAY_MS / 1000} s, past kafkajs' ${REQUEST_TIMEOUT_MS / 1000} s request timeout; the handler saw ${plural(failed, 'commit')} fail${notApplied ? ` and left ${plural(notApplied, 'message')} for later` : ''}.`;
  return `${held} ${variant.lesson ?? ''} ${plural(c.duplicateEffects, 'duplicate effect')}, ${c.neverApplied} never applied.`;
}

export const commitTimeout: Scenario<CommitTimeoutSettings> = {
  name: 'commit-timeout',
  summary: 'An offset commit reaches the broker after the client gave up on it: the client thinks it failed, the broker applied it',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 3,
  parallelVariants: 3,
  columns: EFFECT_COLUMNS,
  variants,
  faults: ['delay'],
  run,
  check: checkEffects,
  predict,
  note,
  explain: {
    story: [
      'A request that times out has not failed: the client stopped waiting, and the broker may still',
      'apply it. The chaos proxy holds three seeded OffsetCommit requests of one consumer worker for',
      '2.5 s, then delivers them; the worker\'s kafkajs gives up after 1 s. The broker applies each late',
      'commit (the group\'s session outlasts the hold), so the client\'s view and the broker\'s differ.',
      '',
      'Code that acts on "the commit failed" acts on a guess. At-most-once code that leaves the batch to',
      'come again loses it: the next fetch starts at the broker\'s offset, past the batch. At-least-once',
      'code expects duplicates that do not come. kafkajs hides all of this by default: its consumer',
      'retries the commit until one attempt is answered in time. "pred" comes',
      'from the worker\'s own record of the commits it saw fail and what it left unapplied.',
    ].join('\n'),
    kafkajs: [
      "new Kafka({ requestTimeout: 30000 })          // a request unanswered this long fails (the lab: 1000)",
      'kafka.consumer({ groupId, retry: { retries: 5 } })   // commit retries; 0 lets the handler see the timeout',
      'await consumer.commitOffsets([...])             // a rejection is not proof the broker did not apply it',
    ],
    java: [
      'consumer.commitSync(Duration.ofSeconds(5))      // TimeoutException: the outcome is unknown, not failed',
      'default.api.timeout.ms=60000, request.timeout.ms=30000',
      'store offsets with the results in one DB transaction, and seek() to them on assignment',
    ],
    kafkajsDiffers: [
      'kafkajs\' consumer wraps commitOffsets in its retrier (src/consumer/runner.js): a timed-out',
      'commit is sent again up to `retry.retries` times, and only then does the handler see',
      'KafkaJSNumberOfRetriesExceeded; the consumer then crashes and restarts from the broker\'s',
      'committed offsets. The Java consumer\'s commitSync retries inside its timeout and throws',
      'TimeoutException when that runs out; the Javadoc says the commit may or may not have happened.',
    ].join('\n'),
  },
};
