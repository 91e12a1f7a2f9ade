// Scenario acks-zero: with acks=0 a producer reports every send as done; a request lost on the way is a message gone, silently.
// It is also the worked example of CREATING_SCENARIOS.md: data, run, check, predict, note.
import { ApiKey } from '../src/chaos/wire.js';
import type { ProxyRule } from '../src/chaos/rules.js';
import { checkLog, producerSummaryCounts, type LogCounts } from '../src/check/log-checker.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { pickOrdinals } from '../src/workload/fault-points.js';
import { makeMessages } from '../src/workload/messages.js';
import { producerClient } from '../src/clients/index.js';
import { closedConnectionCopies, javaFailures, lostRequestReaction } from '../src/clients/lost-request-notes.js';
import type { ProducerSettings } from '../src/workload/producer-workload.js';

/** More keys than sends in flight: see makeMessages. */
const KEYS = 8;
const CONCURRENCY = 5;
/** A lost request waits for kafkajs' request timeout (30 s by default) when acks are on; the lab waits 1 s. */
const REQUEST_TIMEOUT_MS = 1_000;
const FAULT_GAP = 100;

// 1. The variants: settings, and what each promises.
const variants: Variant<ProducerSettings>[] = [
  {
    name: 'acks-0',
    title: 'acks=0, fire and forget (baseline)',
    why: 'The producer does not wait for the broker: a send is "done" once it is on the socket.',
    settings: { idempotent: false, retries: 5, concurrency: CONCURRENCY, acks: 0 },
    expect: {},
  },
  {
    name: 'acks-all',
    title: 'acks=all, retries on',
    why: 'The broker answers every request; one that gets no answer times out and is sent again.',
    settings: { idempotent: false, retries: 5, concurrency: CONCURRENCY, acks: -1, requestTimeout: REQUEST_TIMEOUT_MS },
    expect: { lost: 0 },
  },
];

// 2. The run: a fresh topic, a chaos proxy that swallows seeded Produce requests, the producer through it.
//    Everything that happens goes into ctx.history (sends by the workload, faults by the proxy).
async function run(ctx: VariantContext, variant: Variant<ProducerSettings>): Promise<ReadBackRequest[]> {
  const topic = await ctx.createTopic('log', 1);
  const ordinals = pickOrdinals(ctx.rng.fork('faults'), ctx.faults, 10, Math.floor(ctx.messages * 0.9), FAULT_GAP);
  const rules: ProxyRule[] = [{ api: ApiKey.Produce, action: 'drop-request', ordinals }];
  const proxy = await ctx.startProxy(rules);
  await producerClient(ctx.client).produce({ via: proxy.bootstrap, topic, messages: makeMessages(ctx.runId, ctx.messages, KEYS), settings: variant.settings, history: ctx.history, clientId: `dup-lab-${variant.name}` });
  // acks=0: the client is done before the broker is. Once the broker has closed every connection the client
  // closed, it has handled every request on them, and the read-back sees all that was written.
  await proxy.settled();
  // The runner reads the topic back, directly, and adds each record to the history as an `observe`.
  return [{ kind: 'topic', topic, where: 'log', isolation: 'read_uncommitted' }];
}

const lostRequests = (history: readonly Op[]) => history.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;

// 3. The prediction, from the proxy's fault log alone: with acks=0 every lost request is an "acked" message missing.
function predict(history: readonly Op[], variant: Variant<ProducerSettings>): Partial<Counts> {
  return { lost: variant.settings.acks === 0 ? lostRequests(history) : 0 };
}

// 4. The note: what happened, in the counts' own numbers.
function note(variant: Variant<ProducerSettings>, counts: Partial<Counts>, history: readonly Op[], client: string): string {
  const c = counts as LogCounts;
  const dropped = `${lostRequests(history)} Produce requests never reached the broker.`;
  if (variant.settings.acks === 0) {
    return `${dropped} With acks=0 ${client} resolved every send as soon as it was written to the socket: ${c.acked} of ${c.sent} "acked", ${c.lost} of them not in the log, and nothing in the client says which. (Java: acks=0 also turns retries off in effect, the client never learns of a failure.)`;
  }
  const reordered = c.outOfOrder ? ` Sent again after the sends behind it, ${c.outOfOrder} landed after later messages of their key (out of order: the reorder scenario).` : '';
  const failed = history.filter((o) => o.type === 'send' && o.outcome !== 'ok').length;
  const gaveUp = failed ? ` ${failed} sends failed${client === 'java' ? javaFailures(history) : ''}${c.unknownInLog ? `, ${c.unknownInLog} of them in the log anyway` : ''}.` : '';
  return `${dropped} With acks=all, ${lostRequestReaction(client, REQUEST_TIMEOUT_MS).replace(/\.$/, ':')} ${c.lost} lost, ${c.duplicates} duplicates.${closedConnectionCopies(client, c.duplicates)}${reordered}${gaveUp}`;
}

export const acksZero: Scenario<ProducerSettings> = {
  name: 'acks-zero',
  summary: 'With acks=0 every send looks done; a request lost on the way is a message gone without a trace',
  defaultMessages: 1000,
  faultsAdjustable: true,
  defaultFaults: 5,
  parallelVariants: 2,
  measured: ['globalOutOfOrder'],
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'acked', label: 'acked' },
    { key: 'observed', label: 'in log' },
    { key: 'lost', label: 'lost', predicted: true },
    { key: 'duplicates', label: 'duplicates' },
    { key: 'outOfOrder', label: 'out-of-order' },
  ],
  variants,
  faults: ['drop-request'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  summaryCounts: producerSummaryCounts,
  run,
  // 5. The check: the shared, pure log checker over the sends and the read-back.
  check: (history) => checkLog(history, 'log'),
  predict,
  note,
  explain: {
    story: [
      'acks=0 tells the broker not to answer. The producer counts a message as sent once it is on the',
      'socket, so the fastest setting is also the blindest: a request lost on the way (a reset connection,',
      'a broker that restarts, a network blip) is a message that is gone, and the application was told it',
      'was sent. Nothing retries it, because nothing knows.',
      '',
      'The lab drops seeded Produce requests before the broker sees them. With acks=0 every send still',
      'resolves; the read-back shows the missing messages. (Before reading back, the lab sends one',
      'acks=all record on the same connection: the broker answers it only after handling every request',
      'before it, so the read-back sees every acks=0 message that reached the broker.) With acks=all the',
      'client waits for an answer, times out, and sends the request again.',
    ].join('\n'),
    kafkajs: ['producer.send({ topic, acks: 0, messages })   // resolves once written to the socket', 'producer.send({ topic, acks: -1, messages })  // the default: every in-sync replica'],
    java: ['acks=0   # retries do nothing: the client never learns of a failure', 'acks=all # the default since Kafka 3.0'],
    kafkajsDiffers: [
      'Neither client can know about a lost acks=0 request. kafkajs resolves send() as soon as the request',
      'is written; the Java client completes the future with an offset of -1. Both report success.',
    ].join('\n'),
  },
};
