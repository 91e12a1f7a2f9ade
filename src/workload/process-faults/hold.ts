// Process fault hold: a worker stays at its stop point mid-batch, heartbeating, until the group rebalances.
import type { WorkerFault } from './fault.js';

export const hold: WorkerFault = {
  name: 'hold',
  summary: 'a worker stays at its seeded stop point mid-batch, heartbeating, while another joins: the rebalance catches it with work applied and not committed',
  stopAction: 'hold',
  async inject(worker, timeoutMs) {
    // The worker holds by itself; its heartbeat() ends the hold when the coordinator says a rebalance started.
    await worker.waitFor('stop-point', timeoutMs);
  },
};
