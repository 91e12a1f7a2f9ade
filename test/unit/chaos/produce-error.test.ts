// Byte-level tests for the error-after-append fault: Produce responses built by hand from the schema tables (kafka-protocol.md §6).
import { describe, expect, it } from 'vitest';
import { PRODUCE_ERRORS, produceErrorName, withProduceError } from '../../../src/chaos/produce-error.js';
import { WireError } from '../../../src/chaos/wire.js';

// ---- Fixture encoders, independent of src/chaos/wire.ts ----
const i16 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
const i32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const i64 = (n: number): string => BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0');
const u8 = (n: number): string => n.toString(16).padStart(2, '0'); // one-byte uvarints only
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const str = (s: string): string => i16(s.length) + utf8(s);
const compactStr = (s: string): string => u8(s.length + 1) + utf8(s);
const frame = (hex: string): Buffer => {
  const body = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(i32(body.length), 'hex'), body]);
};

interface Partition {
  index: number;
  error: number;
  offsets: [number, number, number]; // base_offset, log_append_time_ms, log_start_offset
  recordErrors?: [number, string | null][];
  errorMessage?: string | null;
  /** Raw hex of the partition's TAG_BUFFER (flexible versions), e.g. a current_leader tag. */
  tags?: string;
}
interface Topic {
  name: string;
  partitions: Partition[];
}

/** A Produce response frame of `version` (3-13), from the tables: what a broker would send. */
function produceResponse(version: number, topics: Topic[], opts: { correlationId?: number; topLevelTags?: string } = {}): Buffer {
  const flexible = version >= 9;
  let hex = i32(opts.correlationId ?? 77) + (flexible ? '00' : '');
  hex += flexible ? u8(topics.length + 1) : i32(topics.length);
  topics.forEach((topic, t) => {
    if (version >= 13) hex += 'aa'.repeat(15) + u8(t); // topic_id
    else hex += flexible ? compactStr(topic.name) : str(topic.name);
    hex += flexible ? u8(topic.partitions.length + 1) : i32(topic.partitions.length);
    for (const p of topic.partitions) {
      hex += i32(p.index) + i16(p.error) + i64(p.offsets[0]) + i64(p.offsets[1]);
      if (version >= 5) hex += i64(p.offsets[2]);
      if (version >= 8) {
        const errors = p.recordErrors ?? [];
        hex += flexible ? u8(errors.length + 1) : i32(errors.length);
        for (const [batchIndex, message] of errors) {
          hex += i32(batchIndex);
          hex += message === null ? (flexible ? '00' : 'ffff') : flexible ? compactStr(message) : str(message);
          if (flexible) hex += '00';
        }
        const m = p.errorMessage ?? null;
        hex += m === null ? (flexible ? '00' : 'ffff') : flexible ? compactStr(m) : str(m);
      }
      if (flexible) hex += p.tags ?? '00';
    }
    if (flexible) hex += '00';
  });
  hex += i32(0); // throttle_time_ms
  if (flexible) hex += opts.topLevelTags ?? '00';
  return frame(hex);
}

/** The same topics as the broker would answer them on failure: the error, and -1 for every offset. */
function failed(topics: Topic[], error: number): Topic[] {
  return topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, error, offsets: [-1, -1, -1] as [number, number, number] })) }));
}

const ok = (index: number, base: number): Partition => ({ index, error: 0, offsets: [base, -1, 0] });
const twoTopics: Topic[] = [
  { name: 'orders', partitions: [ok(0, 41), ok(1, 7)] },
  { name: 'payments', partitions: [ok(3, 1_000_000)] },
];
// current_leader (tag 0 of a partition): leader_id 1, leader_epoch 5, its own empty TAG_BUFFER.
const currentLeaderTag = '01' + '00' + '09' + i32(1) + i32(5) + '00';
// node_endpoints (top-level tag 0): one broker, 1, at "b1":9092, rack null.
const endpoint = i32(1) + compactStr('b1') + i32(9092) + '00' + '00';
const nodeEndpointsTag = '01' + '00' + u8(1 + endpoint.length / 2) + '02' + endpoint;

