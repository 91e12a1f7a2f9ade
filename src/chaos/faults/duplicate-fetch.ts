// Fault duplicate-fetch: a record batch of the broker's Fetch answer reaches the consumer twice, with the same offsets; the log holds it once.
import { withBatchesRepeated } from '../fetch-duplicate.js';
import { ApiKey, apiName, WireError } from '../wire.js';
import type { FaultOnConnection, FaultUnit, Pending } from './fault.js';

export const duplicateFetch: FaultUnit = {
  action: 'duplicate-fetch',
  summary: 'a batch fetched twice: one consumer receives a record batch twice in one Fetch answer, offsets unchanged, while the log holds it once',
  mark: (affected) => (affected > 0 ? `batch twice (${affected} records)` : 'repeat passed on'),
  cli: { stem: 'duplicate-fetch', every: 'return the first record batch of every Nth fetch answer twice (same offsets)', onlyApi: ApiKey.Fetch },
  describe: (which) => `return the first record batch of ${which} answer twice (same offsets; the log holds it once)`,
  open(conn) {
    /**
     * Repeats owed on this connection, oldest first: a chosen answer with no whole record batch (an
     * empty long poll) passes its repeat to the next Fetch answer that has one, so N hits repeat N
     * batches. While one is owed the fault holds the connection's answers: Fetch answers pay what is
     * owed; every other answer goes to the fault its own rule chose, or through unchanged.
     */
    const owed: Pending[] = [];

    const answer = (frame: Buffer, request: Pending) => {
      const name = apiName(request.apiKey);
      const base = { api: name, ordinal: request.decision.ordinal, correlationId: request.correlationId };
      try {
        if (request.apiKey !== ApiKey.Fetch) throw new WireError(`only Fetch answers carry record batches to repeat, not ${name}`);
        const { frame: answered, repeated } = withBatchesRepeated(frame, request.apiVersion, 1);
        const batch = repeated[0];
        if (!batch) {
          if (request.decision.action === 'duplicate-fetch') {
            conn.emit({ action: 'duplicate-fetch', ...base, affected: 0, detail: `${name} #${request.decision.ordinal}: no whole record batch in this answer; the repeat passes to the next answer with one` });
          }
          conn.writeResponse(frame, request);
          return;
        }
        const chosen = owed.shift()!;
        const passed = chosen !== request ? ` (the repeat of ${name} #${chosen.decision.ordinal}, whose answer had no records)` : '';
        conn.emit({
          action: 'duplicate-fetch',
          ...base,
          // The records the consumer receives a second time: what a consumer without a dedup applies twice.
          affected: batch.records,
          detail: `${name} #${request.decision.ordinal}: offsets ${batch.baseOffset}-${batch.lastOffset} of partition ${batch.partition} (${batch.records} record${batch.records === 1 ? '' : 's'}) returned twice${passed}`,
        });
        conn.writeResponse(answered, request, true);
      } catch (error) {
        owed.shift();
        conn.emit({ action: 'protocol-error', ...base, affected: 0, detail: `could not repeat a batch in ${name} v${request.apiVersion}: ${(error as Error).message}; forwarded as is` });
        conn.writeResponse(frame, request);
      } finally {
        if (owed.length === 0) conn.release();
      }
    };

    const state: FaultOnConnection = {
      onResponse(frame, request) {
        owed.push(request);
        conn.hold(state);
        answer(frame, request);
      },
      heldResponse(frame, request) {
        const action = request.decision.action;
        if (request.apiKey !== ApiKey.Fetch || (action !== 'forward' && action !== 'duplicate-fetch')) {
          conn.dispatch(frame, request);
          return;
        }
        if (request.decision.action === 'duplicate-fetch') owed.push(request);
        answer(frame, request);
      },
    };
    return state;
  },
};
