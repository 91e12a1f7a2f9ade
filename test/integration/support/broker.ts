// Starts one real local Kafka broker for an integration test file, through the lab's own provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLocalBroker } from '../../../src/broker/local.js';
import type { RunningBroker } from '../../../src/broker/provider.js';
import { DEFAULT_KAFKA_VERSION } from '../../../src/broker/versions.js';
import { silentProgress } from '../../../src/core/progress.js';
import { warmGroupCoordinator } from '../../../src/kafka/client.js';

export async function startTestBroker(version = DEFAULT_KAFKA_VERSION): Promise<RunningBroker> {
  const broker = await startLocalBroker(version, silentProgress);
  await warmGroupCoordinator(broker.bootstrap);
  return broker;
}

/**
 * The usual setup of a test file: one broker (started before its tests, stopped after) and a temp folder for the
 * variants' kept databases, removed after. `lab.broker` is there once the file's beforeAll has run.
 */
export function useTestBroker(): { readonly broker: RunningBroker; readonly dataDir: string } {
  let broker: RunningBroker | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'dup-lab-test-data-'));
  beforeAll(async () => {
    broker = await startTestBroker();
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get broker() {
      if (!broker) throw new Error('the test broker is not started yet (use it inside a test or a beforeAll)');
      return broker;
    },
    dataDir,
  };
}
