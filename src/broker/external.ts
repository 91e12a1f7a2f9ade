// The `external` provider: a cluster the user already runs, reached with --bootstrap; the lab starts and stops nothing.
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { probeCluster } from '../kafka/client.js';
import type { RunningBroker } from './provider.js';

const PROBE_TIMEOUT_MS = 8_000;

/** Checks "host:port[,host:port...]" without touching the network. */
export function parseBootstrap(bootstrap: string): string[] {
  const entries = bootstrap
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new UsageError('--bootstrap needs host:port, e.g. --bootstrap localhost:9092');
  for (const entry of entries) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      throw new UsageError(`--bootstrap "${entry}" is not host:port (for example localhost:9092)`);
    }
  }
  return entries;
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
