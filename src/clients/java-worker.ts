// The Apache Kafka Java client in the lab's worker processes (java/workers/: LabConsumer, LabTransformer): classpath, JDBC drivers, arguments, JVM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDirFor, cachedClasspath, pomWith, resolvePomClasspath, type MavenArtifact } from '../broker/artifacts.js';
import { javaCommand } from '../broker/local.js';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { createProgress, type Progress } from '../core/progress.js';
import { packageRoot } from '../core/paths.js';
import type { BaseWorkerConfig, TransformConfig, WorkerConfig } from '../workload/worker-protocol.js';
import { javaLaunch } from './java-classes.js';

/** The business database's drivers for the Java worker (Maven Central; the versions that resolved here with Java 17). */
export const JDBC_DRIVERS: MavenArtifact[] = [
  { groupId: 'org.xerial', artifactId: 'sqlite-jdbc', version: '3.54.1.0' },
  { groupId: 'org.postgresql', artifactId: 'postgresql', version: '42.7.14' },
];
const DRIVERS_FILE = 'java-worker-drivers.txt';

let drivers: Promise<string> | undefined;

/** The drivers' classpath: cached beside the Kafka jars, fetched with Maven on first use (once per lab process). */
export function jdbcDriversClasspath(progress: Progress = createProgress()): Promise<string> {
  const cached = cachedClasspath(DEFAULT_KAFKA_VERSION, DRIVERS_FILE);
  if (cached) return Promise.resolve(cached);
  drivers ??= resolvePomClasspath(
    cacheDirFor(DEFAULT_KAFKA_VERSION),
    'java-worker-pom.xml',
    pomWith('java-worker-drivers', DEFAULT_KAFKA_VERSION, JDBC_DRIVERS),
    DRIVERS_FILE,
    { name: 'the JDBC drivers of the Java worker (SQLite, PostgreSQL)', notFound: 'the JDBC drivers of the Java worker could not be found on Maven Central.' },
    progress,
  ).finally(() => (drivers = undefined));
  return drivers;
}

/**
 * Kafka's jars, then the drivers' jars of artifacts Kafka does not already bring (one slf4j-api, Kafka's, so its
 * logging binding matches). A Maven jar sits in <group>/<artifact>/<version>/: the artifact is two folders up.
 */
export function workerClasspath(kafka: string, driverJars: string): string {
  const artifact = (jar: string) => dirname(dirname(jar));
  const present = new Set(kafka.split(':').map(artifact));
  return [...kafka.split(':'), ...driverJars.split(':').filter((jar) => jar && !present.has(artifact(jar)))].join(':');
}

/** The consumer worker's settings as LabConsumer's key=value arguments (WorkerSettings.java reads them). */
export function javaWorkerArguments(config: WorkerConfig): string[] {
  return keyValues({
    ...groupArguments(config),
    commit: config.commit,
    dedup: config.dedup,
    dedupWindow: config.dedupWindow,
    handoffDelayMs: config.handoffDelayMs,
    ...jdbcArguments(config.sink),
    ...redisArguments(config.redisUrl),
    redisPrefix: config.redisPrefix,
  });
}

/** The transform worker's settings as LabTransformer's arguments; for dual-write, its business database too. */
export function javaTransformerArguments(config: TransformConfig): string[] {
  if (config.database !== 'none' && !config.sink) throw new Error(`the transform worker's database write (${config.database}) needs a business database`);
  return keyValues({
    ...groupArguments(config),
    outputTopic: config.outputTopic,
    output: config.output,
    transactionalId: config.transactionalId,
    transactionTimeout: config.transactionTimeout,
    database: config.database,
    ...(config.sink ? jdbcArguments(config.sink) : {}),
  });
}

/** What every worker gets: who it is, what it consumes, its group timing, its stop point. */
function groupArguments(config: BaseWorkerConfig): Record<string, string | number | undefined> {
  return {
    workerId: config.workerId,
    bootstrap: config.bootstrap,
    topic: config.topic,
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeout,
    heartbeatInterval: config.heartbeatInterval,
    maxBytesPerPartition: config.maxBytesPerPartition,
    stopBatch: config.stopAt?.batch,
    stopFraction: config.stopAt?.fraction,
    stopAction: config.stopAt?.action,
    stopPlace: config.stopAt?.place,
  };
}

function keyValues(args: Record<string, string | number | undefined>): string[] {
  return Object.entries(args).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}

function jdbcArguments(sink: WorkerConfig['sink']): Record<string, string> {
  if (sink.kind === 'sqlite') return { dbUrl: `jdbc:sqlite:${sink.file}` };
  const url = new URL(sink.url);
  const port = url.port ? `:${url.port}` : '';
  return {
    dbUrl: `jdbc:postgresql://${url.hostname}${port}${url.pathname}`,
    dbUser: decodeURIComponent(url.username),
    dbPassword: decodeURIComponent(url.password),
    dbSchema: sink.schema,
  };
}

function redisArguments(redisUrl: string | undefined): Record<string, string> {
  if (!redisUrl) return {};
  const url = new URL(redisUrl);
  return {
    redisHost: url.hostname,
    redisPort: url.port || '6379',
    redisPassword: decodeURIComponent(url.password),
    redisDatabase: url.pathname.replace(/^\//, '') || '0',
  };
}

export type JavaWorkerProgram = 'LabConsumer' | 'LabTransformer';

/**
 * A worker's JVM, the programs' classes compiled once into the cache; stdin and stdout carry the worker protocol.
 * A worker that writes the business database also gets the JDBC drivers (fetched on first use).
 */
export async function spawnJavaWorker(program: JavaWorkerProgram, args: string[], withDatabase: boolean): Promise<ChildProcess> {
  const kafka = cachedClasspath(DEFAULT_KAFKA_VERSION);
  if (!kafka) throw new Error(`the Java worker needs the Kafka ${DEFAULT_KAFKA_VERSION} jars in the lab's cache: run "npx kafka-dup-lab prepare --broker local" first`);
  const sources = join(packageRoot(), 'java', 'workers');
  const main = `${program}.java`;
  const files = readdirSync(sources)
    .filter((f) => f.endsWith('.java'))
    .sort((a, b) => Number(b === main) - Number(a === main) || a.localeCompare(b))
    .map((f) => join(sources, f));
  const launch = await javaLaunch(files, kafka, DEFAULT_KAFKA_VERSION);
  const classpath = withDatabase ? workerClasspath(launch.classpath, await jdbcDriversClasspath()) : launch.classpath;
  return spawn(javaCommand(), ['-cp', classpath, launch.main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}
