// The `container` provider: the same one-node broker in an apache/kafka image, through the lab's container starter.
import { randomBytes } from 'node:crypto';
import { EnvironmentError, errorMessage } from '../core/errors.js';
import { lastLines } from '../core/guarded-process.js';
import type { Progress } from '../core/progress.js';
import { startLabContainer } from '../containers/lab-container.js';
import { probeContainerRuntime } from '../containers/runtime.js';
import { newClusterId, type BrokerLifetime } from './broker-settings.js';
import {
  CONTAINER_KAFKA_PORT,
  LAYOUT_MARKER,
  START_SCRIPT,
  VERSION_MARKER,
  WAITING_LINE,
  WAIT_FOR_START_SCRIPT,
  containerStartScript,
} from './container-spec.js';
import type { RunningBroker } from './provider.js';
import type { ShareSettings } from './share.js';

const READY_LINE = 'Kafka Server started';
const WRONG_IMAGE_HINT = 'it is not an apache/kafka-style image: pick one with --kafka-image, or use --broker local';
const START_TIMEOUT_MS = 120_000;
/** testcontainers' start() only waits for the shell's first line; anything slower is a broken image. */
const SHELL_TIMEOUT_MS = 30_000;

export interface ContainerRequest {
  image: string;
  /** A fixed host port for clients (the `broker --port` option); a free one when left out. */
  port?: number;
  /** Published on every interface, the LAN address advertised (`broker --share`). */
  share?: ShareSettings;
  lifetime?: BrokerLifetime;
  progress: Progress;
}

export async function startContainerBroker(request: ContainerRequest): Promise<RunningBroker> {
  const { image, progress } = request;
  const runtime = await probeContainerRuntime();
  if (!runtime.ok) throw new EnvironmentError(`--broker container: ${runtime.reason}; start the engine, or use --broker local or --bootstrap.`);
  const container = await startLabContainer({
    image,
    role: 'broker',
    port: CONTAINER_KAFKA_PORT,
    hostPort: request.port,
    publishEverywhere: Boolean(request.share),
    entrypoint: ['sh'],
    command: WAIT_FOR_START_SCRIPT,
    readyLine: WAITING_LINE,
    readyTimeoutMs: SHELL_TIMEOUT_MS,
    wrongImageHint: WRONG_IMAGE_HINT,
    progress,
  });
  progress.step(`Starting Kafka in ${image} (container)`);
  let logs: NodeJS.ReadableStream | undefined;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    (logs as { destroy?: () => void } | undefined)?.destroy?.();
    await container.stop();
  };
  try {
    const { mappedPort } = container;
    const host = request.share?.advertise ?? container.host;
    await container.copyFile(containerStartScript(host, mappedPort, newClusterId(randomBytes(16)), request.lifetime), START_SCRIPT);
    logs = await container.logs();
    const { version, exited } = await waitUntilReady(logs, image, () => stopping);
    progress.done();
    return {
      bootstrap: `${host}:${mappedPort}`,
      provider: 'container',
      kafkaVersion: version,
      description: `Apache Kafka ${version}, container ${image} (KRaft, one node)`,
      stop,
      exited,
    };
  } catch (error) {
    await stop();
    throw error instanceof EnvironmentError ? error : new EnvironmentError(`${image} did not become ready: ${errorMessage(error)}`);
  }
}

/**
 * Follows the container's output until Kafka says it started. A container that exits first (a broken
 * image, a broker that dies in its first second) is reported at once, with its last lines.
 */
function waitUntilReady(logs: NodeJS.ReadableStream, image: string, stopping: () => boolean): Promise<{ version: string; exited: Promise<string> }> {
  const lines: string[] = [];
  let version = 'unknown';
  let onExit: (why: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (onExit = resolve));
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      reject(new EnvironmentError(message));
    };
    const timer = setTimeout(() => fail(`${image}: Kafka was not ready after ${START_TIMEOUT_MS / 1000} s: ${lastLines(lines, 3)}`), START_TIMEOUT_MS);
    let ready = false;
    let partial = '';
    logs.on('data', (chunk: Buffer | string) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        // The lab's own marker lines are not news in an error message; Kafka's are.
        if (!line.startsWith('kafka-dup-lab:')) lines.push(line);
        if (lines.length > 200) lines.shift();
        if (line.includes(VERSION_MARKER)) version = after(line, VERSION_MARKER) || 'unknown';
        if (line.includes(LAYOUT_MARKER)) {
          fail(`${image} has no ${after(line, LAYOUT_MARKER)}; ${WRONG_IMAGE_HINT}`);
        }
        if (!ready && line.includes(READY_LINE)) {
          ready = true;
          clearTimeout(timer);
          resolve({ version, exited });
        }
      }
    });
    logs.on('end', () => {
      if (ready && !stopping()) onExit(`the broker container stopped: ${lastLines(lines, 3)}`);
      else fail(`${image}: the container exited while Kafka was starting: ${lastLines(lines, 5)}`);
    });
    logs.on('error', (error) => {
      if (!ready) fail(`${image}: lost the container's output: ${errorMessage(error)}`);
    });
  });
}

function after(line: string, marker: string): string {
  return line.slice(line.indexOf(marker) + marker.length).trim();
}
