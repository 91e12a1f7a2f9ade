// Unit tests for classifying kafkajs errors: unknown outcome vs. definitely failed, and their descriptions.
import { describe, it, expect } from 'vitest';
import kafkajs from 'kafkajs';
import { describeError, errorChain, protocolErrorType, sendOutcomeOf } from '../../../src/kafka/errors.js';

// Plain objects shaped like kafkajs 2.2.4 errors (name, message, type, cause).
const connectionError = { name: 'KafkaJSConnectionError', message: 'Connection error: read ECONNRESET' };
const closedError = { name: 'KafkaJSConnectionClosedError', message: 'Closed connection' };
const timeoutError = { name: 'KafkaJSRequestTimeoutError', message: 'Request Produce(key: 0, version: 7) timed out' };
const noBroker = { name: 'KafkaJSNoBrokerAvailableError', message: 'No broker available' };
const tooLarge = {
  name: 'KafkaJSProtocolError',
  message: 'The request included a message larger than the max message size the server will accept',
  type: 'MESSAGE_TOO_LARGE',
};
const retriesExceeded = (cause: object) => ({ name: 'KafkaJSNumberOfRetriesExceeded', message: 'retries exceeded', cause });

describe('sendOutcomeOf', () => {
  it.each([
    ['a connection error', connectionError],
    ['a closed connection', closedError],
    ['a request timeout', timeoutError],
    ['no broker available', noBroker],
  ])('reads %s as unknown', (_what, error) => {
    expect(sendOutcomeOf(error)).toBe('unknown');
  });

  it.each(['REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER'])(
    'reads the broker answer %s as unknown: the request may have been written',
    (type) => {
      expect(sendOutcomeOf(retriesExceeded({ name: 'KafkaJSProtocolError', message: 'x', type }))).toBe('unknown');
    },
  );

  it('finds an unknown-outcome error anywhere in the cause chain', () => {
    expect(sendOutcomeOf(retriesExceeded(connectionError))).toBe('unknown');
    expect(sendOutcomeOf({ name: 'KafkaJSNonRetriableError', message: 'x', cause: retriesExceeded(timeoutError) })).toBe('unknown');
  });

  it('follows originalError as well as cause', () => {
    expect(sendOutcomeOf({ name: 'KafkaJSError', message: 'wrapped', originalError: closedError })).toBe('unknown');
  });

  it('prefers cause over originalError when both are set', () => {
    expect(sendOutcomeOf({ name: 'KafkaJSError', message: 'x', cause: tooLarge, originalError: connectionError })).toBe('failed');
  });

  it.each([
    ['a protocol error', tooLarge],
    ['retries exceeded on a protocol error', retriesExceeded(tooLarge)],
    ['a lock timeout', { name: 'KafkaJSLockTimeout', message: 'Timeout while acquiring lock' }],
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['an object without a name', { message: 'Connection error' }],
  ])('reads %s as failed', (_what, error) => {
    expect(sendOutcomeOf(error)).toBe('failed');
  });

  it('stops on a cyclic cause chain', () => {
    const a: { name: string; message: string; cause?: unknown } = { name: 'KafkaJSError', message: 'a' };
    a.cause = { name: 'KafkaJSError', message: 'b', cause: a };
    expect(sendOutcomeOf(a)).toBe('failed');
    expect(errorChain(a)).toHaveLength(10);
  });

  it('agrees with the names of the real kafkajs error classes', () => {
    const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } = kafkajs;
    const reset = new KafkaJSConnectionError('Connection error: read ECONNRESET', { broker: 'localhost:9092' });
    expect(sendOutcomeOf(reset)).toBe('unknown');
    expect(sendOutcomeOf(new KafkaJSNumberOfRetriesExceeded(reset, { retryCount: 5, retryTime: 4800 }))).toBe('unknown');
    expect(sendOutcomeOf(new KafkaJSRequestTimeoutError('Request timed out', {} as never))).toBe('unknown');
    const protocol = new KafkaJSProtocolError({ message: 'too large', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as never);
    expect(sendOutcomeOf(protocol)).toBe('failed');
    expect(protocolErrorType(protocol)).toBe('MESSAGE_TOO_LARGE');
  });
});

describe('errorChain', () => {
  it('lists the error and its causes, outermost first', () => {
    const chain = errorChain(retriesExceeded(connectionError));
    expect(chain.map((e) => e.name)).toEqual(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSConnectionError']);
  });

  it('is empty for anything that is not an object', () => {
    expect(errorChain('x')).toEqual([]);
    expect(errorChain(42)).toEqual([]);
    expect(errorChain(undefined)).toEqual([]);
  });
});

describe('describeError', () => {
  it('describes the innermost error', () => {
    expect(describeError(retriesExceeded(connectionError))).toBe('KafkaJSConnectionError: Connection error: read ECONNRESET');
  });

  it('adds the protocol error type', () => {
    expect(describeError(retriesExceeded(tooLarge))).toBe(
      'KafkaJSProtocolError: The request included a message larger than the max message size the server will accept (MESSAGE_TOO_LARGE)',
    );
  });

  it('describes a plain Error and a non-error value', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('boom')).toBe('Error: boom');
    expect(describeError(undefined)).toBe('Error: undefined');
  });

  it('falls back to "Error" for an object without a name', () => {
    expect(describeError({ message: 'something' })).toBe('Error: something');
  });
});

describe('protocolErrorType', () => {
  it('finds the type anywhere in the chain', () => {
    expect(protocolErrorType(retriesExceeded({ ...tooLarge, type: 'NOT_LEADER_OR_FOLLOWER' }))).toBe('NOT_LEADER_OR_FOLLOWER');
  });

  it('takes the outermost type when several errors have one', () => {
    expect(protocolErrorType({ name: 'KafkaJSProtocolError', message: 'x', type: 'UNKNOWN_MEMBER_ID', cause: tooLarge })).toBe(
      'UNKNOWN_MEMBER_ID',
    );
  });

  it('is undefined when no error in the chain has a type', () => {
    expect(protocolErrorType(retriesExceeded(connectionError))).toBeUndefined();
    expect(protocolErrorType('boom')).toBeUndefined();
    expect(protocolErrorType(null)).toBeUndefined();
  });
});
