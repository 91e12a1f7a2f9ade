// Scenario producer-retry (source notes §1): a lost produce ack makes a retrying producer store the message twice.
import { checkLog, producerSummaryCounts, type LogCounts } from '../src/check/log-checker.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { runProducerWithFault } from '../src/workload/producer-fault-run.js';
import type { ProducerSettings } from '../src/workload/producer-workload.js';

const CONCURRENCY = 5;
/**
 * A lost request waits for kafkajs' request timeout (30 s by default); the lab waits 2.5 s. With 1 s,
 * ordinary sends timed out too when a room shared one broker on two cores: the broker's young-GC pauses
 * took 0.1 s of CPU but 0.6-0.8 s of wall time there (its GC log), and kafkajs times a request from its
 * write (network/requestQueue/index.js), so a send written just before such a pause failed although
 * its message was stored. 2.5 s costs nothing on the run's wall time: idempotent-sync stays the slowest.
 */
const LOST_REQUEST_TIMEOUT_MS = 2_500;

/** Producer settings, plus which way the network fails: the ack (default) or the request itself. */
type RetrySettings = ProducerSettings & { fault?: 'lost-ack' | 'lost-request' };

const variants: Variant<RetrySettings>[] = [
  {
    name: 'retries',
    title: 'retries on (baseline)',
    why: 'acks=all, retries on, not idempotent: every send whose ack was lost is sent again.',
    settings: { idempotent: false, retries: 5, concurrency: CONCURRENCY },
    expect: {},
  },
  {
    name: 'no-retries',
    title: 'retries off',
    why: 'No retry, no second copy: the sends whose ack was lost end as errors the service must handle.',
    settings: { idempotent: false, retries: 0, concurrency: CONCURRENCY },
    expect: { duplicates: 0 },
  },
  {
    name: 'no-retries-lost-request',
    title: 'retries off, request lost',
    why: 'The other half of the trade: when the request itself is lost, nothing resends it, and the message is gone.',
    settings: { idempotent: false, retries: 0, concurrency: CONCURRENCY, requestTimeout: LOST_REQUEST_TIMEOUT_MS, fault: 'lost-request' },
    expect: { duplicates: 0 },
  },
  {
    name: 'idempotent',
    title: 'idempotent producer',
    why: 'The broker keeps the last sequence numbers per producer id and drops a retried batch it already has.',
    settings: { idempotent: true, retries: 5, concurrency: CONCURRENCY },
    expect: { duplicates: 0, lost: 0 },
    // A fault costs a loss and a copy only if a send was queued behind the failed request at that moment.
    varies: {
      counts: ['duplicates', 'lost'],
      relation: 'duplicates = lost, at most one pair per dropped ack',
      holds: (c) => c.duplicates === c.lost,
    },
  },
  {
    name: 'idempotent-sync',
    title: 'idempotent, one send at a time',
    why: 'Idempotence with each send awaited before the next: nothing queued behind a failed request.',
    settings: { idempotent: true, retries: 5, concurrency: 1 },
    expect: { duplicates: 0, lost: 0, outOfOrder: 0 },
  },
];

/** The lost ack drops the broker's answer (then resets); the lost request never reaches the broker. */
function run(ctx: VariantContext, variant: Variant<RetrySettings>): Promise<ReadBackRequest[]> {
  return runProducerWithFault(ctx, variant, { action: variant.settings.fault === 'lost-request' ? 'drop-request' : 'drop-response' });
}

/** From the proxy's fault log: a lost request is a message never written; a lost ack of a retried send, a copy. */
function predict(history: readonly Op[], variant: Variant<RetrySettings>): Partial<Counts> {
  const { settings } = variant;
  // One message per send, so one message per request: each lost request is a message never written.
  if (settings.fault === 'lost-request') return { unknownMissing: faultsOf(history, 'drop-request').length };
  return settings.retries > 0 && !settings.idempotent ? { duplicates: droppedResponses(history) } : {};
}

function note(variant: Variant<RetrySettings>, counts: Partial<Counts>, history: readonly Op[], client: string): string {
  const c = counts as LogCounts;
  if (variant.settings.fault === 'lost-request') return lostRequestNote(c, faultsOf(history, 'drop-request').length, client);
  return noteFor(variant, c, droppedResponses(history), faultsOf(history, 'drop-response').length, client);
}

