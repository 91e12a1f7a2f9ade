// The successor in the transform scenarios: a restarted worker with its predecessor's transactional id, which the broker may refuse.
import type { Op } from '../core/types.js';
import { waitUntilCommittedToEnd } from './group-progress.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * Waits until the group has committed the input to its end, the successor consuming it; 'refused' as soon as the
 * successor reports its producer refused (fenced) instead, since the group then never gets there.
 */
export async function successorCatchesUp(successor: WorkerHandle, bootstrap: string, groupId: string, input: string, timeoutMs: number): Promise<'committed' | 'refused'> {
  let refused = false;
  successor.waitFor('fenced', timeoutMs).then(
    () => (refused = true),
    () => undefined,
  );
  return (await waitUntilCommittedToEnd(bootstrap, groupId, input, timeoutMs, () => refused)) === 'committed' ? 'committed' : 'refused';
}

/** The successor's refusal at its first transaction, if it reported one: w2's fenced report. */
export function successorRefusal(history: readonly Op[]): Extract<Op, { type: 'worker' }> | undefined {
  return history.find((o): o is Extract<Op, { type: 'worker' }> => o.type === 'worker' && o.worker === 'w2' && o.event === 'fenced');
}

/**
 * Why a restart was refused, for a row's note. @platformatic/kafka 2.12.1 sends InitProducerId with producer id 0 and
 * epoch 0 when it has none (clients/producer/producer.js, #initIdempotentProducer: `options.producerId ?? ... ?? 0n`),
 * where the protocol says -1 and -1. The transaction coordinator reads a given id as "I am that producer" and fences a
 * request whose id is not the transactional id's current one (TransactionCoordinator.prepareInitProducerIdTransit):
 * PRODUCER_FENCED. So only the first instance ever to use a transactional id can start.
 */
export function restartRefusedExplanation(refusal: Extract<Op, { type: 'worker' }>): string {
  return `w2, the restarted instance with w1's transactional id, was refused at its first transaction (${refusal.code ?? refusal.detail}): @platformatic/kafka sends InitProducerId with producer id 0 and epoch 0 instead of -1 and -1, and the broker fences a request naming a producer id that is not the transactional id's current one.`;
}

export const RESTART_REFUSAL_WORKAROUND = "Giving the Producer producerId: -1n and producerEpoch: -1 in its options lets a restart take over (the lab's tests show both).";
