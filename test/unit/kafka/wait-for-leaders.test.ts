// Unit tests for the wait after topic creation: a broker whose metadata lags (unknown topic, no leader yet) is waited for, within a bound.
import { describe, expect, it } from 'vitest';
import { waitForLeaders, type Admin } from '../../../src/kafka/client.js';

/** An admin whose metadata answers come from a script, one per call (the last one repeats). */
function scriptedAdmin(answers: (() => { name: string; partitions: { leader: number }[] }[])[]): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    fetchTopicMetadata: async () => ({ topics: answers[Math.min(calls++, answers.length - 1)]!() }),
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

const unknownTopic = () => {
  throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
};

describe('waitForLeaders', () => {
  it('waits through UNKNOWN_TOPIC_OR_PARTITION and leaderless partitions until every partition has a leader', async () => {
    const { admin, calls } = scriptedAdmin([
      unknownTopic,
      () => [{ name: 't', partitions: [{ leader: 1 }, { leader: -1 }] }],
      () => [{ name: 't', partitions: [{ leader: 1 }] }], // fewer partitions than asked for
      () => [{ name: 't', partitions: [{ leader: 1 }, { leader: 1 }] }],
    ]);
    await waitForLeaders(admin, [{ name: 't', partitions: 2 }], 5_000);
    expect(calls()).toBe(4);
  });

  it('gives up after its bound, saying what it last saw', async () => {
    const { admin } = scriptedAdmin([() => [{ name: 't', partitions: [{ leader: -1 }] }]]);
    await expect(waitForLeaders(admin, [{ name: 't', partitions: 1 }], 200)).rejects.toThrow(/topics not ready after 0.2 s: no leader yet for t/);
  });
});
