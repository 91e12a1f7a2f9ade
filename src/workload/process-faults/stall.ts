// Process fault stall: SIGSTOP a worker at its stop point, like a long GC pause; SIGCONT later wakes it mid-batch.
import type { WorkerFault } from './fault.js';

export const stall: WorkerFault = {
  name: 'stall',
  summary: 'SIGSTOP a worker at its seeded stop point, like a long GC pause: no heartbeats, so the group evicts it; SIGCONT later wakes it in the middle of its batch',
  stopAction: 'stall',
  async inject(worker, timeoutMs) {
    await worker.waitFor('stop-point', timeoutMs);
    worker.pause();
  },
  wake(worker) {
    worker.resume();
    worker.go();
  },
};
