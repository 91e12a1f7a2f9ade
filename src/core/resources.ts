// External services a variant may need (Redis, PostgreSQL, a cluster it may crash), found or started once per run.
import type { ClusterControl } from './cluster.js';

export interface Resources {
  /** A Redis URL, or why there is none. */
  redis?: { url: string } | { missing: string };
  /** A PostgreSQL URL, when --pg-url was given: the business database then lives there instead of SQLite. */
  postgres?: { url: string };
  /** A cluster of several brokers whose processes the lab started, or why there is none. */
  cluster?: { control: ClusterControl } | { missing: string };
  /** A directory for per-variant SQLite files; removed after the variant. */
  workDir: string;
  /** Keep each variant's business database: SQLite files are copied here, PostgreSQL schemas are not dropped. */
  keepDataDir?: string;
}

export type Need = 'redis' | 'cluster';

export function missingReason(resources: Omit<Resources, 'workDir'>, need: Need): string | undefined {
  const found = resources[need];
  if (!found) return `${need} was not prepared for this run`;
  return 'missing' in found ? found.missing : undefined;
}

/** Where a variant's business data lives: a SQLite file, or a schema in a PostgreSQL database. */
export type SinkLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };
