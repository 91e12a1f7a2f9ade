// Classifies kafkajs errors by what the caller can know: definitely refused, or outcome unknown.
import type { SendOutcome } from '../core/types.js';

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** kafkajs errors that mean "the request may or may not have reached the broker". */
const UNKNOWN_OUTCOME = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
]);

/** The chain of causes kafkajs wraps (NumberOfRetriesExceeded -> cause -> ...). */
export function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 10) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.cause ?? e.originalError;
  }
  return chain;
}

/**
 * Broker answers that also leave the outcome open: the request may have been written. Error 6 among
 * them (kafkajs 2.2.4 still calls it NOT_LEADER_FOR_PARTITION): Jepsen found that a Produce answered
 * NOT_LEADER_OR_FOLLOWER may have been written all the same (KAFKA-13574); error-after-append shows it.
 */
const UNKNOWN_OUTCOME_TYPES = new Set(['REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER']);

/**
 * kafkajs' "retries exceeded" error keeps only the last attempt's cause, so a send whose earlier
 * attempt was cut by a reset but whose last attempt was refused reads as failed: a limit of kafkajs.
 */
export function sendOutcomeOf(error: unknown): SendOutcome {
  const unknown = errorChain(error).some(
    (e) => (e.name && UNKNOWN_OUTCOME.has(e.name)) || (e.type && UNKNOWN_OUTCOME_TYPES.has(e.type)),
  );
  return unknown ? 'unknown' : 'failed';
}

/** The innermost useful description, e.g. "KafkaJSConnectionError: Connection error: read ECONNRESET". */
export function describeError(error: unknown): string {
  const chain = errorChain(error);
  const inner = chain.at(-1) ?? {};
  const type = inner.type ? ` (${inner.type})` : '';
  return `${inner.name ?? 'Error'}: ${inner.message ?? String(error)}${type}`;
}

/** The Kafka protocol error type (e.g. "UNKNOWN_MEMBER_ID") anywhere in the chain, if any. */
export function protocolErrorType(error: unknown): string | undefined {
  return errorChain(error).find((e) => e.type)?.type;
}

/** Protocol error names that say a newer instance with this transactional id has taken over (the zombie is refused). */
export const FENCED_ERRORS: ReadonlySet<string> = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
