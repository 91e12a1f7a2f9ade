// Watches a consumer group's committed offsets until they reach the end of its topic.
import { withAdmin } from '../kafka/client.js';

/** Resolves when the group has committed every partition of `topic` up to its end; throws after `timeoutMs`. */
export async function waitUntilCommittedToEnd(bootstrap: string, groupId: string, topic: string, timeoutMs: number): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const behind = (committed?.partitions ?? []).filter((p) => BigInt(p.offset) < (ends.get(p.partition) ?? 0n));
      if (committed && behind.length === 0 && committed.partitions.length === ends.size) return;
      if (Date.now() > deadline) {
        const where = behind.map((p) => `partition ${p.partition} at ${p.offset} of ${ends.get(p.partition)}`).join(', ');
        throw new Error(`group ${groupId} did not commit to the end within ${timeoutMs / 1000} s (${where})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}
