// Watches a consumer group's committed offsets until they reach the end of its topic.
import { withAdmin } from '../kafka/client.js';

/**
 * Resolves once the group has committed every partition of the topic to its end: 'committed'; or, as soon as
 * `giveUp(ends)` says the consumer will never get there (its producer was refused, or a late commit moved the
 * group back), 'gave-up'. Throws after `timeoutMs`.
 */
export async function waitUntilCommittedToEnd(
  bootstrap: string,
  groupId: string,
  topic: string,
  timeoutMs: number,
  giveUp: (ends: ReadonlyMap<number, bigint>) => boolean = () => false,
): Promise<'committed' | 'gave-up'> {
  return withAdmin(bootstrap, async (admin) => {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const behind = (committed?.partitions ?? []).filter((p) => BigInt(p.offset) < (ends.get(p.partition) ?? 0n));
      if (committed && behind.length === 0 && committed.partitions.length === ends.size) return 'committed';
      if (giveUp(ends)) return 'gave-up';
      if (Date.now() > deadline) {
        const where = behind.map((p) => `partition ${p.partition} at ${p.offset} of ${ends.get(p.partition)}`).join(', ');
        throw new Error(`group ${groupId} did not commit to the end within ${timeoutMs / 1000} s (${where})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/** The group's committed offset and the end of each partition of the topic, as the broker has them now (-1: none committed). */
export async function groupOffsets(bootstrap: string, groupId: string, topic: string): Promise<{ partition: number; committed: string; end: string }[]> {
  return withAdmin(bootstrap, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends.map((p) => ({ partition: p.partition, committed: byPartition.get(p.partition) ?? '-1', end: p.high }));
  });
}

/**
 * Resolves once the broker says the group is rebalancing (it waits for its members to rejoin), or as soon as
 * `giveUp()` says the answer no longer matters; throws after `timeoutMs`.
 */
export async function waitUntilRebalancing(bootstrap: string, groupId: string, timeoutMs: number, giveUp: () => boolean = () => false): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (giveUp()) return;
      const { groups } = await admin.describeGroups([groupId]);
      if (groups.some((g) => g.state === 'PreparingRebalance' || g.state === 'CompletingRebalance')) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not start rebalancing within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}
