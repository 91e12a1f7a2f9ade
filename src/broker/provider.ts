// The broker-provider interface: something that gives a running Kafka cluster and takes it away again.
import type { ClusterControl } from '../core/cluster.js';

export type ProviderName = 'local' | 'container' | 'external';
export type ProviderChoice = ProviderName | 'auto';

export interface RunningBroker {
  /** host:port[,host:port] to reach the cluster directly (never through the chaos proxy). */
  bootstrap: string;
  provider: ProviderName;
  kafkaVersion: string;
  /** One line for the report header. */
  description: string;
  /** Stops what the provider started (nothing, for external) and removes its files. Idempotent. */
  stop(): Promise<void>;
  /** Settles, with a line saying why, if the broker the provider started dies on its own. */
  exited?: Promise<string>;
  /** Present when the lab started a cluster of several brokers and may stall, crash and restart them. */
  control?: ClusterControl;
}
