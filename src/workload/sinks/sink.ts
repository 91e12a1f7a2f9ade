// The business database a consumer writes its side effects to, behind one interface (SQLite or PostgreSQL).
import type { Order } from '../orders.js';

export type ApplyResult = 'applied' | 'already-processed';

export interface Sink {
  /**
   * The business write: one row in applied_orders and the amount added to the account balance, in one
   * transaction. With `processedRow`, a processed_messages row keyed by the message id goes into the
   * SAME transaction, and an existing row makes the whole transaction a no-op.
   */
  apply(order: Order, worker: string, options: { processedRow: boolean }): Promise<ApplyResult>;
  /**
   * The outbox write: a processed_messages row, the business write and an outbox row holding the event,
   * all in one transaction; an existing processed row makes it a no-op.
   */
  applyWithOutbox(order: Order, worker: string, event: string): Promise<ApplyResult>;
  /** Outbox rows after `afterId`, oldest first. */
  readOutbox(afterId: number, limit: number): Promise<OutboxRow[]>;
  /** Dedup window: was this id among the most recent ones recorded? */
  recentlySeen(id: string): Promise<boolean>;
  /** Dedup window: record the id, keeping only the newest `window` ids. */
  remember(id: string, window: number): Promise<void>;
  close(): Promise<void>;
}

export interface OutboxRow {
  outboxId: number;
  messageId: string;
  event: string;
}

export interface EffectsReadBack {
  /** applied_orders rows per message id, and which workers wrote them (in row order). */
  copies: Map<string, { copies: number; workers: string[] }>;
  balance: number;
}

import type { SinkLocation } from '../../core/resources.js';
export type { SinkLocation };
