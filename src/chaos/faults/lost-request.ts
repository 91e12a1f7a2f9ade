// Fault drop-request (a lost request): the request never reaches the broker; the client waits for its own timeout.
import { apiName } from '../wire.js';
import type { FaultUnit } from './fault.js';

export const lostRequest: FaultUnit = {
  action: 'drop-request',
  summary: 'a lost request: it never reaches the broker; the client waits out its request timeout, then retries',
  mark: () => 'request lost',
  cli: { stem: 'drop-requests', every: 'drop every Nth request before it reaches the broker' },
  describe: (which) => `drop ${which} before it reaches the broker`,
  open: (conn) => ({
    onRequest(_frame, request) {
      const name = apiName(request.apiKey);
      conn.emit({
        action: 'drop-request',
        api: name,
        ordinal: request.decision.ordinal,
        correlationId: request.correlationId,
        affected: 1,
        detail: `${name} #${request.decision.ordinal}: request dropped before the broker saw it`,
      });
      return true;
    },
  }),
};
