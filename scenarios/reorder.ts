// Scenario reorder (source notes §4): an async producer's failed send is retried after later sends succeeded.
import { ApiKey } from '../src/chaos/wire.js';
import { checkLog, producerSummaryCounts, type LogCounts } from '../src/check/log-checker.js';
import type { ProxyRule } from '../src/chaos/rules.js';
import type { ReadBackRequest, Scenario, TimingDependence, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { pickOrdinals } from '../src/workload/fault-points.js';
import { makeMessages } from '../src/workload/messages.js';
import { producerClient } from '../src/clients/index.js';
import { closedConnectionCopies, javaFailures, lostRequestReaction } from '../src/clients/lost-request-notes.js';
import type { ProducerSettings } from '../src/workload/producer-workload.js';

/** More keys than sends in flight: see makeMessages. */
const KEYS = 8;
const CONCURRENCY = 5;
/**
 * kafkajs waits 30 s for a lost request by default; the lab waits 1 s so a fault costs a second.
 * The order effects are the same: only the wait is shorter.
 */
const REQUEST_TIMEOUT_MS = 1_000;
const FAULT_GAP = 100;

/** Producer settings, plus the topic's partitions (keys are spread by kafkajs' default partitioner). */
type ReorderSettings = ProducerSettings & { partitions?: number };

const base: ReorderSettings = { idempotent: false, retries: 5, concurrency: CONCURRENCY, requestTimeout: REQUEST_TIMEOUT_MS };

const lostRequests = (history: readonly Op[]) => history.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;

/** What kafkajs does with concurrent sends under in-flight 1 or idempotence: a count that timing decides (see README). */
const retriedOnTimer: TimingDependence = {
  counts: ['outOfOrder'],
  relation: 'out-of-order ≤ lost requests',
  holds: (c, history) => (c.outOfOrder ?? 0) <= lostRequests(history),
};

const variants: Variant<ReorderSettings>[] = [
  {
    name: 'in-flight-5',
    title: 'async, 5 in flight (baseline)',
    why: 'Sends overlap; a failed one is retried while the ones behind it have already succeeded.',
    settings: { ...base, maxInFlight: 5 },
    expect: {},
  },
  {
    name: 'in-flight-1',
    title: 'maxInFlightRequests: 1',
    why: 'One request on the wire at a time, as the notes advise (max.in.flight.requests.per.connection=1).',
    settings: { ...base, maxInFlight: 1 },
    expect: { outOfOrder: 0 },
    varies: retriedOnTimer,
  },
  {
    name: 'sync-send',
    title: 'await each send',
    why: 'The next send starts only after the previous one succeeded, retries included.',
    settings: { ...base, concurrency: 1 },
    expect: { outOfOrder: 0, duplicates: 0, lost: 0 },
  },
  {
    name: 'idempotent',
    title: 'idempotent producer',
    why: 'Sequence numbers let the broker refuse a batch that arrives out of order (Java: ordered for up to 5 in flight).',
    settings: { ...base, idempotent: true },
    expect: { outOfOrder: 0, duplicates: 0, lost: 0 },
    varies: retriedOnTimer,
  },
  {
    name: 'multi-partition',
    title: 'await each send, 4 partitions',
    why: 'Order is per partition, so per key; across partitions there is no order to keep.',
    settings: { ...base, concurrency: 1, partitions: 4 },
    expect: { outOfOrder: 0 },
  },
];

async function run(ctx: VariantContext, variant: Variant<ReorderSettings>): Promise<ReadBackRequest[]> {
  const settings = variant.settings;
  const topic = await ctx.createTopic('log', settings.partitions ?? 1);
  const ordinals = pickOrdinals(ctx.rng.fork('faults'), ctx.faults, 20, Math.floor(ctx.messages * 0.8), FAULT_GAP);
  const rules: ProxyRule[] = [{ api: ApiKey.Produce, action: 'drop-request', ordinals }];
  const proxy = await ctx.startProxy(rules);
  await producerClient(ctx.client).produce({
    via: proxy.bootstrap,
    topic,
    messages: makeMessages(ctx.runId, ctx.messages, KEYS),
    settings,
    history: ctx.history,
    clientId: `dup-lab-${variant.name}`,
  });
  return [{ kind: 'topic', topic, where: 'log', isolation: 'read_uncommitted' }];
}

/** The notes' theory, for concurrent sends that nothing keeps in order: each lost request is one message out of order. */
function predict(history: readonly Op[], variant: Variant<ReorderSettings>): Partial<Counts> {
  const s = variant.settings;
  const unordered = s.concurrency > 1 && !s.idempotent && (s.maxInFlight ?? Infinity) > 1;
  return unordered ? { outOfOrder: lostRequests(history) } : {};
}

/** Messages per measured pass: enough for a stable rate, few enough to stay quick. */
const MEASURE_MESSAGES = 600;

/** The price of the remedy: the same workload without a fault, through a proxy with no rules. */
async function prepareMeasure(ctx: VariantContext, variant: Variant<ReorderSettings>): Promise<() => Promise<{ throughput: number }>> {
  const topic = await ctx.createTopic('clean', variant.settings.partitions ?? 1);
  const proxy = await ctx.startProxy([]);
  const count = Math.min(ctx.messages, MEASURE_MESSAGES);
  let pass = 0;
  return async () => {
    const ms = await producerClient(ctx.client).produce({
      via: proxy.bootstrap,
      topic,
      messages: makeMessages(`${ctx.runId}-${pass++}`, count, KEYS),
      settings: variant.settings,
      clientId: `dup-lab-${variant.name}-clean`,
    });
    return { throughput: Math.round(count / (ms / 1000)) };
  };
}

function note(variant: Variant<ReorderSettings>, counts: Partial<Counts>, ops: readonly Op[], client: string): string {
  const c = counts as LogCounts;
  const s = variant.settings;
  const lostCount = lostRequests(ops);
  const lost = `${lostCount} Produce request${lostCount === 1 ? '' : 's'} never reached the broker; ${lostRequestReaction(client, REQUEST_TIMEOUT_MS)}`;
  const result = `${c.outOfOrder} out of order per key, ${c.duplicates} duplicates, ${c.lost} lost.`;
  const failed = ops.filter((o) => o.type === 'send' && o.outcome !== 'ok').length;
  const gaveUp = failed ? ` ${failed} sends failed for good${client === 'java' ? javaFailures(ops) : ''}${c.unknownInLog ? `, ${c.unknownInLog} of them in the log anyway` : ''}.` : '';
  // A lost request reorders only if a later send overtook its retry; on a busy machine one sometimes does not.
  const fewer =
    c.outOfOrder > 0 && c.outOfOrder < lostCount
      ? ` ${lostCount - c.outOfOrder} of the lost requests were retried before any later send got through, so they did not reorder (timing: ${client} retries on timers).`
      : '';
  const r = `${result}${fewer}${closedConnectionCopies(client, c.duplicates)}`;
  if ((s.partitions ?? 1) > 1) {
    return `${lost} Each key stays in one partition and each partition is in order (${c.outOfOrder} out of order per key), but read partition by partition ${c.globalOutOfOrder} messages come before ones sent earlier: there is no order across partitions.${gaveUp}`;
  }
  if (s.concurrency === 1) return `${lost} Nothing was sent while a send was being retried, so order held: ${r}${gaveUp}`;
  if (s.idempotent) {
    return c.outOfOrder > 0 && client === 'kafkajs'
      ? `${lost} kafkajs rolls the sequence number back on failure, so the next queued send took the lost one's number and was written first; the retry got a new number and landed later: ${r} The Java client retries the failed batch with its own number, and the broker refuses anything after a gap, so order holds.${gaveUp}`
      : `${lost} ${r}${gaveUp}`;
  }
  if (s.maxInFlight === 1) {
    return c.outOfOrder > 0 && client === 'kafkajs'
      ? `${lost} kafkajs limits requests on the wire, not sends: the queued sends went out while the failed one waited for its retry timer, so the retry landed after them: ${r} The Java client with max.in.flight=1 keeps the failed batch first in line and does keep order.${gaveUp}`
      : `${lost} ${r}${gaveUp}`;
  }
  return `${lost} Meanwhile the sends behind it succeeded, so each retried message landed after later messages of its key: ${r}${gaveUp}`;
}

export const reorder: Scenario<ReorderSettings> = {
  name: 'reorder',
  summary: 'An async producer retries a failed send after later sends succeeded: the log holds B before A',
  defaultMessages: 1000,
  faultsAdjustable: true,
  defaultFaults: 3,
  parallelVariants: 5,
  // msg/s is measured; global order across keys comes from kafkajs swapping concurrent sends at random.
  measured: ['throughput', 'globalOutOfOrder'],
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'acked', label: 'acked' },
    { key: 'observed', label: 'in log' },
    { key: 'duplicates', label: 'duplicates' },
    { key: 'lost', label: 'lost' },
    { key: 'outOfOrder', label: 'out-of-order', predicted: true },
    { key: 'globalOutOfOrder', label: 'global ooo' },
    { key: 'throughput', label: 'msg/s', relativeToBaseline: true },
  ],
  variants,
  faults: ['drop-request'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  summaryCounts: producerSummaryCounts,
  run,
  check: (history) => checkLog(history, 'log'),
  predict,
  note,
  prepareMeasure,
  explain: {
    story: [
      'An asynchronous producer sends A, then B, without waiting. A fails (a lost request, a timeout),',
      'B succeeds, and A\'s retry succeeds after B: the log now holds B before A, and a consumer that',
      'relies on per-key order (an account\'s debits and credits, an order\'s state changes) applies them',
      'in the wrong order.',
      '',
      'The lab sends keyed messages with a per-key sequence number, five sends in flight, and the chaos',
      'proxy swallows chosen Produce requests so they never reach the broker. The client times out and',
      'retries. Out-of-order counts, per key, the messages that landed after a later message of their key.',
      '',
      'The notes\' remedy: send synchronously, to one partition, retries on, one request in flight, flush',
      'after each send. The idempotent producer is the modern one: with sequence numbers the broker',
      'refuses a batch that arrives after a gap, so the client must retry in order. The msg/s column',
      'shows the price of each remedy, measured on the same workload without a fault.',
      'Global out-of-order is shown for contrast: across partitions Kafka promises no order at all, and',
      'concurrent kafkajs send() calls may swap on their way to the socket (so that column varies).',
    ].join('\n'),
    kafkajs: [
      'await producer.send(...)                      // one at a time (sync-send)',
      "new Kafka({ requestTimeout: 30000 })            // the lab uses 1000 so a lost request costs 1 s",
      'kafka.producer({ maxInFlightRequests: 1 })      // limits requests on the wire, not retries',
      'kafka.producer({ idempotent: true })            // one request in flight per broker',
    ],
    java: [
      'max.in.flight.requests.per.connection=1   # strict order with retries, without idempotence',
      'enable.idempotence=true                   # order kept with up to 5 in flight (default since 3.0)',
      'retries=2147483647, delivery.timeout.ms=120000',
      'producer.send(record).get()               # synchronous send',
    ],
    kafkajsDiffers: [
      'kafkajs retries each send() on its own timer. With maxInFlightRequests: 1 the queued requests go',
      'out as soon as the failed one is rejected, before its retry, so the limit does not keep order. With',
      'idempotence kafkajs rolls the sequence number back when a request fails, and the next queued send',
      'reuses it; the retried message then gets a later number and is written after it. The Java client',
      'keeps the failed batch at the head of its partition queue and retries it with its original',
      'sequence number; the broker rejects any batch after a gap (OUT_OF_ORDER_SEQUENCE_NUMBER), so',
      'order holds with up to 5 requests in flight.',
    ].join('\n'),
  },
};
