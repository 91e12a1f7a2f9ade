// The `external` provider: a cluster the user already runs, reached with --bootstrap; the lab starts and stops nothing.
import { EnvironmentError, errorMessage } from '../core/errors.js';
import { formatHostPort, parseHostPorts } from '../core/host-port.js';
import { probeCluster } from '../kafka/client.js';
import type { RunningBroker } from './provider.js';

const PROBE_TIMEOUT_MS = 8_000;

/** Checks "host:port[,host:port...]" without touching the network; returns the entries. */
export function parseBootstrap(bootstrap: string): string[] {
  return parseHostPorts(bootstrap).map(formatHostPort);
}

export async function connectExternal(bootstrap: string): Promise<RunningBroker> {
  const entries = parseBootstrap(bootstrap);
  let described: { brokers: number; clusterId: string };
  try {
    described = await probeCluster(entries.join(','), PROBE_TIMEOUT_MS);
  } catch (error) {
    throw new EnvironmentError(
      `Cannot reach Kafka at ${entries.join(',')} (${errorMessage(error)}); check the address, or drop --bootstrap to let the lab start a broker.`,
    );
  }
  return {
    bootstrap: entries.join(','),
    provider: 'external',
    kafkaVersion: 'unknown',
    description: `external cluster at ${entries.join(',')} (${described.brokers} broker${described.brokers === 1 ? '' : 's'}, id ${described.clusterId})`,
    stop: async () => undefined,
  };
}
