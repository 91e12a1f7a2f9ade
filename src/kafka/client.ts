// The one module that imports kafkajs: client construction, topic admin, and reading a topic back.
import kafkajs from 'kafkajs';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  KafkaMessage,
  ConsumerConfig,
  Kafka as KafkaClient,
  KafkaConfig,
  Producer,
  ProducerConfig,
  RetryOptions,
  LogEntry,
} from 'kafkajs';

import { createRequire } from 'node:module';
import { errorMessage } from '../core/errors.js';
import { errorChain } from './errors.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

/** The client the lab's counts are about, for reports: "kafkajs 2.2.4". */
export const CLIENT = `kafkajs ${(createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version}`;
export type { Admin, Consumer, ConsumerConfig, EachBatchPayload, KafkaClient, KafkaMessage, Producer, ProducerConfig, RetryOptions };

/**
 * kafkajs' retry defaults, written out (kafkajs shortens them when NODE_ENV=test, and the lab must
 * behave the same wherever it runs), with one change: no random jitter (kafkajs: factor 0.2, from
 * Math.random). With jitter, the retries after one fault spread over 240-360 ms and now and then
 * collide with the next fault, so the same seed would not give the same counts. Timing only: what
 * is retried, and how often, is kafkajs' own behaviour.
 */
export const LAB_RETRY: RetryOptions = {
  maxRetryTime: 30_000,
  initialRetryTime: 300,
  factor: 0,
  multiplier: 2,
  retries: 5,
};

/** A failed attempt of one send() call, as kafkajs' producer logs it before its retrier decides. */
export interface SendAttemptFailure {
  /** The attempt that failed, from 0; kafkajs retries it when attempt < retries. */
  attempt: number;
  /** How long kafkajs waits before the next attempt. */
  delayMs: number;
  error: string;
}

export interface ClientOptions {
  clientId: string;
  requestTimeout?: number;
  connectionTimeout?: number;
  retry?: RetryOptions;
  /**
   * Called for each failed send attempt. kafkajs has no retry event; its producer logs every failed
   * attempt with retryCount and retryTime (at ERROR, or DEBUG when the cluster connection was lost),
   * so the client's log is read for them.
   */
  onSendAttemptFailed?: (failure: SendAttemptFailure) => void;
}

/** kafkajs logs go to stderr only when asked for (KAFKA_DUP_LAB_CLIENT_LOG=debug|info|warn|error). */
function clientLogLevel(): number {
  const wanted = (process.env.KAFKA_DUP_LAB_CLIENT_LOG ?? '').toUpperCase();
  const levels: Record<string, number> = {
    DEBUG: logLevel.DEBUG,
    INFO: logLevel.INFO,
    WARN: logLevel.WARN,
    ERROR: logLevel.ERROR,
  };
  return levels[wanted] ?? logLevel.NOTHING;
}

/** The prefixes kafkajs' sendMessages puts before the error in its failed-attempt log lines. */
const ATTEMPT_LOG_PREFIXES = /^(Failed to send messages|Cluster has disconnected, reconnecting): /;

/** The failed send attempt a kafkajs log entry reports, if it reports one (pure, so it is unit-tested). */
export function sendAttemptFailure(namespace: string, log: { message: string; [key: string]: unknown }): SendAttemptFailure | undefined {
  const { retryCount, retryTime } = log;
  if (namespace !== 'Producer' || typeof retryCount !== 'number' || typeof retryTime !== 'number') return undefined;
  return { attempt: retryCount, delayMs: retryTime, error: log.message.replace(ATTEMPT_LOG_PREFIXES, '') };
}

/** Prints what KAFKA_DUP_LAB_CLIENT_LOG asks for, and hands failed send attempts to `onSendAttemptFailed`. */
function logCreator(printLevel: number, onSendAttemptFailed: ClientOptions['onSendAttemptFailed']) {
  return () => (entry: LogEntry) => {
    const failure = onSendAttemptFailed && sendAttemptFailure(entry.namespace, entry.log);
    if (failure) onSendAttemptFailed(failure);
    if (entry.level <= printLevel) {
      const { message, ...rest } = entry.log;
      process.stderr.write(`[kafkajs ${entry.namespace}] ${message} ${JSON.stringify(rest)}\n`);
    }
  };
}

export function createKafka(bootstrap: string, options: ClientOptions): KafkaClient {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: bootstrap.split(','),
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    retry: options.retry ?? LAB_RETRY,
    // The DEBUG level lets the failed attempts logged after a lost connection through; only what was asked for is printed.
    logLevel: options.onSendAttemptFailed ? logLevel.DEBUG : clientLogLevel(),
    logCreator: logCreator(clientLogLevel(), options.onSendAttemptFailed),
  };
  return new Kafka(config);
}

