// Wires the lab's parts into the runner: the Kafka admin, the chaos proxy, read-back and the pure evaluation.
import { ChaosProxy, type ProxyRule } from '../chaos/proxy.js';
import { evaluateVariant } from '../check/evaluate.js';
import type { LabCapabilities } from '../core/runner.js';
import { createTopics, deleteRunGroups, deleteTopics, warmTransactionCoordinator } from '../kafka/client.js';
import { readEffectsInto } from '../workload/consumer-run.js';
import { readBack } from '../workload/read-back.js';

/** How long a read-back may take to reach a topic's end before the variant gets no counts. */
const READ_BACK_TIMEOUT_MS = 15_000;
/** How long the proxy's connections may take to end once the clients have closed theirs (the proxy's own half-close limit is 5 s). */
const SETTLE_LIMIT_MS = 10_000;

export const labCapabilities: LabCapabilities = {
  createTopics,
  deleteTopics,
  deleteRunGroups,
  warmTransactions: warmTransactionCoordinator,
  startProxy: async ({ upstream, rules, seed, history }) => {
    const proxy = await ChaosProxy.start({
      upstream,
      // The scenarios build their rules with the chaos module's types; the runner only passes them on.
      rules: rules as ProxyRule[],
      seed,
      onEvent: (e) => history.add({ type: 'fault', action: e.action, detail: e.detail, affected: e.affected }),
    });
    return {
      bootstrap: proxy.bootstrap,
      settled: async (limitMs = SETTLE_LIMIT_MS) => {
        // Reading back now would count writes still on their way as lost: the row says why it has no counts instead.
        if (!(await proxy.idle(limitMs))) throw new Error(`the broker had not closed every connection the client closed through the chaos proxy within ${limitMs / 1000} s (its writes may not all have landed); not read back`);
      },
      close: () => proxy.close(),
    };
  },
  readBack: async (bootstrap, request, history) => {
    if (request.kind === 'effects') return readEffectsInto(history, request.sink, request.expectedBalance);
    await readBack(bootstrap, request.topic, history, request.where, { isolation: request.isolation, timeoutMs: READ_BACK_TIMEOUT_MS });
  },
  evaluate: evaluateVariant,
};
