// `kafka-dup-lab proxy` driven by clients other than the lab's: the Apache Java producer and kcat (librdkafka).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/broker/provider.js';
import { createTopics, readTopic } from '../../src/kafka/client.js';
import { startTestBroker } from './support/broker.js';
import { CLI } from './support/cli.js';
import { javaProducer } from './support/java-client.js';
import { kcatAvailable, kcatValues } from './support/kcat.js';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

interface ProxyProcess {
  child: ChildProcess;
  bootstrap: string;
  output: () => string;
}

async function startProxyCommand(args: string[]): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [CLI, 'proxy', '--target', broker.bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start: ${output}`)), 20_000);
    const check = () => {
      const match = /clients connect to: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
  });
  return { child, bootstrap, output: () => output };
}

async function stop(proxy: ProxyProcess): Promise<number | null> {
  proxy.child.kill('SIGINT');
  return new Promise((resolve) => proxy.child.on('exit', (code) => resolve(code)));
}

async function copies(topic: string): Promise<{ records: number; duplicates: number }> {
  const { records } = await readTopic(broker.bootstrap, topic, { isolation: 'read_committed', timeoutMs: 15_000 });
  const ids = records.map((r) => (JSON.parse(r.value ?? '{}') as { id: string }).id);
  return { records: ids.length, duplicates: ids.length - new Set(ids).size };
}

describe('proxy command with the Apache Java producer', () => {
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyCommand(['--drop-acks-every', '20']);
  });
  afterAll(async () => {
    if (proxy) await stop(proxy);
  });

  it('without idempotence, lost acks become duplicates', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-java-plain', partitions: 1 }]);
    const result = await javaProducer(proxy.bootstrap, 'proxy-java-plain', 100, false);
    const read = await copies('proxy-java-plain');
    expect(proxy.output()).toMatch(/drop-response +Produce #20: response dropped/);
    expect(read.duplicates).toBeGreaterThan(0);
    expect(read.records).toBeGreaterThan(result.acked - 1);
  });

  it('the Java idempotent producer neither duplicates nor loses through the same faults', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-java-idempotent', partitions: 1 }]);
    const faultsBefore = (proxy.output().match(/drop-response/g) ?? []).length;
    const result = await javaProducer(proxy.bootstrap, 'proxy-java-idempotent', 100, true);
    expect((proxy.output().match(/drop-response/g) ?? []).length).toBeGreaterThan(faultsBefore);
    expect(result).toEqual({ acked: 100, failed: 0 });
    expect(await copies('proxy-java-idempotent')).toEqual({ records: 100, duplicates: 0 });
  });
});

describe.runIf(kcatAvailable)('proxy command with kcat (librdkafka), where kcat is installed', () => {
  it('a pass-through proxy keeps kcat on itself (Metadata rewritten) and serves the whole topic', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-kcat', partitions: 2 }]);
    await javaProducer(broker.bootstrap, 'proxy-kcat', 50, true);
    const proxy = await startProxyCommand(['--api', 'fetch', '--delay-ms', '20']);
    try {
      const values = kcatValues(proxy.bootstrap, 'proxy-kcat');
      expect(values).toHaveLength(50);
    } finally {
      expect(await stop(proxy)).toBe(0);
    }
    // kcat ran synchronously, so the proxy's output is read once it has exited.
    expect(proxy.output()).toMatch(/delay +Fetch #1: held for 20 ms/);
    expect(proxy.output()).toMatch(/proxy stopped; requests seen: .*Fetch \d+/);
  });
});

describe('proxy command errors', () => {
  it('rejects contradictory options with exit 2 and one line', async () => {
    const child = spawn(process.execPath, [CLI, 'proxy', '--target', broker.bootstrap, '--drop-acks-every', '3', '--drop-acks-percent', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('kafka-dup-lab: --drop-acks-every and --drop-acks-percent: pick one');
  });
});
