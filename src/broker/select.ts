// Chooses and starts a broker provider: --bootstrap wins, then a container runtime, then a local JVM.
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { warmGroupCoordinator } from '../kafka/client.js';
import { onPath } from '../resources/on-path.js';
import type { Progress } from '../core/progress.js';
import { containerRuntimeAvailable, startContainerBroker } from './container.js';
import { connectExternal } from './external.js';
import { javaCommand, startLocalBroker } from './local.js';
import type { ProviderChoice, RunningBroker } from './provider.js';
import { isSupportedKafkaVersion } from './versions.js';

export interface BrokerRequest {
  choice: ProviderChoice;
  bootstrap?: string;
  kafkaVersion: string;
  progress: Progress;
}

/** Whether a java executable exists (JAVA_HOME or PATH); looked up without starting a JVM. */
export function javaAvailable(): boolean {
  return onPath(javaCommand());
}

/** Starts (or reaches) a broker whose group coordinator is ready for consumers. */
export async function startBroker(request: BrokerRequest): Promise<RunningBroker> {
  const broker = await startProvider(request);
  try {
    await warmGroupCoordinator(broker.bootstrap);
  } catch (error) {
    await broker.stop();
    throw new EnvironmentError(`The broker at ${broker.bootstrap} answers, but its group coordinator does not: ${errorMessage(error)}`);
  }
  return broker;
}

async function startProvider(request: BrokerRequest): Promise<RunningBroker> {
  const { choice, bootstrap, kafkaVersion, progress } = request;
  if (bootstrap && choice !== 'auto' && choice !== 'external') {
    throw new UsageError(`--bootstrap goes with --broker external (or auto), not --broker ${choice}`);
  }
  if (choice === 'external' && !bootstrap) {
    throw new UsageError('--broker external needs --bootstrap host:port');
  }
  if (bootstrap) return connectExternal(bootstrap);
  if (!isSupportedKafkaVersion(kafkaVersion)) {
    throw new UsageError(`--kafka-version ${kafkaVersion} is not supported: use a release such as 4.1.1 or 3.9.1 (3.9 or newer).`);
  }
  if (choice === 'local') return startLocalBroker(kafkaVersion, progress);
  if (choice === 'container') {
    if (!(await containerRuntimeAvailable())) {
      throw new EnvironmentError('--broker container: no container runtime answers here (Docker or Podman); use --broker local or --bootstrap.');
    }
    return startContainerBroker(kafkaVersion, progress);
  }
  if (await containerRuntimeAvailable()) return startContainerBroker(kafkaVersion, progress);
  if (javaAvailable()) return startLocalBroker(kafkaVersion, progress);
  throw new EnvironmentError(
    'No way to get a Kafka broker here: pass --bootstrap host:port for a running cluster, or start Docker (container), or install Java 17+ (local).',
  );
}
