// Which cluster a scenario that crashes brokers gets, for the run's broker kinds that need no JVM to decide.
import { describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../../src/broker/provider.js';
import type { ClusterControl } from '../../../src/core/cluster.js';
import { silentProgress } from '../../../src/core/progress.js';
import { clusterForRun } from '../../../src/cli/cluster-for-run.js';

const broker = (extra: Partial<RunningBroker>): RunningBroker => ({
  bootstrap: '127.0.0.1:9092',
  provider: 'local',
  kafkaVersion: '4.1.1',
  description: 'test',
  stop: async () => undefined,
  ...extra,
});

describe('clusterForRun', () => {
  it("uses the run's own broker when it is a lab cluster, and stops nothing of it afterwards", async () => {
    let stopped = false;
    const control = { brokerIds: [1, 2, 3] } as unknown as ClusterControl;
    const found = await clusterForRun(broker({ control, stop: async () => void (stopped = true) }), '4.1.1', silentProgress);
    expect(found.resource).toEqual({ control });
    expect(found.broker.control).toBe(control);
    await found.stop();
    expect(stopped).toBe(false);
  });

  it('gives a reason instead of a cluster for a --bootstrap cluster: the lab crashes only JVMs it started', async () => {
    const found = await clusterForRun(broker({ provider: 'external' }), '4.1.1', silentProgress);
    expect(found.resource).toEqual({ missing: expect.stringMatching(/needs a cluster the lab starts itself: leave out --bootstrap/) });
    expect(found.broker.provider).toBe('external');
  });
});
