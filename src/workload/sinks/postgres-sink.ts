// The PostgreSQL business database (node-postgres), used when --pg-url is given; one schema per variant.
// pg loads only when a run uses PostgreSQL: every run pays an import at start, and most never need it.
import type pg from 'pg';
import type { Order } from '../orders.js';
import type { ApplyResult, EffectsReadBack, Sink } from './sink.js';

const CONNECT_TIMEOUT_MS = 5_000;

async function client(url: string): Promise<pg.Client> {
  const { default: pgModule } = await import('pg');
  return new pgModule.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe schema name ${name}`);
  return `"${name}"`;
}

export async function initPostgres(url: string, schema: string): Promise<void> {
  const c = await client(url);
  await c.connect();
  try {
    const s = quoteIdent(schema);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await c.query(`
      CREATE TABLE IF NOT EXISTS ${s}.applied_orders (row_id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL, order_id TEXT NOT NULL, amount INTEGER NOT NULL, worker TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${s}.account (id INTEGER PRIMARY KEY CHECK (id = 1), balance BIGINT NOT NULL);
      INSERT INTO ${s}.account (id, balance) VALUES (1, 0) ON CONFLICT DO NOTHING;
      CREATE TABLE IF NOT EXISTS ${s}.processed_messages (message_id TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS ${s}.recent_ids (message_id TEXT PRIMARY KEY, n BIGSERIAL);
      CREATE TABLE IF NOT EXISTS ${s}.outbox (outbox_id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL, event TEXT NOT NULL);
    `);
  } finally {
    await c.end();
  }
}

export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const c = await client(url);
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await c.end();
  }
}

export async function openPostgresSink(url: string, schema: string): Promise<Sink> {
  const c = await client(url);
  await c.connect();
  const s = quoteIdent(schema);
  const inTransaction = async <T>(work: () => Promise<T>): Promise<T> => {
    await c.query('BEGIN');
    try {
      const result = await work();
      await c.query('COMMIT');
      return result;
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  const businessWrite = (order: Order, worker: string, processedRow: boolean, event?: string): Promise<ApplyResult> =>
    inTransaction(async () => {
      if (processedRow) {
        const inserted = await c.query(`INSERT INTO ${s}.processed_messages (message_id) VALUES ($1) ON CONFLICT DO NOTHING`, [order.id]);
        if (inserted.rowCount === 0) return 'already-processed';
      }
      await c.query(`INSERT INTO ${s}.applied_orders (message_id, order_id, amount, worker) VALUES ($1, $2, $3, $4)`, [
        order.id,
        order.orderId,
        order.amount,
        worker,
      ]);
      await c.query(`UPDATE ${s}.account SET balance = balance + $1 WHERE id = 1`, [order.amount]);
      if (event !== undefined) await c.query(`INSERT INTO ${s}.outbox (message_id, event) VALUES ($1, $2)`, [order.id, event]);
      return 'applied';
    });
  return {
    apply: (order, worker, { processedRow }) => businessWrite(order, worker, processedRow),
    applyWithOutbox: (order, worker, event) => businessWrite(order, worker, true, event),
    readOutbox: async (afterId, limit) =>
      (
        await c.query<{ outbox_id: string; message_id: string; event: string }>(
          `SELECT outbox_id, message_id, event FROM ${s}.outbox WHERE outbox_id > $1 ORDER BY outbox_id LIMIT $2`,
          [afterId, limit],
        )
      ).rows.map((r) => ({ outboxId: Number(r.outbox_id), messageId: r.message_id, event: r.event })),
    recentlySeen: async (id) => (await c.query(`SELECT 1 FROM ${s}.recent_ids WHERE message_id = $1`, [id])).rowCount! > 0,
    remember: (id, window) =>
      inTransaction(async () => {
        await c.query(`INSERT INTO ${s}.recent_ids (message_id) VALUES ($1) ON CONFLICT DO NOTHING`, [id]);
        await c.query(`DELETE FROM ${s}.recent_ids WHERE n <= (SELECT MAX(n) FROM ${s}.recent_ids) - $1`, [window]);
      }),
    close: () => c.end(),
  };
}

export async function readPostgresEffects(url: string, schema: string): Promise<EffectsReadBack> {
  const c = await client(url);
  await c.connect();
  try {
    const s = quoteIdent(schema);
    const rows = await c.query<{ id: string; n: string; workers: string }>(
      `SELECT message_id AS id, COUNT(*) AS n, STRING_AGG(worker, ',' ORDER BY row_id) AS workers FROM ${s}.applied_orders GROUP BY message_id`,
    );
    const balance = await c.query<{ balance: string }>(`SELECT balance FROM ${s}.account WHERE id = 1`);
    return {
      copies: new Map(rows.rows.map((r) => [r.id, { copies: Number(r.n), workers: r.workers.split(',') }])),
      balance: Number(balance.rows[0]?.balance ?? 0),
    };
  } finally {
    await c.end();
  }
}
