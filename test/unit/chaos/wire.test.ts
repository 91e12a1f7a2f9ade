// Unit tests for the wire primitives: varints, strings, arrays, tagged fields, truncation, header versions.
import { describe, it, expect } from 'vitest';
import {
  ApiKey,
  ByteReader,
  ByteWriter,
  WireError,
  apiName,
  isFlexible,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../../src/chaos/wire.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const reader = (text: string): ByteReader => new ByteReader(hex(text));
const written = (write: (w: ByteWriter) => unknown): string => {
  const w = new ByteWriter();
  write(w);
  return w.toBuffer().toString('hex');
};

describe('unsigned varint', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16_384, '808001'],
    [0xffff_ffff, 'ffffffff0f'],
  ];

  it.each(cases)('encodes %d as %s', (value, encoded) => {
    expect(written((w) => w.uvarint(value))).toBe(encoded);
  });

  it.each(cases)('decodes %d from %s', (value, encoded) => {
    const r = reader(encoded);
    expect(r.uvarint()).toBe(value);
    expect(r.remaining).toBe(0);
  });

  it('rejects a varint longer than five bytes', () => {
    expect(() => reader('8080808080 01').uvarint()).toThrow(WireError);
  });

  it('rejects a five-byte varint above 32 bits', () => {
    expect(() => reader('ffffffff1f').uvarint()).toThrow(/exceeds 32 bits/);
  });

  it('refuses to encode negative, fractional or oversized values', () => {
    for (const bad of [-1, 1.5, 2 ** 32]) expect(() => new ByteWriter().uvarint(bad)).toThrow(WireError);
  });
});

describe('ByteReader', () => {
  it('reads fixed-width big-endian integers', () => {
    const r = reader('ff 8000 ffffffff 8000000000000000');
    expect(r.int8()).toBe(-1);
    expect(r.int16()).toBe(-32768);
    expect(r.int32()).toBe(-1);
    expect(r.int64()).toBe(-(2n ** 63n));
    expect(r.position).toBe(15);
    expect(r.remaining).toBe(0);
  });

  it('reads classic and compact strings, null included', () => {
    const r = reader('0005 6b61666b61  ffff  06 6b61666b61  00  01');
    expect(r.string()).toBe('kafka');
    expect(r.nullableString()).toBeNull();
    expect(r.compactString()).toBe('kafka');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactNullableString()).toBe('');
  });

  it('decodes UTF-8', () => {
    expect(reader('0003 e282ac').string()).toBe('€');
  });

  it('rejects null where the type is not nullable', () => {
    expect(() => reader('ffff').string()).toThrow(WireError);
    expect(() => reader('00').compactString()).toThrow(WireError);
  });

  it('rejects string lengths below -1', () => {
    expect(() => reader('fffe').nullableString()).toThrow(/invalid string length -2/);
  });

  it('reads array lengths: -1 is null in both encodings', () => {
    const r = reader('00000002 ffffffff 03 00 01');
    expect(r.arrayLength()).toBe(2);
    expect(r.arrayLength()).toBe(-1);
    expect(r.compactArrayLength()).toBe(2);
    expect(r.compactArrayLength()).toBe(-1);
    expect(r.compactArrayLength()).toBe(0);
    expect(() => reader('fffffffe').arrayLength()).toThrow(WireError);
  });

  it('reads a uuid and skips fixed, sized and null byte fields', () => {
    const r = reader('000102030405060708090a0b0c0d0e0f  aaaa  00000002 bbbb  ffffffff  03 cccc  00  99');
    expect(r.uuid().toString('hex')).toBe('000102030405060708090a0b0c0d0e0f');
    r.skip(2);
    r.skipBytes();
    r.skipBytes();
    r.skipCompactBytes();
    r.skipCompactBytes();
    expect(r.int8()).toBe(-103);
  });

  it('reads tagged fields in order and keeps their payloads raw', () => {
    const r = reader('02  00 02 aaaa  05 01 bb  7f');
    expect(r.readTaggedFields()).toEqual([
      { tag: 0, data: hex('aaaa') },
      { tag: 5, data: hex('bb') },
    ]);
    expect(r.int8()).toBe(0x7f);
  });

  it('skips tagged fields, including the empty buffer', () => {
    const r = reader('00  01 03 02 abcd  11');
    r.skipTaggedFields();
    r.skipTaggedFields();
    expect(r.int8()).toBe(0x11);
  });

  it('rejects tagged fields that do not ascend', () => {
    expect(() => reader('02  05 00  01 00').readTaggedFields()).toThrow(/tags must ascend/);
    expect(() => reader('02  05 00  05 00').readTaggedFields()).toThrow(WireError);
  });

  describe('truncated input throws WireError', () => {
    const cases: [string, string, (r: ByteReader) => unknown][] = [
      ['int8', '', (r) => r.int8()],
      ['int16', '00', (r) => r.int16()],
      ['int32', '000000', (r) => r.int32()],
      ['int64', '00000000000000', (r) => r.int64()],
      ['uvarint', '80', (r) => r.uvarint()],
      ['string body', '0005 6b61', (r) => r.string()],
      ['string length', '00', (r) => r.nullableString()],
      ['compact string body', '06 6b61666b', (r) => r.compactString()],
      ['compact nullable string', '03 6b', (r) => r.compactNullableString()],
      ['array length', '0000', (r) => r.arrayLength()],
      ['compact array length', '', (r) => r.compactArrayLength()],
      ['uuid', '0001020304050607', (r) => r.uuid()],
      ['skip', 'aa', (r) => r.skip(2)],
      ['bytes', '00000003 aabb', (r) => r.skipBytes()],
      ['compact bytes', '04 aabb', (r) => r.skipCompactBytes()],
      ['tagged field payload', '01 00 03 aabb', (r) => r.readTaggedFields()],
      ['tagged field count', '02 00 00', (r) => r.skipTaggedFields()],
    ];

    it.each(cases)('%s', (_name, bytes, read) => {
      expect(() => read(reader(bytes))).toThrow(WireError);
    });

    it('says where and how much was missing', () => {
      expect(() => reader('0005 6b61').string()).toThrow(
        'truncated input: string needs 5 byte(s) at offset 2, only 2 left',
      );
    });
  });
});

