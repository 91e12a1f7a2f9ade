// One producer variant through the chaos proxy, with a seeded fault on some of its Produce requests: the run of producer-retry and error-after-append.
import type { ProxyRule } from '../chaos/rules.js';
import { ApiKey } from '../chaos/wire.js';
import type { ReadBackRequest, Variant, VariantContext } from '../core/scenario.js';
import { pickOrdinals } from './fault-points.js';
import { makeMessages } from './messages.js';
import { producerClient } from '../clients/index.js';
import type { ProducerSettings } from './producer-workload.js';

/** More keys than sends in flight: see makeMessages. */
const KEYS = 8;
/** Produce requests between faults, so one fault's retries are done before the next fault. */
const FAULT_GAP = 100;

/**
 * A fresh one-partition topic, a proxy whose `fault` hits ctx.faults seeded Produce requests in the
 * first 90% of them (FAULT_GAP apart when there is room), the variant's producer through it; the
 * topic is read back directly.
 */
export async function runProducerWithFault(
  ctx: VariantContext,
  variant: Variant<ProducerSettings>,
  fault: Omit<ProxyRule, 'api' | 'ordinals'>,
): Promise<ReadBackRequest[]> {
  const topic = await ctx.createTopic('log', 1);
  const messages = makeMessages(ctx.runId, ctx.messages, KEYS);
  const ordinals = pickOrdinals(ctx.rng.fork('faults'), ctx.faults, 10, Math.floor(ctx.messages * 0.9), FAULT_GAP);
  const proxy = await ctx.startProxy([{ ...fault, api: ApiKey.Produce, ordinals }]);
  await producerClient(ctx.client).produce({ via: proxy.bootstrap, topic, messages, settings: variant.settings, history: ctx.history, clientId: `dup-lab-${variant.name}` });
  return [{ kind: 'topic', topic, where: 'log', isolation: 'read_uncommitted' }];
}
