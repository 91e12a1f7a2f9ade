// Process fault crash: SIGKILL a worker at its stop point, after a side effect and before the commit.
import type { WorkerFault } from './fault.js';

export const crash: WorkerFault = {
  name: 'crash',
  summary: 'SIGKILL a worker at its seeded stop point (after a side effect, before the commit): no commit, no leave-group; a graceful stop would commit',
  stopAction: 'crash',
  async inject(worker, timeoutMs) {
    await worker.waitFor('stop-point', timeoutMs);
    await worker.kill();
  },
};
