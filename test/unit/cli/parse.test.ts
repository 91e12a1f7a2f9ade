// Unit tests for the command-line value parsers: what each accepts, and the one-line error for the rest.
import { describe, it, expect } from 'vitest';
import { FAULTS } from '../../../src/chaos/faults/index.js';
import { collect, nonNegativeInt, parsePercent, parsePgUrl, faultParamParser, parsePort, parseProvider, parseSeed, pickVariants, positiveInt } from '../../../src/cli/parse.js';
import { UsageError } from '../../../src/core/errors.js';
import type { Scenario, Variant } from '../../../src/core/scenario.js';

/** The UsageError `fn` throws (fails the test if it throws anything else or nothing). */
const usageError = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
};

const NOT_WHOLE = ['', ' 5', '5 ', '-1', '+1', '1.5', '1e3', '0x10', 'abc', '5a', '١٢'];

describe('positiveInt', () => {
  const messages = positiveInt('--messages');

  it.each([
    ['1', 1],
    ['42', 42],
    ['1000000', 1_000_000],
    ['007', 7],
  ])('accepts %j as %d', (raw, value) => {
    expect(messages(raw)).toBe(value);
  });

  it.each(['0', '1000001', '99999999999999999999999', ...NOT_WHOLE])('rejects %j, naming the flag and the value', (raw) => {
    const error = usageError(() => messages(raw));
    expect(error.message).toContain('--messages');
    expect(error.message).toContain(`"${raw}"`);
    expect(error.message).toContain('from 1 to 1000000');
  });

  it('honours a custom maximum', () => {
    const faults = positiveInt('--faults', 20);
    expect(faults('20')).toBe(20);
    expect(usageError(() => faults('21')).message).toBe('--faults must be a whole number from 1 to 20, not "21"');
  });
});

describe('nonNegativeInt', () => {
  const retries = nonNegativeInt('--retries', 10);

  it.each([
    ['0', 0],
    ['3', 3],
    ['10', 10],
  ])('accepts %j as %d', (raw, value) => {
    expect(retries(raw)).toBe(value);
  });

  it.each(['11', ...NOT_WHOLE])('rejects %j, naming the flag', (raw) => {
    const error = usageError(() => retries(raw));
    expect(error.message).toBe(`--retries must be a whole number from 0 to 10, not "${raw}"`);
  });

  it('defaults to a maximum of 1000000', () => {
    const n = nonNegativeInt('--n');
    expect(n('1000000')).toBe(1_000_000);
    expect(usageError(() => n('1000001')).message).toContain('--n');
  });
});

describe('parseSeed', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['4294967295', 0xffffffff],
  ])('accepts %j as %d', (raw, value) => {
    expect(parseSeed(raw)).toBe(value);
  });

  it.each(['4294967296', '-1', '1.5', 'random', ''])('rejects %j, naming --seed', (raw) => {
    const error = usageError(() => parseSeed(raw));
    expect(error.message).toBe(`--seed must be a whole number from 0 to 4294967295, not "${raw}"`);
  });
});

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['9092', 9092],
    ['65535', 65535],
    ['00080', 80],
  ])('accepts %j as %d', (raw, value) => {
    expect(parsePort(raw)).toBe(value);
  });

  it.each(['65536', '99999', '100000000000000000000', ...NOT_WHOLE])('rejects %j, naming --port', (raw) => {
    const error = usageError(() => parsePort(raw));
    expect(error.message).toBe(`--port must be a whole number from 0 to 65535, not "${raw}"`);
  });
});

describe('parsePercent', () => {
  const percent = parsePercent('--drop-acks-percent');

  it.each([
    ['100', 100],
    ['50', 50],
    ['1', 1],
    ['0.5', 0.5],
    ['12.5', 12.5],
    ['0.001', 0.001],
    ['100.0', 100],
    ['007', 7],
  ])('accepts %j as %d', (raw, value) => {
    expect(percent(raw)).toBe(value);
  });

  it.each(['0', '0.0', '000', '100.01', '101', '1000', '-5', '', ' 5', '5 ', '.5', '5.', '1e2', '50%', 'abc', '0x10', 'NaN', 'Infinity'])(
    'rejects %j, naming the flag and the value',
    (raw) => {
      const error = usageError(() => percent(raw));
      expect(error.message).toBe(`--drop-acks-percent must be a percentage above 0 and up to 100, not "${raw}"`);
    },
  );

  it('names whichever flag it was made for', () => {
    expect(usageError(() => parsePercent('--drop-requests-percent')('0')).message).toContain('--drop-requests-percent');
  });
});

