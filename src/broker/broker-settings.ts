// The broker settings that make a one-node lab fast and let transactions run, shared by every provider.

/** Settings that differ from Kafka's defaults, and why. */
export const LAB_BROKER_SETTINGS: Readonly<Record<string, string>> = {
  // One node: internal topics cannot have three replicas, and transactions need their log to be writable.
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  // One partition each: the coordinators load in milliseconds instead of fifty partitions.
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.num.partitions': '1',
  // A group's first rebalance starts at once instead of waiting three seconds for more members.
  'group.initial.rebalance.delay.ms': '0',
  // Lets lab consumers use one-to-three-second sessions, so a crashed member is noticed quickly.
  'group.min.session.timeout.ms': '1000',
  // The cleaner is not needed; a tiny dedupe buffer keeps the heap small.
  'log.cleaner.dedupe.buffer.size': '1048577',
  'num.partitions': '1',
  'auto.create.topics.enable': 'false',
};

export interface KraftListeners {
  nodeId: number;
  /** Where clients connect (host:port the broker binds). */
  listener: string;
  /** What the broker tells clients to connect to. */
  advertised: string;
  /** The controller's own listener (host:port). */
  controller: string;
  logDir: string;
}

/** A complete server.properties for a single-node KRaft broker+controller. */
export function kraftServerProperties(l: KraftListeners): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': String(l.nodeId),
    'controller.quorum.voters': `${l.nodeId}@${l.controller}`,
    listeners: `PLAINTEXT://${l.listener},CONTROLLER://${l.controller}`,
    'advertised.listeners': `PLAINTEXT://${l.advertised}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': l.logDir,
    ...LAB_BROKER_SETTINGS,
  };
}

export function toPropertiesFile(props: Record<string, string>): string {
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/**
 * The apache/kafka image reads settings from environment variables: KAFKA_ + the property name in
 * upper case, with '.' -> '_', '_' -> '__' and '-' -> '___' (the image's documented convention).
 */
export function toKafkaImageEnv(props: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    const key = name.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase();
    env[`KAFKA_${key}`] = value;
  }
  return env;
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints). */
export function newClusterId(randomBytes: Buffer): string {
  return randomBytes.toString('base64url').slice(0, 22);
}
