// Every proxy fault, by the rule action that chooses it: the proxy connection, the proxy command and the rules read them from here.
import type { FaultAction } from '../rules.js';
import { delay } from './delay.js';
import { duplicateFetch } from './duplicate-fetch.js';
import { errorAfterAppend } from './error-after-append.js';
import type { FaultUnit } from './fault.js';
import { lostAck } from './lost-ack.js';
import { lostRequest } from './lost-request.js';

/** A Record, so a rule action without its unit does not compile. */
export const FAULTS: Readonly<Record<FaultAction, FaultUnit>> = {
  'drop-response': lostAck,
  'drop-request': lostRequest,
  'error-response': errorAfterAppend,
  delay,
  'duplicate-fetch': duplicateFetch,
};

export type { FaultCli, FaultConnection, FaultOnConnection, FaultParam, FaultUnit, Pending, ProxyEvent } from './fault.js';
