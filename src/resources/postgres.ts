// Checks that the PostgreSQL given with --pg-url answers, within a few seconds.

export async function checkPostgres(url: string, timeoutMs = 5_000): Promise<void> {
  // Loaded here, not at start: only --pg-url runs need it.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
}
