// Unit tests for how the producer workload records each send: ok, unknown or failed, from what the client threw; concurrency bounded.
import { describe, expect, it } from 'vitest';
import { History } from '../../../src/core/history.js';
import type { LabMessage } from '../../../src/core/types.js';
import { sendAll } from '../../../src/workload/producer-workload.js';
import { makeMessages } from '../../../src/workload/messages.js';

// Plain objects shaped like kafkajs 2.2.4's errors, as kafkajs rejects send() with them.
const retriesExceeded = (cause: object) => Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause });
const connectionReset = { name: 'KafkaJSConnectionError', message: 'Connection error: read ECONNRESET' };
const requestTimeout = { name: 'KafkaJSRequestTimeoutError', message: 'Request Produce(key: 0, version: 7) timed out' };
const tooLarge = { name: 'KafkaJSProtocolError', message: 'too large', type: 'MESSAGE_TOO_LARGE' };

describe('sendAll', () => {
  const messages = makeMessages('run', 6, 3);

  it('records every send once, with the outcome the client saw: acknowledged, unknown (reset, timeout) or failed', async () => {
    const history = new History();
    const answers: Record<string, () => Promise<void>> = {
      [messages[1]!.id]: () => Promise.reject(retriesExceeded(connectionReset)),
      [messages[2]!.id]: () => Promise.reject(requestTimeout),
      [messages[4]!.id]: () => Promise.reject(retriesExceeded(tooLarge)),
    };
    await sendAll(messages, 3, (m) => (answers[m.id] ?? (() => Promise.resolve()))(), history);
    const sends = history.ofType('send');
    expect(sends.map((s) => [s.id, s.outcome])).toEqual(
      expect.arrayContaining([
        [messages[0]!.id, 'ok'],
        [messages[1]!.id, 'unknown'],
        [messages[2]!.id, 'unknown'],
        [messages[3]!.id, 'ok'],
        [messages[4]!.id, 'failed'],
        [messages[5]!.id, 'ok'],
      ]),
    );
    expect(sends).toHaveLength(6);
    expect(sends.find((s) => s.id === messages[1]!.id)!.error).toBe('KafkaJSConnectionError: Connection error: read ECONNRESET');
    expect(sends.find((s) => s.id === messages[4]!.id)!.error).toBe('KafkaJSProtocolError: too large (MESSAGE_TOO_LARGE)');
    // Each record carries the message's identity, for the checker.
    expect(sends[0]).toMatchObject({ key: messages[0]!.key, seq: messages[0]!.seq, globalSeq: messages[0]!.globalSeq });
  });

  it('keeps at most `concurrency` sends open, and starts them in order', async () => {
    let open = 0;
    let most = 0;
    const started: string[] = [];
    const send = async (m: LabMessage) => {
      started.push(m.id);
      most = Math.max(most, ++open);
      await new Promise((r) => setTimeout(r, 5));
      open--;
    };
    await sendAll(messages, 2, send);
    expect(most).toBe(2);
    expect(started).toEqual(messages.map((m) => m.id));
    await sendAll(messages, 1, send);
    expect(most).toBe(2);
  });
});
