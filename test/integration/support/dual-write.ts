// A dual-write row read again independently: its rows with sqlite3, its events with kcat (read_committed), counted here.
import type { VariantResult } from '../../../src/core/types.js';
import { keptSqliteFile, sqliteEffects } from './databases.js';
import { kcatMessages, tally } from './kcat.js';

export function dualWriteAgreement(bootstrap: string, keepDir: string, r: VariantResult): { rows: number; duplicateRows: number; events: number; duplicateEvents: number } {
  const rows = sqliteEffects(keptSqliteFile(keepDir, 'dual-write', r.variant));
  const events = kcatMessages(bootstrap, r.topics.find((t) => t.includes('-events-'))!, 'read_committed');
  return { rows: rows.rows, duplicateRows: rows.rows - rows.messages, events: events.length, duplicateEvents: tally(events).duplicates };
}
