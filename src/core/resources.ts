// External services a variant may need (Redis, PostgreSQL), found or started once per run.

export interface Resources {
  /** A Redis URL, or why there is none. */
  redis?: { url: string } | { missing: string };
  /** A PostgreSQL URL, when --pg-url was given. */
  postgres?: { url: string } | { missing: string };
  /** A directory for per-variant SQLite files; removed after the run. */
  workDir: string;
}

export function missingReason(resources: Resources, need: 'redis' | 'postgres'): string | undefined {
  const found = resources[need];
  if (!found) return `${need} was not prepared for this run`;
  return 'missing' in found ? found.missing : undefined;
}
