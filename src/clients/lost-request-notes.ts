// What each client does when the proxy swallows one Produce request and answers the ones behind it: note text, from each client's source.
import type { Op } from '../core/types.js';

/** How the Java client's failed sends ended: expired in flight, or refused after a sequence gap (idempotence). */
export function javaFailures(ops: readonly Op[]): string {
  const errors = ops.flatMap((o) => (o.type === 'send' && o.outcome !== 'ok' ? [o.error ?? ''] : []));
  const expired = errors.filter((e) => e.includes('Expiring')).length;
  const refused = errors.filter((e) => e.includes('OutOfOrderSequence')).length;
  const parts = [expired ? `${expired} expired in flight` : '', refused ? `${refused} refused by the broker for the sequence gap the lost request left (OutOfOrderSequenceException)` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** What the client did about a request that got no answer: each client's own mechanism, read from its source. */
export function lostRequestReaction(client: string, timeoutMs: number): string {
  switch (client) {
    case 'java':
      // NetworkClient.handleCompletedReceives takes the next request in flight (InFlightRequests.completeNext) before
      // parsing the answer; AbstractResponse.parseResponse then throws CorrelationIdMismatchException.
      return (
        'the answers to the requests behind it came back, so their correlation ids skip one. ' +
        'kafka-clients pairs each answer with the next request it has in flight and finds the wrong id (CorrelationIdMismatchException, ' +
        '"Uncaught error in kafka producer I/O thread"), having already removed that request from its in-flight list: no request timeout fires for it, ' +
        'and its batch waits until delivery.timeout.ms expires it. A TCP connection cannot lose one request and deliver the next; ' +
        'kafkajs, librdkafka and @platformatic/kafka match answers by id and do not notice, the Java client checks the order.'
      );
    case 'platformatic':
      // network/connection.js: a request that times out closes its connection and fails what waits on it.
      return `@platformatic/kafka gave up on each after ${timeoutMs} ms, closed the connection and retried it.`;
    case 'confluent':
      return `librdkafka gave up on each after ${timeoutMs} ms (socket.timeout.ms), closed the connection and retried it.`;
    default:
      return `${client} gave up on each after ${timeoutMs} ms and retried it.`;
  }
}

/** The copies a client that closes a timed-out connection makes: the sends behind the lost one fail too, and are retried. */
export function closedConnectionCopies(client: string, duplicates: number): string {
  if (duplicates === 0 || (client !== 'platformatic' && client !== 'confluent')) return '';
  return ` Closing the connection also failed the sends behind the lost one; the broker had written ${duplicates === 1 ? 'one of them' : `${duplicates} of them`}, and the retry wrote ${duplicates === 1 ? 'it' : 'them'} again (how many were still unanswered is timing).`;
}
