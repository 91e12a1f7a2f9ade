// The container engine as the lab sees it, through testcontainers (the only folder that imports it): is one there, is an image here, pull it, list and remove the lab's containers.
import { existsSync, lstatSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname } from 'node:os';
import { EnvironmentError, errorMessage } from '../core/errors.js';
import { LAB_LABEL, OWNER_HOST_LABEL, OWNER_PID_LABEL } from './addresses.js';

export type RuntimeProbe = { ok: true; host: string } | { ok: false; reason: string };

/** Where Docker and Podman put their sockets when DOCKER_HOST is not set. */
function socketCandidates(): string[] {
  return ['/var/run/docker.sock', `${process.env.HOME}/.docker/run/docker.sock`, `${process.env.XDG_RUNTIME_DIR}/podman/podman.sock`, '/run/podman/podman.sock'];
}

let probed: Promise<RuntimeProbe> | undefined;

/**
 * Whether a container engine answers, and if not, why, in words a user can act on. Cheap checks first:
 * without a socket or DOCKER_HOST there is nothing for testcontainers to find. Asked once per process.
 */
export function probeContainerRuntime(): Promise<RuntimeProbe> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<RuntimeProbe> {
  const dockerHost = process.env.DOCKER_HOST;
  const socket = dockerHost ? dockerHostSocket(dockerHost) : socketCandidates().find((c) => existsSync(c));
  if (!dockerHost && !socket) return { ok: false, reason: 'no container engine here (no Docker or Podman socket, no DOCKER_HOST)' };
  const where = dockerHost ? `DOCKER_HOST=${dockerHost}` : socket;
  if (socket) {
    // testcontainers tries its other ways when DOCKER_HOST fails, and would quietly use another engine.
    if (!existsSync(socket)) return { ok: false, reason: `nothing at ${where}` };
    if (!lstatSync(socket).isSocket()) return { ok: false, reason: `${where} is not a socket` };
    const refused = await socketRefuses(socket);
    if (refused) return { ok: false, reason: `the container engine at ${where} does not answer (is it stopped?): ${refused}` };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { ok: true, host: client.info.containerRuntime.host };
  } catch (error) {
    return { ok: false, reason: `the container engine at ${where} does not answer (is it stopped?): ${firstLine(errorMessage(error))}` };
  }
}

/** The socket path of a unix:// DOCKER_HOST (undefined for tcp://, ssh://, ...). */
function dockerHostSocket(dockerHost: string): string | undefined {
  return dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
}

/** Connects to a unix socket and hangs up: the error code when nothing accepts, undefined when something does. */
function socketRefuses(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const connection = createConnection(path);
    const timer = setTimeout(() => (connection.destroy(), resolve('no answer within 5 s')), 5_000);
    connection.on('connect', () => (clearTimeout(timer), connection.destroy(), resolve(undefined)));
    connection.on('error', (error: NodeJS.ErrnoException) => (clearTimeout(timer), resolve(error.code ?? error.message)));
  });
}

/** True when testcontainers finds a working container runtime (Docker, Podman, ...). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  return (await probeContainerRuntime()).ok;
}

/** The dockerode instance testcontainers talks through (it honours DOCKER_HOST, Podman, TLS settings). */
export async function dockerode(): Promise<DockerodeLike> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  return (client.container as unknown as { dockerode: DockerodeLike }).dockerode;
}

/** The few dockerode calls the lab makes, typed here so that nothing else needs dockerode's types. */
interface DockerodeLike {
  getImage(ref: string): { inspect(): Promise<unknown> };
  pull(ref: string, options: object): Promise<NodeJS.ReadableStream>;
  listContainers(options: object): Promise<{ Id: string; Names: string[]; State: string; Labels: Record<string, string>; Created: number }[]>;
  getContainer(id: string): { remove(options: object): Promise<unknown> };
}

