// Scenario error-after-append: the broker wrote the batch, and the producer was told NOT_LEADER_OR_FOLLOWER; its retry writes it again.
import { DEFAULT_PRODUCE_ERROR, PRODUCE_ERRORS } from '../src/chaos/produce-error.js';
import { checkLog, type LogCounts } from '../src/check/log-checker.js';
import type { Scenario, Variant } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { runProducerWithFault } from '../src/workload/producer-fault-run.js';
import type { ProducerSettings } from '../src/workload/producer-workload.js';

const CONCURRENCY = 5;

const variants: Variant<ProducerSettings>[] = [
  {
    name: 'retries',
    title: 'retries on (baseline)',
    why: 'acks=all, retries on, not idempotent: a send answered with a retriable error is sent again, whether or not it was written.',
    settings: { idempotent: false, retries: 5, concurrency: CONCURRENCY },
    expect: {},
  },
  {
    name: 'no-retries',
    title: 'retries off',
    why: 'No retry, no second copy: the send ends as an error the service sees, although the broker has the message.',
    settings: { idempotent: false, retries: 0, concurrency: CONCURRENCY },
    expect: { duplicates: 0 },
  },
  {
    name: 'idempotent',
    title: 'idempotent producer',
    why: 'The retry carries the batch\'s sequence number; the broker finds it in its dedup window and answers without writing.',
    settings: { idempotent: true, retries: 5, concurrency: CONCURRENCY },
    expect: { duplicates: 0, lost: 0 },
    // As with a lost ack: a fault costs a loss and a copy only if a send was queued behind the failed request.
    varies: {
      counts: ['duplicates', 'lost'],
      relation: 'duplicates = lost, at most one pair per error answer',
      holds: (c, history) => c.duplicates === c.lost && (c.duplicates ?? 0) <= errorAnswers(history),
    },
  },
  {
    name: 'idempotent-sync',
    title: 'idempotent, one send at a time',
    why: 'Idempotence with each send awaited before the next: nothing queued behind the failed request.',
    settings: { idempotent: true, retries: 5, concurrency: 1 },
    expect: { duplicates: 0, lost: 0, outOfOrder: 0 },
  },
];

/** Produce answers the proxy turned into an error after the broker had appended the batch: one send each. */
export function errorAnswers(history: readonly Op[]): number {
  return history.filter((o) => o.type === 'fault' && o.action === 'error-response').length;
}

/** From the proxy's fault log: each error answer is a stored message; retried, a copy; not retried, a send of unknown outcome in the log. */
function predict(history: readonly Op[], variant: Variant<ProducerSettings>): Partial<Counts> {
  const { settings } = variant;
  if (settings.idempotent) return {};
  return settings.retries > 0 ? { duplicates: errorAnswers(history) } : { unknownInLog: errorAnswers(history) };
}

/**
 * The idempotent mechanism is kafkajs' own: producer/sendMessages.js takes a sequence number per
 * partition before the request (eosManager.updateSequence(+n)) and gives it back on any failure
 * (updateSequence(-n)), an error answer as much as a reset, so a send queued behind takes it.
 */
