// The lab cluster's node configs and the --brokers checks, without a JVM.
import { describe, expect, it } from 'vitest';
import { LAB_BROKER_SETTINGS, clusterNodeProperties, labClusterSettings } from '../../../src/broker/broker-settings.js';
import { checkBrokerRequest } from '../../../src/broker/select.js';
import { UsageError } from '../../../src/core/errors.js';

const base = { voters: '0@127.0.0.1:9000', logDir: '/tmp/x', settings: labClusterSettings(3) };

describe('labClusterSettings', () => {
  it('replicates the internal topics and new topics on every broker, and keeps the one-node lab settings otherwise', () => {
    const s = labClusterSettings(3);
    expect(s).toMatchObject({
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'default.replication.factor': '3',
    });
    expect(s['group.min.session.timeout.ms']).toBe(LAB_BROKER_SETTINGS['group.min.session.timeout.ms']);
  });

  it('fences a silent broker well after a stalled follower leaves the ISR, so a stall that waits for the shrink does not fence it', () => {
    const s = labClusterSettings(3);
    const lag = Number(s['replica.lag.time.max.ms']);
    const session = Number(s['broker.session.timeout.ms']);
    // The shrink comes within lag + lag/2 (the leader checks every lag/2); the session must outlast that with room to spare.
    expect(session).toBeGreaterThanOrEqual(2 * (lag + lag / 2));
    expect(Number(s['broker.heartbeat.interval.ms'])).toBeLessThan(session / 4);
  });
});

describe('clusterNodeProperties', () => {
  it('gives the controller only the controller listener and role', () => {
    const p = clusterNodeProperties({ ...base, nodeId: 0, role: 'controller', listener: '127.0.0.1:9000' });
    expect(p).toMatchObject({ 'process.roles': 'controller', 'node.id': '0', listeners: 'CONTROLLER://127.0.0.1:9000', 'controller.quorum.voters': '0@127.0.0.1:9000' });
    expect(p['advertised.listeners']).toBeUndefined();
  });

  it('gives a broker its client listener, advertised as is, and the same voters', () => {
    const p = clusterNodeProperties({ ...base, nodeId: 2, role: 'broker', listener: '127.0.0.1:9102' });
    expect(p).toMatchObject({
      'process.roles': 'broker',
      'node.id': '2',
      listeners: 'PLAINTEXT://127.0.0.1:9102',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9102',
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.quorum.voters': '0@127.0.0.1:9000',
      'default.replication.factor': '3',
    });
  });
});

describe('--brokers', () => {
  const request = { choice: 'auto' as const, kafkaVersion: '4.1.1' };
  const refused = (extra: object) => {
    try {
      checkBrokerRequest({ ...request, ...extra });
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('takes 1 and 3', () => {
    expect(() => checkBrokerRequest({ ...request, brokers: 1 })).not.toThrow();
    expect(() => checkBrokerRequest({ ...request, brokers: 3 })).not.toThrow();
    expect(() => checkBrokerRequest({ ...request, choice: 'local', brokers: 3 })).not.toThrow();
  });

  it('refuses other sizes, a cluster of someone else, a container cluster, and room options, each in one line', () => {
    expect(refused({ brokers: 2 })).toMatch(/--brokers 2 is not a size the lab starts: use 1 .* or 3/);
    expect(refused({ brokers: 3, bootstrap: '127.0.0.1:9092' })).toMatch(/with --bootstrap the cluster is yours/);
    expect(refused({ brokers: 3, choice: 'container' })).toMatch(/container provider starts one broker, not a cluster yet: use --brokers 3 with --broker local/);
    expect(refused({ brokers: 3, port: 9092 })).toMatch(/--share and --port go with one broker/);
    expect(refused({ brokers: 3, kafkaImage: 'apache/kafka:4.1.1' })).toMatch(/a cluster of --brokers 3 runs local JVMs/);
  });
});
