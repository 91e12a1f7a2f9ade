// Unit tests for the shared host:port list parser.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { formatHostPort, parseHostPorts } from '../../../src/core/host-port.js';

describe('parseHostPorts', () => {
  it('splits a list, drops IPv6 brackets, keeps the order', () => {
    expect(parseHostPorts(' a:9092, [::1]:19092 ,10.0.0.1:1')).toEqual([
      { host: 'a', port: 9092 },
      { host: '::1', port: 19092 },
      { host: '10.0.0.1', port: 1 },
    ]);
  });

  it.each(['', 'a', 'a:0', 'a:65536', '::1:9092', '[::1]', 'a b:1'])('rejects %j naming the flag', (raw) => {
    expect(() => parseHostPorts(raw, '--target')).toThrow(UsageError);
    expect(() => parseHostPorts(raw, '--target')).toThrow(/--target/);
  });

  it('formats back, with brackets for IPv6', () => {
    expect(parseHostPorts('[fe80::1]:9092,h:1').map(formatHostPort)).toEqual(['[fe80::1]:9092', 'h:1']);
  });
});
