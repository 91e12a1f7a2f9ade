// Unit tests for reading kafkajs' failed-send-attempt log entries (the lab's only view of its retries).
import { describe, it, expect } from 'vitest';
import { sendAttemptFailure } from '../../../src/kafka/client.js';

describe('sendAttemptFailure', () => {
  // The three shapes kafkajs 2.2.4's sendMessages logs, with the fields it adds (timestamp, logger).
  it.each([
    ['Failed to send messages: Connection error: read ECONNRESET', 'Connection error: read ECONNRESET'],
    ['Cluster has disconnected, reconnecting: Connection error: read ECONNRESET', 'Connection error: read ECONNRESET'],
    ['Request Produce(key: 0, version: 7) timed out', 'Request Produce(key: 0, version: 7) timed out'],
  ])('reads %j', (message, error) => {
    const log = { message, retryCount: 2, retryTime: 1200, timestamp: '2026-11-26T00:00:00.000Z', logger: 'kafkajs' };
    expect(sendAttemptFailure('Producer', log)).toEqual({ attempt: 2, delayMs: 1200, error });
  });

  it('ignores other namespaces and entries without retry fields', () => {
    expect(sendAttemptFailure('Admin', { message: 'Could not create topics', retryCount: 0, retryTime: 300 })).toBeUndefined();
    expect(sendAttemptFailure('Producer', { message: 'Producer connected' })).toBeUndefined();
    expect(sendAttemptFailure('Producer', { message: 'x', retryCount: '1', retryTime: 300 })).toBeUndefined();
  });
});
