// Fault error-response (error after append): the broker appends the batch; the client is told a retriable error, on a connection that stays up.
import { DEFAULT_PRODUCE_ERROR, PRODUCE_ERRORS, produceErrorName, withProduceError } from '../produce-error.js';
import { ApiKey, apiName, WireError } from '../wire.js';
import type { FaultUnit } from './fault.js';

export const errorAfterAppend: FaultUnit = {
  action: 'error-response',
  summary: 'an error after the append: the broker wrote the batch, the client is told a retriable error on a connection that stays up, and sends it again (KAFKA-13574)',
  mark: () => 'written, told failed',
  cli: {
    stem: 'error-after-append',
    every: 'let the broker append every Nth produce, then answer the client with a retriable error (the connection stays up)',
    onlyApi: ApiKey.Produce,
    param: {
      name: 'error',
      value: 'name',
      help: `the error those answers carry: ${Object.keys(PRODUCE_ERRORS).join(' or ')} (default ${DEFAULT_PRODUCE_ERROR})`,
      accepts: { kind: 'choice', choices: PRODUCE_ERRORS },
      role: 'with',
      purpose: 'names the error',
      field: 'errorCode',
      fallback: PRODUCE_ERRORS[DEFAULT_PRODUCE_ERROR],
    },
  },
  describe: (which, rule) =>
    `let the broker append ${which}, then answer the client with ${produceErrorName(rule.errorCode ?? PRODUCE_ERRORS[DEFAULT_PRODUCE_ERROR])} (no reset; acks=0 sends get no answer to change)`,
  open: (conn) => ({
    onResponse(frame, request) {
      const name = apiName(request.apiKey);
      const code = request.decision.errorCode ?? PRODUCE_ERRORS[DEFAULT_PRODUCE_ERROR];
      const base = { api: name, ordinal: request.decision.ordinal, correlationId: request.correlationId };
      try {
        if (request.apiKey !== ApiKey.Produce) throw new WireError(`only Produce answers can carry an injected error, not ${name}`);
        const answered = withProduceError(frame, request.apiVersion, code);
        conn.emit({
          action: 'error-response',
          ...base,
          affected: 1,
          detail: `${name} #${request.decision.ordinal}: the broker appended it; the client was told ${produceErrorName(code)} (${answered.partitions} partition${answered.partitions === 1 ? '' : 's'})`,
        });
        conn.writeResponse(answered.frame, request, true);
      } catch (error) {
        conn.emit({ action: 'protocol-error', ...base, affected: 0, detail: `could not answer ${name} v${request.apiVersion} with an error: ${(error as Error).message}; forwarded as is` });
        conn.writeResponse(frame, request);
      }
    },
  }),
};
