// The `local` provider: a real single-node Apache Kafka (KRaft) in a child JVM, from Maven Central artifacts or KAFKA_HOME.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError } from '../core/errors.js';
import { compiledScript } from '../core/paths.js';
import { makeTempDir } from '../core/temp.js';
import type { Progress } from '../core/progress.js';
import { cacheDirFor, findKafkaClasspath } from './artifacts.js';
import { kraftServerProperties, newClusterId, toPropertiesFile } from './broker-settings.js';
import { freePort } from './ports.js';
import type { RunningBroker } from './provider.js';
import { parseKafkaVersion } from './versions.js';

const START_TIMEOUT_MS = 90_000;
const READY_LINE = 'Kafka Server started';
const NODE_ID = 1;

/** A modest heap and a collector that starts quickly on two cores. */
const JVM_OPTIONS = ['-Xms256m', '-Xmx1g', '-XX:+UseParallelGC', '-Djava.awt.headless=true'];

export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export async function startLocalBroker(version: string, progress: Progress): Promise<RunningBroker> {
  const { classpath, source } = await findKafkaClasspath(version, progress);
  const dataDir = makeTempDir('broker');
  const unregisterDir = onCleanup('broker data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const logDir = join(dataDir, 'data');
    mkdirSync(logDir);
    const props = kraftServerProperties({
      nodeId: NODE_ID,
      listener: `127.0.0.1:${port}`,
      advertised: `127.0.0.1:${port}`,
      controller: `127.0.0.1:${controllerPort}`,
      logDir,
    });
    writeFileSync(join(dataDir, 'server.properties'), toPropertiesFile(props));
    const logging = writeLoggingConfig(dataDir, version);
    progress.step(`Starting Apache Kafka ${version} (local JVM)`);
    await formatStorage(classpath, dataDir, logDir, logging, version, !process.env.KAFKA_HOME);
    const broker = await launch(classpath, dataDir, logging);
    unregisterDir();
    progress.done();
    return {
      bootstrap: `127.0.0.1:${port}`,
      provider: 'local',
      kafkaVersion: version,
      description: `Apache Kafka ${version}, local JVM (KRaft, one node${process.env.KAFKA_HOME ? `, from ${source}` : ''})`,
      stop: broker.stop,
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    unregisterDir();
    throw error;
  }
}

type LoggingConfig = { flag: string };

/** Only warnings, plus the one INFO line that says the broker is ready. */
function writeLoggingConfig(dataDir: string, version: string): LoggingConfig {
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
    return { flag: `-Dlog4j2.configurationFile=${file} -Dlog4j.configuration=file:${legacy}` };
  }
  const file = join(dataDir, 'log4j.properties');
  writeFileSync(file, legacyLog4j());
  return { flag: `-Dlog4j.configuration=file:${file}` };
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
    ...logging.flag.split(' '),
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    newClusterId(randomBytes(16)),
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

function runJava(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
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

async function launch(classpath: string, dataDir: string, logging: LoggingConfig): Promise<{ stop: () => Promise<void> }> {
  const javaArgs = [...JVM_OPTIONS, ...logging.flag.split(' '), '-cp', classpath, 'kafka.Kafka', join(dataDir, 'server.properties')];
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    process.execPath,
    [compiledScript('broker/guardian.js'), dataDir, javaCommand(), ...javaArgs],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));

  const stop = async () => {
    unregister();
    if (exited) return;
    child.stdin.end(); // the guardian kills the JVM and removes the data dir
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitedPromise;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const unregister = onCleanup('local broker', stop);

  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        output.push(line);
        if (output.length > 200) output.shift();
        if (line.includes(READY_LINE)) resolve();
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.on('exit', (code) =>
      reject(new EnvironmentError(`The Kafka broker exited during start-up (code ${code}): ${lastLines(output.join('\n'), 3)}`)),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EnvironmentError(`The Kafka broker was not ready after ${START_TIMEOUT_MS / 1000} s: ${lastLines(output.join('\n'), 3)}`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining the pipes so a chatty broker never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return { stop };
}

function lastLines(text: string, n: number): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-n).join(' | ') || 'no output';
}
