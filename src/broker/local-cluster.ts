// The `local` provider with --brokers N: a real KRaft cluster of one controller and N brokers, each its own JVM, that a scenario may stall, crash and restart.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupsRunning, onCleanup } from '../core/cleanup.js';
import type { ClusterControl } from '../core/cluster.js';
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { lastLines, startGuarded, type GuardedServer } from '../core/guarded-process.js';
import type { Progress } from '../core/progress.js';
import { makeTempDir } from '../core/temp.js';
import { timed } from '../core/timings.js';
import { liveBrokerIds, warmGroupCoordinator } from '../kafka/client.js';
import { cacheDirFor, findKafkaClasspath } from './artifacts.js';
import { useClassArchive } from './class-archive.js';
import {
  LAB_CLUSTER_JVM_HEAP,
  clusterNodeProperties,
  labClusterSettings,
  labJvmPerformance,
  newClusterId,
  toPropertiesFile,
  type BrokerLifetime,
} from './broker-settings.js';
import { READY_LINE, START_TIMEOUT_MS, ensureClassArchive, javaCommand, runJava, writeLoggingConfig, type LoggingConfig } from './local.js';
import { freePort } from './ports.js';
import type { RunningBroker } from './provider.js';

/** The controller's node id; brokers are 1..N, so "broker 2" in a note is node 2. */
const CONTROLLER_ID = 0;
/** The sizes the lab starts: three is the smallest cluster where acks=all and min.insync.replicas=2 mean something. */
export const CLUSTER_SIZES = [3] as const;
/** How long a restarted broker may take to be counted among the live brokers again. */
const REJOIN_TIMEOUT_MS = 30_000;

interface Node {
  id: number;
  /** Set when its JVM exited without the lab's crash() or stop(): it gets no more signals. */
  gone?: string;
  role: 'controller' | 'broker';
  /** Its log and config: kept across a crash and restart, removed with the cluster. */
  dir: string;
  listener: string;
  server?: GuardedServer;
}

export function checkClusterSize(brokers: number): void {
  if (!(CLUSTER_SIZES as readonly number[]).includes(brokers) && brokers !== 1) {
    throw new UsageError(`--brokers ${brokers} is not a size the lab starts: use 1 (one broker) or 3 (a cluster of three brokers and a controller)`);
  }
}

