// The SQLite business database (node:sqlite, built into Node.js 22.13+): the lab's embedded default, with no native module to build.
import { DatabaseSync } from 'node:sqlite';
import type { Order } from '../orders.js';
import type { ApplyResult, EffectsReadBack, OutboxRow, Sink } from './sink.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS applied_orders (row_id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, order_id TEXT NOT NULL, amount INTEGER NOT NULL, worker TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), balance INTEGER NOT NULL);
  INSERT OR IGNORE INTO account (id, balance) VALUES (1, 0);
  CREATE TABLE IF NOT EXISTS processed_messages (message_id TEXT PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS recent_ids (message_id TEXT PRIMARY KEY, n INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (outbox_id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, event TEXT NOT NULL);
`;

function open(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  // WAL and a busy timeout: two workers (a zombie and its successor) may write at the same time.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  return db;
}

/**
 * Runs `work` in one transaction that takes the write lock at its start (BEGIN IMMEDIATE), so a unique
 * check and the writes after it cannot interleave with another worker's; rolled back if `work` throws.
 */
function immediate<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export function initSqlite(file: string): void {
  const db = open(file);
  db.exec(SCHEMA);
  db.close();
}

export function openSqliteSink(file: string): Sink {
  const db = open(file);
  const insertProcessed = db.prepare('INSERT INTO processed_messages (message_id) VALUES (?) ON CONFLICT DO NOTHING');
  const insertApplied = db.prepare('INSERT INTO applied_orders (message_id, order_id, amount, worker) VALUES (?, ?, ?, ?)');
  const addToBalance = db.prepare('UPDATE account SET balance = balance + ? WHERE id = 1');
  const findRecent = db.prepare('SELECT 1 FROM recent_ids WHERE message_id = ?');
  const insertRecent = db.prepare('INSERT INTO recent_ids (message_id, n) VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM recent_ids)) ON CONFLICT DO NOTHING');
  const trimRecent = db.prepare('DELETE FROM recent_ids WHERE n <= (SELECT MAX(n) FROM recent_ids) - ?');

  const insertOutbox = db.prepare('INSERT INTO outbox (message_id, event) VALUES (?, ?)');
  const selectOutbox = db.prepare('SELECT outbox_id AS outboxId, message_id AS messageId, event FROM outbox WHERE outbox_id > ? ORDER BY outbox_id LIMIT ?');

  const applyTx = (order: Order, worker: string, processedRow: boolean, event?: string): ApplyResult =>
    immediate(db, () => {
      if (processedRow && insertProcessed.run(order.id).changes === 0) return 'already-processed';
      insertApplied.run(order.id, order.orderId, order.amount, worker);
      addToBalance.run(order.amount);
      if (event !== undefined) insertOutbox.run(order.id, event);
      return 'applied';
    });

  return {
    apply: async (order, worker, { processedRow }) => applyTx(order, worker, processedRow),
    applyWithOutbox: async (order, worker, event) => applyTx(order, worker, true, event),
    // Plain objects: node:sqlite rows have a null prototype, which test comparisons and JSON treat apart.
    readOutbox: async (afterId, limit) => selectOutbox.all(afterId, limit).map((r) => ({ ...r }) as unknown as OutboxRow),
    recentlySeen: async (id) => findRecent.get(id) !== undefined,
    remember: async (id, window) => {
      immediate(db, () => {
        insertRecent.run(id);
        trimRecent.run(window);
      });
    },
    close: async () => {
      db.close();
    },
  };
}

export function readSqliteEffects(file: string): EffectsReadBack {
  const db = open(file);
  try {
    const rows = db
      .prepare('SELECT message_id AS id, COUNT(*) AS n, GROUP_CONCAT(worker) AS workers FROM (SELECT * FROM applied_orders ORDER BY row_id) GROUP BY message_id')
      .all() as unknown as { id: string; n: number; workers: string }[];
    const balance = (db.prepare('SELECT balance FROM account WHERE id = 1').get() as unknown as { balance: number }).balance;
    return { copies: new Map(rows.map((r) => [r.id, { copies: r.n, workers: r.workers.split(',') }])), balance };
  } finally {
    db.close();
  }
}
