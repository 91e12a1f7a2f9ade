// Unit tests for the shared broker settings: server.properties, the apache/kafka env convention, cluster ids.
import { describe, it, expect } from 'vitest';
import {
  LAB_BROKER_SETTINGS,
  kraftServerProperties,
  newClusterId,
  toKafkaImageEnv,
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

describe('toKafkaImageEnv', () => {
  it.each([
    ['log.dirs', 'KAFKA_LOG_DIRS'],
    ['offsets.topic.replication.factor', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR'],
    ['node.id', 'KAFKA_NODE_ID'],
    ['listeners', 'KAFKA_LISTENERS'],
    // '_' -> '__', '-' -> '___', '.' -> '_'
    ['my_prop', 'KAFKA_MY__PROP'],
    ['my-prop', 'KAFKA_MY___PROP'],
    ['a.b_c-d', 'KAFKA_A_B__C___D'],
    ['listener.name.internal.ssl.key_store-type', 'KAFKA_LISTENER_NAME_INTERNAL_SSL_KEY__STORE___TYPE'],
  ])('maps %s to %s', (name, env) => {
    expect(toKafkaImageEnv({ [name]: 'v' })).toEqual({ [env]: 'v' });
  });

  it('keeps values as they are', () => {
    expect(toKafkaImageEnv({ 'advertised.listeners': 'PLAINTEXT://h:1,X://y:2' })).toEqual({
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://h:1,X://y:2',
    });
  });

  it('maps every property of a server.properties to a distinct variable', () => {
    const props = kraftServerProperties(listeners);
    expect(Object.keys(toKafkaImageEnv(props))).toHaveLength(Object.keys(props).length);
  });
});

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters for 16 bytes', () => {
    for (const fill of [0x00, 0xff, 0xfb, 0x3e]) {
      const id = newClusterId(Buffer.alloc(16, fill));
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('uses "-" and "_" rather than "+" and "/"', () => {
    // 0xfb 0xff 0xbf -> "+/+/" in standard base64.
    expect(newClusterId(Buffer.from('fbffbffbffbffbffbffbffbffbffbffb', 'hex'))).toMatch(/^[-_]+[A-Za-z0-9_-]*$/);
    expect(newClusterId(Buffer.from('fbffbffbffbffbffbffbffbffbffbffb', 'hex'))).not.toMatch(/[+/=]/);
  });

  it('encodes the bytes (the same bytes give the same id, other bytes another)', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(newClusterId(bytes)).toBe('ABEiM0RVZneImaq7zN3u_w');
    expect(newClusterId(Buffer.from(bytes))).toBe(newClusterId(bytes));
    expect(newClusterId(Buffer.alloc(16, 1))).not.toBe(newClusterId(bytes));
  });
});
