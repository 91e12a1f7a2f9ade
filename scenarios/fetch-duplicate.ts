// Scenario fetch-duplicate: the proxy hands one consumer a fetched batch twice; the log holds it once, so only a consumer-side dedup helps.
import { ApiKey } from '../src/chaos/wire.js';
import { checkEffects, type EffectCounts } from '../src/check/effects-checker.js';
import { findSnapshot } from '../src/check/snapshots.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { plural } from '../src/report/plural.js';
import { EFFECT_COLUMNS, orderTopic, stepTimeoutMs, variantSink, workerConfig } from '../src/workload/consumer-run.js';
import { pickOrdinals } from '../src/workload/fault-points.js';
import { waitUntilCommittedToEnd } from '../src/workload/group-progress.js';
import { WorkerHandle } from '../src/workload/worker-handle.js';
import type { DedupMode } from '../src/workload/worker-protocol.js';

interface FetchDuplicateSettings {
  dedup: DedupMode;
}

/**
 * The first Fetch answers the faults may hit. The topic is filled before the worker starts, so each of
 * these carries records (about two 10-order batches each under the lab's 3000-byte fetch cap, ten or
 * more answers for the default 200 orders): every hit repeats one whole batch of 10.
 */
const FAULT_WINDOW = 6;

const variants: Variant<FetchDuplicateSettings>[] = [
  {
    name: 'no-dedup',
    title: 'commit after each batch, no dedup (baseline)',
    why: 'Each message handed to eachBatch is applied: a batch fetched twice is applied twice.',
    settings: { dedup: 'none' },
    expect: {},
    lesson: 'kafkajs handed both copies to eachBatch (it drops only records below the offset it asked for), and each was applied.',
  },
  {
    name: 'offset-guard',
    title: 'skip offsets already passed',
    why: 'What the Java consumer does inside poll(): remember the next offset per partition and skip anything below it.',
    settings: { dedup: 'offset-guard' },
    expect: { duplicateEffects: 0 },
    lesson:
      'The second copy\'s offsets were below the next offset the worker expected, so it skipped them, as the Java consumer does. It guards this fault only: after a crash or a rebalance the next consumer starts at the committed offset and knows nothing of what was applied.',
  },
  {
    name: 'redis-setnx',
    title: 'Redis SET NX per order id',
    why: 'The second copy finds the order\'s key already set (it goes only after the commit) and is skipped.',
    settings: { dedup: 'redis-setnx' },
    expect: { duplicateEffects: 0 },
    lesson: 'The second copy found its order key set by the first, so it was skipped.',
    needs: ['redis'],
  },
  {
    name: 'dedup-window',
    title: 'recent 1000 ids, checked first',
    why: 'The second copy\'s id is among the last 1000 recorded.',
    settings: { dedup: 'dedup-window' },
    expect: { duplicateEffects: 0 },
    lesson: 'The second copy\'s id was among the recent ones, so it was skipped.',
  },
  {
    name: 'processed-table',
    title: 'processed-message row, same transaction',
    why: 'The second copy\'s transaction hits the unique processed_messages row of the first and does nothing.',
    settings: { dedup: 'processed-table' },
    expect: { duplicateEffects: 0, neverApplied: 0 },
    lesson: 'The second copy\'s transaction hit the processed_messages row the first wrote, so it did nothing.',
  },
];

async function run(ctx: VariantContext, variant: Variant<FetchDuplicateSettings>): Promise<ReadBackRequest[]> {
  const { topic, groupId, expectedBalance } = await orderTopic(ctx);
  const sink = await variantSink(ctx, variant.name);
  // The same seeded Fetch answers for every variant; one worker, the proxy's only client.
  const ordinals = pickOrdinals(ctx.rng.fork('faults'), ctx.faults, 1, FAULT_WINDOW, 1);
  const proxy = await ctx.startProxy([{ api: ApiKey.Fetch, action: 'duplicate-fetch', ordinals }]);
  const worker = await WorkerHandle.start(
    { ...workerConfig(ctx, { workerId: 'w1', topic, groupId, commit: 'after-batch', dedup: variant.settings.dedup, sink }), bootstrap: proxy.bootstrap },
    ctx.history,
  );
  ctx.defer('worker w1', () => worker.kill());
  await waitUntilCommittedToEnd(ctx.bootstrap, groupId, topic, stepTimeoutMs(ctx));
  await worker.stop();
  return [{ kind: 'effects', sink, expectedBalance }];
}

