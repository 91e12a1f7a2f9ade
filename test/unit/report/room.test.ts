// Unit tests for the shared broker's view of the room: runs from topic names, and what changed between two looks.
import { describe, expect, it } from 'vitest';
import { roomChanges, runsOnBroker } from '../../../src/report/room.js';

const names = ['producer-retry', 'dual-write', 'consumer-crash', 'reorder'];

describe('runsOnBroker', () => {
  it('groups the lab\'s topics by run id and scenario, measurement topics with their run, others left out', () => {
    expect(
      runsOnBroker(
        [
          'dup-lab-producer-retry-retries-log-16abcde',
          'dup-lab-producer-retry-idempotent-log-16abcde',
          'dup-lab-dual-write-outbox-events-1fzz9q2',
          'dup-lab-reorder-sync-send-clean-16x2y3zM',
          'dup-lab-reorder-sync-send-log-16x2y3z',
          '__consumer_offsets',
          'orders',
          'dup-lab-unknown-scenario-x-log-1abc',
        ],
        names,
      ),
    ).toEqual([
      { runId: '16abcde', scenario: 'producer-retry', topics: 2 },
      { runId: '16x2y3z', scenario: 'reorder', topics: 2 },
      { runId: '1fzz9q2', scenario: 'dual-write', topics: 1 },
    ]);
  });
});

describe('roomChanges', () => {
  it('says which runs started and which are done', () => {
    const a = { runId: 'r1', scenario: 'reorder', topics: 5 };
    const b = { runId: 'r2', scenario: 'consumer-crash', topics: 8 };
    expect(roomChanges([a], [b], '10:00:02')).toEqual(['10:00:02  run r2: consumer-crash started', '10:00:02  run r1: reorder done (its topics are gone)']);
    expect(roomChanges([a], [a], '10:00:04')).toEqual([]);
  });
});