function note(variant: Variant<ProducerSettings>, counts: Partial<Counts>, history: readonly Op[], client: string): string {
  const c = counts as LogCounts;
  const n = errorAnswers(history);
  const told = `The broker appended ${n} Produce request${n === 1 ? '' : 's'} and the producer was told NOT_LEADER_OR_FOLLOWER instead; the connection stayed up.`;
  const { settings } = variant;
  if (!settings.idempotent && settings.retries > 0) return `${told} ${client} refreshed its metadata and sent each again: ${c.duplicates} duplicates, one per error (a lost ack costs one per send in flight).`;
  if (!settings.idempotent && client === 'platformatic' && c.duplicates > 0) {
    // clients/producer/producer.js: repeatOnStaleMetadata defaults to true, and a NOT_LEADER_OR_FOLLOWER answer counts as stale metadata.
    return `${told} With retries: 0, @platformatic/kafka still sent each again once: a NOT_LEADER_OR_FOLLOWER answer means stale metadata to it, and its repeatOnStaleMetadata option (default true) repeats the send after a metadata refresh: ${c.duplicates} duplicates. Turning retries off there takes repeatOnStaleMetadata: false too.`;
  }
  if (!settings.idempotent && client === 'confluent' && c.duplicates > 0) {
    // rdkafka_request.c, rd_kafka_handle_Produce_error: NOT_LEADER_FOR_PARTITION gets the default actions REFRESH |
    // MSG_NOT_PERSISTED (rd_kafka_err_action), and a REFRESH error other than a transport or storage error sets
    // incr_retry = 0 ("there is no chance of duplicate delivery"): rd_kafka_toppar_retry_msgq requeues it uncounted.
    return `${told} With retries off, ${client} still sent each again: ${c.duplicates} duplicates. librdkafka takes NOT_LEADER_OR_FOLLOWER for a refused request that needs fresh metadata: it requeues the message without counting a retry (rd_kafka_handle_Produce_error sets incr_retry = 0, "no chance of duplicate delivery"), so message.send.max.retries=0 does not stop it. Here the broker had written it.`;
  }
  if (!settings.idempotent) {
    const copies = c.duplicates ? `${c.duplicates} duplicates all the same.` : 'No duplicates, but a service that resends on this error writes its own copies.';
    return `${told} ${c.unknown} send${c.unknown === 1 ? '' : 's'} ended in that error, which reads as "not written" and is not (KAFKA-13574): ${c.unknownInLog} of them are in the log. ${copies}`;
  }
  if (c.duplicates === 0 && c.lost === 0) return `${told} Each retry carried its original sequence number and the broker answered it from its dedup window: no copy, nothing lost.`;
  if (client !== 'kafkajs') return `${told} ${c.duplicates} duplicates, ${c.lost} lost, ${c.outOfOrder} out of order.`;
  return (
    `${told} kafkajs rolls the sequence number back when a request fails, and the next queued send reuses it: the broker takes it for ` +
    `a retry of the stored batch and acks it without writing it (${c.lost} lost); the real retry gets a new number and is written again ` +
    `(${c.duplicates} duplicates). The Java client retries the batch with its own number.`
  );
}

export const errorAfterAppend: Scenario<ProducerSettings> = {
  name: 'error-after-append',
  summary: 'The broker wrote the batch and the producer was told it failed: its retry writes it again',
  defaultMessages: 1000,
  faultsAdjustable: true,
  defaultFaults: 5,
  parallelVariants: 4,
  measured: ['throughput', 'globalOutOfOrder'],
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'acked', label: 'acked' },
    { key: 'unknown', label: 'unknown' },
    { key: 'unknownInLog', label: 'unknown, in log', predicted: true },
    { key: 'observed', label: 'in log' },
    { key: 'duplicates', label: 'duplicates', predicted: true },
    { key: 'lost', label: 'lost' },
    { key: 'outOfOrder', label: 'out-of-order' },
  ],
  variants,
  faults: ['error-response'],
  clients: ['kafkajs', 'platformatic', 'confluent', 'java'],
  run: (ctx, variant) => runProducerWithFault(ctx, variant, { action: 'error-response', errorCode: PRODUCE_ERRORS[DEFAULT_PRODUCE_ERROR] }),
  check: (history) => checkLog(history, 'log'),
  predict,
  note,
  explain: {
    story: [
      'A producer sends a batch, the leader appends it, and the answer that comes back is an error the',
      'client may retry: NOT_LEADER_OR_FOLLOWER, which Jepsen found is not a definite failure (KAFKA-13574),',
      'or REQUEST_TIMED_OUT. The batch may well be in the log. The producer cannot tell, so it sends it',
      'again, and a producer without idempotence writes it twice.',
      '',
      'Unlike a lost ack there is no broken connection: only the one send that got the error retries, so',
      'each fault costs one copy, not one per send in flight. Turning retries off leaves a send that',
      'failed with an error that reads as "not written" whose message is in the log.',
      '',
      'The lab forwards the Produce request, lets the broker append it, and rewrites the broker\'s answer',
      'into the error (`kafka-dup-lab proxy --error-after-append-every N` does the same for any client).',
    ].join('\n'),
    kafkajs: [
      'kafka.producer({ idempotent: true })   // the retry then carries the batch\'s sequence number',
      'retry: { retries: 5 }                   // NOT_LEADER_OR_FOLLOWER is retriable: metadata refresh, then the retry',
    ],
    java: ['enable.idempotence=true   # the default since Kafka 3.0', 'acks=all', 'retries=2147483647'],
    kafkajsDiffers: [
      'kafkajs rolls a partition\'s sequence number back when a request fails, so with concurrent sends a send',
      'queued behind the failed one can go out with the failed batch\'s number: the broker acks it as a',
      'duplicate without writing it, and the real retry is written under a new number. The Java client keeps',
      'the number with the batch and retries it first.',
    ].join('\n'),
  },
};
