// Starts a container for the lab (the Kafka broker, Redis): published on loopback, labelled, guarded, and always removed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { compiledScript } from '../core/paths.js';
import type { Progress } from '../core/progress.js';
import { ensureImage } from './image.js';
import { LAB_LABEL, OWNER_HOST_LABEL, OWNER_PID_LABEL, publishAddress, reachableHost } from './addresses.js';
import { ImageUnavailable, probeContainerRuntime, reaperSettings, removeContainer, removeLabelled } from './runtime.js';

const INSTANCE_LABEL = 'org.kafka-dup-lab.instance';

export interface LabContainerSpec {
  image: string;
  /** What the lab calls it in labels and messages: "broker", "redis". */
  role: string;
  /** The port inside the container that clients reach. */
  port: number;
  /** A fixed host port for it; a free one when left out. */
  hostPort?: number;
  /** Publish on every interface (a broker for the whole room); loopback otherwise. */
  publishEverywhere?: boolean;
  entrypoint?: string[];
  command?: string[];
  /** A line the container prints when testcontainers may hand it over. */
  readyLine: string | RegExp;
  readyTimeoutMs: number;
  /** What to do about an image that cannot run the entrypoint ("pick an apache/kafka image with --kafka-image, ..."). */
  wrongImageHint: string;
  progress: Progress;
}

export interface StartedLabContainer {
  id: string;
  /** Where the lab and its clients reach the container's port: host and mapped port. */
  host: string;
  mappedPort: number;
  copyFile(content: string, target: string): Promise<void>;
  /** The container's output from its start, following (ends when the container stops). */
  logs(): Promise<NodeJS.ReadableStream>;
  /** Removes the container (running or not) and releases its guardian. Idempotent. */
  stop(): Promise<void>;
}

export async function startLabContainer(spec: LabContainerSpec): Promise<StartedLabContainer> {
  const runtime = await probeContainerRuntime();
  if (!runtime.ok) throw new EnvironmentError(`no container for ${spec.role}: ${runtime.reason}`);
  await ensureReaperImage(spec.progress);
  await ensureImage(spec.image, spec.progress);
  const instance = randomBytes(6).toString('hex');
  const { GenericContainer, Wait } = await import('testcontainers');
  const bind = spec.publishEverywhere ? '' : publishAddress(runtime.host);

  /** testcontainers publishes on every interface; the lab publishes on `bind` only (see publishAddress). */
  class LoopbackContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      const bindings = (this.hostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string }[]>;
      for (const list of Object.values(bindings)) for (const binding of list) binding.HostIp = bind;
    }
  }
  let container = new LoopbackContainer(spec.image)
    .withExposedPorts(spec.hostPort ? { container: spec.port, host: spec.hostPort } : spec.port)
    .withLabels({
      [LAB_LABEL]: spec.role,
      [OWNER_PID_LABEL]: String(process.pid),
      [OWNER_HOST_LABEL]: hostname(),
      [INSTANCE_LABEL]: instance,
    })
    .withWaitStrategy(Wait.forLogMessage(spec.readyLine).withStartupTimeout(spec.readyTimeoutMs));
  if (spec.entrypoint) container = container.withEntrypoint(spec.entrypoint);
  if (spec.command) container = container.withCommand(spec.command);

  // Guarded from before it exists: a Ctrl-C or a SIGKILL while the engine creates and starts it must not leave it behind.
  const guardian = guardContainers(instance);
  const starting = container.start();
  const unregisterStarting = onCleanup(`${spec.role} container (starting)`, async () => {
    await starting.catch(() => undefined);
    await removeInstance(instance);
    guardian.release();
  });
  let started;
  try {
    started = await starting;
  } catch (error) {
    // A container that was created but failed to start is still there.
    await removeInstance(instance);
    guardian.release();
    throw startFailed(spec, errorMessage(error));
  } finally {
    unregisterStarting();
  }
  const id = started.getId();
  const stop = async () => {
    unregister();
    await removeContainer(id);
    // Only once it is gone: if the engine refused, the guardian tries again when the lab exits.
    guardian.release();
  };
  const unregister = onCleanup(`${spec.role} container`, stop);
  return {
    id,
    host: reachableHost(runtime.host),
    mappedPort: started.getMappedPort(spec.port),
    copyFile: (content, target) => started.copyContentToContainer([{ content, target }]),
    logs: () => started.logs(),
    stop,
  };
}

/**
 * testcontainers starts its reaper (Ryuk) with the first container unless TESTCONTAINERS_RYUK_DISABLED
 * is set, pulling its image if needed; offline, that pull fails with a message that names neither.
 */
async function ensureReaperImage(progress: Progress): Promise<void> {
  const reaper = await reaperSettings();
  if (!reaper.enabled) return;
  try {
    await ensureImage(reaper.image, progress);
  } catch (error) {
    if (!(error instanceof ImageUnavailable)) throw error;
    throw new ImageUnavailable(
      reaper.image,
      error.reason,
      `testcontainers needs it for its reaper: set TESTCONTAINERS_RYUK_DISABLED=true (the lab removes its own containers), or run "kafka-dup-lab prepare" while online.`,
    );
  }
}

function startFailed(spec: LabContainerSpec, reason: string): Error {
  const first = reason.split('\n')[0]!;
  if (/address already in use|port is already allocated/i.test(reason)) {
    return new UsageError(`port ${spec.hostPort} is already in use on this machine; pick another with --port, or leave --port out for a free one`);
  }
  if (/executable file not found|no such file or directory/i.test(reason) && spec.entrypoint) {
    return new EnvironmentError(`${spec.image} has no ${spec.entrypoint[0]} to run; ${spec.wrongImageHint}`);
  }
  if (/ryuk|reaper/i.test(reason)) {
    return new EnvironmentError(
      `testcontainers could not start its reaper (Ryuk): ${first}. Set TESTCONTAINERS_RYUK_DISABLED=true (the lab removes its own containers), or run "kafka-dup-lab prepare" while online.`,
    );
  }
  return new EnvironmentError(`could not start ${spec.image}: ${first}`);
}

async function removeInstance(instance: string): Promise<void> {
  await removeLabelled(`${INSTANCE_LABEL}=${instance}`).catch(() => undefined);
}

/**
 * A detached process that removes the containers of this start (by their instance label) if the lab
 * dies without doing so (SIGKILL, a crash), with or without testcontainers' reaper. It watches its
 * stdin: when the lab goes, the pipe closes.
 */
function guardContainers(instance: string): { release(): void } {
  const child = spawn(process.execPath, [compiledScript('processes/container-guardian.js'), `${INSTANCE_LABEL}=${instance}`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group: a Ctrl-C or a kill of the lab's group must not take it down first.
    detached: true,
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    // The containers are gone: the guardian may exit without asking the engine again. Once.
    release: () => {
      if (released) return;
      released = true;
      child.stdin?.end('released\n');
    },
  };
}