function faultsOf(history: readonly Op[], action: string): Op[] {
  return history.filter((o) => o.type === 'fault' && o.action === action);
}

function lostRequestNote(c: LogCounts, droppedRequests: number, client: string): string {
  const extra = c.unknown - droppedRequests;
  // network/connection.js: a request that times out closes its connection, failing every request in flight or waiting on it.
  const closed =
    client === 'platformatic' && extra > 0
      ? ` Failed sends whose request was not dropped: ${extra} (@platformatic/kafka closes the connection when a request times out and fails whatever waits on it); of those, missing because they never went out: ${Math.max(0, c.unknownMissing - droppedRequests)}; in the log anyway: ${c.unknownInLog}.`
      : client === 'java' && c.unknownInLog > 0
        ? ` kafka-clients also failed ${c.unknownInLog} send${c.unknownInLog === 1 ? '' : 's'} whose records the broker wrote: the answers behind a lost request skip its correlation id, kafka-clients pairs each with the wrong request (CorrelationIdMismatchException) and drops it from its in-flight list, so those sends end only when delivery.timeout.ms expires them: failed, and in the log. A TCP connection cannot lose one request and deliver the next; the other clients match answers by id and do not notice.`
        : '';
  return (
    `${droppedRequests} Produce request${droppedRequests === 1 ? '' : 's'} never reached the broker; with retries off ${client} ` +
    `reported ${c.unknown} send${c.unknown === 1 ? '' : 's'} as failed after ${LOST_REQUEST_TIMEOUT_MS} ms and sent nothing again: ` +
    `${c.unknownMissing} message${c.unknownMissing === 1 ? ' is' : 's are'} not in the log.${closed} No duplicates, but a service that logs ` +
    'the error and moves on has lost them; one that resends them has written its own retries, and their duplicates.'
  );
}

/** Responses the proxy dropped after the broker had written the request: each one a stored message with a lost ack. */
export function droppedResponses(ops: readonly Op[]): number {
  return ops.reduce((sum, op) => sum + (op.type === 'fault' && op.action === 'drop-response' ? (op.affected ?? 0) : 0), 0);
}

function noteFor(variant: Variant<RetrySettings>, c: LogCounts, dropped: number, faults: number, client: string): string {
  const lost = `${faults} connection reset${faults === 1 ? '' : 's'} dropped ${dropped} acks of stored messages.`;
  if (variant.settings.idempotent) return idempotentNote(variant, c, lost, client);
  if (variant.settings.retries > 0) return `${lost} ${client} retried each of those sends: ${c.duplicates} duplicates.${outOfOrderNote(c.outOfOrder, true, client)}`;
  return `${lost} ${c.unknown} sends ended in a connection error; ${c.unknownInLog} of them are in the log anyway, ${c.unknownMissing} are not. No duplicates, but a failed send does not mean "not written".${outOfOrderNote(c.outOfOrder, false, client)}`;
}

function idempotentNote(variant: Variant<RetrySettings>, c: LogCounts, lost: string, client: string): string {
  if (c.duplicates === 0 && c.lost === 0) {
    const kept = `${lost} Each retry carried its original sequence number and the broker answered it from its dedup window: no copy, nothing lost${c.outOfOrder ? `, ${c.outOfOrder} out of order` : ''}.`;
    // @platformatic/kafka takes a partition's sequence numbers for a send when it is made, and its retries resend that snapshot (clients/producer/producer.js, #performSend).
    return client === 'platformatic' && variant.settings.concurrency > 1
      ? `${kept} @platformatic/kafka numbers each send when it is made and retries it with that number, so no queued send can take a failed one's number (kafkajs can: see its row).`
      : kept;
  }
  if (client === 'kafkajs' && variant.settings.concurrency > 1) {
    return (
      `${lost} kafkajs rolls the sequence number back when a request fails, and the next queued send reuses it: ` +
      `the broker takes it for a retry of the stored batch and acks it without writing it (${c.lost} lost), ` +
      `then the real retry gets a new number and is written again (${c.duplicates} duplicates${c.outOfOrder ? `, ${c.outOfOrder} out of order` : ''}). ` +
      'The Java client keeps the number with the batch and retries it first.'
    );
  }
  return `${lost} ${c.duplicates} duplicates, ${c.lost} lost, ${c.outOfOrder} out of order.`;
}

