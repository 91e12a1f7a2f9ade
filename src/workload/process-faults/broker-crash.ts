// Process fault broker-crash: SIGKILL broker JVMs, no controlled shutdown; their logs stay for a restart.
import type { BrokerFault } from './fault.js';

export const brokerCrash: BrokerFault = {
  name: 'broker-crash',
  summary: 'SIGKILL broker JVMs of a cluster the lab started (no controlled shutdown): the controller elects new leaders; a restart starts a broker on its own log',
  async inject(cluster, brokers) {
    for (const id of brokers) await cluster.crash(id);
  },
  async wake(cluster, brokers) {
    for (const id of brokers) await cluster.restart(id);
  },
};
