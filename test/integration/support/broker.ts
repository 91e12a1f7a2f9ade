// Starts one real local Kafka broker for an integration test file, through the lab's own provider.
import { startLocalBroker } from '../../../src/broker/local.js';
import type { RunningBroker } from '../../../src/broker/provider.js';
import { DEFAULT_KAFKA_VERSION } from '../../../src/broker/versions.js';
import { silentProgress } from '../../../src/core/progress.js';
import { warmGroupCoordinator } from '../../../src/kafka/client.js';

export async function startTestBroker(version = DEFAULT_KAFKA_VERSION): Promise<RunningBroker> {
  const broker = await startLocalBroker(version, silentProgress);
  await warmGroupCoordinator(broker.bootstrap);
  return broker;
}
