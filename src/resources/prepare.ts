// Gets the services a run's variants need before it starts, and takes them down after.
import { EnvironmentError, errorMessage } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { Need, Resources } from '../core/resources.js';
import { checkPostgres } from './postgres.js';
import { redact } from './redact.js';
import { findRedis } from './redis.js';

export { redact } from './redact.js';

export interface ResourceOptions {
  redisUrl?: string;
  pgUrl?: string;
}

export interface PreparedResources {
  resources: Omit<Resources, 'workDir'>;
  stop(): Promise<void>;
}

export async function prepareResources(needs: Set<Need>, options: ResourceOptions, progress: Progress): Promise<PreparedResources> {
  const resources: Omit<Resources, 'workDir'> = {};
  const stops: (() => Promise<void>)[] = [];
  if (needs.has('redis')) {
    const redis = await findRedis(options.redisUrl, progress);
    if ('url' in redis) stops.push(redis.stop);
    resources.redis = 'url' in redis ? { url: redis.url } : redis;
  }
  if (options.pgUrl) {
    try {
      await checkPostgres(options.pgUrl);
    } catch (error) {
      throw new EnvironmentError(`Cannot reach PostgreSQL at ${redact(options.pgUrl)} (${errorMessage(error)}); check --pg-url, or drop it to use SQLite.`);
    }
    resources.postgres = { url: options.pgUrl };
  }
  return {
    resources,
    stop: async () => {
      for (const stop of stops) await stop().catch(() => undefined);
    },
  };
}
