// Unit tests for a broker for the whole room: which address attendees can reach, and bad --advertise values.
import { describe, expect, it } from 'vitest';
import { lanAddress, shareSettings } from '../../../src/broker/share.js';
import { UsageError } from '../../../src/core/errors.js';

const iface = (address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4') => ({ address, internal, family, netmask: '', mac: '', cidr: null }) as never;

describe('lanAddress', () => {
  it('skips loopback, container bridges, link-local and IPv6; takes the first network address', () => {
    expect(
      lanAddress({
        lo: [iface('127.0.0.1', true)],
        docker0: [iface('172.17.0.1')],
        'br-1a2b': [iface('172.18.0.1')],
        eth0: [iface('fe80::1', false, 'IPv6'), iface('169.254.3.4'), iface('192.168.1.20')],
        wlan0: [iface('10.0.0.7')],
      }),
    ).toBe('192.168.1.20');
  });

  it('finds none on a machine with only loopback and bridges', () => {
    expect(lanAddress({ lo: [iface('127.0.0.1', true)], docker0: [iface('172.17.0.1')] })).toBeUndefined();
  });
});

describe('shareSettings', () => {
  it('advertises --advertise when given, the LAN address otherwise', () => {
    expect(shareSettings('kafka.workshop.lan')).toEqual({ advertise: 'kafka.workshop.lan' });
    expect(shareSettings(undefined, { eth0: [iface('192.168.1.20')] })).toEqual({ advertise: '192.168.1.20' });
  });

  it('refuses a host with spaces or quotes, and a machine with nothing to advertise, with one line saying what to do', () => {
    expect(() => shareSettings("a b'")).toThrow(UsageError);
    expect(() => shareSettings(undefined, { lo: [iface('127.0.0.1', true)] })).toThrow(/pass --advertise <host>/);
  });
});
