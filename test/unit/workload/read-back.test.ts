// Unit tests for turning read records into history entries: lab messages observed in read order, anything else counted apart.
import { describe, expect, it } from 'vitest';
import { History } from '../../../src/core/history.js';
import { encodeMessage, makeMessages } from '../../../src/workload/messages.js';
import { BARRIER_VALUE } from '../../../src/workload/producer-workload.js';
import { recordReads } from '../../../src/workload/read-back.js';

describe('recordReads', () => {
  it('observes each lab message where it was read, in read order, copies included', () => {
    const [a, b] = makeMessages('run', 2, 2);
    const history = new History();
    const summary = recordReads(
      [
        { partition: 0, offset: '0', value: encodeMessage(a!) },
        { partition: 0, offset: '1', value: encodeMessage(b!) },
        { partition: 0, offset: '2', value: encodeMessage(a!) },
      ],
      history,
      'output',
    );
    expect(summary).toEqual({ records: 3, foreign: 0 });
    expect(history.ofType('observe').map((o) => [o.where, o.offset, o.id, o.key, o.seq, o.globalSeq])).toEqual([
      ['output', '0', a!.id, a!.key, a!.seq, a!.globalSeq],
      ['output', '1', b!.id, b!.key, b!.seq, b!.globalSeq],
      ['output', '2', a!.id, a!.key, a!.seq, a!.globalSeq],
    ]);
  });

  it('counts records that are not lab messages (the acks=0 barrier, a tombstone, junk) without observing them', () => {
    const history = new History();
    const summary = recordReads(
      [
        { partition: 0, offset: '0', value: BARRIER_VALUE },
        { partition: 1, offset: '0', value: null },
        { partition: 1, offset: '1', value: '{"id": 3}' },
      ],
      history,
      'log',
    );
    expect(summary).toEqual({ records: 3, foreign: 3 });
    expect(history.all()).toEqual([]);
  });
});
