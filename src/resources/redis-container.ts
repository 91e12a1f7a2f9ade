// Redis in a container (testcontainers), for machines with Docker but no redis-server.
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError, errorMessage } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { RedisFound } from './redis.js';

/** Pinned here, in one place. */
export const REDIS_IMAGE = 'redis:7.4-alpine';

export async function startRedisContainer(progress: Progress): Promise<RedisFound> {
  const { GenericContainer, Wait } = await import('testcontainers');
  progress.step(`Starting ${REDIS_IMAGE} (container)`);
  try {
    const container = await new GenericContainer(REDIS_IMAGE)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    const stop = async () => {
      unregister();
      await container.stop({ timeout: 0 }).catch(() => undefined);
    };
    const unregister = onCleanup('redis container', stop);
    progress.done();
    return { url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`, stop };
  } catch (error) {
    throw new EnvironmentError(`Could not start ${REDIS_IMAGE}: ${errorMessage(error)}`);
  }
}
