// Reads a topic back directly from the broker, to its end, and records every lab message found as an observation.
import type { History } from '../core/history.js';
import { readTopic, type ReadOptions, type ReadRecord } from '../kafka/client.js';
import { decodeMessage } from './messages.js';

export interface ReadBackSummary {
  records: number;
  /** Records that are not lab messages (should be 0 on the lab's own topics). */
  foreign: number;
}

export async function readBack(
  bootstrap: string,
  topic: string,
  history: History,
  where = 'log',
  options: ReadOptions = { isolation: 'read_uncommitted', timeoutMs: 15_000 },
): Promise<ReadBackSummary> {
  const { records, complete } = await readTopic(bootstrap, topic, options);
  // Counts from half a topic would look like loss: better no verdict than a wrong one.
  if (!complete) throw new Error(`reading ${topic} back timed out after ${options.timeoutMs / 1000} s, before its end; no counts`);
  return recordReads(records, history, where);
}

/** Adds every lab message among the records (in read order) to the history as an `observe` at `where`; counts the rest. */
export function recordReads(records: readonly Pick<ReadRecord, 'partition' | 'offset' | 'value'>[], history: History, where: string): ReadBackSummary {
  let foreign = 0;
  for (const r of records) {
    const m = decodeMessage(r.value);
    if (!m) {
      foreign++;
      continue;
    }
    history.add({ type: 'observe', where, partition: r.partition, offset: r.offset, id: m.id, key: m.key, seq: m.seq, globalSeq: m.globalSeq });
  }
  return { records: records.length, foreign };
}
