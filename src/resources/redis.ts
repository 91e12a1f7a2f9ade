// Finds a Redis for the Redis variants: --redis-url, else a local redis-server on a free port, else a container.
import { freePort } from '../broker/ports.js';
import { EnvironmentError, errorMessage } from '../core/errors.js';
import { startGuarded } from '../core/guarded-process.js';
import type { Progress } from '../core/progress.js';
import { makeTempDir } from '../core/temp.js';
import { onPath } from './on-path.js';
import { redact } from './redact.js';

export type RedisFound = { url: string; stop(): Promise<void> } | { missing: string };

const START_TIMEOUT_MS = 15_000;

export async function pingRedis(url: string, timeoutMs = 3_000): Promise<void> {
  // Loaded here, not at start: only the Redis variants need it.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Without a listener ioredis prints each connection error with its stack; the first one is the cause.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const first = cause ?? (error as Error);
    // ioredis' words when something other than Redis answers: say that instead.
    if (/^Protocol error/.test(first.message)) throw new Error('something other than Redis answers there');
    throw first;
  } finally {
    redis.disconnect();
  }
}

export async function findRedis(redisUrl: string | undefined, progress: Progress): Promise<RedisFound> {
  if (redisUrl) {
    try {
      await pingRedis(redisUrl);
    } catch (error) {
      throw new EnvironmentError(`Cannot reach Redis at ${redact(redisUrl)} (${errorMessage(error)}); check --redis-url, or drop it to let the lab start one.`);
    }
    return { url: redisUrl, stop: async () => undefined };
  }
  if (onPath('redis-server')) return startLocalRedis(progress);
  const { containerRuntimeAvailable } = await import('../containers/runtime.js');
  if (await containerRuntimeAvailable()) {
    const { startRedisContainer } = await import('./redis-container.js');
    return startRedisContainer(progress);
  }
  return {
    missing: 'no Redis here: pass --redis-url redis://host:6379, or install redis-server (apt-get install redis-server), or start Docker',
  };
}

/** A throw-away redis-server on a free loopback port: no persistence, data dir removed on exit. */
async function startLocalRedis(progress: Progress): Promise<RedisFound> {
  progress.step('Starting redis-server');
  const port = await freePort();
  const dataDir = makeTempDir('redis');
  const server = await startGuarded({
    label: 'redis-server',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir, '--protected-mode', 'no'],
    dataDir,
    readyLine: /Ready to accept connections/,
    timeoutMs: START_TIMEOUT_MS,
  });
  progress.done();
  return { url: `redis://127.0.0.1:${port}`, stop: server.stop };
}

