// The proxy's own cost, with nothing else in its process: CPU time and heap allocated per MB of Produce traffic it forwards (no fault rule), and its rate.
//
// Usage: node [--expose-gc --min-semi-space-size=1024 --max-semi-space-size=1024] dist/test/bench/proxy-forwarding.js [--json]
// The fake broker and the client run in a child process (proxy-load.js), so every byte and every
// microsecond counted here is the proxy's. The heap figure needs the flags: with a young generation
// fixed that large no collection runs during a pass, so the heap's growth over a pass is what the
// proxy allocated. Its fresh pages slow the pass, so rate and CPU come from a run without them.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ChaosProxy } from '../../src/chaos/proxy.js';
import { packageRoot } from '../../src/core/paths.js';

const MEGABYTES = 256;
/** About what kafkajs sends for 100 lab messages in one send() (the throughput workload). */
const FRAME_BYTES = 8 * 1024;
const IN_FLIGHT = 5;

export interface ForwardingFigures {
  megabytes: number;
  frameBytes: number;
  mbPerSecond: number;
  /** CPU in the proxy's own code, Node and V8 (user), and in the kernel: a read and a write of every byte (system). */
  userMsPerMb: number;
  systemMsPerMb: number;
  heapBytesPerMb: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function pass(): Promise<{ ms: number; userMs: number; systemMs: number; heapBytes: number }> {
  const child = fork(join(packageRoot(), 'dist', 'test', 'bench', 'proxy-load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const brokerPort = await new Promise<number>((resolve) => child.once('message', (m: { brokerPort: number }) => resolve(m.brokerPort)));
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${brokerPort}`, rules: [], seed: 1 });
    try {
      gc();
      const heap = process.memoryUsage().heapUsed;
      const cpu = process.cpuUsage();
      const done = new Promise<{ ms: number }>((resolve) => child.on('message', (m: { done?: boolean; ms: number }) => m.done && resolve(m)));
      child.send({ proxy: proxy.bootstrap, megabytes: MEGABYTES, frameBytes: FRAME_BYTES, inFlight: IN_FLIGHT });
      const { ms } = await done;
      const used = process.cpuUsage(cpu);
      return { ms, userMs: used.user / 1000, systemMs: used.system / 1000, heapBytes: process.memoryUsage().heapUsed - heap };
    } finally {
      await proxy.close();
    }
  } finally {
    child.kill();
  }
}

export async function measureForwarding(): Promise<ForwardingFigures> {
  await pass(); // warm-up: the JIT
  const passes = [await pass(), await pass(), await pass()];
  const best = passes.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {
    megabytes: MEGABYTES,
    frameBytes: FRAME_BYTES,
    mbPerSecond: MEGABYTES / (best.ms / 1000),
    userMsPerMb: Math.min(...passes.map((p) => p.userMs)) / MEGABYTES,
    systemMsPerMb: Math.min(...passes.map((p) => p.systemMs)) / MEGABYTES,
    heapBytesPerMb: Math.min(...passes.map((p) => p.heapBytes)) / MEGABYTES,
  };
}

async function main(): Promise<void> {
  const figures = await measureForwarding();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(figures));
    return;
  }
  console.log(
    `proxy forwarding: ${figures.megabytes} MB in ${figures.frameBytes / 1024} KiB Produce frames, ${IN_FLIGHT} in flight: ` +
      `${figures.mbPerSecond.toFixed(0)} MB/s; per MB: ${figures.userMsPerMb.toFixed(2)} ms user CPU, ${figures.systemMsPerMb.toFixed(2)} ms system CPU` +
      ((globalThis as { gc?: unknown }).gc ? `, ${Math.round(figures.heapBytesPerMb).toLocaleString('en')} heap bytes` : ' (heap: run with the flags above)'),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
