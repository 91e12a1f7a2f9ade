// Unit tests for the shared broker settings: server.properties with one or two broker listeners, cluster ids.
import { describe, it, expect } from 'vitest';
import {
  LAB_BROKER_SETTINGS,
  kraftServerProperties,
  newClusterId,
  toPropertiesFile,
} from '../../../src/broker/broker-settings.js';

const listeners = {
  nodeId: 3,
  listener: '127.0.0.1:19092',
  advertised: 'localhost:19092',
  controller: '127.0.0.1:19093',
  logDir: '/tmp/lab-data',
};

describe('LAB_BROKER_SETTINGS', () => {
  it('has what a one-node lab with transactions needs', () => {
    expect(LAB_BROKER_SETTINGS).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.num.partitions': '1',
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1000',
      'log.cleaner.dedupe.buffer.size': '1048577',
    });
  });
});

describe('kraftServerProperties', () => {
  const props = kraftServerProperties(listeners);

  it('describes a single-node KRaft broker and controller', () => {
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '3',
      'controller.quorum.voters': '3@127.0.0.1:19093',
      listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners': 'PLAINTEXT://localhost:19092',
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': '/tmp/lab-data',
    });
  });

  it('includes every lab setting', () => {
    expect(props).toMatchObject(LAB_BROKER_SETTINGS);
  });

  it('has only string values', () => {
    for (const value of Object.values(props)) expect(typeof value).toBe('string');
  });
});

describe('toPropertiesFile', () => {
  it('writes one key=value line per property, ending with a newline', () => {
    expect(toPropertiesFile({ 'node.id': '1', 'log.dirs': '/tmp/x' })).toBe('node.id=1\nlog.dirs=/tmp/x\n');
  });

  it('writes a full server.properties that reads back to the same map', () => {
    const props = kraftServerProperties(listeners);
    const text = toPropertiesFile(props);
    const parsed = Object.fromEntries(
      text
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(parsed).toEqual(props);
  });
});

describe('kraftServerProperties with an internal listener', () => {
  const props = kraftServerProperties({ ...listeners, internal: 'localhost:19092' });

  it('gives clients their listener and keeps inter-broker traffic on the internal one', () => {
    expect(props.listeners).toBe(`CLIENT://${listeners.listener},INTERNAL://localhost:19092,CONTROLLER://${listeners.controller}`);
    expect(props['advertised.listeners']).toBe(`CLIENT://${listeners.advertised},INTERNAL://localhost:19092`);
    expect(props['inter.broker.listener.name']).toBe('INTERNAL');
    expect(props['listener.security.protocol.map']).toBe('CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT');
  });

  it('keeps the lab settings and the controller as they are', () => {
    const plain = kraftServerProperties(listeners);
    for (const key of ['controller.quorum.voters', 'controller.listener.names', 'node.id', 'log.dirs', 'transaction.state.log.min.isr']) {
      expect(props[key]).toBe(plain[key]);
    }
  });
});

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters for 16 bytes', () => {
    for (const fill of [0x00, 0xff, 0xfb, 0x3e]) {
      const id = newClusterId(Buffer.alloc(16, fill));
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('never starts with "-", which kafka-storage would read as an option', () => {
    // 0xf8.. encodes to a leading "-" in URL-safe base64.
    expect(Buffer.from('f8', 'hex').toString('base64url')).toMatch(/^-/);
    expect(newClusterId(Buffer.alloc(16, 0xf8))).toMatch(/^A[A-Za-z0-9_-]{21}$/);
    for (let first = 0; first < 256; first++) expect(newClusterId(Buffer.alloc(16, first))).not.toMatch(/^-/);
  });

  it('uses "-" and "_" rather than "+" and "/"', () => {
    // 0xfb 0xff 0xbf -> "+/+/" in standard base64.
    expect(newClusterId(Buffer.from('fbffbffbffbffbffbffbffbffbffbffb', 'hex'))).toMatch(/^[A_]+[A-Za-z0-9_-]*$/);
    expect(newClusterId(Buffer.from('fbffbffbffbffbffbffbffbffbffbffb', 'hex'))).not.toMatch(/[+/=]/);
  });

  it('encodes the bytes (the same bytes give the same id, other bytes another)', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(newClusterId(bytes)).toBe('ABEiM0RVZneImaq7zN3u_w');
    expect(newClusterId(Buffer.from(bytes))).toBe(newClusterId(bytes));
    expect(newClusterId(Buffer.alloc(16, 1))).not.toBe(newClusterId(bytes));
  });
});
