// The `container` provider: the same one-node broker in the apache/kafka image, through testcontainers.
import { EnvironmentError, errorMessage } from '../core/errors.js';
import { onCleanup } from '../core/cleanup.js';
import type { Progress } from '../core/progress.js';
import { containerSpec, containerStartScript, START_SCRIPT, WAITING_LINE } from './container-spec.js';
import type { RunningBroker } from './provider.js';

const READY_LINE = 'Kafka Server started';
const START_TIMEOUT_MS = 120_000;

/** True when testcontainers finds a working container runtime (Docker, Podman, ...). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  // Cheap checks first: without a socket or DOCKER_HOST there is nothing for testcontainers to find.
  const { existsSync } = await import('node:fs');
  const candidates = ['/var/run/docker.sock', `${process.env.HOME}/.docker/run/docker.sock`, `${process.env.XDG_RUNTIME_DIR}/podman/podman.sock`];
  if (!process.env.DOCKER_HOST && !candidates.some((c) => existsSync(c))) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startContainerBroker(version: string, progress: Progress): Promise<RunningBroker> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const spec = containerSpec(version);
  progress.step(`Starting ${spec.image} (container)`);
  let container;
  try {
    container = await new GenericContainer(spec.image)
      .withExposedPorts(spec.exposedPort)
      .withEntrypoint(['sh'])
      .withCommand(spec.command)
      .withWaitStrategy(Wait.forLogMessage(WAITING_LINE).withStartupTimeout(START_TIMEOUT_MS))
      .start();
  } catch (error) {
    throw new EnvironmentError(`Could not start ${spec.image}: ${errorMessage(error)}`);
  }
  const stop = async () => {
    unregister();
    await container.stop({ timeout: 0 }).catch(() => undefined);
  };
  const unregister = onCleanup('kafka container', stop);
  try {
    const host = container.getHost();
    const port = container.getMappedPort(spec.exposedPort);
    await container.copyContentToContainer([{ content: containerStartScript(host, port), target: START_SCRIPT }]);
    await waitForLogLine(container, READY_LINE, START_TIMEOUT_MS);
    progress.done();
    return {
      bootstrap: `${host}:${port}`,
      provider: 'container',
      kafkaVersion: version,
      description: `Apache Kafka ${version}, container ${spec.image} (KRaft, one node)`,
      stop,
    };
  } catch (error) {
    await stop();
    throw new EnvironmentError(`${spec.image} did not become ready: ${errorMessage(error)}`);
  }
}

async function loadTestcontainers() {
  return import('testcontainers');
}

async function waitForLogLine(
  container: { logs(): Promise<NodeJS.ReadableStream> },
  line: string,
  timeoutMs: number,
): Promise<void> {
  const stream = await container.logs();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${line}" in the log after ${timeoutMs / 1000} s`)), timeoutMs);
    // Kept across chunks: the line may arrive split in two.
    let tail = '';
    stream.on('data', (chunk: Buffer | string) => {
      tail = (tail + chunk.toString()).slice(-4_096);
      if (tail.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  (stream as unknown as { destroy?: () => void }).destroy?.();
}
