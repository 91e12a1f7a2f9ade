// Unit tests for where lab containers are published and reached.
import { describe, it, expect } from 'vitest';
import { publishAddress, reachableHost } from '../../../src/containers/addresses.js';

describe('publishAddress', () => {
  it.each(['localhost', '127.0.0.1', '127.0.1.1', '::1'])('publishes on loopback when the engine is local (%s)', (host) => {
    expect(publishAddress(host)).toBe('127.0.0.1');
  });

  it('publishes on the engine address when testcontainers reaches it by IP (a bridge gateway, a remote engine)', () => {
    expect(publishAddress('172.17.0.1')).toBe('172.17.0.1');
    expect(publishAddress('10.0.0.5')).toBe('10.0.0.5');
  });

  it('publishes on every interface only for an engine known by name alone', () => {
    expect(publishAddress('docker.example.com')).toBe('');
  });
});

describe('reachableHost', () => {
  it('turns a loopback name into 127.0.0.1, which cannot resolve to ::1 first', () => {
    expect(reachableHost('localhost')).toBe('127.0.0.1');
    expect(reachableHost('::1')).toBe('127.0.0.1');
  });

  it('keeps any other host', () => {
    expect(reachableHost('172.17.0.1')).toBe('172.17.0.1');
    expect(reachableHost('docker.example.com')).toBe('docker.example.com');
  });
});
