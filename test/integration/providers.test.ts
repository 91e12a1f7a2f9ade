// Broker providers beyond the default: Kafka 3.9 on the local JVM, and the container provider where Docker runs.
import { describe, expect, it } from 'vitest';
import { containerRuntimeAvailable } from '../../src/containers/runtime.js';
import { runCli } from './support/cli.js';

describe('local provider, Kafka 3.9', () => {
  it('runs a scenario on Apache Kafka 3.9.1 (reload4j logging, 3.9 storage format)', async () => {
    const r = await runCli(
      ['run', 'producer-retry', '--broker', 'local', '--kafka-version', '3.9.1', '--variant', 'retries', '--messages', '300', '--faults', '2', '--json'],
      { timeoutMs: 300_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.broker.kafkaVersion).toBe('3.9.1');
    const row = report.scenarios[0].variants[0];
    expect(row.counts.duplicates).toBeGreaterThan(0);
    expect(row.counts.duplicates).toBe(row.predicted.duplicates);
  });
});

// The container provider needs a Docker (or Podman) engine. Where none answers, vitest lists this as
// skipped; the provider's logic (image, settings, start script) is unit-tested in test/unit/broker.
const runtime = await containerRuntimeAvailable();
describe.runIf(runtime)('container provider (runs only where a container runtime answers)', () => {
  it('runs a scenario on apache/kafka in a container', async () => {
    const r = await runCli(['run', 'producer-retry', '--broker', 'container', '--variant', 'retries', '--messages', '300', '--faults', '2', '--json'], {
      timeoutMs: 600_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.broker.provider).toBe('container');
    expect(report.scenarios[0].variants[0].counts.duplicates).toBeGreaterThan(0);
  });
});

describe.runIf(!runtime)('container provider without a runtime', () => {
  it('--broker container fails with one line naming the other ways', async () => {
    const r = await runCli(['run', 'producer-retry', '--broker', 'container']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/no container runtime answers here.*--broker local or --bootstrap/);
  });
});
