// The Java worker's arguments (the lab's worker settings as LabConsumer reads them) and its classpath, without a JVM.
import { describe, expect, it } from 'vitest';
import { javaTransformerArguments, javaWorkerArguments, workerClasspath } from '../../../src/clients/java-worker.js';
import type { TransformConfig, WorkerConfig } from '../../../src/workload/worker-protocol.js';

const base: WorkerConfig = {
  workerId: 'w1',
  bootstrap: '127.0.0.1:9092',
  topic: 'orders',
  groupId: 'g',
  commit: 'after-batch',
  dedup: 'redis-setnx',
  sink: { kind: 'sqlite', file: '/tmp/run/after-batch.db' },
  redisUrl: 'redis://:s%40cret@10.0.0.5:6380/2',
  redisPrefix: 'dup-lab:run1',
  dedupWindow: 1000,
  heartbeatInBatch: 'after-apply',
  handoffDelayMs: 4,
  sessionTimeout: 2000,
  heartbeatInterval: 300,
  maxBytesPerPartition: 3000,
  stopAt: { batch: 4, fraction: 0.6, action: 'crash' },
  client: 'java',
};

const asMap = (args: string[]) => Object.fromEntries(args.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));

describe('javaWorkerArguments', () => {
  it('passes the settings as key=value, SQLite as a JDBC URL, Redis split into host, port, password and database', () => {
    expect(asMap(javaWorkerArguments(base))).toMatchObject({
      workerId: 'w1',
      commit: 'after-batch',
      dedup: 'redis-setnx',
      dbUrl: 'jdbc:sqlite:/tmp/run/after-batch.db',
      redisHost: '10.0.0.5',
      redisPort: '6380',
      redisPassword: 's@cret',
      redisDatabase: '2',
      stopBatch: '4',
      stopFraction: '0.6',
      stopAction: 'crash',
      sessionTimeout: '2000',
      maxBytesPerPartition: '3000',
    });
  });

  it('turns a PostgreSQL URL into a JDBC URL with its user, password and the variant\'s schema; no stop point, no stop keys', () => {
    const args = asMap(
      javaWorkerArguments({ ...base, redisUrl: undefined, stopAt: undefined, sink: { kind: 'postgres', url: 'postgres://lab:p%2Fw@db.local:5433/shop', schema: 'dup_lab_x' } }),
    );
    expect(args).toMatchObject({ dbUrl: 'jdbc:postgresql://db.local:5433/shop', dbUser: 'lab', dbPassword: 'p/w', dbSchema: 'dup_lab_x' });
    expect(Object.keys(args)).not.toContain('stopBatch');
    expect(Object.keys(args)).not.toContain('redisHost');
  });
});

describe('javaTransformerArguments', () => {
  const transform: TransformConfig = {
    workerId: 'w2',
    bootstrap: '127.0.0.1:9092',
    topic: 'in',
    groupId: 'g',
    outputTopic: 'out',
    output: 'transaction',
    transactionalId: 'dup-lab-run1-transformer',
    transactionTimeout: 10_000,
    database: 'none',
    sessionTimeout: 2000,
    heartbeatInterval: 300,
    maxBytesPerPartition: 3000,
    stopAt: { batch: 3, fraction: 0.5, action: 'stall', place: 'after-apply' },
    client: 'java',
  };

  it('passes the output topic, the transaction settings and the stop point; no database keys', () => {
    const args = asMap(javaTransformerArguments(transform));
    expect(args).toMatchObject({ outputTopic: 'out', output: 'transaction', transactionalId: 'dup-lab-run1-transformer', transactionTimeout: '10000', stopAction: 'stall', stopBatch: '3' });
    expect(Object.keys(args)).not.toContain('dbUrl');
  });

  it('dual-write: passes the database write, the JDBC URL and the stop place (between the row and the event)', () => {
    const args = asMap(
      javaTransformerArguments({ ...transform, output: 'plain', database: 'row-if-new-then-event', sink: { kind: 'sqlite', file: '/tmp/v/naive.db' }, stopAt: { batch: 2, fraction: 0.5, action: 'crash', place: 'after-db-write' } }),
    );
    expect(args).toMatchObject({ database: 'row-if-new-then-event', dbUrl: 'jdbc:sqlite:/tmp/v/naive.db', stopPlace: 'after-db-write', stopAction: 'crash', output: 'plain' });
  });

  it('refuses a database write without a business database to write to', () => {
    expect(() => javaTransformerArguments({ ...transform, database: 'outbox' })).toThrow(/needs a business database/);
  });
});

describe('workerClasspath', () => {
  it('keeps Kafka\'s jars first and adds only the drivers\' artifacts Kafka does not bring', () => {
    const kafka = '/m2/org/apache/kafka/kafka-clients/4.1.1/kafka-clients-4.1.1.jar:/m2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar';
    const drivers = '/m2/org/xerial/sqlite-jdbc/3.54.1.0/sqlite-jdbc-3.54.1.0.jar:/m2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar';
    expect(workerClasspath(kafka, drivers).split(':')).toEqual([
      '/m2/org/apache/kafka/kafka-clients/4.1.1/kafka-clients-4.1.1.jar',
      '/m2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar',
      '/m2/org/xerial/sqlite-jdbc/3.54.1.0/sqlite-jdbc-3.54.1.0.jar',
    ]);
  });
});
