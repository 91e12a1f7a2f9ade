// The order a run starts its plans in: scenario by scenario, the Java client's plan first within each.
import { describe, expect, it } from 'vitest';
import { startOrder } from '../../../src/cli/run-command.js';
import type { Scenario } from '../../../src/core/scenario.js';

const plan = (scenario: string, client?: 'kafkajs' | 'platformatic' | 'confluent' | 'java') => ({ scenario: { name: scenario } as Scenario, ...(client ? { client } : {}) });

describe('startOrder', () => {
  it('starts the Java plan of each scenario first, and keeps scenarios and the other clients in order', () => {
    const plans = [plan('producer-retry', 'kafkajs'), plan('producer-retry', 'platformatic'), plan('producer-retry', 'confluent'), plan('producer-retry', 'java'), plan('reorder', 'kafkajs'), plan('reorder', 'java')];
    expect(startOrder(plans)).toEqual([3, 0, 1, 2, 5, 4]);
  });

  it('leaves a run without --client as it is', () => {
    expect(startOrder([plan('producer-retry'), plan('reorder'), plan('consumer-crash')])).toEqual([0, 1, 2]);
  });
});
