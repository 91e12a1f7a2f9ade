// Every scenario the lab knows, in the order a workshop runs them.
import type { Scenario } from '../src/core/scenario.js';
import { acksZero } from './acks-zero.js';
import { commitTimeout } from './commit-timeout.js';
import { consumerCrash } from './consumer-crash.js';
import { dualWrite } from './dual-write.js';
import { errorAfterAppend } from './error-after-append.js';
import { fetchDuplicate } from './fetch-duplicate.js';
import { leaderFailover } from './leader-failover.js';
import { producerRetry } from './producer-retry.js';
import { rebalance } from './rebalance.js';
import { reorder } from './reorder.js';
import { transactions } from './transactions.js';
import { zombie } from './zombie.js';

export const scenarios: Scenario[] = [producerRetry, errorAfterAppend, acksZero, reorder, consumerCrash, fetchDuplicate, commitTimeout, rebalance, zombie, transactions, dualWrite, leaderFailover];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