export async function startLocalCluster(
  version: string,
  brokers: number,
  progress: Progress,
  options: { lifetime?: BrokerLifetime } = {},
): Promise<RunningBroker & { control: ClusterControl }> {
  checkClusterSize(brokers);
  const { classpath } = await timed('cluster: jars', () => findKafkaClasspath(version, progress));
  const archive = await timed('cluster: class archive', () => ensureClassArchive(classpath, version, progress));
  const root = makeTempDir('cluster');
  const unregisterRoot = onCleanup('cluster data dir', () => rmSync(root, { recursive: true, force: true }));
  const nodes: Node[] = [];
  // Settles when any node's JVM exits on its own (the lab's own crashes do not count), restarts included.
  let reportExit: (why: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (reportExit = resolve));
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.server?.stop()));
    rmSync(root, { recursive: true, force: true });
    unregisterRoot();
  };
  try {
    const controllerPort = await freePort();
    nodes.push({ id: CONTROLLER_ID, role: 'controller', dir: join(root, 'controller'), listener: `127.0.0.1:${controllerPort}` });
    for (let id = 1; id <= brokers; id++) nodes.push({ id, role: 'broker', dir: join(root, `broker-${id}`), listener: `127.0.0.1:${await freePort()}` });
    const voters = `${CONTROLLER_ID}@127.0.0.1:${controllerPort}`;
    for (const node of nodes) {
      mkdirSync(join(node.dir, 'data'), { recursive: true });
      const props = clusterNodeProperties({ nodeId: node.id, role: node.role, listener: node.listener, voters, logDir: join(node.dir, 'data'), settings: labClusterSettings(brokers) });
      writeFileSync(join(node.dir, 'server.properties'), toPropertiesFile(props));
    }
    const logging = writeLoggingConfig(root, version);
    progress.step(`Starting an Apache Kafka ${version} cluster: a controller and ${brokers} brokers (local JVMs)`);
    await timed('cluster: storage', () => formatClusterStorage(classpath, nodes, logging, version, brokers));
    const jvm = [...LAB_CLUSTER_JVM_HEAP, ...labJvmPerformance(options.lifetime ?? 'run'), ...useClassArchive(archive), ...logging.flags, '-cp', classpath, 'kafka.Kafka'];
    const start = (node: Node) => {
      // The guardian removes this dir when the JVM goes; the node's log lives beside it, for a restart.
      const guardDir = join(node.dir, `run-${randomBytes(4).toString('hex')}`);
      mkdirSync(guardDir);
      return startGuarded({
        label: node.role === 'controller' ? 'The Kafka controller' : `Kafka broker ${node.id}`,
        command: javaCommand(),
        args: [...jvm, join(node.dir, 'server.properties')],
        dataDir: guardDir,
        readyLine: READY_LINE,
        timeoutMs: START_TIMEOUT_MS,
      }).then((server) => {
        node.server = server;
        node.gone = undefined;
        void server.exited.then((why) => {
          node.gone = why;
          reportExit(why);
        });
      });
    };
    // Every start settles before a failure is reported, so stopAll() finds every JVM that did start.
    const starts = await timed('cluster: JVMs start until ready', () => Promise.allSettled(nodes.map(start)));
    const failed = starts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const bootstrap = nodes.filter((n) => n.role === 'broker').map((n) => n.listener).join(',');
    await timed('cluster: every broker registered', () => waitForBrokers(bootstrap, brokers, REJOIN_TIMEOUT_MS));
    // The offsets topic exists from here on, so a scenario can tell which broker coordinates groups.
    await timed('cluster: group coordinator warm-up', () =>
      warmGroupCoordinator(bootstrap).catch((error) => {
        throw new EnvironmentError(`The lab cluster started, but its group coordinator does not answer: ${errorMessage(error)}`);
      }),
    );
    progress.done();

    const broker = (id: number): Node => {
      const node = nodes.find((n) => n.role === 'broker' && n.id === id);
      if (!node) throw new Error(`no broker ${id} in this cluster`);
      return node;
    };
    const crashed = new Set<number>();
    // A crashed broker, or one that exited on its own, gets no signal: its pid is gone, or already someone else's.
    const signal = (id: number, sig: NodeJS.Signals) => {
      const node = broker(id);
      if (crashed.has(id) || node.gone) {
        if (sig === 'SIGCONT') return;
        throw new EnvironmentError(`Kafka broker ${id} is not running, so it cannot be stalled${node.gone ? `: ${node.gone}` : ''}`);
      }
      const pid = node.server?.pid;
      if (pid === undefined) throw new EnvironmentError(`Kafka broker ${id}: the guardian did not report its pid, so it cannot be signalled`);
      try {
        process.kill(pid, sig);
      } catch {
        // It exited between the check and the signal: its exit is reported through `exited`.
      }
    };
    const restart = async (id: number) => {
      // After a Ctrl-C the cleanups are stopping everything: start nothing new.
      if (!crashed.has(id) || cleanupsRunning()) return;
      await start(broker(id));
      crashed.delete(id);
      await waitForBrokers(broker(id).listener, brokers, REJOIN_TIMEOUT_MS);
    };
    const control: ClusterControl = {
      brokerIds: nodes.filter((n) => n.role === 'broker').map((n) => n.id),
      addressOf: (id) => broker(id).listener,
      stall: (id) => signal(id, 'SIGSTOP'),
      resume: (id) => signal(id, 'SIGCONT'),
      crash: async (id) => {
        crashed.add(id);
        await broker(id).server?.crash();
      },
      restart,
      down: () => [...crashed],
      restore: async () => {
        for (const id of control.brokerIds) signal(id, 'SIGCONT');
        const dead = nodes.find((n) => n.gone);
        if (dead) throw new EnvironmentError(`the lab cluster lost ${dead.role === 'controller' ? 'its controller' : `broker ${dead.id}`}: ${dead.gone}`);
        for (const id of [...crashed]) await restart(id);
        await waitForBrokers(bootstrap, brokers, REJOIN_TIMEOUT_MS);
      },
    };
    return {
      bootstrap,
      provider: 'local',
      kafkaVersion: version,
      description: `Apache Kafka ${version}, local JVMs (KRaft: one controller, ${brokers} brokers)`,
      stop: stopAll,
      exited,
      control,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Polls until the cluster counts `count` live brokers (a broker is live once the controller unfenced it). */
async function waitForBrokers(bootstrap: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  for (;;) {
    last = await liveBrokerIds(bootstrap).then((ids) => ids.length, () => last);
    if (last >= count) return;
    if (Date.now() >= deadline) throw new EnvironmentError(`the cluster counted ${last} of ${count} brokers after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Formats every node's storage with one cluster id. As for one broker, the result depends on neither
 * ports nor paths, so it is made once per version and size and copied: four JVM starts saved per run.
 */
async function formatClusterStorage(classpath: string, nodes: Node[], logging: LoggingConfig, version: string, brokers: number): Promise<void> {
  const useTemplate = !process.env.KAFKA_HOME;
  const template = join(cacheDirFor(version), `formatted-cluster-${brokers}`);
  const files = ['meta.properties', 'bootstrap.checkpoint'];
  const templateOf = (node: Node, at = template) => join(at, `node-${node.id}`);
  if (useTemplate && nodes.every((n) => files.every((f) => existsSync(join(templateOf(n), f))))) {
    for (const n of nodes) for (const f of files) copyFileSync(join(templateOf(n), f), join(n.dir, 'data', f));
    return;
  }
  const clusterId = newClusterId(randomBytes(16));
  await Promise.all(
    nodes.map(async (n) => {
      const args = [...logging.flags, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', join(n.dir, 'server.properties')];
      const { code, output } = await runJava(args, 60_000);
      if (code !== 0) throw new EnvironmentError(`Formatting the storage of cluster node ${n.id} failed: ${lastLines(output, 3)}`);
    }),
  );
  if (!useTemplate) return;
  const staging = `${template}.${process.pid}`;
  for (const n of nodes) {
    mkdirSync(templateOf(n, staging), { recursive: true });
    for (const f of files) copyFileSync(join(n.dir, 'data', f), join(templateOf(n, staging), f));
  }
  rmSync(template, { recursive: true, force: true });
  renameSync(staging, template);
}
