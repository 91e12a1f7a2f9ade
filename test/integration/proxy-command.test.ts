// `kafka-dup-lab proxy` driven by clients other than the lab's: the Apache Java producer and kcat (librdkafka).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

describe('proxy command --error-after-append-every with the Apache Java producer', () => {
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyCommand(['--error-after-append-every', '20']);
  });
  afterAll(async () => {
    if (proxy) await stop(proxy);
  });
  const errorAnswers = () => (proxy.output().match(/error-response +Produce #\d+: the broker appended it; the client was told NOT_LEADER_OR_FOLLOWER/g) ?? []).length;

  it('without idempotence, each error answer is one duplicate (one record per request), and the connection stays up', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-java-error-plain', partitions: 1 }]);
    const before = errorAnswers();
    const result = await javaProducer(proxy.bootstrap, 'proxy-java-error-plain', 100, false);
    const read = await copies('proxy-java-error-plain');
    const answered = errorAnswers() - before;
    expect(answered).toBeGreaterThan(0);
    expect(result).toEqual({ acked: 100, failed: 0 });
    expect(read).toEqual({ records: 100 + answered, duplicates: answered });
    expect(proxy.output()).not.toMatch(/drop-response|connection reset/);
  });

  it('the Java idempotent producer retries with the batch\'s sequence number: no duplicate, nothing lost', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-java-error-idempotent', partitions: 1 }]);
    const before = errorAnswers();
    const result = await javaProducer(proxy.bootstrap, 'proxy-java-error-idempotent', 100, true);
    expect(errorAnswers()).toBeGreaterThan(before);
    expect(result).toEqual({ acked: 100, failed: 0 });
    expect(await copies('proxy-java-error-idempotent')).toEqual({ records: 100, duplicates: 0 });
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

describe.runIf(kcatAvailable)('proxy command --error-after-append-every with kcat -P (librdkafka), where kcat is installed', () => {
  it('librdkafka retries each error answer on the same connection: one duplicate each, where a reset would have stopped it', async () => {
    await createTopics(broker.bootstrap, [{ name: 'proxy-kcat-error', partitions: 1 }]);
    const proxy = await startProxyCommand(['--error-after-append-every', '4']);
    const lines = Array.from({ length: 12 }, (_, i) => `n${i + 1}`).join('\n') + '\n';
    let produced: ReturnType<typeof spawnSync>;
    try {
      // One message per request and one request at a time, so every 4th request is one message.
      produced = spawnSync('kcat', ['-P', '-b', proxy.bootstrap, '-t', 'proxy-kcat-error', '-X', 'batch.num.messages=1', '-X', 'linger.ms=0', '-X', 'max.in.flight=1'], { input: lines, encoding: 'utf8', timeout: 60_000 });
    } finally {
      expect(await stop(proxy)).toBe(0);
    }
    expect(produced.status, String(produced.stderr)).toBe(0);
    const answered = (proxy.output().match(/error-response +Produce #\d+: the broker appended it/g) ?? []).length;
    expect(answered).toBeGreaterThan(0);
    const values = kcatValues(broker.bootstrap, 'proxy-kcat-error');
    expect(new Set(values).size).toBe(12);
    expect(values.length).toBe(12 + answered);
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