describe('parseProvider', () => {
  it.each(['auto', 'local', 'container', 'external'])('accepts %s', (raw) => {
    expect(parseProvider(raw)).toBe(raw);
  });

  it.each(['docker', 'Local', 'AUTO', '', ' local'])('rejects %j, listing the choices', (raw) => {
    const error = usageError(() => parseProvider(raw));
    expect(error.message).toBe(`--broker must be one of auto, local, container, external, not "${raw}"`);
  });
});

describe('faultParamParser', () => {
  const parseProduceError = faultParamParser(FAULTS['error-response'].cli.param!);
  const parseDelayMs = faultParamParser(FAULTS.delay.cli.param!);

  it('reads --delay-ms as a whole number from 1 to 600000', () => {
    expect(parseDelayMs('300')).toBe(300);
    expect(usageError(() => parseDelayMs('0')).message).toBe('--delay-ms must be a whole number from 1 to 600000, not "0"');
    expect(usageError(() => parseDelayMs('600001')).message).toBe('--delay-ms must be a whole number from 1 to 600000, not "600001"');
  });

  it.each([
    ['not_leader_or_follower', 'not_leader_or_follower'],
    ['NOT_LEADER_OR_FOLLOWER', 'not_leader_or_follower'],
    ['request_timed_out', 'request_timed_out'],
  ])('accepts %s as it is spelled in the protocol, in either case', (raw, name) => {
    expect(parseProduceError(raw)).toBe(name);
  });

  it.each(['not_leader', '6', '', 'constructor', '__proto__'])('rejects %j, listing the choices', (raw) => {
    expect(usageError(() => parseProduceError(raw)).message).toBe(`--error must be one of not_leader_or_follower, request_timed_out, not "${raw}"`);
  });
});

describe('collect', () => {
  it('appends to the previous values without changing them', () => {
    const previous = ['a'];
    expect(collect('b', previous)).toEqual(['a', 'b']);
    expect(previous).toEqual(['a']);
  });

  it('starts a new list', () => {
    expect(collect('a')).toEqual(['a']);
  });
});

describe('pickVariants', () => {
  const variant = (name: string): Variant => ({ name, title: name, why: '', settings: {}, expect: {} });
  const scenario: Scenario = {
    name: 'producer-retry',
    summary: '',
    explain: { story: '', kafkajs: [], java: [], kafkajsDiffers: '' },
    defaultMessages: 10,
    defaultFaults: 1,
    faults: [],
    columns: [],
    variants: [variant('baseline'), variant('idempotent'), variant('max-in-flight-1')],
    run: () => Promise.reject(new Error('not run in unit tests')),
    check: () => ({}),
    predict: () => ({}),
    note: () => '',
  };

  it('returns every variant when none is named', () => {
    expect(pickVariants(scenario, undefined)).toBe(scenario.variants);
    expect(pickVariants(scenario, [])).toBe(scenario.variants);
  });

  it('returns the named variants, in the order given', () => {
    expect(pickVariants(scenario, ['max-in-flight-1', 'baseline']).map((v) => v.name)).toEqual(['max-in-flight-1', 'baseline']);
  });

  it('rejects an unknown variant, naming the scenario and listing its variants', () => {
    const error = usageError(() => pickVariants(scenario, ['baseline', 'exactly-once']));
    expect(error.message).toBe(
      'producer-retry has no variant "exactly-once"; its variants are: baseline, idempotent, max-in-flight-1',
    );
  });

  it('matches names exactly', () => {
    expect(() => pickVariants(scenario, ['Baseline'])).toThrow(UsageError);
  });

  it('runs a variant named twice once (two copies would share topics)', () => {
    expect(pickVariants(scenario, ['idempotent', 'baseline', 'idempotent']).map((v) => v.name)).toEqual(['idempotent', 'baseline']);
  });
});

describe('parsePgUrl', () => {
  it.each(['postgres://lab@localhost/lab', 'postgresql://u:p@db:5432/x'])('accepts %s', (url) => {
    expect(parsePgUrl(url)).toBe(url);
  });

  it.each(['garbage', 'localhost:5432', 'mysql://x@y/z', 'postgres://'])('rejects %j with an example of a good one', (url) => {
    expect(usageError(() => parsePgUrl(url)).message).toBe(
      `--pg-url must be a postgres:// or postgresql:// URL, like postgres://user@localhost:5432/lab, not "${url}"`,
    );
  });
});
