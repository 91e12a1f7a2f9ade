// Unit tests for --client: names, "all", the registry's order; and how a @platformatic/kafka failure reads (unknown or refused).
import { describe, expect, it } from 'vitest';
import { platformaticOutcome } from '../../../src/clients/platformatic-producer.js';
import { clientsOf } from '../../../src/cli/run-command.js';
import { UsageError } from '../../../src/core/errors.js';

describe('clientsOf', () => {
  it('leaves the client unnamed when --client is not given', () => {
    expect(clientsOf(undefined)).toBeUndefined();
    expect(clientsOf([])).toBeUndefined();
  });

  it('takes names and "all", in the registry\'s order, each once', () => {
    expect(clientsOf(['platformatic'])).toEqual(['platformatic']);
    expect(clientsOf(['platformatic', 'kafkajs', 'platformatic'])).toEqual(['kafkajs', 'platformatic']);
    expect(clientsOf(['java', 'kafkajs'])).toEqual(['kafkajs', 'java']);
    expect(clientsOf(['all'])).toEqual(['kafkajs', 'platformatic', 'confluent', 'java']);
    expect(clientsOf(['kafkajs', 'all'])).toEqual(['kafkajs', 'platformatic', 'confluent', 'java']);
  });

  it.each(['rdkafka', 'KAFKAJS', '', 'constructor'])('refuses %j with one line naming the choices', (name) => {
    expect(() => clientsOf([name])).toThrow(UsageError);
    expect(() => clientsOf([name])).toThrow(`--client ${name} is not a client the lab drives; pick kafkajs, platformatic, confluent, java, or all`);
  });
});

describe('platformaticOutcome', () => {
  // Shapes as @platformatic/kafka builds them (src/errors.ts): a code, and MultipleErrors' `errors`.
  const protocol = (apiId: string) => ({ code: 'PLT_KFK_PROTOCOL', apiId });
  const multiple = (...errors: object[]) => ({ code: 'PLT_KFK_MULTIPLE', errors });

  it.each([
    ['a network error', { code: 'PLT_KFK_NETWORK' }],
    ['a timeout', multiple({ code: 'PLT_KFK_TIMEOUT' })],
    ['NOT_LEADER_OR_FOLLOWER (KAFKA-13574: maybe written)', multiple(multiple(protocol('NOT_LEADER_OR_FOLLOWER')))],
    ['REQUEST_TIMED_OUT', { code: 'PLT_KFK_RESPONSE', errors: [protocol('REQUEST_TIMED_OUT')] }],
    ['an error of no known shape', new Error('boom')],
  ])('%s leaves the outcome unknown', (_, error) => {
    expect(platformaticOutcome(error)).toBe('unknown');
  });

  it('a broker refusal is a failure, unless a network error is in the same chain', () => {
    expect(platformaticOutcome(multiple(protocol('INVALID_RECORD')))).toBe('failed');
    expect(platformaticOutcome({ code: 'PLT_KFK_RESPONSE', errors: [protocol('TOPIC_AUTHORIZATION_FAILED')] })).toBe('failed');
    expect(platformaticOutcome(multiple(protocol('INVALID_RECORD'), { code: 'PLT_KFK_NETWORK' }))).toBe('unknown');
  });

  it('follows causes, and does not loop on a cycle', () => {
    const a: { code: string; cause?: unknown } = { code: 'PLT_KFK_MULTIPLE' };
    a.cause = { code: 'PLT_KFK_USER', cause: a };
    expect(platformaticOutcome(a)).toBe('unknown');
    expect(platformaticOutcome({ code: 'PLT_KFK_USER', cause: protocol('INVALID_RECORD') })).toBe('failed');
  });
});