describe('ByteWriter', () => {
  it('writes every type in the reader layout', () => {
    const out = written((w) =>
      w
        .int8(-1)
        .int16(9092)
        .int32(-1)
        .int64(5n)
        .string('kafka')
        .nullableString(null)
        .compactString('kafka')
        .compactNullableString(null)
        .arrayLength(-1)
        .compactArrayLength(2)
        .compactArrayLength(-1)
        .uuid(hex('000102030405060708090a0b0c0d0e0f'))
        .raw(hex('beef')),
    );
    expect(out).toBe(
      [
        'ff',
        '2384',
        'ffffffff',
        '0000000000000005',
        '0005 6b61666b61',
        'ffff',
        '06 6b61666b61',
        '00',
        'ffffffff',
        '03',
        '00',
        '000102030405060708090a0b0c0d0e0f',
        'beef',
      ]
        .join('')
        .replace(/\s+/g, ''),
    );
  });

  it('writes tagged fields with their sizes', () => {
    expect(written((w) => w.taggedFields([]))).toBe('00');
    expect(written((w) => w.taggedFields([{ tag: 0, data: hex('aaaa') }, { tag: 200, data: hex('bb') }]))).toBe(
      '02 00 02 aaaa c801 01 bb'.replace(/\s+/g, ''),
    );
  });

  it('grows past its initial capacity', () => {
    const w = new ByteWriter(2);
    const chunk = Buffer.alloc(1000, 0xab);
    w.int32(7).raw(chunk).int16(1);
    const out = w.toBuffer();
    expect(out.length).toBe(1006);
    expect(out.readInt32BE(0)).toBe(7);
    expect(out.subarray(4, 1004).equals(chunk)).toBe(true);
    expect(out.readInt16BE(1004)).toBe(1);
  });

  it('measures string lengths in UTF-8 bytes', () => {
    expect(written((w) => w.string('€').compactString('€'))).toBe('0003e282ac04e282ac');
  });

  it('refuses a classic string too long for an int16 length, and a uuid of the wrong size', () => {
    expect(() => new ByteWriter().string('x'.repeat(0x8000))).toThrow(WireError);
    expect(() => new ByteWriter().uuid(Buffer.alloc(15))).toThrow(WireError);
  });

  it('round-trips through ByteReader', () => {
    const buf = new ByteWriter().compactString('x'.repeat(300)).int64(-2n).toBuffer();
    const r = new ByteReader(buf);
    expect(r.compactString()).toBe('x'.repeat(300));
    expect(r.int64()).toBe(-2n);
    expect(r.remaining).toBe(0);
  });
});

