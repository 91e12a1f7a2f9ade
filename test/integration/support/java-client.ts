// Runs the plain Java producer in test/fixtures (Apache kafka-clients from the lab's own Kafka cache).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cachedClasspath } from '../../../src/broker/artifacts.js';
import { DEFAULT_KAFKA_VERSION } from '../../../src/broker/versions.js';
import { javaCommand } from '../../../src/broker/local.js';
import { packageRoot } from '../../../src/core/paths.js';

export function javaProducer(bootstrap: string, topic: string, count: number, idempotent: boolean): Promise<{ acked: number; failed: number }> {
  const classpath = cachedClasspath(DEFAULT_KAFKA_VERSION);
  if (!classpath) throw new Error('no cached Kafka classpath: start a local broker first');
  const source = join(packageRoot(), 'test', 'fixtures', 'LabJavaProducer.java');
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), ['-cp', classpath, source, bootstrap, topic, String(count), String(idempotent)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', () => {
      clearTimeout(timer);
      const match = /acked=(\d+) failed=(\d+)/.exec(out);
      if (!match) reject(new Error(`the Java producer printed no result: ${out.slice(-500)}`));
      else resolve({ acked: Number(match[1]), failed: Number(match[2]) });
    });
  });
}