/** Out-of-order here also comes without any fault: concurrent send() calls can overtake each other inside the client. */
function outOfOrderNote(outOfOrder: number, retried: boolean, client: string): string {
  if (!outOfOrder) return '';
  return ` ${outOfOrder} out of order: concurrent sends overtake each other inside ${client}${retried ? ', and retries land after later sends' : ''}.`;
}

export const producerRetry: Scenario<RetrySettings> = {
  name: 'producer-retry',
  summary: 'A lost produce ack makes a retrying producer store the message twice',
  defaultMessages: 1000,
  faultsAdjustable: true,
  defaultFaults: 5,
  // The variants wait on kafkajs retry timers most of the time: side by side they finish together.
  parallelVariants: 6,
  // msg/s is measured; global order across keys comes from kafkajs swapping concurrent sends at random.
  measured: ['throughput', 'globalOutOfOrder'],
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'acked', label: 'acked' },
    { key: 'unknown', label: 'unknown' },
    { key: 'observed', label: 'in log' },
    { key: 'unknownMissing', label: 'unknown, missing', predicted: true },
    { key: 'duplicates', label: 'duplicates', predicted: true },
    { key: 'lost', label: 'lost' },
    { key: 'outOfOrder', label: 'out-of-order' },
  ],
  variants,
  faults: ['drop-response', 'drop-request'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  run,
  check: (history) => checkLog(history, 'log'),
  predict,
  note,
  summaryCounts: producerSummaryCounts,
  explain: {
    story: [
      'A producer sends a batch; the broker writes it and answers, but the answer is lost on the way back',
      '(a network blip, a reset connection). The producer cannot tell a lost request from a lost answer, so',
      'with retries on it sends the batch again, and the broker, which has no way to know it is the same',
      'message, writes it a second time. Consumers then see it twice.',
      '',
      'The lab drops the broker\'s Produce responses at seeded points, after the broker has written the',
      'batch, and resets the connection. Every send that was in flight on that connection loses its ack.',
      '',
      'Turning retries off removes the copies but not the problem: the send fails although the message is',
      'in the log (no-retries), and when it was the request that got lost, the message really is not there',
      '(no-retries-lost-request: the lab drops those requests before the broker sees them). A service that',
      'gives up on failed sends loses those messages; one that resends them has built its own retries.',
      'The idempotent producer is the broker-side fix: a producer id and a per-partition sequence number',
      'let the broker recognise a retried batch and acknowledge it without writing it again.',
    ].join('\n'),
    kafkajs: [
      "kafka.producer({ idempotent: true })   // requires acks: -1 (the default) and retries > 0; kafkajs warns below MAX_SAFE_INTEGER",
      "producer.send({ topic, acks: -1, messages })",
      "retry: { retries: 5 }                   // kafkajs default; 0 turns retries off",
    ],
    java: [
      'enable.idempotence=true   # the default since Kafka 3.0 (KIP-679)',
      'acks=all',
      'retries=2147483647        # default; delivery.timeout.ms bounds the total time',
      'max.in.flight.requests.per.connection=5   # at most 5 with idempotence',
    ],
    kafkajsDiffers: [
      'kafkajs sends every send() call as its own Produce request, and with idempotence it allows one request',
      'in flight per broker. When a request fails it rolls the partition\'s sequence number back; a send queued',
      'behind it then goes out with the same number, the broker treats it as a retry of the batch it already',
      'stored and acknowledges it without writing it, and the real retry is written under a new number.',
      'So with concurrent sends and a lost ack, kafkajs\' idempotent producer can both lose and duplicate;',
      'the Java client keeps the sequence number with the batch and retries it first, so it does neither.',
      'Awaiting each send (idempotent-sync) avoids the queue and keeps the promise.',
    ].join('\n'),
  },
};