export async function imagePresent(ref: string): Promise<boolean> {
  try {
    await (await dockerode()).getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

export interface PullProgress {
  /** Bytes downloaded so far and in all, over the layers the engine has announced. */
  (downloaded: number, total: number): void;
}

/**
 * Pulls an image, reporting progress. testcontainers' own pull ignores the engine's error lines (an
 * unknown tag then surfaces later as "no such image"); this one fails with the engine's reason.
 */
export async function pullImage(ref: string, onProgress: PullProgress): Promise<void> {
  const docker = await dockerode();
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(ref, { authconfig: await authFor(ref) });
  } catch (error) {
    throw pullFailed(ref, errorMessage(error));
  }
  const layers = new Map<string, { current: number; total: number }>();
  await new Promise<void>((resolve, reject) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        let event: { id?: string; status?: string; error?: string; progressDetail?: { current?: number; total?: number } };
        try {
          event = JSON.parse(line);
        } catch {
          continue;
        }
        if (event.error) return reject(pullFailed(ref, event.error));
        if (event.id && event.progressDetail?.total && event.status === 'Downloading') {
          layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          let downloaded = 0;
          let total = 0;
          for (const layer of layers.values()) (downloaded += layer.current), (total += layer.total);
          onProgress(downloaded, total);
        }
      }
    });
    stream.on('end', resolve);
    stream.on('error', (error) => reject(pullFailed(ref, errorMessage(error))));
  });
  if (!(await imagePresent(ref))) throw pullFailed(ref, 'the engine reported no error, but the image is not there');
}

/** The image is not on the engine and could not be pulled (offline, a blocked registry, an unknown tag). */
export class ImageUnavailable extends EnvironmentError {
  constructor(
    readonly image: string,
    readonly reason: string,
    hint = 'Pick another image with --kafka-image (a mirror, a private registry, one pulled earlier), or use --broker local.',
  ) {
    super(`could not pull ${image}: ${reason}. ${hint}`);
  }
}

function pullFailed(ref: string, reason: string): ImageUnavailable {
  return new ImageUnavailable(ref, firstLine(reason));
}

/** Registry credentials from the user's Docker config, as testcontainers finds them (undefined: anonymous). */
async function authFor(ref: string): Promise<unknown> {
  const { ImageName } = await import('testcontainers');
  // Not part of testcontainers' documented exports; it is the function its own pull uses.
  const { getAuthConfig } = (await import('testcontainers/build/container-runtime/index.js' as string)) as {
    getAuthConfig(registry: string): Promise<unknown>;
  };
  const registry = ImageName.fromString(ref).registry ?? 'https://index.docker.io/v1/';
  return getAuthConfig(registry).catch(() => undefined);
}

export interface LabContainerInfo {
  id: string;
  /** "broker", "redis". */
  role: string;
  name: string;
  state: string;
  ownerPid: number;
  ownerHost: string;
  /** True when its owner was a process on this machine that is gone. */
  orphaned: boolean;
}

/** Every container the lab started (by label), running or not, and whether its owner is gone. */
export async function labContainers(): Promise<LabContainerInfo[]> {
  const list = await (await dockerode()).listContainers({ all: true, filters: { label: [LAB_LABEL] } });
  return list.map((c) => {
    const role = c.Labels[LAB_LABEL] ?? '';
    const ownerPid = Number(c.Labels[OWNER_PID_LABEL] ?? 0);
    const ownerHost = c.Labels[OWNER_HOST_LABEL] ?? '';
    return {
      id: c.Id.slice(0, 12),
      role,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      state: c.State,
      ownerPid,
      ownerHost,
      orphaned: ownerHost === hostname() && !processAlive(ownerPid),
    };
  });
}

function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a container, running or not; a container already gone is not an error. */
export async function removeContainer(id: string): Promise<void> {
  try {
    await (await dockerode()).getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** Removes every container with this label ("name=value"), running or not. */
export async function removeLabelled(label: string): Promise<void> {
  const found = await (await dockerode()).listContainers({ all: true, filters: { label: [label] } });
  for (const c of found) await removeContainer(c.Id);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/**
 * testcontainers' reaper (Ryuk): whether it will start with the lab's containers, and its image (as
 * testcontainers itself computes it, honouring RYUK_CONTAINER_IMAGE). Read after importing
 * testcontainers, which loads ~/.testcontainers.properties into the environment.
 */
export async function reaperSettings(): Promise<{ enabled: boolean; image: string }> {
  await import('testcontainers');
  // Not among testcontainers' documented exports: the reaper module's own answer (12.x: a function,
  // 11.x: a constant). A unit test checks it against the installed package.
  const reaper = (await import('testcontainers/build/reaper/reaper.js' as string)) as { getReaperImage?: () => string; REAPER_IMAGE?: string };
  const image = reaper.getReaperImage?.() ?? reaper.REAPER_IMAGE;
  if (!image) throw new Error("cannot tell testcontainers' reaper image from this testcontainers version");
  return { enabled: process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true', image };
}
