// Byte-level tests for the duplicate-fetch fault: Fetch responses v4-v18 built by hand from the schema (FetchResponse.json), record batches included.
import { describe, expect, it } from 'vitest';
import { withBatchesRepeated } from '../../../src/chaos/fetch-duplicate.js';
import { WireError } from '../../../src/chaos/wire.js';

// ---- Fixture encoders, independent of src/chaos/wire.ts ----
const i16 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
const i32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const i64 = (n: number | bigint): string => BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0');
/** Unsigned varint, any size. */
const uv = (n: number): string => {
  let hex = '';
  let rest = n;
  while (rest >= 0x80) {
    hex += ((rest & 0x7f) | 0x80).toString(16).padStart(2, '0');
    rest >>>= 7;
  }
  return hex + rest.toString(16).padStart(2, '0');
};
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const frame = (hex: string): Buffer => {
  const body = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(i32(body.length), 'hex'), body]);
};

/** A magic-2 record batch: the 61-byte header, then `payloadBytes` bytes standing for its records. */
function batch(o: { baseOffset: number; records: number; control?: boolean; magic?: number; payloadBytes?: number; fill?: string }): string {
  const payload = (o.fill ?? 'ab').repeat(o.payloadBytes ?? 20);
  const afterLength =
    i32(0) + // partition_leader_epoch
    (o.magic ?? 2).toString(16).padStart(2, '0') +
    i32(0x12345678) + // crc (not checked by the proxy)
    i16(o.control ? 0x20 : 0) +
    i32(o.records - 1) + // last_offset_delta
    i64(1_700_000_000_000) +
    i64(1_700_000_000_001) +
    i64(7) + // producer_id
    i16(0) + // producer_epoch
    i32(0) + // base_sequence
    i32(o.records) +
    payload;
  return i64(o.baseOffset) + i32(afterLength.length / 2) + afterLength;
}

interface Partition {
  index: number;
  /** Hex of the record set, or null for null records. */
  records: string | null;
  aborted?: [number, number][];
}
interface Topic {
  name: string;
  partitions: Partition[];
}

/** A Fetch response frame of `version` (4-18): what a broker would send. */
function fetchResponse(version: number, topics: Topic[], opts: { topLevelTags?: string } = {}): Buffer {
  const flexible = version >= 12;
  let hex = i32(55) + (flexible ? '00' : ''); // correlation id, header tags
  hex += i32(0); // throttle_time_ms
  if (version >= 7) hex += i16(0) + i32(0); // error_code, session_id
  hex += flexible ? uv(topics.length + 1) : i32(topics.length);
  topics.forEach((topic, t) => {
    if (version >= 13) hex += 'cd'.repeat(15) + i32(t).slice(6);
    else hex += flexible ? uv(topic.name.length + 1) + utf8(topic.name) : i16(topic.name.length) + utf8(topic.name);
    hex += flexible ? uv(topic.partitions.length + 1) : i32(topic.partitions.length);
    for (const p of topic.partitions) {
      hex += i32(p.index) + i16(0) + i64(500) + i64(500); // index, error, high watermark, last stable offset
      if (version >= 5) hex += i64(0); // log_start_offset
      const aborted = p.aborted ?? null;
      if (aborted === null) hex += flexible ? '00' : i32(-1);
      else {
        hex += flexible ? uv(aborted.length + 1) : i32(aborted.length);
        for (const [pid, first] of aborted) hex += i64(pid) + i64(first) + (flexible ? '00' : '');
      }
      if (version >= 11) hex += i32(-1); // preferred_read_replica
      if (p.records === null) hex += flexible ? '00' : i32(-1);
      else hex += (flexible ? uv(p.records.length / 2 + 1) : i32(p.records.length / 2)) + p.records;
      if (flexible) hex += '00';
    }
    if (flexible) hex += '00';
  });
  if (flexible) hex += opts.topLevelTags ?? '00';
  return frame(hex);
}

const b0 = batch({ baseOffset: 0, records: 10 });
const b10 = batch({ baseOffset: 10, records: 10, fill: 'cd' });
const b20 = batch({ baseOffset: 20, records: 5, fill: 'ef' });

