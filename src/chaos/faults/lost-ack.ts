// Fault drop-response (a lost ack): the broker processed the request, its answer and every later one are dropped, then the connection resets.
import { apiName } from '../wire.js';
import type { FaultOnConnection, FaultUnit, Pending } from './fault.js';

export const lostAck: FaultUnit = {
  action: 'drop-response',
  summary: 'a lost ack: the broker processed the request, its answer never reaches the client, and the connection resets; a producer retries a write that happened',
  mark: (affected) => `ack lost${affected > 1 ? ` (${affected} in flight)` : ''}`,
  cli: { stem: 'drop-acks', every: "drop the broker's response to every Nth request, then reset the connection" },
  describe: (which) => `drop the response to ${which} after the broker processed it, then reset the connection`,
  open(conn) {
    /**
     * The connection is doomed from the dropped response on: requests still reach the broker, their
     * answers never come back. It resets once no request has arrived for quietMs and every forwarded
     * request has been answered (and dropped), so every request the client had in flight reaches the
     * broker whatever its timing; drainTimeoutMs bounds the wait.
     */
    let doomed: { pendingAtDoom: Pending; dropped: number; quiet: boolean; quietTimer?: NodeJS.Timeout; timer: NodeJS.Timeout } | null = null;

    /** Records the lost ack: the dropped responses, plus requests forwarded and never answered. */
    const emitLostAck = () => {
      if (!doomed) return;
      const { pendingAtDoom } = doomed;
      const affected = doomed.dropped + conn.pending.length;
      clearTimeout(doomed.timer);
      clearTimeout(doomed.quietTimer);
      doomed = null;
      conn.release();
      const name = apiName(pendingAtDoom.apiKey);
      conn.emit({
        action: 'drop-response',
        api: name,
        ordinal: pendingAtDoom.decision.ordinal,
        correlationId: pendingAtDoom.correlationId,
        affected,
        detail:
          `${name} #${pendingAtDoom.decision.ordinal}: response dropped after the broker processed the request` +
          (affected > 1 ? `, and the responses to the ${affected - 1} request${affected > 2 ? 's' : ''} in flight behind it` : '') +
          '; connection reset',
      });
    };

    const reset = () => {
      if (!doomed) return;
      emitLostAck();
      conn.reset();
    };

    const armQuietTimer = () => {
      if (!doomed) return;
      const d = doomed;
      clearTimeout(d.quietTimer);
      d.quiet = false;
      d.quietTimer = setTimeout(() => {
        d.quiet = true;
        if (conn.pending.length === 0) reset();
      }, conn.settings.quietMs);
    };

    const state: FaultOnConnection = {
      onResponse(_frame, request) {
        doomed = { pendingAtDoom: request, dropped: 1, quiet: false, timer: setTimeout(reset, conn.settings.drainTimeoutMs) };
        conn.hold(state);
        armQuietTimer();
      },
      heldRequest(frame, header, expectsResponse) {
        const ordinal = conn.count(header.apiKey);
        const entry = { correlationId: header.correlationId, apiKey: header.apiKey, apiVersion: header.apiVersion, decision: { action: 'forward' as const, ordinal } };
        conn.forward(frame, expectsResponse ? entry : null);
        armQuietTimer();
      },
      heldResponse() {
        if (!doomed) return;
        doomed.dropped++;
        if (doomed.quiet && conn.pending.length === 0) reset();
      },
      // A side closing while the connection was doomed: the lost ack still happened, so it is recorded.
      onClose: emitLostAck,
    };
    return state;
  },
};
