// The Apache Kafka Java producer (kafka-clients, the broker's version, from the lab's Maven cache) behind the producer interface: a JVM per run.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { cachedClasspath } from '../broker/artifacts.js';
import { javaCommand } from '../broker/local.js';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { onCleanup } from '../core/cleanup.js';
import { packageRoot } from '../core/paths.js';
import type { SendOutcome } from '../core/types.js';
import { encodeMessage } from '../workload/messages.js';
import type { ProduceRun, ProducerSettings } from '../workload/producer-workload.js';
import { javaLaunch } from './java-classes.js';
import type { ProducerClient } from './producer-client.js';

/** kafka-clients' own defaults where a variant sets nothing: 5 requests in flight, a 30 s request timeout. */
const JAVA_MAX_IN_FLIGHT = 5;
const JAVA_REQUEST_TIMEOUT_MS = 30_000;
/** delivery.timeout.ms over request.timeout.ms in kafka-clients' defaults: 120 s / 30 s. */
const JAVA_DELIVERY_PER_REQUEST = 4;
/** A run whose JVM has not finished by then is killed: the sends' own timeouts end far sooner. */
const RUN_LIMIT_MS = 180_000;

/** The producer properties the lab sets for the settings, in LabProducer.java's argument order. */
function javaProperties(settings: ProducerSettings): Record<string, string> {
  return {
    acks: settings.acks === undefined || settings.acks === -1 ? 'all' : String(settings.acks),
    'enable.idempotence': String(settings.idempotent),
    retries: String(settings.retries),
    'max.in.flight.requests.per.connection': String(settings.maxInFlight ?? JAVA_MAX_IN_FLIGHT),
    'request.timeout.ms': String(settings.requestTimeout ?? JAVA_REQUEST_TIMEOUT_MS),
    // A variant that shortens the request timeout (a lost request) shortens the whole send too: with retries, in
    // the defaults' proportion (120 s / 30 s: one extra second was too tight on a busy machine, and sends queued
    // behind a lost request expired instead of being retried); without, one request's wait and a second: at exactly
    // one wait the batches expire before the request times out, the connection stays up, and the sends behind fail too.
    'delivery.timeout.ms': String(deliveryTimeoutMs(settings)),
  };
}

function deliveryTimeoutMs(settings: ProducerSettings): number {
  if (settings.requestTimeout === undefined) return 120_000;
  return settings.retries > 0 ? settings.requestTimeout * JAVA_DELIVERY_PER_REQUEST : settings.requestTimeout + 1_000;
}

function javaVersion(): string | null {
  const probe = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0) return null;
  return /version "([^"]+)"/.exec(probe.stderr)?.[1] ?? 'unknown';
}

export const javaProducer: ProducerClient = {
  name: 'java',
  async library() {
    return `kafka-clients ${DEFAULT_KAFKA_VERSION} (Java ${javaVersion() ?? 'missing'})`;
  },
  async unavailable() {
    if (!javaVersion()) return 'the Java client needs a JDK 17+ (java on PATH, or JAVA_HOME)';
    // Its programs are compiled once (java-classes.ts); a JRE has neither javac nor the source launcher's compiler.
    if (spawnSync(join(dirname(javaCommand()) === '.' ? '' : dirname(javaCommand()), 'javac'), ['-version'], { stdio: 'ignore', timeout: 10_000 }).status !== 0) {
      return 'the Java client needs a JDK with javac, not only a JRE (java on PATH, or JAVA_HOME)';
    }
    if (!cachedClasspath(DEFAULT_KAFKA_VERSION)) return `the Java client needs the Kafka ${DEFAULT_KAFKA_VERSION} jars in the lab's cache: run "npx kafka-dup-lab prepare --broker local" (Maven) first`;
    return null;
  },
  settingsFor(settings) {
    const props = Object.entries(javaProperties(settings)).map(([k, v]) => `${k}=${v}`);
    return [...props, 'linger.ms=0, batch.size=1, retry.backoff.ms=300   # one record per request; the lab\'s retry wait'];
  },
  produce: (run) => produceWithJava(run),
};

async function produceWithJava(run: ProduceRun): Promise<number> {
  const classpath = cachedClasspath(DEFAULT_KAFKA_VERSION);
  if (!classpath) throw new Error(`no Kafka ${DEFAULT_KAFKA_VERSION} jars in the lab's cache`);
  const p = javaProperties(run.settings);
  const args = [run.via, run.topic, run.clientId, p.acks!, p['enable.idempotence']!, p.retries!, p['max.in.flight.requests.per.connection']!, String(run.settings.concurrency), p['request.timeout.ms']!, p['delivery.timeout.ms']!];
  const launch = await javaLaunch(join(packageRoot(), 'java', 'LabProducer.java'), classpath, DEFAULT_KAFKA_VERSION);
  const child = spawn(javaCommand(), ['-cp', launch.classpath, launch.main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const unregister = onCleanup('Java producer', () => {
    child.kill('SIGKILL');
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2_000)));
  let elapsed: number | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const done = /^done (\d+)$/.exec(line);
    if (done) {
      elapsed = Number(done[1]);
      return;
    }
    const sent = /^(\d+) (ok|unknown|failed)(?: (.*))?$/.exec(line);
    const message = sent ? run.messages[Number(sent[1])] : undefined;
    if (!sent || !message) return;
    const outcome = sent[2] as SendOutcome;
    run.history?.add({ type: 'send', ...message, outcome, ...(sent[3] ? { error: sent[3] } : {}) });
  });
  child.stdin.end(run.messages.map((m) => `${m.key}\t${encodeMessage(m)}\n`).join(''));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(limit);
  unregister();
  if (code !== 0 || elapsed === undefined) throw new Error(`the Java producer ended with ${code ?? 'a signal'}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
  return elapsed;
}
