// The `local` provider: a real single-node Apache Kafka (KRaft) in a child JVM, from Maven Central artifacts or KAFKA_HOME.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { lastLines, startGuarded } from '../core/guarded-process.js';
import { makeTempDir } from '../core/temp.js';
import type { Progress } from '../core/progress.js';
import { timed } from '../core/timings.js';
import { createKafka, createProducer, createTopics, readTopic, warmGroupCoordinator, warmTransactionCoordinator } from '../kafka/client.js';
import { cacheDirFor, findKafkaClasspath } from './artifacts.js';
import { classArchiveFile, makeClassArchive, useClassArchive } from './class-archive.js';
import { LAB_JVM_HEAP, kraftServerProperties, labJvmPerformance, newClusterId, toPropertiesFile, type BrokerLifetime } from './broker-settings.js';
import { freePort, portFree } from './ports.js';
import type { RunningBroker } from './provider.js';
import type { ShareSettings } from './share.js';
import { parseKafkaVersion } from './versions.js';

export const START_TIMEOUT_MS = 90_000;
export const READY_LINE = 'Kafka Server started';
const NODE_ID = 1;

const jvmOptions = (lifetime: BrokerLifetime) => [...LAB_JVM_HEAP, ...labJvmPerformance(lifetime)];

export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export async function startLocalBroker(
  version: string,
  progress: Progress,
  options: { port?: number; share?: ShareSettings; lifetime?: BrokerLifetime } = {},
): Promise<RunningBroker> {
  if (options.port !== undefined && !(await portFree(options.port))) {
    throw new UsageError(`port ${options.port} is already in use on this machine; pick another with --port, or leave --port out for a free one`);
  }
  const { classpath, source } = await timed('broker: jars', () => findKafkaClasspath(version, progress));
  const archive = await timed('broker: class archive', () => ensureClassArchive(classpath, version, progress));
  const dataDir = makeTempDir('broker');
  const unregisterDir = onCleanup('broker data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const port = options.port ?? (await freePort());
    // Loopback only, unless the broker is for the whole room (--share): then every interface, and the LAN address advertised.
    const host = options.share?.advertise ?? '127.0.0.1';
    const { logging } = await timed('broker: config and storage', () => writeConfigAndFormat(classpath, dataDir, { listener: `${options.share ? '0.0.0.0' : '127.0.0.1'}:${port}`, advertised: `${host}:${port}` }, version, progress));
    const javaArgs = [...jvmOptions(options.lifetime ?? 'run'), ...useClassArchive(archive), ...logging.flags, '-cp', classpath, 'kafka.Kafka', join(dataDir, 'server.properties')];
    const broker = await timed('broker: JVM start until ready', () => startGuarded({
      label: 'The Kafka broker',
      command: javaCommand(),
      args: javaArgs,
      dataDir,
      readyLine: READY_LINE,
      timeoutMs: START_TIMEOUT_MS,
    }));
    unregisterDir();
    progress.done();
    return {
      bootstrap: `${host}:${port}`,
      provider: 'local',
      kafkaVersion: version,
      description: `Apache Kafka ${version}, local JVM (KRaft, one node${process.env.KAFKA_HOME ? `, from ${source}` : ''})`,
      stop: broker.stop,
      exited: broker.exited,
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    unregisterDir();
    throw error;
  }
}

/**
 * Everything a local broker needs before its first start, fetched and made once: the jars (Maven
 * Central) and the formatted-storage template. Afterwards a start needs no network.
 */
export async function prepareLocalBroker(version: string, progress: Progress): Promise<string> {
  const { classpath, source } = await findKafkaClasspath(version, progress);
  const dataDir = makeTempDir('prepare');
  const unregisterDir = onCleanup('prepare dir', () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const port = await freePort();
    await writeConfigAndFormat(classpath, dataDir, { listener: `127.0.0.1:${port}`, advertised: `127.0.0.1:${port}` }, version, progress);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    unregisterDir();
  }
  await ensureClassArchive(classpath, version, progress);
  progress.done();
  return source;
}

/**
 * The broker's class-data archive for this Kafka version and Java build, made on first need (about
 * ten seconds, once); undefined with KAFKA_HOME (a user's own install may change under it) or when it
 * cannot be made, and the broker then starts without one.
 */
export async function ensureClassArchive(classpath: string, version: string, progress: Progress): Promise<string | undefined> {
  if (process.env.KAFKA_HOME) return undefined;
  const file = classArchiveFile(version, javaCommand());
  if (!file || existsSync(file)) return file;
  progress.step(`Making a class-data archive of the Kafka ${version} broker (once; later starts are about a second faster)`);
  const dataDir = makeTempDir('class-archive');
  const unregisterDir = onCleanup('class archive dir', () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const { logging } = await writeConfigAndFormat(classpath, dataDir, { listener: bootstrap, advertised: bootstrap }, version, progress);
    const made = await makeClassArchive({
      file,
      java: javaCommand(),
      args: [...jvmOptions('run'), ...logging.flags, '-cp', classpath, 'kafka.Kafka', join(dataDir, 'server.properties')],
      readyLine: READY_LINE,
      // What every run asks of a new broker, so those classes are in the archive too.
      whenReady: async () => {
        await warmGroupCoordinator(bootstrap);
        await warmTransactionCoordinator(bootstrap);
        const topic = 'kafka-dup-lab-class-archive';
        await createTopics(bootstrap, [{ name: topic, partitions: 1 }]);
        const producer = createProducer(createKafka(bootstrap, { clientId: 'kafka-dup-lab-class-archive' }), { idempotent: true });
        await producer.connect();
        await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
        await producer.disconnect();
        await readTopic(bootstrap, topic, { isolation: 'read_committed', timeoutMs: 10_000 });
      },
      timeoutMs: START_TIMEOUT_MS,
    });
    return made ? file : undefined;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    unregisterDir();
  }
}

/** Writes server.properties and the logging settings into dataDir and formats its storage. */
async function writeConfigAndFormat(classpath: string, dataDir: string, at: { listener: string; advertised: string }, version: string, progress: Progress) {
  const logDir = join(dataDir, 'data');
  mkdirSync(logDir);
  const props = kraftServerProperties({
    nodeId: NODE_ID,
    listener: at.listener,
    advertised: at.advertised,
    controller: `127.0.0.1:${await freePort()}`,
    logDir,
  });
  writeFileSync(join(dataDir, 'server.properties'), toPropertiesFile(props));
  const logging = writeLoggingConfig(dataDir, version);
  progress.step(`Starting Apache Kafka ${version} (local JVM)`);
  await formatStorage(classpath, dataDir, logDir, logging, version, !process.env.KAFKA_HOME);
  return { logging };
}

/** JVM flags that point the broker at its logging settings (an array: paths may hold spaces). */
export type LoggingConfig = { flags: string[] };

/** Only warnings, plus the one INFO line that says the broker is ready. */
export function writeLoggingConfig(dataDir: string, version: string): LoggingConfig {
  const line = parseKafkaVersion(version);
  if (process.env.KAFKA_HOME || (line && line.major >= 4)) {
    const file = join(dataDir, 'log4j2.properties');
    writeFileSync(
      file,
      [
        'status = error',
        'appender.out.type = Console',
        'appender.out.name = OUT',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = WARN',
        'rootLogger.appenderRef.out.ref = OUT',
        'logger.ready.name = kafka.server.KafkaRaftServer',
        'logger.ready.level = INFO',
        '',
      ].join('\n'),
    );
    // Kafka 3.9 from KAFKA_HOME reads log4j 1 settings: give it both, it ignores the other.
    const legacy = join(dataDir, 'log4j.properties');
    writeFileSync(legacy, legacyLog4j());
    return { flags: [`-Dlog4j2.configurationFile=${file}`, `-Dlog4j.configuration=file:${legacy}`] };
  }
  const file = join(dataDir, 'log4j.properties');
  writeFileSync(file, legacyLog4j());
  return { flags: [`-Dlog4j.configuration=file:${file}`] };
}

function legacyLog4j(): string {
  return [
    'log4j.rootLogger=WARN, out',
    'log4j.appender.out=org.apache.log4j.ConsoleAppender',
    'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
}

/**
 * Formats the KRaft storage. The result (meta.properties, bootstrap.checkpoint) does not depend on
 * ports or paths, so it is made once per version and copied: that saves a JVM start per run.
 */
async function formatStorage(
  classpath: string,
  dataDir: string,
  logDir: string,
  logging: LoggingConfig,
  version: string,
  useTemplate: boolean,
): Promise<void> {
  const template = join(cacheDirFor(version), 'formatted-storage');
  const files = ['meta.properties', 'bootstrap.checkpoint'];
  if (useTemplate && files.every((f) => existsSync(join(template, f)))) {
    for (const f of files) copyFileSync(join(template, f), join(logDir, f));
    return;
  }
  const args = [
    ...logging.flags,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${newClusterId(randomBytes(16))}`,
    '-c',
    join(dataDir, 'server.properties'),
  ];
  const { code, output } = await runJava(args, 60_000);
  if (code !== 0) throw new EnvironmentError(`Formatting Kafka storage failed: ${lastLines(output, 3)}`);
  if (!useTemplate) return;
  const staging = `${template}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  for (const f of files) copyFileSync(join(logDir, f), join(staging, f));
  rmSync(template, { recursive: true, force: true });
  renameSync(staging, template);
}

export function runJava(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const unregister = onCleanup('java', () => {
      child.kill('SIGKILL');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      unregister();
      reject(error.code === 'ENOENT' ? javaMissing() : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      unregister();
      resolve({ code: code ?? 1, output });
    });
  });
}

function javaMissing(): EnvironmentError {
  return new EnvironmentError(
    `No Java found (${javaCommand()}): the local broker needs Java 17+ (apt-get install openjdk-17-jre-headless), or use --broker container / --bootstrap.`,
  );
}