/** Records the proxy handed out a second time, from its fault log. */
export function repeatedRecords(history: readonly Op[]): { batches: number; records: number } {
  const repeats = history.filter((o) => o.type === 'fault' && o.action === 'duplicate-fetch' && (o.affected ?? 0) > 0);
  return { batches: repeats.length, records: repeats.reduce((sum, o) => sum + ((o.type === 'fault' && o.affected) || 0), 0) };
}

/** Without a dedup every repeated record is applied again; with one, none is. Nothing is skipped either way. */
function predict(history: readonly Op[], variant: Variant<FetchDuplicateSettings>): Partial<Counts> {
  return { duplicateEffects: variant.settings.dedup === 'none' ? repeatedRecords(history).records : 0, neverApplied: 0 };
}

function note(variant: Variant<FetchDuplicateSettings>, counts: Partial<Counts>, history: readonly Op[]): string {
  const c = counts as EffectCounts;
  const { batches, records } = repeatedRecords(history);
  const again = findSnapshot(history, 'w1', 'end')?.reapplied ?? 0;
  const own = again ? ` The worker's own record: ${plural(again, 'offset')} applied a second time.` : '';
  const balance = c.balanceActual === c.balanceExpected ? 'The balance is right.' : `The balance is off by ${c.balanceActual - c.balanceExpected}.`;
  return `The proxy returned ${batches} fetched batch${batches === 1 ? '' : 'es'} twice (${plural(records, 'record')}); the topic holds each once. ${variant.lesson ?? ''}${own} ${plural(c.duplicateEffects, 'duplicate effect')}, ${c.neverApplied} never applied. ${balance}`;
}

export const fetchDuplicate: Scenario<FetchDuplicateSettings> = {
  name: 'fetch-duplicate',
  summary: 'A consumer receives a fetched batch twice, with no duplicate in the log; only a consumer-side dedup helps',
  businessDatabase: true,
  defaultMessages: 200,
  defaultFaults: 3,
  parallelVariants: 5,
  columns: EFFECT_COLUMNS,
  variants,
  faults: ['duplicate-fetch'],
  run,
  check: checkEffects,
  predict,
  note,
  explain: {
    story: [
      'The producer side can be perfect (idempotent, one copy of each record in the log) and a consumer',
      'still receive a record twice. The lab shows the simplest form: its chaos proxy stands between one',
      'consumer worker and the broker and, in three seeded Fetch answers, puts the first record batch',
      'in twice, with its offsets unchanged (a copy inside one answer). The log holds',
      'each order once; the worker applies orders to the business database and commits after each batch.',
      '"pred" is what the proxy\'s fault log predicts: every repeated record applied again, unless a',
      'dedup stops it.',
      '',
      'kafkajs and librdkafka (kcat) hand both copies to the application: each drops only records below',
      'the offset its fetch asked for. The Java consumer drops the copy: it skips any record below the',
      'position it has reached (a redelivery after an offset reset or a rebalance gets through there',
      'too). A consumer-side dedup catches it; the processed-message row in the same transaction is the',
      'one that also survives a crash (consumer-crash).',
    ].join('\n'),
    kafkajs: [
      'consumer.run({ eachBatchAutoResolve: false, eachBatch })   // kafkajs hands you every copy it decodes',
      'if (BigInt(message.offset) < nextOffset[partition]) continue   // the Java consumer\'s own check, by hand',
      'INSERT INTO processed_messages(message_id) ... in the same transaction as the business write',
    ],
    java: [
      'nothing to set: poll() skips records below the consumer\'s position (CompletedFetch)',
      'INSERT INTO processed_messages(message_id) ... for the redeliveries poll() cannot see (crash, rebalance)',
    ],
    kafkajsDiffers: [
      'kafkajs (src/consumer/batch.js) filters a fetched partition only against the offset the fetch',
      'asked for, so a batch that arrives twice in one answer reaches eachBatch/eachMessage twice.',
      'librdkafka (rdkafka_msgset_reader.c) compares with the fetch position of the request, too: kcat',
      'prints the copy. The Java consumer (CompletedFetch.nextFetchedRecord) returns a record only if',
      'its offset is at or past nextFetchOffset, which each returned record advances: the copy is',
      'dropped before poll() returns.',
    ].join('\n'),
  },
};
