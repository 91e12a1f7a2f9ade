// Waits, boundedly, until a partition's leader and ISR look a certain way, asking one broker (never a stalled one).
import { errorMessage } from '../core/errors.js';
import { partitionState, type PartitionState } from '../kafka/client.js';

const POLL_MS = 100;

export async function waitForPartition(address: string, topic: string, wanted: (p: PartitionState) => boolean, timeoutMs: number): Promise<PartitionState> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const state = await partitionState(address, topic);
      if (wanted(state)) return state;
      last = `leader ${state.leader}, replicas ${state.replicas.join(', ')}, ISR ${state.isr.join(', ') || 'empty'}`;
    } catch (error) {
      last = errorMessage(error);
    }
    if (Date.now() >= deadline) throw new Error(`partition 0 of ${topic} did not reach the wanted state within ${timeoutMs / 1000} s (last: ${last})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
