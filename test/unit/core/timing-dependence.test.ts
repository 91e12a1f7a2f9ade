// A variant's timing dependence can hold with some clients only (consumer-crash's auto-commit: librdkafka's timer and platformatic's commit of each fetch).
import { describe, expect, it } from 'vitest';
import { consumerCrash } from '../../../scenarios/consumer-crash.js';
import { timingDependence } from '../../../src/core/scenario.js';

const variant = (name: string) => consumerCrash.variants.find((v) => v.name === name)!;

describe('timingDependence', () => {
  it('auto-commit: timing decides with confluent and platformatic, the seed with kafkajs (the default) and java', () => {
    expect(timingDependence(variant('auto-commit'), 'confluent')).toBeDefined();
    expect(timingDependence(variant('auto-commit'), 'platformatic')).toBeDefined();
    expect(timingDependence(variant('auto-commit'))).toBeUndefined();
    expect(timingDependence(variant('auto-commit'), 'java')).toBeUndefined();
  });

  it('a dependence without clients holds with every client; a variant without one has none', () => {
    for (const client of ['kafkajs', 'platformatic', 'confluent', 'java']) expect(timingDependence(variant('auto-commit-handoff'), client)).toBeDefined();
    expect(timingDependence(variant('commit-after-batch'), 'platformatic')).toBeUndefined();
  });
});
