// Byte-fixture tests for Kafka framing: the frame splitter, request/response headers, acks=0, body replacement.
import { describe, it, expect } from 'vitest';
import {
  FrameSplitter,
  MAX_FRAME_BYTES,
  expectsResponse,
  readRequestHeader,
  readResponseCorrelationId,
  replaceBody,
  responseBodyOffset,
} from '../../../src/chaos/framing.js';
import { WireError } from '../../../src/chaos/wire.js';

/** Hex with whitespace and `# comment` tails allowed, one field per line. */
const hex = (text: string): Buffer =>
  Buffer.from(
    text
      .split('\n')
      .map((line) => line.replace(/#.*$/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );

// ---- Request fixtures ----

/** Produce v7 as kafkajs sends it: request header v1. */
const PRODUCE_V7 = hex(`
  0000001d          # size = 29
  0000              # api_key 0 (Produce)
  0007              # api_version 7
  0000002a          # correlation_id 42
  0007              # client_id length 7
  6b61666b616a73    # "kafkajs"
  ffff              # transactional_id: null (NULLABLE_STRING)
  ffff              # acks -1
  00007530          # timeout_ms 30000
  00000000          # topic_data: 0 topics
`);

/** Metadata v9 (flexible): request header v2, client_id still an int16-length string, then an empty TAG_BUFFER. */
const METADATA_V9 = hex(`
  00000016          # size = 22
  0003              # api_key 3 (Metadata)
  0009              # api_version 9
  00000007          # correlation_id 7
  0007              # client_id length 7
  6b61666b616a73    # "kafkajs"
  00                # header TAG_BUFFER: 0 fields
  01                # topics: COMPACT_ARRAY of 0
  00                # allow_auto_topic_creation false
  00                # include_topic_authorized_operations false
  00                # body TAG_BUFFER: 0 fields
`);

/** The same Metadata v9 request with one tagged field in the header. */
const METADATA_V9_TAGGED = hex(`
  0000001a          # size = 26
  0003              # api_key 3 (Metadata)
  0009              # api_version 9
  00000007          # correlation_id 7
  0007              # client_id length 7
  6b61666b616a73    # "kafkajs"
  01                # header TAG_BUFFER: 1 field
  00                #   tag 0
  02                #   size 2
  abcd              #   data
  01                # topics: COMPACT_ARRAY of 0
  00                # allow_auto_topic_creation false
  00                # include_topic_authorized_operations false
  00                # body TAG_BUFFER: 0 fields
`);

/** Fetch v4 with a null client_id (length -1), header v1. */
const FETCH_V4_NULL_CLIENT = hex(`
  0000000e          # size = 14
  0001              # api_key 1 (Fetch)
  0004              # api_version 4
  00000003          # correlation_id 3
  ffff              # client_id: null
  00000000          # replica_id 0 (body, truncated for the test)
`);

/** ControlledShutdown v0: the one request with header v0 (no client_id). */
const CONTROLLED_SHUTDOWN_V0 = hex(`
  0000000c          # size = 12
  0007              # api_key 7 (ControlledShutdown)
  0000              # api_version 0
  00000001          # correlation_id 1
  00000001          # broker_id 1
`);

describe('fixtures', () => {
  it.each([
    ['Produce v7', PRODUCE_V7],
    ['Metadata v9', METADATA_V9],
    ['Metadata v9 tagged', METADATA_V9_TAGGED],
    ['Fetch v4', FETCH_V4_NULL_CLIENT],
    ['ControlledShutdown v0', CONTROLLED_SHUTDOWN_V0],
  ])('%s has a size prefix matching its length', (_name, frame) => {
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  });
});

describe('readRequestHeader', () => {
  it('reads a header v1 (Produce v7 from kafkajs)', () => {
    expect(readRequestHeader(PRODUCE_V7)).toEqual({
      apiKey: 0,
      apiVersion: 7,
      correlationId: 42,
      bodyOffset: 21,
    });
  });

  it('reads a header v2 (Metadata v9): int16 client_id, then the TAG_BUFFER', () => {
    expect(readRequestHeader(METADATA_V9)).toEqual({
      apiKey: 3,
      apiVersion: 9,
      correlationId: 7,
      bodyOffset: 22,
    });
  });

  it('skips tagged fields in a header v2', () => {
    const header = readRequestHeader(METADATA_V9_TAGGED);
    expect(header.bodyOffset).toBe(26);
    expect(METADATA_V9_TAGGED.subarray(header.bodyOffset).toString('hex')).toBe('01000000');
  });

  it('reads a null client_id', () => {
    expect(readRequestHeader(FETCH_V4_NULL_CLIENT)).toEqual({
      apiKey: 1,
      apiVersion: 4,
      correlationId: 3,
      bodyOffset: 14,
    });
  });

  it('reads a header v0 (no client_id)', () => {
    expect(readRequestHeader(CONTROLLED_SHUTDOWN_V0)).toEqual({
      apiKey: 7,
      apiVersion: 0,
      correlationId: 1,
      bodyOffset: 12,
    });
  });

  it('throws WireError on a truncated header', () => {
    expect(() => readRequestHeader(PRODUCE_V7.subarray(0, 15))).toThrow(WireError);
    expect(() => readRequestHeader(METADATA_V9.subarray(0, 21))).toThrow(WireError);
  });
});

describe('expectsResponse', () => {
  /** A Produce frame with header v1 (v3–v8) or v2 (v9+), client_id "k". */
  const produce = (version: number, body: string): Buffer => {
    const flexible = version >= 9;
    const header =
      '0000' + // api_key 0
      version.toString(16).padStart(4, '0') + // api_version
      '00000001' + // correlation_id 1
      '0001' + '6b' + // client_id "k"
      (flexible ? '00' : ''); // header TAG_BUFFER (v2 only)
    const payload = Buffer.from(header + body.replace(/\s+/g, ''), 'hex');
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    return Buffer.concat([size, payload]);
  };
  const expects = (frame: Buffer): boolean => expectsResponse(frame, readRequestHeader(frame));

  const ACKS = { '0': '0000', '1': '0001', '-1': 'ffff' } as const;
  const answered = { '0': false, '1': true, '-1': true } as const;

  describe.each(Object.keys(ACKS) as (keyof typeof ACKS)[])('acks %s', (acks) => {
    it.each([0, 1, 2])('Produce v%d (no transactional_id)', (version) => {
      expect(expects(produce(version, `${ACKS[acks]} 00007530 00000000`))).toBe(answered[acks]);
    });

    it.each([3, 5, 7, 8])('Produce v%d, transactional_id null (NULLABLE_STRING -1)', (version) => {
      expect(expects(produce(version, `ffff ${ACKS[acks]} 00007530 00000000`))).toBe(answered[acks]);
    });

    it.each([3, 8])('Produce v%d, transactional_id "tx"', (version) => {
      // 0002 7478: int16 length 2, "tx"
      expect(expects(produce(version, `0002 7478 ${ACKS[acks]} 00007530 00000000`))).toBe(answered[acks]);
    });

    it.each([9, 10, 11])('Produce v%d, transactional_id null (COMPACT_NULLABLE_STRING 0)', (version) => {
      // 00: compact null; then acks, timeout, COMPACT_ARRAY of 0 topics, TAG_BUFFER
      expect(expects(produce(version, `00 ${ACKS[acks]} 00007530 01 00`))).toBe(answered[acks]);
    });

    it.each([9, 12])('Produce v%d, transactional_id "tx"', (version) => {
      // 03 7478: uvarint length+1 = 3, "tx"
      expect(expects(produce(version, `03 7478 ${ACKS[acks]} 00007530 01 00`))).toBe(answered[acks]);
    });
  });

  it('reads acks=0 at the right place after a long transactional_id (v9, 2-byte varint length)', () => {
    const id = 'x'.repeat(200); // length+1 = 201 = 0xc9 0x01 as a uvarint
    const frame = produce(9, `c901 ${Buffer.from(id).toString('hex')} 0000 00007530 01 00`);
    expect(expects(frame)).toBe(false);
  });

  it('expects a response for every request that is not Produce, whatever its body', () => {
    // Fetch v4's body starts with 00000000 (replica_id 0), which would read as acks=0 for Produce.
    expect(expects(FETCH_V4_NULL_CLIENT)).toBe(true);
    expect(expects(METADATA_V9)).toBe(true);
    expect(expects(CONTROLLED_SHUTDOWN_V0)).toBe(true);
  });

  it('reads the Produce v7 kafkajs fixture (acks -1) as answered', () => {
    expect(expects(PRODUCE_V7)).toBe(true);
  });
});

// ---- Responses ----

/** Produce v7 response: header v0. */
const PRODUCE_V7_RESPONSE = hex(`
  0000000c          # size = 12
  0000002a          # correlation_id 42
  00000000          # responses: 0
  00000000          # throttle_time_ms 0
`);

/** Metadata v9 response: header v1 with an empty TAG_BUFFER. */
const METADATA_V9_RESPONSE = hex(`
  0000000b          # size = 11
  00000007          # correlation_id 7
  00                # header TAG_BUFFER: 0 fields
  00000000          # throttle_time_ms 0
  01                # brokers: COMPACT_ARRAY of 0
  00                # cluster_id: null
`);

/** Metadata v12 response: header v1 with two tagged fields. */
const METADATA_V12_RESPONSE_TAGGED = hex(`
  00000012          # size = 18
  00000008          # correlation_id 8
  02                # header TAG_BUFFER: 2 fields
  00 01 ff          #   tag 0, size 1, data ff
  05 02 beef        #   tag 5, size 2, data beef
  00000000          # throttle_time_ms 0 (body starts here)
  01                # brokers: COMPACT_ARRAY of 0
  00                # cluster_id: null
`);

/** ApiVersions v3 response: flexible, yet always response header v0 (no TAG_BUFFER). */
const API_VERSIONS_V3_RESPONSE = hex(`
  0000000c          # size = 12
  00000001          # correlation_id 1
  0000              # error_code 0 (body starts right after the correlation id)
  01                # api_keys: COMPACT_ARRAY of 0
  00000000          # throttle_time_ms 0
  00                # body TAG_BUFFER
`);

describe('readResponseCorrelationId', () => {
  it.each([
    [PRODUCE_V7_RESPONSE, 42],
    [METADATA_V9_RESPONSE, 7],
    [METADATA_V12_RESPONSE_TAGGED, 8],
    [API_VERSIONS_V3_RESPONSE, 1],
  ])('reads the correlation id after the size (%#)', (frame, id) => {
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(readResponseCorrelationId(frame)).toBe(id);
  });

  it('reads a negative correlation id as signed', () => {
    expect(readResponseCorrelationId(hex('00000004 fffffffe'))).toBe(-2);
  });

  it('throws WireError for a frame shorter than size + correlation id', () => {
    expect(() => readResponseCorrelationId(hex('00000003 000000'))).toThrow(WireError);
  });
});

describe('responseBodyOffset', () => {
  it('is 8 for a response header v0 (Produce v7)', () => {
    expect(responseBodyOffset(PRODUCE_V7_RESPONSE, 0, 7)).toBe(8);
  });

  it('skips an empty TAG_BUFFER in a response header v1 (Metadata v9)', () => {
    expect(responseBodyOffset(METADATA_V9_RESPONSE, 3, 9)).toBe(9);
  });

  it('skips a non-empty TAG_BUFFER in a response header v1 (Metadata v12)', () => {
    const offset = responseBodyOffset(METADATA_V12_RESPONSE_TAGGED, 3, 12);
    expect(offset).toBe(16);
    expect(METADATA_V12_RESPONSE_TAGGED.subarray(offset).toString('hex')).toBe('000000000100');
  });

  it('uses header v0 for ApiVersions even in a flexible version', () => {
    expect(responseBodyOffset(API_VERSIONS_V3_RESPONSE, 18, 3)).toBe(8);
    expect(responseBodyOffset(API_VERSIONS_V3_RESPONSE, 18, 0)).toBe(8);
  });

  it('throws WireError when a header v1 is cut before its TAG_BUFFER', () => {
    expect(() => responseBodyOffset(METADATA_V9_RESPONSE.subarray(0, 8), 3, 9)).toThrow(WireError);
  });
});

describe('replaceBody', () => {
  it('keeps the header and recomputes the size for a shorter body', () => {
    const body = hex(`
      ffff        # transactional_id null
      0001        # acks 1
    `);
    const out = replaceBody(PRODUCE_V7, 21, body);
    expect(out.toString('hex')).toBe(
      '00000015' + // size = 21 - 4 + 4
        PRODUCE_V7.subarray(4, 21).toString('hex') +
        'ffff0001',
    );
    expect(readRequestHeader(out)).toEqual(readRequestHeader(PRODUCE_V7));
  });

  it('recomputes the size for a longer body', () => {
    const body = Buffer.alloc(300, 0xab);
    const out = replaceBody(METADATA_V12_RESPONSE_TAGGED, 16, body);
    expect(out.readInt32BE(0)).toBe(16 + 300 - 4);
    expect(out.length).toBe(316);
    expect(out.subarray(4, 16).equals(METADATA_V12_RESPONSE_TAGGED.subarray(4, 16))).toBe(true);
    expect(out.subarray(16).equals(body)).toBe(true);
    expect(readResponseCorrelationId(out)).toBe(8);
  });

  it('accepts an empty body and leaves the input frame untouched', () => {
    const before = Buffer.from(PRODUCE_V7);
    const out = replaceBody(PRODUCE_V7, 21, Buffer.alloc(0));
    expect(out.readInt32BE(0)).toBe(17);
    expect(out.length).toBe(21);
    expect(PRODUCE_V7.equals(before)).toBe(true);
  });
});

describe('FrameSplitter', () => {
  const EMPTY_FRAME = hex('00000000 # size 0: a frame with no payload');
  const stream = Buffer.concat([PRODUCE_V7, EMPTY_FRAME, PRODUCE_V7_RESPONSE, METADATA_V9]);
  const expected = [PRODUCE_V7, EMPTY_FRAME, PRODUCE_V7_RESPONSE, METADATA_V9].map((f) => f.toString('hex'));

  const feed = (chunks: Buffer[]): string[] => {
    const splitter = new FrameSplitter();
    return chunks.flatMap((c) => splitter.push(c)).map((f) => f.toString('hex'));
  };

  it('hands out several frames from one chunk, size prefix included', () => {
    expect(feed([stream])).toEqual(expected);
  });

  it('gives the same frames when the stream is cut at any one place', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(feed([stream.subarray(0, cut), stream.subarray(cut)]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same frames when the stream is cut at any two places', () => {
    for (let a = 1; a < stream.length; a++) {
      for (let b = a; b < stream.length; b++) {
        const chunks = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        expect(feed(chunks), `cuts at ${a}, ${b}`).toEqual(expected);
      }
    }
  });

  it('gives the same frames one byte at a time', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(feed(bytes)).toEqual(expected);
  });

  it('waits while the 4-byte size itself is split', () => {
    const splitter = new FrameSplitter();
    expect(splitter.push(PRODUCE_V7.subarray(0, 1))).toEqual([]);
    expect(splitter.push(PRODUCE_V7.subarray(1, 3))).toEqual([]);
    expect(splitter.push(PRODUCE_V7.subarray(3, 4))).toEqual([]);
    expect(splitter.push(PRODUCE_V7.subarray(4, 32))).toEqual([]);
    const frames = splitter.push(PRODUCE_V7.subarray(32));
    expect(frames.map((f) => f.toString('hex'))).toEqual([PRODUCE_V7.toString('hex')]);
  });

  it('keeps the bytes of an incomplete frame for the next push', () => {
    const splitter = new FrameSplitter();
    const first = splitter.push(Buffer.concat([PRODUCE_V7, METADATA_V9.subarray(0, 10)]));
    expect(first).toHaveLength(1);
    const second = splitter.push(METADATA_V9.subarray(10));
    expect(second.map((f) => f.toString('hex'))).toEqual([METADATA_V9.toString('hex')]);
  });

  it('throws WireError for a negative size', () => {
    expect(() => new FrameSplitter().push(hex('ffffffff 00'))).toThrow(WireError);
    expect(() => new FrameSplitter().push(hex('80000000'))).toThrow(/out of range/);
  });

  it('throws WireError for a size above the limit, and not at the limit', () => {
    const size = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    expect(() => new FrameSplitter().push(size(MAX_FRAME_BYTES + 1))).toThrow(WireError);
    // At the limit the splitter just waits for the bytes.
    expect(new FrameSplitter().push(size(MAX_FRAME_BYTES))).toEqual([]);
  });

  it('throws for a bad size that follows a good frame in the same chunk', () => {
    expect(() => new FrameSplitter().push(Buffer.concat([PRODUCE_V7, hex('ffffffff')]))).toThrow(WireError);
  });
});