/** A producer with the partitioner named explicitly (this also silences kafkajs' v2 partitioner warning). */
export function createProducer(kafka: KafkaClient, config: ProducerConfig): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
}

export interface TopicSpec {
  name: string;
  partitions: number;
  configs?: Record<string, string>;
  /** The brokers of every partition's replicas, the first its preferred leader; default: the broker's choice. */
  replicas?: number[];
}

/** Runs `work` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(bootstrap: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(bootstrap, { clientId: 'kafka-dup-lab-admin', retry: { retries: 3 } }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * An admin that talks to the one broker at `address` and nothing else, failing within a second: in a
 * cluster with a stalled broker, kafkajs would send a metadata request over any connection it holds,
 * and one to the stalled broker waits out the whole request timeout.
 */
async function withOneBroker<T>(address: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(address, { clientId: 'kafka-dup-lab-cluster-watch', connectionTimeout: 1_000, requestTimeout: 1_000, retry: { retries: 0 } }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The ids of the brokers the cluster counts as live (registered and not fenced), asked of the broker at `address`. */
export async function liveBrokerIds(address: string): Promise<number[]> {
  return withOneBroker(address, async (admin) => (await admin.describeCluster()).brokers.map((b) => b.nodeId));
}

export interface PartitionState {
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A partition's leader, replicas and ISR, as the broker at `address` knows them. */
export async function partitionState(address: string, topic: string, partition = 0): Promise<PartitionState> {
  return withOneBroker(address, async (admin) => {
    let topics: Awaited<ReturnType<Admin['fetchTopicMetadata']>>['topics'];
    try {
      ({ topics } = await admin.fetchTopicMetadata({ topics: [topic] }));
    } catch (error) {
      // kafkajs turns a partition without a leader into an error; here it is an answer.
      if (errorChain(error).some((e) => e.type === 'LEADER_NOT_AVAILABLE')) return { leader: -1, replicas: [], isr: [] };
      throw error;
    }
    const found = topics[0]?.partitions.find((p) => p.partitionId === partition);
    if (!found) throw new Error(`no partition ${partition} of ${topic} in the metadata`);
    return { leader: found.leader, replicas: found.replicas, isr: found.isr };
  });
}

/**
 * Lists the broker's topics every `intervalMs` over one admin connection and hands them over; a look
 * that fails (the broker is busy) is skipped. Returns the function that stops watching.
 */
export function watchTopics(bootstrap: string, intervalMs: number, onTopics: (topics: string[]) => void): () => Promise<void> {
  const admin = createKafka(bootstrap, { clientId: 'kafka-dup-lab-room', retry: { retries: 1 } }).admin();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const look = async () => {
    try {
      onTopics(await admin.listTopics());
    } catch {
      /* the next look will tell */
    }
    if (!stopped) timer = setTimeout(look, intervalMs);
  };
  const connected = admin.connect().then(look, () => undefined);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await connected;
    await admin.disconnect().catch(() => undefined);
  };
}

/**
 * Makes the group coordinator ready: on a new broker the first group request creates and loads the
 * offsets topic, and until then groups get GROUP_LOAD_IN_PROGRESS (kafkajs consumers then crash and
 * restart). Asking once, with retries, moves that wait to broker start-up.
 */
export async function warmGroupCoordinator(bootstrap: string, timeoutMs = 30_000): Promise<void> {
  const admin = createKafka(bootstrap, { clientId: 'kafka-dup-lab-admin', requestTimeout: 5_000, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  try {
    await admin.connect();
    while (Date.now() < deadline) {
      try {
        // kafkajs throws on a group error code, so an answer means the coordinator is loaded.
        await admin.describeGroups(['kafka-dup-lab-warm-up']);
        return;
      } catch (error) {
        last = error; // not loaded yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no group coordinator within ${timeoutMs / 1000} s${last instanceof Error ? ` (${last.message})` : ''}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Makes the transaction coordinator ready: the first transactional producer creates and loads the
 * transaction log. A throw-away transactional producer, connected once with retries, moves that wait
 * out of the measured run.
 */
export async function warmTransactionCoordinator(bootstrap: string): Promise<void> {
  const producer = createProducer(createKafka(bootstrap, { clientId: 'kafka-dup-lab-warm-up', retry: { retries: 10, initialRetryTime: 200 } }), {
    transactionalId: 'kafka-dup-lab-warm-up',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  await producer.disconnect();
}

export async function createTopics(bootstrap: string, topics: TopicSpec[]): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    await admin.createTopics({
      // kafkajs' own wait retries only LEADER_NOT_AVAILABLE; a KRaft broker whose metadata cache lags
      // the controller (a busy machine) answers UNKNOWN_TOPIC_OR_PARTITION first, and kafkajs gives up.
      waitForLeaders: false,
      topics: topics.map((t) => ({
        topic: t.name,
        configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        ...(t.replicas
          ? { replicaAssignment: Array.from({ length: t.partitions }, (_, partition) => ({ partition, replicas: t.replicas! })) }
          : { numPartitions: t.partitions, replicationFactor: -1 }), // the broker's default, so one-node and real clusters both work
      })),
    });
    await waitForLeaders(admin, topics, TOPIC_READY_TIMEOUT_MS);
  });
}

/** How long a new topic may take to have a leader for every partition (generous: a loaded laptop). */
const TOPIC_READY_TIMEOUT_MS = 30_000;

/** Polls the broker's metadata until every partition of every topic has a leader. */
export async function waitForLeaders(admin: Admin, topics: Pick<TopicSpec, 'name' | 'partitions'>[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no metadata yet';
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      const notReady = topics.filter((t) => {
        const meta = found.find((f) => f.name === t.name);
        return !meta || meta.partitions.length < t.partitions || meta.partitions.some((p) => p.leader < 0);
      });
      if (notReady.length === 0) return;
      last = `no leader yet for ${notReady.map((t) => t.name).join(', ')}`;
    } catch (error) {
      // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE: the broker has not caught up yet.
      last = errorMessage(error);
    }
    if (Date.now() >= deadline) throw new Error(`topics not ready after ${timeoutMs / 1000} s: ${last}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function deleteTopics(bootstrap: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await withAdmin(bootstrap, (admin) => admin.deleteTopics({ topics: names, timeout: 10_000 }));
}

/** Deletes consumer groups a run made: these ids, and the read-back groups named after these topics. */
export async function deleteRunGroups(bootstrap: string, groupIds: string[], topics: string[], waitForEmptyMs = 0): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const deadline = Date.now() + waitForEmptyMs;
    for (;;) {
      const { groups } = await admin.listGroups();
      const ours = groups
        .map((g) => g.groupId)
        .filter((id) => groupIds.includes(id) || topics.some((t) => id.startsWith(`${READER_GROUP_PREFIX}${t}-`)));
      if (ours.length === 0) return;
      try {
        await admin.deleteGroups(ours);
        return;
      } catch (error) {
        // A killed worker stays a member until its session times out, and a group with members
        // cannot be deleted (NON_EMPTY_GROUP): after a Ctrl-C, wait that out, boundedly.
        if (Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
}

/** Fails with a clear message when no broker answers at `bootstrap` within `timeoutMs`. */
export async function probeCluster(bootstrap: string, timeoutMs: number): Promise<{ brokers: number; clusterId: string }> {
  const admin = createKafka(bootstrap, {
    clientId: 'kafka-dup-lab-probe',
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 1, initialRetryTime: 200 },
  }).admin();
  const attempt = (async () => {
    await admin.connect();
    const described = await admin.describeCluster();
    return { brokers: described.brokers.length, clusterId: described.clusterId };
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Read-back consumers use their own group, named after the topic (so a run can delete it afterwards). */
const READER_GROUP_PREFIX = 'kafka-dup-lab-reader-';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

export interface ReadOptions {
  isolation: 'read_committed' | 'read_uncommitted';
  timeoutMs: number;
}

export interface ReadResult {
  records: ReadRecord[];
  /** False when the timeout hit before every partition was read to its end. */
  complete: boolean;
}

/**
 * Reads every record of `topic`, partition by partition in offset order, up to the end offsets
 * at the time of the call. Connects directly to the broker, never through the chaos proxy.
 */
export async function readTopic(bootstrap: string, topic: string, options: ReadOptions): Promise<ReadResult> {
  const ends = await withAdmin(bootstrap, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map<number, bigint>();
  for (const p of ends) if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high) - 1n);
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return { records, complete: true };

  const kafka = createKafka(bootstrap, { clientId: 'kafka-dup-lab-reader' });
  const consumer = kafka.consumer({
    groupId: `${READER_GROUP_PREFIX}${topic}-${process.pid}-${Date.now()}`,
    readUncommitted: options.isolation === 'read_uncommitted',
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
  });
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const reached = (partition: number, lastOffset: string) => {
    const last = remaining.get(partition);
    if (last !== undefined && BigInt(lastOffset) >= last) remaining.delete(partition);
    if (remaining.size === 0) finish();
  };
  // Batches that hold only control records or aborted data never reach eachBatch; this event still does.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? null,
            value: m.value?.toString() ?? null,
          });
        }
      },
    });
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs)));
    await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  return { records, complete: remaining.size === 0 };
}