describe('withBatchesRepeated', () => {
  it.each([4, 5, 6, 7, 10, 11, 12, 13, 15, 16, 17, 18])('repeats the first batch of a v%d answer right after itself, and nothing else', (version) => {
    const before = fetchResponse(version, [{ name: 'orders', partitions: [{ index: 0, records: b0 + b10 }] }]);
    const { frame: after, repeated } = withBatchesRepeated(before, version, 1);
    expect(after.equals(fetchResponse(version, [{ name: 'orders', partitions: [{ index: 0, records: b0 + b0 + b10 }] }]))).toBe(true);
    expect(after.readInt32BE(0)).toBe(after.length - 4);
    expect(repeated).toEqual([
      { topic: version >= 13 ? `${'cd'.repeat(15)}00` : 'orders', partition: 0, baseOffset: 0n, lastOffset: 9n, records: 10 },
    ]);
  });

  it('grows a flexible length past one varint byte (the copy makes the record set longer than 126 bytes)', () => {
    const small = batch({ baseOffset: 0, records: 3, payloadBytes: 2 }); // 73 bytes: its set's length fits one byte
    expect(small.length / 2).toBeLessThan(127);
    const before = fetchResponse(12, [{ name: 't', partitions: [{ index: 0, records: small }] }]);
    const { frame: after } = withBatchesRepeated(before, 12, 1);
    expect(after.equals(fetchResponse(12, [{ name: 't', partitions: [{ index: 0, records: small + small }] }]))).toBe(true);
  });

  it('keeps the aborted transactions, the partition and top-level tags as the broker wrote them (v16, node_endpoints)', () => {
    const tags = '01' + '00' + uv(5) + 'aabbccddee'; // one tag 0 of 5 bytes, kept raw
    const topics = (records: string): Topic[] => [{ name: 'x', partitions: [{ index: 3, records, aborted: [[9, 4]] }] }];
    const { frame: after } = withBatchesRepeated(fetchResponse(16, topics(b10), { topLevelTags: tags }), 16, 1);
    expect(after.equals(fetchResponse(16, topics(b10 + b10), { topLevelTags: tags }))).toBe(true);
  });

  it('skips a control batch (a transaction marker) and repeats the next data batch', () => {
    const marker = batch({ baseOffset: 0, records: 1, control: true });
    const { frame: after, repeated } = withBatchesRepeated(fetchResponse(11, [{ name: 't', partitions: [{ index: 0, records: marker + b10 }] }]), 11, 1);
    expect(after.equals(fetchResponse(11, [{ name: 't', partitions: [{ index: 0, records: marker + b10 + b10 }] }]))).toBe(true);
    expect(repeated[0]?.baseOffset).toBe(10n);
  });

  it('repeats one batch per partition, at most `count` of them, in the order of the answer', () => {
    const topics = (p0: string, p1: string, p2: string): Topic[] => [
      { name: 'a', partitions: [{ index: 0, records: p0 }, { index: 1, records: p1 }] },
      { name: 'b', partitions: [{ index: 0, records: p2 }] },
    ];
    const one = withBatchesRepeated(fetchResponse(11, topics(b0, b10, b20)), 11, 1);
    expect(one.frame.equals(fetchResponse(11, topics(b0 + b0, b10, b20)))).toBe(true);
    const all = withBatchesRepeated(fetchResponse(12, topics(b0 + b10, b10, b20)), 12, 5);
    expect(all.frame.equals(fetchResponse(12, topics(b0 + b0 + b10, b10 + b10, b20 + b20)))).toBe(true);
    expect(all.repeated.map((r) => [r.topic, r.partition, r.records])).toEqual([
      ['a', 0, 10],
      ['a', 1, 10],
      ['b', 0, 5],
    ]);
  });

  it('finds the first partition that has a whole batch: empty, null and cut-short record sets are passed over', () => {
    const cut = b0.slice(0, 140); // 70 of its 81 bytes, header whole: the broker's max bytes cut the batch, and a consumer drops a partial batch
    const topics = (last: string): Topic[] => [{ name: 't', partitions: [{ index: 0, records: null }, { index: 1, records: '' }, { index: 2, records: cut }, { index: 3, records: last }] }];
    const { frame: after, repeated } = withBatchesRepeated(fetchResponse(7, topics(b20)), 7, 1);
    expect(after.equals(fetchResponse(7, topics(b20 + b20)))).toBe(true);
    expect(repeated).toEqual([{ topic: 't', partition: 3, baseOffset: 20n, lastOffset: 24n, records: 5 }]);
  });

  it('returns the same buffer when there is nothing to repeat (an empty long poll, a marker alone, an old message format)', () => {
    for (const records of [null, '', batch({ baseOffset: 0, records: 1, control: true }), batch({ baseOffset: 0, records: 2, magic: 1 })]) {
      const before = fetchResponse(11, [{ name: 't', partitions: [{ index: 0, records }] }]);
      const result = withBatchesRepeated(before, 11, 1);
      expect(result.frame).toBe(before);
      expect(result.repeated).toEqual([]);
    }
  });

  it('refuses versions it does not know, and bytes that do not fit the layout', () => {
    const v11 = fetchResponse(11, [{ name: 't', partitions: [{ index: 0, records: b0 }] }]);
    expect(() => withBatchesRepeated(v11, 3, 1)).toThrow(WireError);
    expect(() => withBatchesRepeated(v11, 19, 1)).toThrow('Fetch v19 responses are not supported (v4 to v18 are)');
    const trailing = Buffer.concat([v11, Buffer.from('00', 'hex')]);
    trailing.writeInt32BE(trailing.length - 4, 0);
    expect(() => withBatchesRepeated(trailing, 11, 1)).toThrow('1 bytes left after a Fetch v11 response');
    expect(() => withBatchesRepeated(v11.subarray(0, 40), 11, 1)).toThrow(WireError);
    // Read as v12, a v11 answer's fixed-width fields are misread as varints: refused, never spliced.
    expect(() => withBatchesRepeated(v11, 12, 1)).toThrow(WireError);
  });
});
