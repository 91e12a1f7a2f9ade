// Benchmark: produce throughput through the chaos proxy (no fault) versus straight to the broker, in one run.
// Usage: npm run bench [-- --bootstrap host:port]   (default: starts a local broker)
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ChaosProxy } from '../../src/chaos/proxy.js';
import { startLocalBroker } from '../../src/broker/local.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { connectExternal } from '../../src/broker/external.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/broker/versions.js';
import { onCleanup, runCleanups } from '../../src/core/cleanup.js';
import { packageRoot } from '../../src/core/paths.js';
import { createProgress } from '../../src/core/progress.js';
import { createKafka, createProducer, createTopics, deleteTopics, LAB_RETRY } from '../../src/kafka/client.js';
import { encodeMessage, makeMessages } from '../../src/workload/messages.js';
import { inWindows } from '../../src/core/windows.js';

const ROUNDS = 7;
const WARMUP_ROUNDS = 3;

interface Workload {
  name: string;
  /** Messages per send() call. */
  batch: number;
  sends: number;
  concurrency: number;
}

/**
 * The headline is the throughput workload (batched sends): it measures how much produce traffic the
 * proxy carries. The lab's own workload (one message per send) is printed too: there the ratio shows
 * the proxy's fixed cost per request, which on two cores competes with the client and the broker.
 */
const THROUGHPUT: Workload = { name: 'throughput: 100 messages per send, 5 sends in flight', batch: 100, sends: 300, concurrency: 5 };
const PER_REQUEST: Workload = { name: "per request: the lab's workload, 1 message per send, 5 sends in flight", batch: 1, sends: 3000, concurrency: 5 };
const WORKLOADS: Workload[] = [PER_REQUEST, THROUGHPUT];

async function produce(via: string, topic: string, w: Workload): Promise<number> {
  const kafka = createKafka(via, { clientId: 'dup-lab-bench', retry: LAB_RETRY });
  const producer = createProducer(kafka, { idempotent: false });
  await producer.connect();
  const messages = makeMessages('bench', w.batch * w.sends, 8);
  const batches = Array.from({ length: w.sends }, (_, i) => messages.slice(i * w.batch, (i + 1) * w.batch));
  const started = performance.now();
  await inWindows(batches, w.concurrency, async (batch) => {
    await producer.send({ topic, acks: -1, messages: batch.map((m) => ({ key: m.key, value: encodeMessage(m) })) });
  });
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return (w.batch * w.sends) / seconds;
}

/**
 * `kafka-dup-lab proxy` in its own process, as it runs in front of a user's own service: the proxy then
 * has a core of its own instead of sharing the client's event loop, as it does inside the lab.
 */
async function startStandaloneProxy(target: string): Promise<string> {
  const cli = join(packageRoot(), 'bin', 'kafka-dup-lab.js');
  const child = spawn(process.execPath, [cli, 'proxy', '--target', target], { stdio: ['ignore', 'pipe', 'ignore'] });
  onCleanup('standalone proxy', async () => {
    child.kill('SIGINT');
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the standalone proxy did not start within 15 s')), 15_000);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /clients connect to: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the standalone proxy exited with code ${code}`)));
  });
  return bootstrap;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Direct versus proxied rounds of one workload, after a warm-up; prints the medians and returns the ratio. */
/** With --json the figures go to stdout as one JSON line at the end, and the rest to stderr. */
const json = process.argv.includes('--json');
const say = (line: string) => (json ? console.error(line) : console.log(line));

async function compare(direct: string, proxied: string, topic: string, w: Workload, label: string): Promise<number> {
  // Warm-up, not counted: the broker's JIT needs tens of thousands of requests before its speed settles.
  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    await produce(direct, topic, w);
    await produce(proxied, topic, w);
  }
  const rates = { direct: [] as number[], proxied: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so a drift in broker speed does not favour one side.
    const order = round % 2 === 0 ? (['direct', 'proxied'] as const) : (['proxied', 'direct'] as const);
    for (const side of order) rates[side].push(await produce(side === 'direct' ? direct : proxied, topic, w));
  }
  const ratio = median(rates.proxied) / median(rates.direct);
  say(`${w.name}`);
  say(
    `  direct: ${median(rates.direct).toFixed(0)} msg/s   ${label}: ${median(rates.proxied).toFixed(0)} msg/s   ratio ${ratio.toFixed(3)}   (median of ${ROUNDS})`,
  );
  return ratio;
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--bootstrap');
  const progress = createProgress();
  const broker: RunningBroker =
    flag > 0 ? await connectExternal(process.argv[flag + 1] ?? '') : await startLocalBroker(DEFAULT_KAFKA_VERSION, progress);
  const proxy = await ChaosProxy.start({ upstream: broker.bootstrap, rules: [], seed: 1 });
  const topic = `dup-lab-bench-${Date.now().toString(36)}`;
  await createTopics(broker.bootstrap, [{ name: topic, partitions: 1 }]);
  say(`broker: ${broker.description} · ${cpus().length} cores · Node ${process.version}`);
  const ratios = new Map<Workload, number>();
  let standaloneRatio = 0;
  try {
    for (const w of WORKLOADS) {
      const ratio = await compare(broker.bootstrap, proxy.bootstrap, topic, w, 'proxy');
      ratios.set(w, ratio);
    }
    const standalone = await startStandaloneProxy(broker.bootstrap);
    say('the same, through `kafka-dup-lab proxy` in a process of its own (not the headline: the lab runs the proxy in-process)');
    standaloneRatio = await compare(broker.bootstrap, standalone, topic, THROUGHPUT, 'standalone proxy');
  } finally {
    await deleteTopics(broker.bootstrap, [topic]).catch(() => undefined);
    await proxy.close();
    await broker.stop();
    await runCleanups();
  }
  if (json) console.log(JSON.stringify({ throughput: ratios.get(THROUGHPUT), perRequest: ratios.get(PER_REQUEST), standalone: standaloneRatio }));
  else console.log(`proxy-vs-direct throughput ratio: ${ratios.get(THROUGHPUT)!.toFixed(3)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    void runCleanups().then(() => process.exit(1));
  },
);
