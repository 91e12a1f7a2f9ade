// Reads a topic with kcat (librdkafka), a client independent of kafkajs, to check the lab's own read-back.
import { spawnSync } from 'node:child_process';

export const kcatAvailable = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;

/** Every record value in the topic, from the beginning to the current end (librdkafka reads read_committed by default). */
export function kcatValues(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): string[] {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\\n'];
  const result = spawnSync('kcat', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`kcat failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

export interface ReadMessage {
  id: string;
  key: string;
  seq: number;
  g: number;
}

/** The lab messages in a topic, as kcat reads them, in log order (JSON values; other records, such as the acks=0 barrier, left out). */
export function kcatMessages(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): ReadMessage[] {
  return kcatValues(bootstrap, topic, isolation).flatMap((v) => {
    try {
      const m = JSON.parse(v) as ReadMessage;
      return typeof m.id === 'string' ? [m] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Counted here, independently of the lab's checker: records, copies beyond the first, and first
 * copies read after a later message of their key (a single-partition topic is read in log order).
 */
export function tally(messages: ReadMessage[]): { records: number; duplicates: number; outOfOrder: number } {
  const seen = new Set<string>();
  const top = new Map<string, number>();
  let outOfOrder = 0;
  for (const m of messages) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    if ((top.get(m.key) ?? -1) > m.seq) outOfOrder++;
    else top.set(m.key, m.seq);
  }
  return { records: messages.length, duplicates: messages.length - seen.size, outOfOrder };
}
