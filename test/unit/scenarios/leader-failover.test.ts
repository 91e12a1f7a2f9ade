// leader-failover's pure parts on hand-built histories: the prediction comes from the lab's record at the crash, never from the read-back.
import { describe, expect, it } from 'vitest';
import { leaderFailover } from '../../../scenarios/leader-failover.js';
import type { Op } from '../../../src/core/types.js';

const variant = (name: string) => leaderFailover.variants.find((v) => v.name === name)!;
const fault = (action: string, detail: string, affected?: number): Op => ({ type: 'fault', at: 1, action, detail, affected });
const crash = (ackedAlone: number) => fault('crash-leader', `leader 1 crashed (SIGKILL) having acknowledged ${ackedAlone} of the 20 sends made while its followers were stalled`, ackedAlone);
const send = (i: number, outcome: 'ok' | 'unknown' = 'ok'): Op => ({ type: 'send', at: 1, outcome, id: `r-${i}`, key: `k${i % 8}`, seq: Math.floor(i / 8), globalSeq: i });
const observe = (i: number): Op => ({ type: 'observe', at: 2, where: 'log', partition: 0, offset: String(i), id: `r-${i}`, key: `k${i % 8}`, seq: Math.floor(i / 8), globalSeq: i });

describe('leader-failover predict', () => {
  it('acks=1 and unclean election lose what the crashed leader acknowledged alone, as recorded at the crash', () => {
    const history = [fault('stall-followers', 'followers 2 and 3 stalled'), crash(17), fault('new-leader', 'broker 2 leads after 6.0 s (ISR 2, 3)')];
    expect(leaderFailover.predict(history, variant('acks-1'))).toEqual({ lost: 17 });
    expect(leaderFailover.predict(history, variant('unclean-election'))).toEqual({ lost: 17 });
  });

  it('acks=all with a full ISR loses nothing, whatever the record says', () => {
    expect(leaderFailover.predict([crash(0)], variant('acks-all-min-isr-2'))).toEqual({ lost: 0 });
    expect(leaderFailover.predict([crash(3)], variant('acks-all-min-isr-2'))).toEqual({ lost: 0 });
  });

  it('a leader alone in its ISR without unclean election: nothing lost, because the crashed broker came back with its log', () => {
    const history = [crash(20), fault('offline', 'no leader'), fault('restart-leader', 'broker 1 restarted on its own log')];
    expect(leaderFailover.predict(history, variant('acks-all-min-isr-1'))).toEqual({ lost: 0 });
  });
});

describe('leader-failover check and note', () => {
  it('counts acknowledged sends missing from the log as lost, and the note gives the count', () => {
    const history = [...Array.from({ length: 10 }, (_, i) => send(i)), crash(2), ...Array.from({ length: 8 }, (_, i) => observe(i))];
    const counts = leaderFailover.check(history);
    expect(counts).toMatchObject({ sent: 10, acked: 10, observed: 8, lost: 2, duplicates: 0 });
    expect(leaderFailover.note(variant('acks-1'), counts, history, 'kafkajs')).toContain('2 acknowledged writes were only on the broker that crashed');
  });

  it('every variant needs the cluster, so it is skipped, never an error, where the lab cannot crash brokers', () => {
    for (const v of leaderFailover.variants) expect(v.needs, v.name).toContain('cluster');
  });
});
