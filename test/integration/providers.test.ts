// Broker providers beyond the default: Kafka 3.9 on the local JVM, and the container provider's answer when no engine is there (container.test.ts runs it on a real engine).
import { describe, expect, it } from 'vitest';
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

describe('container provider without an engine', () => {
  it('--broker container with DOCKER_HOST pointing at nothing fails with one line naming the other ways', async () => {
    const r = await runCli(['run', 'producer-retry', '--broker', 'container'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'kafka-dup-lab: --broker container: nothing at DOCKER_HOST=unix:///nonexistent/docker.sock; start the engine, or use --broker local or --bootstrap.',
    );
  });
});
