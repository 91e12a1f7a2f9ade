// transactions with @platformatic/kafka in the transform workers (its message stream cut into fetch-sized batches, its
// Transaction with addConsumer/addOffset) on a real broker; every output count read again with kcat at both isolation
// levels. With its defaults a restarted transactional producer is refused (PRODUCER_FENCED): asserted, and probed directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactions } from '../../scenarios/transactions.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { withAdmin } from '../../src/kafka/client.js';
import { startTestBroker } from './support/broker.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';
import { workerSnapshot } from './support/snapshots.js';

const MESSAGES = 200;
let broker: RunningBroker;
let result: ScenarioResult;
beforeAll(async () => {
  broker = await startTestBroker();
  result = await runOn(broker, transactions, { messages: MESSAGES, faults: 1, keepTopics: true, client: 'platformatic' });
}, 240_000);
afterAll(async () => {
  await broker?.stop();
});

/** w1's own count where it stopped (the worker's report, not the read-back). */
const stopPoint = (r: VariantResult) => workerSnapshot(r, 'w1', r.variant === 'zombie-fencing' ? 'stall' : 'crash');
/** The input offset w1's last committed transaction covered, from its own commit reports. */
const w1Committed = (r: VariantResult) =>
  Math.max(...r.history.flatMap((o) => (o.type === 'commit' && o.worker === 'w1' && o.ok ? [Number(/@(\d+)$/.exec(o.offsets)![1])] : [])));
const refusal = (r: VariantResult) =>
  r.history.find((o): o is Extract<VariantResult['history'][number], { type: 'worker' }> => o.type === 'worker' && o.worker === 'w2' && o.event === 'fenced');
/** The output topic as kcat reads it, counted in the test. */
const output = (r: VariantResult, isolation: 'read_committed' | 'read_uncommitted') =>
  tally(kcatMessages(broker.bootstrap, r.topics.find((t) => t.includes('-out-'))!, isolation));

describe('transactions with @platformatic/kafka (seed 42, 200 inputs)', () => {
  it('runs every variant with the platformatic workers', () => {
    for (const r of result.results) {
      expect(r.client, r.variant).toBe('platformatic');
      expect(r.error, r.variant).toBeUndefined();
    }
  });

  it('no-transactions: what w1 wrote past its last commit is written again, as predicted from its own record', () => {
    const r = rowOf(result, 'no-transactions');
    const redone = stopPoint(r).appliedNotCommitted;
    expect(redone).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ sent: MESSAGES, observed: MESSAGES + redone, duplicates: redone, lost: 0 });
    expect(output(r, 'read_committed')).toMatchObject({ records: MESSAGES + redone, duplicates: redone });
  });

  it('transactions: the restarted instance is refused (PRODUCER_FENCED), so kcat finds only what w1 committed: BROKEN, the note says why', () => {
    const r = rowOf(result, 'transactions');
    expect(refusal(r)?.code).toBe('PRODUCER_FENCED');
    const committed = w1Committed(r);
    expect(committed).toBeGreaterThan(0);
    expect(output(r, 'read_committed')).toMatchObject({ records: committed, duplicates: 0 });
    expect(r.counts).toMatchObject({ observed: committed, duplicates: 0, lost: MESSAGES - committed });
    expect(r.promise).toBe('broken');
    expect(r.note).toContain('producer id 0 and epoch 0');
  });

  it('read_uncommitted: the open transaction\'s records are the only copies (nothing redid them), as predicted', () => {
    const r = rowOf(result, 'transactions-read-uncommitted');
    const open = stopPoint(r).appliedNotCommitted;
    expect(refusal(r)).toBeDefined();
    expect(output(r, 'read_uncommitted')).toMatchObject({ records: w1Committed(r) + open, duplicates: 0 });
    expect(r.counts).toMatchObject({ observed: w1Committed(r) + open, duplicates: 0 });
    expect(r.predicted.duplicates).toBe(0);
  });

  it('zombie-fencing: the successor is refused, so nothing fences the woken w1 either; read_committed holds only w1\'s commits', () => {
    const r = rowOf(result, 'zombie-fencing');
    expect(refusal(r)).toBeDefined();
    expect(output(r, 'read_committed')).toMatchObject({ records: w1Committed(r), duplicates: 0 });
    expect(r.promise).toBe('broken');
  });
});

describe('@platformatic/kafka\'s InitProducerId, probed directly', () => {
  /** Two producers with one transactional id, one after the other, each committing one transaction; what each got. */
  async function twoInstances(options: Record<string, unknown>): Promise<string[]> {
    const { Producer, stringSerializers } = await import('@platformatic/kafka');
    const topic = `dup-lab-probe-${Date.now()}-${Math.round(Math.random() * 1e6)}`;
    await withAdmin(broker.bootstrap, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] }));
    const transactionalId = `${topic}-tx`;
    const outcomes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const producer = new Producer({ clientId: 'probe', bootstrapBrokers: [broker.bootstrap], idempotent: true, transactionalId, serializers: stringSerializers, retryDelay: 300, ...options });
      try {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: [{ topic, key: 'k', value: `v${i}` }] });
        await tx.commit();
        outcomes.push('committed');
      } catch (error) {
        let e = error as { apiId?: string; errors?: unknown[]; message?: string };
        while (!e.apiId && e.errors?.length) e = e.errors.at(-1) as typeof e;
        outcomes.push(e.apiId ?? String(e.message));
      } finally {
        await producer.close(true);
      }
    }
    return outcomes;
  }

  it('with its defaults the second instance is refused with PRODUCER_FENCED (it sends producer id 0, epoch 0)', async () => {
    expect(await twoInstances({})).toEqual(['committed', 'PRODUCER_FENCED']);
  }, 60_000);

  it('with producerId -1n and producerEpoch -1 (the protocol\'s "none") the second instance takes over', async () => {
    expect(await twoInstances({ producerId: -1n, producerEpoch: -1 })).toEqual(['committed', 'committed']);
  }, 60_000);
});
