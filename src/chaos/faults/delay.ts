// Fault delay: the request (and every request behind it on the connection) is held, then forwarded in order.
import { apiName } from '../wire.js';
import type { FaultUnit } from './fault.js';

export const delay: FaultUnit = {
  action: 'delay',
  summary: 'a slow request: held (with every request behind it on its connection), then forwarded; past the client\'s timeout, the client gives up on a request the broker still applies',
  mark: () => 'held',
  cli: {
    stem: 'delay',
    every: 'hold every Nth request (default with --delay-ms alone: all)',
    param: { name: 'delay-ms', value: 'ms', help: 'hold requests this long', accepts: { kind: 'count', max: 600_000 }, role: 'alone', purpose: 'says how long to hold them', field: 'delayMs' },
  },
  describe: (which, rule) => `hold ${which} for ${rule.delayMs} ms`,
  open: (conn) => ({
    onRequest(frame, request, expectsResponse) {
      const name = apiName(request.apiKey);
      const ms = request.decision.delayMs ?? 0;
      conn.emit({
        action: 'delay',
        api: name,
        ordinal: request.decision.ordinal,
        correlationId: request.correlationId,
        affected: 1,
        detail: `${name} #${request.decision.ordinal}: held for ${ms} ms`,
      });
      conn.forwardAfter(() => new Promise<void>((r) => setTimeout(r, ms)), frame, expectsResponse ? request : null);
      return true;
    },
  }),
};