describe('withProduceError', () => {
  for (const version of [3, 4, 5, 7, 8, 9, 11, 12, 13]) {
    it(`v${version}: every partition carries the error and -1 offsets; every other byte is the broker's`, () => {
      const original = produceResponse(version, twoTopics);
      const { frame: out, partitions } = withProduceError(original, version, PRODUCE_ERRORS.not_leader_or_follower);
      expect(partitions).toBe(3);
      expect(out.toString('hex')).toBe(produceResponse(version, failed(twoTopics, 6)).toString('hex'));
      expect(out.length).toBe(original.length);
    });
  }

  it('leaves the broker frame itself untouched (the proxy may still hold it)', () => {
    const original = produceResponse(7, twoTopics);
    const copy = Buffer.from(original);
    withProduceError(original, 7, PRODUCE_ERRORS.request_timed_out);
    expect(original.equals(copy)).toBe(true);
  });

  it('v8: walks record_errors and error_message entries with text in them', () => {
    const topics: Topic[] = [{ name: 't', partitions: [{ ...ok(0, 5), recordErrors: [[2, 'bad'], [4, null]], errorMessage: 'x' }, ok(1, 9)] }];
    const { frame: out } = withProduceError(produceResponse(8, topics), 8, 7);
    expect(out.toString('hex')).toBe(produceResponse(8, failed(topics, 7)).toString('hex'));
  });

  it('v9: walks compact record_errors entries with their tag buffers', () => {
    const topics: Topic[] = [{ name: 't', partitions: [{ ...ok(0, 5), recordErrors: [[1, 'no'], [3, null]], errorMessage: 'why' }, ok(2, 6)] }];
    const { frame: out, partitions } = withProduceError(produceResponse(9, topics), 9, 6);
    expect(partitions).toBe(2);
    expect(out.toString('hex')).toBe(produceResponse(9, failed(topics, 6)).toString('hex'));
  });

  it('refuses versions past v13 rather than guess their layout, and a body longer than the layout', () => {
    expect(() => withProduceError(produceResponse(13, twoTopics), 14, 6)).toThrow(/Produce v14 responses are not supported/);
    const longer = produceResponse(7, twoTopics);
    const padded = Buffer.concat([longer, Buffer.alloc(3)]);
    padded.writeInt32BE(padded.length - 4, 0);
    expect(() => withProduceError(padded, 7, 6)).toThrow(/3 bytes left after a Produce v7 response/);
  });

  it('v12: keeps the partition current_leader tag and the top-level node_endpoints tag as they were', () => {
    const topics: Topic[] = [{ name: 't', partitions: [{ ...ok(0, 5), tags: currentLeaderTag }] }];
    const original = produceResponse(12, topics, { topLevelTags: nodeEndpointsTag });
    const { frame: out } = withProduceError(original, 12, 6);
    expect(out.toString('hex')).toBe(produceResponse(12, failed(topics, 6), { topLevelTags: nodeEndpointsTag }).toString('hex'));
    expect(out.subarray(-nodeEndpointsTag.length / 2).toString('hex')).toBe(nodeEndpointsTag);
  });

  it('keeps the correlation id', () => {
    const { frame: out } = withProduceError(produceResponse(7, twoTopics, { correlationId: 123456 }), 7, 6);
    expect(out.readInt32BE(4)).toBe(123456);
  });

  it('refuses a truncated response with a WireError, and v0-v2 by name', () => {
    const whole = produceResponse(7, twoTopics);
    expect(() => withProduceError(whole.subarray(0, whole.length - 30), 7, 6)).toThrow(WireError);
    expect(() => withProduceError(whole, 2, 6)).toThrow(/Produce v2 responses are not supported \(v3 to v13 are\)/);
  });
});

describe('produceErrorName', () => {
  it('names the errors the proxy offers, and says the number of any other', () => {
    expect(produceErrorName(6)).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(produceErrorName(7)).toBe('REQUEST_TIMED_OUT');
    expect(produceErrorName(99)).toBe('error 99');
  });
});
