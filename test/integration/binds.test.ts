// What everything the lab starts listens on: loopback only, unless the broker is shared with the room (broker --share).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lanAddress } from '../../src/broker/share.js';
import { silentProgress } from '../../src/core/progress.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { CLI } from './support/cli.js';
import { processesMatching, waitFor } from './support/processes.js';
import { isLoopback, listening } from './support/sockets.js';

/** A `broker` command with `args`: its printed output, and the sockets its JVM listens on once it is up. */
async function brokerListening(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'broker', '--broker', 'local', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    expect(await waitFor(() => /bootstrap: \S+/.test(out), 90_000, 50), out).toBe(true);
    const jvm = processesMatching(`kafka-dup-lab-broker-${child.pid}-`)
      .filter((p) => p.includes(': java '))
      .map((p) => Number(p.split(':')[0]));
    expect(jvm).toHaveLength(1);
    return { out, sockets: listening().filter((s) => s.pid === jvm[0]) };
  } finally {
    child.kill('SIGINT');
    await exited;
  }
}

describe('what the lab listens on', () => {
  it('a lab broker: loopback only, its client and its controller listener', async () => {
    const { out, sockets } = await brokerListening([]);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    for (const s of sockets) expect(isLoopback(s.address), `${s.address}:${s.port}`).toBe(true);
    expect(out).toMatch(/bootstrap: 127\.0\.0\.1:\d+/);
    expect(out).not.toMatch(/warning/);
  }, 120_000);

  it('broker --share: the client port on every interface, the LAN address advertised, a warning; the controller stays on loopback', async () => {
    const lan = lanAddress();
    expect(lan, 'this machine has a network address').toBeDefined();
    const { out, sockets } = await brokerListening(['--share']);
    const port = Number(new RegExp(`bootstrap: ${lan!.replace(/\./g, '\\.')}:(\\d+)`).exec(out)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    expect(sockets.find((s) => s.port === port)?.address).toMatch(/^(0\.0\.0\.0|\*|::)$/);
    for (const s of sockets.filter((x) => x.port !== port)) expect(isLoopback(s.address), `${s.address}:${s.port}`).toBe(true);
    expect(out).toMatch(/warning: this broker accepts anyone who can reach .* \(no authentication, no encryption\)/);
  }, 120_000);

  it('the chaos proxy (kafka-dup-lab proxy): loopback', async () => {
    const broker = await startTestBroker();
    const child = spawn(process.execPath, [CLI, 'proxy', '--target', broker.bootstrap], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      expect(await waitFor(() => /127\.0\.0\.1:\d+/.test(out), 20_000, 50), out).toBe(true);
      const mine = listening().filter((s) => s.pid === child.pid);
      expect(mine.length).toBeGreaterThan(0);
      for (const s of mine) expect(isLoopback(s.address), `${s.address}:${s.port}`).toBe(true);
    } finally {
      child.kill('SIGINT');
      await exited;
      await broker.stop();
    }
  }, 120_000);

  it('the redis-server the lab starts for the Redis variants: loopback', async () => {
    const redis = await findRedis(undefined, silentProgress);
    if (!('url' in redis)) throw new Error(redis.missing);
    try {
      const port = Number(new URL(redis.url).port);
      const socket = listening().find((s) => s.port === port);
      expect(socket?.address).toBe('127.0.0.1');
    } finally {
      await redis.stop();
    }
  }, 30_000);
});
