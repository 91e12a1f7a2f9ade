// Unit tests for checking --bootstrap without touching the network.
import { describe, it, expect } from 'vitest';
import { parseBootstrap } from '../../../src/broker/external.js';
import { UsageError } from '../../../src/core/errors.js';

describe('parseBootstrap', () => {
  it.each([
    ['localhost:9092', ['localhost:9092']],
    ['10.0.0.1:1', ['10.0.0.1:1']],
    ['kafka-1.example.com:65535', ['kafka-1.example.com:65535']],
    ['a:9092,b:9093', ['a:9092', 'b:9093']],
    [' a:9092 , b:9093 ,', ['a:9092', 'b:9093']],
    ['[::1]:9092', ['[::1]:9092']],
    ['[fe80::1:abcd]:19092,localhost:9092', ['[fe80::1:abcd]:19092', 'localhost:9092']],
  ])('accepts %j', (raw, entries) => {
    expect(parseBootstrap(raw)).toEqual(entries);
  });

  it.each(['localhost', 'localhost:', 'localhost:0', 'localhost:70000', 'localhost:65536', 'localhost:123456', ':9092', 'a b:9092', '::1:9092', '[::1]', 'localhost:port', 'a:9092,b'])(
    'rejects %j, naming the bad entry',
    (raw) => {
      expect(() => parseBootstrap(raw)).toThrow(UsageError);
      expect(() => parseBootstrap(raw)).toThrow(/--bootstrap "[^"]+" is not host:port/);
    },
  );

  it('names the first bad entry of a list', () => {
    expect(() => parseBootstrap('a:9092,b:0,c')).toThrow('--bootstrap "b:0" is not host:port (for example localhost:9092)');
  });

  it.each(['', '   ', ',', ' , ,'])('rejects an empty list %j with an example', (raw) => {
    expect(() => parseBootstrap(raw)).toThrow(UsageError);
    expect(() => parseBootstrap(raw)).toThrow('--bootstrap needs host:port, e.g. --bootstrap localhost:9092');
  });
});