describe('apiName', () => {
  it('names common keys and falls back to the number', () => {
    expect(apiName(0)).toBe('Produce');
    expect(apiName(3)).toBe('Metadata');
    expect(apiName(18)).toBe('ApiVersions');
    expect(apiName(60)).toBe('DescribeCluster');
    expect(apiName(999)).toBe('ApiKey(999)');
  });

  it('has the documented key numbers', () => {
    expect(ApiKey).toMatchObject({
      Produce: 0,
      Fetch: 1,
      ListOffsets: 2,
      Metadata: 3,
      OffsetCommit: 8,
      OffsetFetch: 9,
      FindCoordinator: 10,
      JoinGroup: 11,
      Heartbeat: 12,
      LeaveGroup: 13,
      SyncGroup: 14,
      DescribeGroups: 15,
      ListGroups: 16,
      SaslHandshake: 17,
      ApiVersions: 18,
      CreateTopics: 19,
      DeleteTopics: 20,
      InitProducerId: 22,
      AddPartitionsToTxn: 24,
      AddOffsetsToTxn: 25,
      EndTxn: 26,
      TxnOffsetCommit: 28,
      DescribeConfigs: 32,
      SaslAuthenticate: 36,
      DescribeCluster: 60,
    });
  });
});

describe('header versions', () => {
  // [api key, first flexible version] from kafka-protocol.md §1.
  const firstFlexible: [number, number][] = [
    [0, 9],
    [1, 12],
    [2, 6],
    [3, 9],
    [8, 8],
    [9, 6],
    [10, 3],
    [11, 6],
    [12, 4],
    [13, 4],
    [14, 4],
    [15, 5],
    [16, 3],
    [18, 3],
    [19, 5],
    [20, 4],
    [22, 2],
    [24, 3],
    [25, 3],
    [26, 3],
    [28, 3],
    [32, 4],
    [36, 2],
    [44, 1],
    [48, 1],
    [49, 1],
    [53, 1],
    [54, 1],
  ];

  it.each(firstFlexible)('api %d is flexible from v%d', (apiKey, first) => {
    if (first > 0) expect(isFlexible(apiKey, first - 1)).toBe(false);
    expect(isFlexible(apiKey, first)).toBe(true);
  });

  it.each([45, 46, 50, 51, 52, 55, 60, 68, 78, 91, 200])('api %d is flexible from v0', (apiKey) => {
    expect(isFlexible(apiKey, 0)).toBe(true);
    expect(requestHeaderVersion(apiKey, 0)).toBe(2);
    expect(responseHeaderVersion(apiKey, 0)).toBe(1);
  });

  it('never treats SaslHandshake or OffsetDelete as flexible', () => {
    for (const apiKey of [17, 47]) {
      expect(isFlexible(apiKey, 50)).toBe(false);
      expect(requestHeaderVersion(apiKey, 1)).toBe(1);
      expect(responseHeaderVersion(apiKey, 1)).toBe(0);
    }
  });

  it('keeps versions above a broker maximum flexible', () => {
    expect(isFlexible(ApiKey.Metadata, 99)).toBe(true);
    expect(responseHeaderVersion(ApiKey.Produce, 99)).toBe(1);
  });

  it('maps flexibility to request header v1/v2 and response header v0/v1', () => {
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Metadata, 9)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKey.FindCoordinator, 3)).toBe(1);
  });

  it('answers ApiVersions with response header v0 at every version', () => {
    for (let v = 0; v <= 4; v++) expect(responseHeaderVersion(ApiKey.ApiVersions, v)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 2)).toBe(1);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
  });

  it('uses request header v0 only for ControlledShutdown v0', () => {
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 1)).toBe(1);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 3)).toBe(2);
  });

  it('rejects a negative api key', () => {
    expect(() => isFlexible(-1, 0)).toThrow(WireError);
  });
});
