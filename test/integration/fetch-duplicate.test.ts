// fetch-duplicate on a real broker with real workers, read again with sqlite3 and kcat; and the proxy's duplicate-fetch with kcat and the Java consumer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDuplicate } from '../../scenarios/fetch-duplicate.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { silentProgress } from '../../src/core/progress.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { createProducer, createKafka, createTopics } from '../../src/kafka/client.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { startProxyCommand, stopProxyCommand } from './support/proxy-command.js';
import { keptSqliteFile, sqliteEffects } from './support/databases.js';
import { javaConsumerOffsets } from './support/java-client.js';
import { kcatAvailable, kcatMessages } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';
import { spawnSync } from 'node:child_process';

let broker: RunningBroker;
let redis: { url: string; stop(): Promise<void> };
const keepDir = mkdtempSync(join(tmpdir(), 'dup-lab-test-data-'));
beforeAll(async () => {
  broker = await startTestBroker();
  const found = await findRedis(undefined, silentProgress);
  if (!('url' in found)) throw new Error(`these tests need Redis: ${found.missing}`);
  redis = found;
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  await broker?.stop();
  rmSync(keepDir, { recursive: true, force: true });
});

/** The records the proxy's fault log says it handed out twice: the prediction, read here from the history. */
function repeatedByProxy(r: VariantResult): number {
  return r.history.reduce((sum, o: Op) => sum + (o.type === 'fault' && o.action === 'duplicate-fetch' ? (o.affected ?? 0) : 0), 0);
}

describe('fetch-duplicate against a real broker (seed 42, 200 orders, 3 faults: the README\'s run)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, fetchDuplicate, { messages: 200, faults: 3, keepTopics: true, resources: { redis: { url: redis.url }, keepDataDir: keepDir } });
  }, 120_000);

  it.each([
    // variant, duplicate effects (README)
    ['no-dedup', 30],
    ['offset-guard', 0],
    ['redis-setnx', 0],
    ['dedup-window', 0],
    ['processed-table', 0],
  ])('%s: %i duplicate effects; sqlite3 reads the same rows and balance', (name, duplicateEffects) => {
    const r = rowOf(result, name);
    expect(r.counts).toMatchObject({ messages: 200, duplicateEffects, neverApplied: 0 });
    // Three seeded answers, one whole 10-order batch each, in every variant: the same fault, whatever the dedup.
    expect(repeatedByProxy(r)).toBe(30);
    const e = sqliteEffects(keptSqliteFile(keepDir, 'fetch-duplicate', name));
    expect({ rows: e.rows, messages: e.messages, balance: e.balance }).toEqual({ rows: 200 + duplicateEffects, messages: 200, balance: r.counts.balanceActual });
  });

  it('no-dedup: the prediction is the proxy log\'s count, and the worker counted the same re-applies itself', () => {
    const r = rowOf(result, 'no-dedup');
    expect(r.predicted?.duplicateEffects).toBe(repeatedByProxy(r));
    const end = r.history.find((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'end');
    expect(end && end.type === 'snapshot' ? end.reapplied : undefined).toBe(30);
    expect(r.counts.balanceActual).not.toBe(r.counts.balanceExpected);
  });

  it.runIf(kcatAvailable)('kcat reads each order once in every variant\'s topic: the copies were never in the log', () => {
    for (const r of result.results) {
      const messages = kcatMessages(broker.bootstrap, r.topics![0]!);
      expect(messages).toHaveLength(200);
      expect(new Set(messages.map((m) => m.id)).size).toBe(200);
    }
  });
});

/** 100 records in ten batches of ten (one send each), on one partition. */
async function fillTopic(topic: string): Promise<void> {
  await createTopics(broker.bootstrap, [{ name: topic, partitions: 1 }]);
  const producer = createProducer(createKafka(broker.bootstrap, { clientId: 'fetch-duplicate-test' }), { idempotent: true });
  await producer.connect();
  for (let b = 0; b < 10; b++) await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${b * 10 + i}` })) });
  await producer.disconnect();
}

/** The offsets the proxy's log says it returned twice: "offsets 20-29 of partition 0 (10 records) returned twice". */
function offsetsRepeated(output: string): number[] {
  return [...output.matchAll(/offsets (\d+)-(\d+) of partition 0 \((\d+) records?\) returned twice/g)].flatMap((m) => {
    const [first, last] = [Number(m[1]), Number(m[2])];
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  });
}

/** Offsets printed more than once, each as often as it was extra, sorted. */
function extraCopies(offsets: number[]): number[] {
  const seen = new Set<number>();
  return offsets.filter((o) => (seen.has(o) ? true : (seen.add(o), false))).sort((a, b) => a - b);
}

describe.runIf(kcatAvailable)('proxy command --duplicate-fetch-every with kcat -C (librdkafka), where kcat is installed', () => {
  it('kcat prints each repeated record twice: exactly the offsets the proxy says it repeated', async () => {
    await fillTopic('proxy-kcat-fetch-twice');
    const proxy = await startProxyCommand(broker.bootstrap, ['--duplicate-fetch-every', '2']);
    let printed: string;
    try {
      // Small fetches, so the 100 records come in several answers and several are repeated.
      const read = spawnSync(
        'kcat',
        ['-C', '-b', proxy.bootstrap, '-t', 'proxy-kcat-fetch-twice', '-o', 'beginning', '-e', '-q', '-f', '%o\\n', '-X', 'fetch.max.bytes=1500', '-X', 'message.max.bytes=1500', '-X', 'max.partition.fetch.bytes=1500'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(read.status, read.stderr).toBe(0);
      printed = read.stdout;
    } finally {
      expect(await stopProxyCommand(proxy)).toBe(0);
    }
    const offsets = printed.split('\n').filter(Boolean).map(Number);
    const repeated = offsetsRepeated(proxy.output());
    expect(repeated.length).toBeGreaterThanOrEqual(10);
    expect(new Set(offsets).size).toBe(100);
    expect(offsets).toHaveLength(100 + repeated.length);
    expect(extraCopies(offsets)).toEqual([...repeated].sort((a, b) => a - b));
  }, 90_000);
});

describe('proxy command --duplicate-fetch-every with the Apache Java consumer', () => {
  it('poll() returns each record once although the proxy repeated batches: the Java consumer skips offsets below its position', async () => {
    await fillTopic('proxy-java-fetch-twice');
    const proxy = await startProxyCommand(broker.bootstrap, ['--duplicate-fetch-every', '1']);
    let offsets: number[];
    try {
      offsets = await javaConsumerOffsets(proxy.bootstrap, 'proxy-java-fetch-twice', 0, 100);
    } finally {
      expect(await stopProxyCommand(proxy)).toBe(0);
    }
    const repeated = offsetsRepeated(proxy.output());
    expect(repeated.length).toBeGreaterThanOrEqual(10);
    expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => i));
  }, 120_000);
});
