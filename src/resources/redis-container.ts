// Redis in a container, for machines with a container engine but no redis-server.
import { ImageUnavailable } from '../containers/runtime.js';
import { startLabContainer } from '../containers/lab-container.js';
import type { Progress } from '../core/progress.js';
import type { RedisFound } from './redis.js';

/** Pinned here, in one place. */
export const REDIS_IMAGE = 'redis:7.4-alpine';

export async function startRedisContainer(progress: Progress): Promise<RedisFound> {
  try {
    progress.step(`Starting ${REDIS_IMAGE} (container)`);
    const container = await startLabContainer({
      image: REDIS_IMAGE,
      role: 'redis',
      port: 6379,
      readyLine: /Ready to accept connections/,
      readyTimeoutMs: 30_000,
      wrongImageHint: 'it is not a Redis image',
      progress,
    });
    progress.done();
    return { url: `redis://${container.host}:${container.mappedPort}`, stop: container.stop };
  } catch (error) {
    // Offline with no Redis image: the Redis variants are skipped, saying so; the rest of the run goes on.
    if (error instanceof ImageUnavailable) return { missing: `no Redis here: could not pull ${error.image} (${error.reason}); pass --redis-url or install redis-server` };
    throw error;
  }
}
