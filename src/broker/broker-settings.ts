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

/**
 * How long a lab broker lives: for one run (`run --broker local|container`), or for a session that many
 * runs share (`kafka-dup-lab broker`, a room).
 */
export type BrokerLifetime = 'run' | 'session';

/** The broker JVM's heap, for every provider that launches the JVM itself (local, container). */
export const LAB_JVM_HEAP = ['-Xms256m', '-Xmx1g'];

/**
 * The broker JVM's collector and JIT: a collector that starts quickly on two cores and, for a broker
 * that lives for one run, only the quick (C1) JIT. Such a broker serves a few thousand small requests,
 * so the optimising compiler's CPU, taken from the lab's own clients on a small machine, never pays
 * back (producer-retry on a new local broker: 9.5 s with both compilers, 6.9 s with C1 alone, on two
 * cores). A session's broker keeps both compilers: a room's runs load it for an hour, long enough for
 * the optimising compiler's work to pay back.
 */
export function labJvmPerformance(lifetime: BrokerLifetime): string[] {
  return ['-XX:+UseParallelGC', ...(lifetime === 'run' ? ['-XX:TieredStopAtLevel=1'] : []), '-Djava.awt.headless=true'];
}

export interface KraftListeners {
  nodeId: number;
  /** Where clients connect (host:port the broker binds). */
  listener: string;
  /** What the broker tells clients to connect to. */
  advertised: string;
  /** The controller's own listener (host:port). */
  controller: string;
  /**
   * A second broker listener for inter-broker traffic (host:port, advertised as is), for brokers whose
   * client address is not reachable from inside (a container behind a port mapping). Without it the
   * transaction coordinator, which writes markers to the partition leaders through the inter-broker
   * listener, would dial the host's mapped port from inside the container and fail.
   */
  internal?: string;
  logDir: string;
}

/** A complete server.properties for a single-node KRaft broker+controller. */
export function kraftServerProperties(l: KraftListeners): Record<string, string> {
  const client = l.internal ? 'CLIENT' : 'PLAINTEXT';
  const internal = l.internal ? `,INTERNAL://${l.internal}` : '';
  return {
    'process.roles': 'broker,controller',
    'node.id': String(l.nodeId),
    'controller.quorum.voters': `${l.nodeId}@${l.controller}`,
    listeners: `${client}://${l.listener}${internal},CONTROLLER://${l.controller}`,
    'advertised.listeners': `${client}://${l.advertised}${internal}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': l.internal ? 'INTERNAL' : client,
    'listener.security.protocol.map': `${client}:PLAINTEXT,${l.internal ? 'INTERNAL:PLAINTEXT,' : ''}CONTROLLER:PLAINTEXT`,
    'log.dirs': l.logDir,
    ...LAB_BROKER_SETTINGS,
  };
}

export function toPropertiesFile(props: Record<string, string>): string {
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints). */
export function newClusterId(randomBytes: Buffer): string {
  // One id in 64 would start with "-", which kafka-storage's argument parser takes for an option
  // ("argument --cluster-id/-t: expected one argument"); Kafka's own Uuid.randomUuid() redraws those.
  return randomBytes.toString('base64url').slice(0, 22).replace(/^-/, 'A');
}

/**
 * What a lab cluster (one controller, several brokers) changes on top of LAB_BROKER_SETTINGS: the
 * internal topics and new topics get a replica on every broker, so a crashed broker takes no group,
 * transaction or topic down with it; and a crash or a stall is noticed in seconds, not half a minute.
 */
export function labClusterSettings(brokers: number): Record<string, string> {
  return {
    ...LAB_BROKER_SETTINGS,
    'offsets.topic.replication.factor': String(brokers),
    'transaction.state.log.replication.factor': String(brokers),
    'transaction.state.log.min.isr': String(Math.min(2, brokers)),
    'default.replication.factor': String(brokers),
    // A follower that stops fetching leaves the ISR after 1.5 s instead of 30 s.
    'replica.lag.time.max.ms': '1500',
    // A broker that stops heartbeating (crashed, or stalled) is fenced after 6 s instead of 9 s: the
    // controller then moves its partitions' leadership and takes it out of their ISRs. Longer than a
    // stall that waits for the ISR to shrink (1.5 s of lag, checked every 0.75 s, then the controller's commit): a stalled follower that leads other partitions
    // (the group coordinator's) must keep them, or the crash of the one broker left would take them offline.
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '6000',
  };
}

export interface ClusterNode {
  nodeId: number;
  role: 'controller' | 'broker';
  /** host:port this node listens on: the controller listener for the controller, the client listener for a broker. */
  listener: string;
  /** `id@host:port` of the controller(s). */
  voters: string;
  logDir: string;
  settings: Record<string, string>;
}

/** server.properties for one node of a lab cluster: a dedicated controller, or a broker. */
export function clusterNodeProperties(n: ClusterNode): Record<string, string> {
  const common = {
    'process.roles': n.role,
    'node.id': String(n.nodeId),
    'controller.quorum.voters': n.voters,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': n.logDir,
  };
  if (n.role === 'controller') return { ...common, listeners: `CONTROLLER://${n.listener}`, ...n.settings };
  return {
    ...common,
    listeners: `PLAINTEXT://${n.listener}`,
    'advertised.listeners': `PLAINTEXT://${n.listener}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    ...n.settings,
  };
}

/** A lab cluster's brokers run with a smaller heap than a single lab broker: four JVMs share the machine. */
export const LAB_CLUSTER_JVM_HEAP = ['-Xms128m', '-Xmx512m'];
