// Process fault broker-stall: SIGSTOP broker JVMs, as in a long GC pause or a frozen VM; their sockets stay open.
import type { BrokerFault } from './fault.js';

export const brokerStall: BrokerFault = {
  name: 'broker-stall',
  summary: 'SIGSTOP broker JVMs of a cluster the lab started (a long GC pause, a frozen VM): they stop fetching and answering, their sockets stay open',
  async inject(cluster, brokers) {
    for (const id of brokers) cluster.stall(id);
  },
  async wake(cluster, brokers) {
    for (const id of brokers) cluster.resume(id);
  },
};
