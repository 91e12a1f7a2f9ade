// Runs the plain Java producer and consumer in test/fixtures (Apache kafka-clients from the lab's own Kafka cache).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cachedClasspath } from '../../../src/broker/artifacts.js';
import { DEFAULT_KAFKA_VERSION } from '../../../src/broker/versions.js';
import { javaCommand } from '../../../src/broker/local.js';
import { packageRoot } from '../../../src/core/paths.js';

/** Runs a fixture with the JDK's source launcher; resolves with everything it printed. */
function runJava(fixture: string, args: string[]): Promise<string> {
  const classpath = cachedClasspath(DEFAULT_KAFKA_VERSION);
  if (!classpath) throw new Error('no cached Kafka classpath: start a local broker first');
  const source = join(packageRoot(), 'test', 'fixtures', fixture);
  return new Promise((resolve) => {
    const child = spawn(javaCommand(), ['-cp', classpath, source, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export async function javaProducer(bootstrap: string, topic: string, count: number, idempotent: boolean): Promise<{ acked: number; failed: number }> {
  const out = await runJava('LabJavaProducer.java', [bootstrap, topic, String(count), String(idempotent)]);
  const match = /acked=(\d+) failed=(\d+)/.exec(out);
  if (!match) throw new Error(`the Java producer printed no result: ${out.slice(-500)}`);
  return { acked: Number(match[1]), failed: Number(match[2]) };
}

/** Every offset the Java consumer's poll() returned for the partition, read from the beginning up to `end`. */
export async function javaConsumerOffsets(bootstrap: string, topic: string, partition: number, end: number): Promise<number[]> {
  const out = await runJava('LabJavaConsumer.java', [bootstrap, topic, String(partition), String(end)]);
  const total = /records=(\d+)/.exec(out);
  if (!total) throw new Error(`the Java consumer printed no result: ${out.slice(-500)}`);
  const offsets = [...out.matchAll(/offset=(\d+)/g)].map((m) => Number(m[1]));
  if (offsets.length !== Number(total[1])) throw new Error(`the Java consumer printed ${offsets.length} offsets for records=${total[1]}`);
  return offsets;
}

/** A Java consumer's commitSync through `via` with a short timeout, and what the broker then has for the group. */
export async function javaCommit(via: string, broker: string, topic: string, group: string, offset: number, timeoutMs: number): Promise<{ commit: string; committed: string }> {
  const out = await runJava('LabJavaCommit.java', [via, broker, topic, group, String(offset), String(timeoutMs)]);
  const commit = /commit=(\S+)/.exec(out);
  const committed = /committed=(\S+)/.exec(out);
  if (!commit || !committed) throw new Error(`the Java commit printed no result: ${out.slice(-500)}`);
  return { commit: commit[1]!, committed: committed[1]! };
}
