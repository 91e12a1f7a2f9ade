// consumer-crash, rebalance, zombie, transactions and dual-write on hand-built histories: predictions from the workers' snapshots.
import { describe, expect, it } from 'vitest';
import { consumerCrash } from '../../../scenarios/consumer-crash.js';
import { dualWrite } from '../../../scenarios/dual-write.js';
import { rebalance } from '../../../scenarios/rebalance.js';
import { transactions } from '../../../scenarios/transactions.js';
import { zombie } from '../../../scenarios/zombie.js';
import { evaluateVariant } from '../../../src/check/evaluate.js';
import type { Scenario } from '../../../src/core/scenario.js';
import type { Op } from '../../../src/core/types.js';
import { copiesOf, effects, observes, range, sends, snapshot } from './histories.js';

const variant = (scenario: Scenario, name: string) => scenario.variants.find((v) => v.name === name)!;

describe('consumer-crash', () => {
  // 40 orders; w1 was killed with 5 applied after its last commit; the restart applied them again.
  const crash = snapshot('w1', 'crash', { applied: 20, appliedNotCommitted: 5 });
  const redone: Op[] = [...sends(40), crash, ...effects(copiesOf(40, range(15, 20)), 400, 450)];

  it('commit-after-batch: 5 duplicate effects, predicted from w1\'s own count at the crash', () => {
    const r = evaluateVariant(consumerCrash, variant(consumerCrash, 'commit-after-batch'), redone);
    expect(r.counts).toMatchObject({ messages: 40, effects: 45, duplicateEffects: 5, neverApplied: 0, balanceExpected: 400, balanceActual: 450 });
    expect(r.predicted).toEqual({ duplicateEffects: 5, neverApplied: 0 });
    expect(r.note).toMatch(/^SIGKILL after 20 side effects, 5 of them past the last commit\. The restart began at the last commit/);
    expect(r.note).toMatch(/The balance is off by 50\./);
  });

  it('processed-table: predicts no duplicate, and keeps its promise on a clean read', () => {
    const clean: Op[] = [...sends(40), crash, ...effects(copiesOf(40), 400, 400)];
    const r = evaluateVariant(consumerCrash, variant(consumerCrash, 'processed-table'), clean);
    expect(r.predicted).toEqual({ duplicateEffects: 0, neverApplied: 0 });
    expect(r.promise).toBe('kept');
    expect(r.note).toMatch(/unique processed_messages row/);
  });

  it('commit-before-process: what was committed and not applied is predicted as never applied', () => {
    const h: Op[] = [...sends(40), snapshot('w1', 'crash', { applied: 20, committedNotApplied: 3 }), ...effects(copiesOf(40, [], [20, 21, 22]), 400, 370)];
    const r = evaluateVariant(consumerCrash, variant(consumerCrash, 'commit-before-process'), h);
    expect(r.counts.neverApplied).toBe(3);
    expect(r.predicted.neverApplied).toBe(3);
  });

  it('a history without the crash snapshot cannot be evaluated, and says why', () => {
    expect(() => evaluateVariant(consumerCrash, variant(consumerCrash, 'auto-commit'), sends(40))).toThrow(/no crash snapshot of w1/);
  });
});

