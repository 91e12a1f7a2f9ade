// Fault delay: the request (and every request behind it on the connection) is held, then forwarded in order.
import { apiName } from '../wire.js';
import type { FaultUnit } from './fault.js';

export const delay: FaultUnit = {
  action: 'delay',
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
