// Every process fault, by name: the scenarios use them, and `explain` describes them.
import { brokerCrash } from './broker-crash.js';
import { brokerStall } from './broker-stall.js';
import { crash } from './crash.js';
import type { BrokerFault, WorkerFault } from './fault.js';
import { hold } from './hold.js';
import { stall } from './stall.js';

/** Records, so a name without its unit does not compile. */
export const WORKER_FAULTS: Readonly<Record<WorkerFault['name'], WorkerFault>> = { crash, stall, hold };
export const BROKER_FAULTS: Readonly<Record<BrokerFault['name'], BrokerFault>> = { 'broker-stall': brokerStall, 'broker-crash': brokerCrash };

export type { BrokerFault, FaultableWorker, WorkerFault } from './fault.js';
