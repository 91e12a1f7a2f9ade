// Chooses and starts a broker provider: --bootstrap wins, then a container runtime, then a local JVM.
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { warmGroupCoordinator } from '../kafka/client.js';
import { onPath } from '../resources/on-path.js';
import { timed } from '../core/timings.js';
import type { Progress } from '../core/progress.js';
import { startContainerBroker } from './container.js';
import { ImageUnavailable, probeContainerRuntime } from '../containers/runtime.js';
import { connectExternal } from './external.js';
import { javaCommand, startLocalBroker } from './local.js';
import { checkClusterSize, startLocalCluster } from './local-cluster.js';
import type { ProviderChoice, RunningBroker } from './provider.js';
import type { ShareSettings } from './share.js';
import type { BrokerLifetime } from './broker-settings.js';
import { isSupportedKafkaVersion, kafkaImage } from './versions.js';

export interface BrokerRequest {
  choice: ProviderChoice;
  bootstrap?: string;
  kafkaVersion: string;
  /** The container image (--kafka-image); default: apache/kafka:<kafkaVersion>. */
  kafkaImage?: string;
  /** A fixed client port for the broker the lab starts (`broker --port`); a free one when left out. */
  port?: number;
  /** A broker for the whole room (`broker --share`): every interface, the LAN address advertised. */
  share?: ShareSettings;
  /** For one run (default), or for a session of many runs (the `broker` command): see labJvmPerformance. */
  lifetime?: BrokerLifetime;
  /** 1 (default): one broker; 3: a local KRaft cluster of a controller and three brokers (--brokers 3). */
  brokers?: number;
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
    await timed('broker: group coordinator warm-up', () => warmGroupCoordinator(broker.bootstrap));
  } catch (error) {
    await broker.stop();
    throw new EnvironmentError(`The broker at ${broker.bootstrap} answers, but its group coordinator does not: ${errorMessage(error)}`);
  }
  return broker;
}

/** The checks that need no broker, engine or JVM: conflicting options, an unsupported version. */
export function checkBrokerRequest(request: Omit<BrokerRequest, 'progress'>): void {
  const { choice, bootstrap, kafkaVersion } = request;
  if (bootstrap && choice !== 'auto' && choice !== 'external') {
    throw new UsageError(`--bootstrap goes with --broker external (or auto), not --broker ${choice}`);
  }
  if (choice === 'external' && !bootstrap) throw new UsageError('--broker external needs --bootstrap host:port');
  if (request.kafkaImage && (bootstrap || choice === 'local' || choice === 'external')) {
    throw new UsageError('--kafka-image picks the image of a container broker: use it with --broker container (or auto), without --bootstrap');
  }
  if ((request.brokers ?? 1) > 1) {
    checkClusterSize(request.brokers!);
    if (bootstrap) throw new UsageError('--brokers sets the size of a cluster the lab starts; with --bootstrap the cluster is yours, and has the brokers it has');
    if (choice === 'container') throw new UsageError('the container provider starts one broker, not a cluster yet: use --brokers 3 with --broker local (it needs Java 17+)');
    if (request.share || request.port !== undefined) throw new UsageError('--share and --port go with one broker; a cluster of --brokers 3 listens on loopback, on free ports');
    if (request.kafkaImage) throw new UsageError('--kafka-image picks a container broker\'s image; a cluster of --brokers 3 runs local JVMs (pick the version with --kafka-version)');
  } else if (request.brokers !== undefined) {
    checkClusterSize(request.brokers);
  }
  if (!bootstrap && !request.kafkaImage && !isSupportedKafkaVersion(kafkaVersion)) {
    throw new UsageError(`--kafka-version ${kafkaVersion} is not supported: use a release such as 4.1.1 or 3.9.1 (3.9 or newer).`);
  }
}

async function startProvider(request: BrokerRequest): Promise<RunningBroker> {
  checkBrokerRequest(request);
  const { choice, bootstrap, kafkaVersion, progress, port } = request;
  if (bootstrap) return connectExternal(bootstrap);
  // A cluster is local JVMs only (checkBrokerRequest refused the container provider): auto means local here.
  if ((request.brokers ?? 1) > 1) {
    if (!javaAvailable()) throw new EnvironmentError(`--brokers ${request.brokers} starts local JVMs and needs Java 17+ (apt-get install openjdk-17-jre-headless)`);
    return startLocalCluster(kafkaVersion, request.brokers!, progress, { lifetime: request.lifetime });
  }
  const image = request.kafkaImage ?? kafkaImage(kafkaVersion);
  if (choice === 'local') return startLocalBroker(kafkaVersion, progress, { port, share: request.share, lifetime: request.lifetime });
  if (choice === 'container') return startContainerBroker({ image, port, share: request.share, lifetime: request.lifetime, progress });
  // auto: a container where an engine answers, else the local JVM.
  const runtime = await probeContainerRuntime();
  if (runtime.ok) {
    try {
      return await startContainerBroker({ image, port, share: request.share, lifetime: request.lifetime, progress });
    } catch (error) {
      // Offline with an engine but no image: a room with Java still gets a broker.
      if (!(error instanceof ImageUnavailable) || request.kafkaImage || !javaAvailable()) throw error;
      progress.info(`could not pull ${error.image} (${error.reason}); using the local JVM instead (--broker container insists on the container).`);
      return startLocalBroker(kafkaVersion, progress, { port, share: request.share, lifetime: request.lifetime });
    }
  }
  if (request.kafkaImage) throw new EnvironmentError(`--kafka-image needs a container engine: ${runtime.reason}`);
  if (javaAvailable()) return startLocalBroker(kafkaVersion, progress, { port, share: request.share, lifetime: request.lifetime });
  throw new EnvironmentError(
    'No way to get a Kafka broker here: pass --bootstrap host:port for a running cluster, or start Docker (container), or install Java 17+ (local).',
  );
}
