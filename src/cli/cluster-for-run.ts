// The cluster a scenario that crashes brokers runs on: the run's own lab cluster, one started for it, or why there is none.
import type { RunningBroker } from '../broker/provider.js';
import { javaAvailable } from '../broker/select.js';
import { startLocalCluster } from '../broker/local-cluster.js';
import type { Progress } from '../core/progress.js';
import type { Resources } from '../core/resources.js';
import { errorMessage } from '../core/errors.js';

export interface ClusterForRun {
  resource: NonNullable<Resources['cluster']>;
  /** The broker the scenario's variants use: the cluster's, or the run's when there is no cluster. */
  broker: RunningBroker;
  stop(): Promise<void>;
}

/** The size of the cluster the lab starts for a scenario that needs one. */
export const CLUSTER_BROKERS = 3;

export async function clusterForRun(runBroker: RunningBroker, kafkaVersion: string, progress: Progress): Promise<ClusterForRun> {
  const none = (missing: string): ClusterForRun => ({ resource: { missing }, broker: runBroker, stop: async () => undefined });
  if (runBroker.control) return { resource: { control: runBroker.control }, broker: runBroker, stop: async () => undefined };
  if (runBroker.provider === 'external') {
    return none(
      `it crashes and stalls broker processes, so it needs a cluster the lab starts itself: leave out --bootstrap (it then starts ${CLUSTER_BROKERS} local brokers)`,
    );
  }
  if (!javaAvailable()) return none(`it needs a local cluster of ${CLUSTER_BROKERS} brokers, which needs Java 17+ (the container provider runs one broker)`);
  try {
    const cluster = await startLocalCluster(kafkaVersion, CLUSTER_BROKERS, progress);
    return { resource: { control: cluster.control }, broker: cluster, stop: () => cluster.stop() };
  } catch (error) {
    // The other scenarios of the run go on; this one's rows say why they did not run.
    return none(`the lab could not start its cluster of ${CLUSTER_BROKERS} brokers: ${errorMessage(error)}`);
  }
}