describe('rebalance', () => {
  const h: Op[] = [
    ...sends(40),
    snapshot('w1', 'hold', { applied: 10, appliedNotCommitted: 6 }),
    snapshot('w1', 'rebalance', { applied: 11, appliedNotCommitted: 7 }),
    ...effects(copiesOf(40, range(3, 10)), 400, 470),
  ];

  it('predicts from what w1 had not committed when heartbeat() reported the rebalance, and tells of the extra apply', () => {
    const r = evaluateVariant(rebalance, variant(rebalance, 'commit-after-batch'), h);
    expect(r.predicted).toEqual({ duplicateEffects: 7 });
    expect(r.counts.duplicateEffects).toBe(7);
    expect(r.note).toMatch(/it first applied 1 more from a batch kafkajs had already fetched/);
    expect(r.note).toMatch(/applied those messages again: 7 duplicate effects\./);
    expect(variant(rebalance, 'commit-after-batch').varies!.holds(r.counts, h)).toBe(true);
    expect(rebalance.predict(h, variant(rebalance, 'processed-table'))).toEqual({ duplicateEffects: 0 });
  });

  it('a hold the lab ended (the client gave no sign): the note says so, and the client\'s own lesson replaces kafkajs\'', () => {
    const ended: Op = { type: 'worker', at: 50, worker: 'w1', event: 'released', by: 'lab', detail: 'hold ended by the lab: the group is rebalancing' };
    const clean: Op[] = [
      ...sends(40),
      snapshot('w1', 'hold', { applied: 10, appliedNotCommitted: 6 }),
      ended,
      snapshot('w1', 'rebalance', { applied: 30, appliedNotCommitted: 0 }),
      ...effects(copiesOf(40), 400, 400),
    ];
    const r = evaluateVariant(rebalance, variant(rebalance, 'commit-after-batch'), clean, 'confluent');
    expect(r.predicted).toEqual({ duplicateEffects: 0 });
    expect(r.note).toMatch(/the client gave w1's handler no sign of it, so the lab ended the hold; w1 went on \(20 more applied\)/);
    expect(r.note).toMatch(/librdkafka gives partitions up only when the application next polls/);
    expect(evaluateVariant(rebalance, variant(rebalance, 'commit-after-batch'), h, 'kafkajs').note).not.toMatch(/librdkafka/);
  });

  describe('a client that rejoined by itself while w1 held, and w1 went on with what it had in hand', () => {
    const rejoined: Op[] = [
      ...sends(40),
      snapshot('w1', 'hold', { applied: 10, appliedNotCommitted: 2 }),
      snapshot('w1', 'rebalance', { applied: 10, appliedNotCommitted: 2 }),
      { type: 'worker', at: 60, worker: 'w1', event: 'released', by: 'rejoin', detail: 'hold ended: the client rejoined the group by itself' },
      snapshot('w1', 'end', { applied: 26, appliedOffsets: 'p0:0-9 p1:0-14', reapplied: 1 }),
      snapshot('w2', 'end', { applied: 20, appliedOffsets: 'p1:10-19 p2:0-9' }),
      { type: 'group-offset', at: 90, group: 'g', partition: 1, committed: '15', end: '20' },
      ...effects(copiesOf(40, range(0, 6)), 400, 460),
    ];

    it('predicts what both workers applied (p1 10-14) and w1 applied twice itself, beyond its 2 uncommitted at the rebalance', () => {
      const r = evaluateVariant(rebalance, variant(rebalance, 'commit-after-batch'), rejoined, 'platformatic');
      expect(r.predicted).toEqual({ duplicateEffects: 6 });
      expect(r.counts.duplicateEffects).toBe(6);
      expect(r.note).toMatch(/rejoined the group by itself, from its heartbeat timer, while the handler held/);
      expect(r.note).toMatch(/by both workers, p1 10-14; by w1 itself, 1 message/);
      expect(r.note).toMatch(/committed offset for p1 is 15, short of 20: the next member to start there redoes 5 messages/);
    });

    it('without the workers\' applied offsets it cannot predict; w1\'s snapshot alone would undercount', () => {
      const withoutEnds = rejoined.filter((o) => !(o.type === 'snapshot' && o.moment === 'end'));
      expect(() => rebalance.predict(withoutEnds, variant(rebalance, 'commit-after-batch'))).toThrow(/no applied offsets/);
      expect(rebalance.predict(withoutEnds, variant(rebalance, 'processed-table'))).toEqual({ duplicateEffects: 0 });
    });

    it('a hold that ended otherwise still predicts from w1\'s snapshot, whatever the ends say', () => {
      const byLab = rejoined.map((o): Op => (o.type === 'worker' && o.event === 'released' ? { ...o, by: 'lab' } : o));
      expect(rebalance.predict(byLab, variant(rebalance, 'commit-after-batch'))).toEqual({ duplicateEffects: 2 });
    });
  });
});

describe('zombie', () => {
  const stall = snapshot('w1', 'stall', { applied: 30, appliedNotCommitted: 4, remainingInBatch: 3 });
  const woke: Op = { type: 'worker', at: 80, worker: 'w1', event: 'resumed', detail: 'SIGCONT' };
  const refused: Op = { type: 'commit', at: 90, worker: 'w1', ok: false, offsets: '', error: 'The coordinator is not aware of this member', code: 'UNKNOWN_MEMBER_ID' };

  it('baseline: the redone part plus the rest of the batch the zombie applies after waking', () => {
    const h: Op[] = [...sends(40), stall, woke, refused, snapshot('w1', 'end', { applied: 33 }), ...effects(copiesOf(40, range(26, 33)), 400, 470)];
    const r = evaluateVariant(zombie, variant(zombie, 'commit-after-batch'), h);
    expect(r.predicted).toEqual({ duplicateEffects: 7 });
    expect(r.counts.duplicateEffects).toBe(7);
    expect(r.note).toMatch(/applied 3 messages w2 had already applied\. Its commit was refused \(UNKNOWN_MEMBER_ID\): a refused commit does not undo side effects/);
  });

  it('a history saved without w1\'s end snapshot predicts the rest of the batch, as before', () => {
    const h: Op[] = [...sends(40), stall, woke, refused, ...effects(copiesOf(40, range(26, 33)), 400, 470)];
    expect(evaluateVariant(zombie, variant(zombie, 'commit-after-batch'), h).predicted).toEqual({ duplicateEffects: 7 });
  });

  it('heartbeat-check: only the redone part, and the note says the heartbeat stopped it', () => {
    const fenced: Op = { type: 'worker', at: 91, worker: 'w1', event: 'fenced', detail: 'heartbeat refused', code: 'UNKNOWN_MEMBER_ID' };
    const h: Op[] = [...sends(40), stall, woke, fenced, snapshot('w1', 'end', { applied: 30 }), ...effects(copiesOf(40, range(26, 30)), 400, 440)];
    const r = evaluateVariant(zombie, variant(zombie, 'heartbeat-check'), h);
    expect(r.predicted).toEqual({ duplicateEffects: 4 });
    expect(r.note).toMatch(/heartbeat\(\) before its next apply was refused/);
  });

  it('a zombie that goes past its batch, its commits refused unseen: the prediction is its own count, the note says nothing stopped it', () => {
    const unseen = (offset: number): Op => ({ ...refused, error: `the broker refused commit p0@${offset} after commitOffsets had resolved`, unseen: true, at: 90 + offset } as Op);
    const h: Op[] = [...sends(40), stall, woke, unseen(34), unseen(38), snapshot('w1', 'end', { applied: 40 }), ...effects(copiesOf(40, range(26, 40)), 400, 540)];
    const r = evaluateVariant(zombie, variant(zombie, 'commit-after-batch'), h);
    expect(r.predicted).toEqual({ duplicateEffects: 14 });
    expect(r.counts.duplicateEffects).toBe(14);
    expect(r.note).toMatch(/applied 10 messages w2 had already applied \(the rest of its batch was 3: it did not stop there\)\. Both of its commits were refused \(UNKNOWN_MEMBER_ID\), though the client had already told w1 it was done, and nothing stopped it/);
  });

  it('a zombie commit that gets through: the note names it, and the group offset read at the end, short of the end', () => {
    const w2Commit: Op = { type: 'commit', at: 70, worker: 'w2', ok: true, offsets: 'p0@40' };
    const rejoined: Op = { type: 'worker', at: 85, worker: 'w1', event: 'assigned', detail: 'partitions []' };
    const accepted: Op = { type: 'commit', at: 90, worker: 'w1', ok: true, offsets: 'p0@33' };
    const group: Op = { type: 'group-offset', at: 95, group: 'g', partition: 0, committed: '33', end: '40' };
    const h: Op[] = [...sends(40), w2Commit, stall, woke, rejoined, accepted, snapshot('w1', 'end', { applied: 33 }), group, ...effects(copiesOf(40, range(26, 33)), 400, 470)];
    const r = evaluateVariant(zombie, variant(zombie, 'commit-after-batch'), h);
    expect(r.predicted).toEqual({ duplicateEffects: 7 });
    expect(r.note).toMatch(/Its commit p0@33 was accepted, the client having rejoined the group and committed under the new generation: the group's offset went back behind w2's p0@40\./);
    expect(r.note).toMatch(/committed offset for p0 is 33, short of 40: the next member to start there redoes 7 messages/);
  });
});

describe('transactions', () => {
  const crash = snapshot('w1', 'crash', { applied: 12, appliedNotCommitted: 5 });

  it.each([
    ['no-transactions', 5],
    ['transactions', 0],
    ['transactions-read-uncommitted', 5],
  ])('%s predicts %i duplicates from w1\'s open outputs', (name, duplicates) => {
    expect(transactions.predict([crash], variant(transactions, name))).toEqual({ duplicates });
  });

  it('zombie-fencing predicts from the stall and names the refusal', () => {
    const h: Op[] = [
      ...sends(20),
      snapshot('w1', 'stall', { applied: 12, appliedNotCommitted: 5 }),
      { type: 'worker', at: 50, worker: 'w1', event: 'fenced', detail: 'producer fenced', code: 'INVALID_PRODUCER_EPOCH' },
      ...observes(range(0, 20), 8, 'output'),
    ];
    const r = evaluateVariant(transactions, variant(transactions, 'zombie-fencing'), h);
    expect(r.predicted).toEqual({ duplicates: 0 });
    expect(r.counts).toMatchObject({ observed: 20, duplicates: 0, lost: 0 });
    expect(r.note).toMatch(/was refused \(INVALID_PRODUCER_EPOCH\)/);
    expect(r.promise).toBe('kept');
  });
});

describe('dual-write', () => {
  const crash = snapshot('w1', 'crash', { applied: 12, appliedNotCommitted: 6 });

  it('naive: the one message caught between row and event disagrees', () => {
    const h: Op[] = [...sends(20), crash, ...effects(copiesOf(20), 200, 200), ...observes(range(0, 20).filter((i) => i !== 7), 8, 'events')];
    const r = evaluateVariant(dualWrite, variant(dualWrite, 'naive'), h);
    expect(r.counts).toMatchObject({ missingEvents: 1, disagreements: 1 });
    expect(r.predicted).toEqual({ disagreements: 1 });
  });

  it('kafka-transaction-only: the rows of the aborted batch, written twice', () => {
    const h: Op[] = [...sends(20), crash, ...effects(copiesOf(20, range(6, 12)), 200, 260), ...observes(range(0, 20), 8, 'events')];
    const r = evaluateVariant(dualWrite, variant(dualWrite, 'kafka-transaction-only'), h);
    expect(r.counts).toMatchObject({ duplicateEffects: 6, duplicates: 0, disagreements: 6 });
    expect(r.predicted).toEqual({ disagreements: 6 });
  });

  it('outbox: predicts agreement, and tells of the relay\'s crash when the history has it', () => {
    const h: Op[] = [...sends(20), crash, snapshot('relay1', 'crash', { applied: 5 }), ...effects(copiesOf(20), 200, 200), ...observes(range(0, 20), 8, 'events')];
    const r = evaluateVariant(dualWrite, variant(dualWrite, 'outbox'), h);
    expect(r.promise).toBe('kept');
    expect(r.note).toMatch(/The relay was killed with 5 events sent in an open transaction/);
  });
});
