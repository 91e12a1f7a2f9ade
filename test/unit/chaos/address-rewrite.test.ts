// Byte-level tests for broker address rewriting: every body is built by hand from the message schemas.
import { describe, it, expect } from 'vitest';
import {
  announcedBrokers,
  carriesBrokerAddresses,
  rewriteResponseBody,
  type AddressMapper,
} from '../../../src/chaos/address-rewrite.js';
import { WireError } from '../../../src/chaos/wire.js';

// ---- Fixture encoders: written from the schema tables, independent of src/chaos/wire.ts. ----

const PRODUCE = 0;
const FETCH = 1;
const METADATA = 3;
const FIND_COORDINATOR = 10;
const DESCRIBE_CLUSTER = 60;

const bytes = (hexText: string): Buffer => Buffer.from(hexText.replace(/\s+/g, ''), 'hex');
const i8 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
const i16 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
const i32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const i64 = (n: number): string => BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0');
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const byteLength = (hexText: string): number => hexText.replace(/\s+/g, '').length / 2;

/** A one-byte unsigned varint; longer ones are spelled out as literal hex where a test needs them. */
const varint1 = (n: number): string => {
  if (n > 127) throw new Error(`fixture helper only encodes one-byte varints, got ${n}`);
  return i8(n);
};
const str = (s: string): string => i16(Buffer.byteLength(s)) + utf8(s);
const nstr = (s: string | null): string => (s === null ? 'ffff' : str(s));
const cstr = (s: string): string => varint1(Buffer.byteLength(s) + 1) + utf8(s);
const cnstr = (s: string | null): string => (s === null ? '00' : cstr(s));
const arr = (items: string[]): string => i32(items.length) + items.join('');
const carr = (items: string[]): string => varint1(items.length + 1) + items.join('');
const NO_TAGS = '00';
/** A TAG_BUFFER from [tag, payload hex] pairs whose tags and sizes fit one varint byte. */
const tags = (...fields: [number, string][]): string =>
  varint1(fields.length) + fields.map(([tag, data]) => varint1(tag) + varint1(byteLength(data)) + data).join('');

const TOPIC_ID = '0123456789abcdef0123456789abcdef';
const NOT_LEADER_OR_FOLLOWER = 6;
const COORDINATOR_NOT_AVAILABLE = 15;

interface Broker {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  /** This broker's own TAG_BUFFER (flexible versions). */
  tagBuffer?: string;
}

const kafka1: Broker = { id: 1, host: 'kafka', port: 9092, rack: null };
const kafka2: Broker = { id: 2, host: 'kafka-2', port: 9093, rack: 'rack-b' };

const toProxy: AddressMapper = ({ nodeId }) => ({ host: '127.0.0.1', port: 39000 + nodeId });
const proxied = (b: Broker): Broker => ({ ...b, host: '127.0.0.1', port: 39000 + b.id });

function expectRewrite(apiKey: number, version: number, input: string, expected: string, map = toProxy): void {
  const out = rewriteResponseBody(apiKey, version, bytes(input), map);
  expect(out?.toString('hex')).toBe(bytes(expected).toString('hex'));
}

/** Every strict prefix of the parsed part of a body must fail cleanly, never return bytes. */
function expectTruncationsThrow(apiKey: number, version: number, body: string, parsedBytes = byteLength(body)): void {
  const full = bytes(body);
  for (let cut = 0; cut < parsedBytes; cut++) {
    expect(() => rewriteResponseBody(apiKey, version, full.subarray(0, cut), toProxy), `cut at ${cut}`).toThrow(
      WireError,
    );
  }
}

// ---- MetadataResponse (MetadataResponse.json, v0–13, flexible from v9) ----

function metadataBroker(v: number, b: Broker): string {
  if (v >= 9) return i32(b.id) + cstr(b.host) + i32(b.port) + cnstr(b.rack) + (b.tagBuffer ?? NO_TAGS);
  return i32(b.id) + str(b.host) + i32(b.port) + (v >= 1 ? nstr(b.rack) : '');
}

/** throttle_time_ms (v3+) and the brokers array: the part the rewriter parses. */
function metadataHead(v: number, brokers: Broker[]): string {
  const entries = brokers.map((b) => metadataBroker(v, b));
  return (v >= 3 ? i32(0) : '') + (v >= 9 ? carr(entries) : arr(entries));
}

/** Everything after brokers, per version: copied verbatim, but built realistically. */
function metadataTail(v: number): string {
  const flexible = v >= 9;
  const list = flexible ? carr : arr;
  const partition =
    i16(0) + // error_code
    i32(0) + // partition_index
    i32(1) + // leader_id
    (v >= 7 ? i32(5) : '') + // leader_epoch
    list([i32(1), i32(2)]) + // replica_nodes
    list([i32(1)]) + // isr_nodes
    (v >= 5 ? list([]) : '') + // offline_replicas
    (flexible ? NO_TAGS : '');
  const topic =
    i16(0) + // error_code
    (flexible ? cstr('orders') : str('orders')) + // name (nullable from v12; same bytes when set)
    (v >= 10 ? TOPIC_ID : '') + // topic_id
    (v >= 1 ? '00' : '') + // is_internal
    list([partition]) +
    (v >= 8 ? i32(-2147483648) : '') + // topic_authorized_operations
    (flexible ? NO_TAGS : '');
  return (
    (v >= 2 ? (flexible ? cnstr('lab-cluster') : nstr('lab-cluster')) : '') + // cluster_id
    (v >= 1 ? i32(1) : '') + // controller_id
    list([topic]) +
    (v >= 8 && v <= 10 ? i32(-2147483648) : '') + // cluster_authorized_operations
    (v >= 13 ? i16(0) : '') + // error_code (KIP-1102)
    (flexible ? NO_TAGS : '')
  );
}

const metadataBody = (v: number, brokers: Broker[]): string => metadataHead(v, brokers) + metadataTail(v);

describe('Metadata', () => {
  const versions = Array.from({ length: 14 }, (_, v) => v);

  it.each(versions)('v%d: rewrites two brokers and copies the rest verbatim', (v) => {
    expectRewrite(METADATA, v, metadataBody(v, [kafka1, kafka2]), metadataBody(v, [proxied(kafka1), proxied(kafka2)]));
  });

  it.each(versions)('v%d: announces both brokers', (v) => {
    expect(announcedBrokers(METADATA, v, bytes(metadataBody(v, [kafka1, kafka2])))).toEqual([
      { nodeId: 1, host: 'kafka', port: 9092 },
      { nodeId: 2, host: 'kafka-2', port: 9093 },
    ]);
  });

  it.each(versions)('v%d: throws WireError when cut inside the brokers array', (v) => {
    const body = metadataBody(v, [kafka1, kafka2]);
    expectTruncationsThrow(METADATA, v, body, byteLength(metadataHead(v, [kafka1, kafka2])));
  });

  it.each(versions)('v%d: returns null when there are no brokers', (v) => {
    expect(rewriteResponseBody(METADATA, v, bytes(metadataBody(v, [])), toProxy)).toBeNull();
  });

  it('v1: rewrites the kafka-protocol.md example broker, byte for byte', () => {
    const input = '00000001  00000001 0005 6B61666B61 00002384 FFFF  00000001 00000000';
    const expected = '00000001  00000001 0005 70726F7879 0000238C FFFF  00000001 00000000';
    expectRewrite(METADATA, 1, input, expected, () => ({ host: 'proxy', port: 9100 }));
  });

  it('v9: rewrites the flexible example broker, byte for byte', () => {
    const tail = '00 00000001 01 80000000 00'; // cluster_id null, controller 1, no topics, cluster ops, tags
    const input = `00000000 02  00000001 06 6B61666B61 00002384 00 00  ${tail}`;
    const expected = `00000000 02  00000001 06 70726F7879 0000238C 00 00  ${tail}`;
    expectRewrite(METADATA, 9, input, expected, () => ({ host: 'proxy', port: 9100 }));
  });

  it('v12: grows the host length varint to two bytes for a 200-byte host', () => {
    const longHost = `broker-${'x'.repeat(193)}`; // 200 bytes, so COMPACT_STRING length+1 = 201
    const input = metadataBody(12, [kafka1]);
    // 201 = 0b1_1001001 -> low group 0x49 | 0x80 = 0xC9, then 0x01.
    const rewrittenBroker = `${i32(1)} c901 ${utf8(longHost)} ${i32(19092)} 00 00`;
    const expected = `${i32(0)} 02 ${rewrittenBroker} ${metadataTail(12)}`;
    expectRewrite(METADATA, 12, input, expected, () => ({ host: longHost, port: 19092 }));
    const out = rewriteResponseBody(METADATA, 12, bytes(input), () => ({ host: longHost, port: 19092 }));
    expect(out?.length).toBe(bytes(input).length + (200 - 5) + 1);
  });

  it('v12: keeps a non-null rack and unknown per-broker tagged fields', () => {
    const tagged: Broker = { ...kafka2, rack: 'eu-west-1a', tagBuffer: tags([5, 'cafe'], [9, '']) };
    expectRewrite(METADATA, 12, metadataBody(12, [tagged]), metadataBody(12, [proxied(tagged)]));
  });

  it('v3: keeps a non-null rack in the classic encoding', () => {
    const racked: Broker = { ...kafka1, rack: 'r1' };
    expectRewrite(METADATA, 3, metadataBody(3, [racked]), metadataBody(3, [proxied(racked)]));
  });

  it('rejects a null brokers array', () => {
    expect(() => rewriteResponseBody(METADATA, 1, bytes('ffffffff'), toProxy)).toThrow(/brokers is null/);
  });

  it('rejects a mapped port outside 0..65535', () => {
    const body = bytes(metadataBody(1, [kafka1]));
    expect(() => rewriteResponseBody(METADATA, 1, body, () => ({ host: 'h', port: 70_000 }))).toThrow(WireError);
  });
});

// ---- FindCoordinatorResponse (FindCoordinatorResponse.json, v0–6, flexible from v3) ----

interface Coordinator {
  key: string;
  id: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
  tagBuffer?: string;
}

const NO_NODE = { id: -1, host: '', port: -1 }; // Node.noNode()

function findCoordinatorBody(v: number, c: Coordinator): string {
  if (v === 0) return i16(c.errorCode) + i32(c.id) + str(c.host) + i32(c.port);
  if (v <= 2) return i32(0) + i16(c.errorCode) + nstr(c.errorMessage) + i32(c.id) + str(c.host) + i32(c.port);
  return i32(0) + i16(c.errorCode) + cnstr(c.errorMessage) + i32(c.id) + cstr(c.host) + i32(c.port) + NO_TAGS;
}

function findCoordinatorBatchBody(coordinators: Coordinator[]): string {
  const entry = (c: Coordinator): string =>
    cstr(c.key) +
    i32(c.id) +
    cstr(c.host) +
    i32(c.port) +
    i16(c.errorCode) +
    cnstr(c.errorMessage) +
    (c.tagBuffer ?? NO_TAGS);
  return i32(0) + carr(coordinators.map(entry)) + NO_TAGS;
}

const group1: Coordinator = { key: 'g1', id: 1, host: 'kafka', port: 9092, errorCode: 0, errorMessage: null };
const failed: Coordinator = {
  key: 'g2',
  ...NO_NODE,
  errorCode: COORDINATOR_NOT_AVAILABLE,
  errorMessage: 'The coordinator is not available.',
};
const proxiedCoordinator = (c: Coordinator): Coordinator => ({ ...c, host: '127.0.0.1', port: 39000 + c.id });

describe('FindCoordinator', () => {
  it.each([0, 1, 2, 3])('v%d: rewrites the single coordinator', (v) => {
    const expected = findCoordinatorBody(v, proxiedCoordinator(group1));
    expectRewrite(FIND_COORDINATOR, v, findCoordinatorBody(v, group1), expected);
    expect(announcedBrokers(FIND_COORDINATOR, v, bytes(findCoordinatorBody(v, group1)))).toEqual([
      { nodeId: 1, host: 'kafka', port: 9092 },
    ]);
  });

  it('v0: rewrites a hand-written body', () => {
    expectRewrite(
      FIND_COORDINATOR,
      0,
      '0000  00000001 0005 6B61666B61 00002384',
      '0000  00000001 0009 3132372E302E302E31 00009859',
    );
  });

  it.each([0, 1, 2, 3])('v%d: leaves an error answer (node -1) alone', (v) => {
    const body = bytes(findCoordinatorBody(v, failed));
    expect(rewriteResponseBody(FIND_COORDINATOR, v, body, toProxy)).toBeNull();
    expect(announcedBrokers(FIND_COORDINATOR, v, body)).toEqual([]);
  });

  it.each([4, 5, 6])('v%d: rewrites found coordinators and leaves error entries untouched', (v) => {
    const tagged: Coordinator = { ...group1, key: 'txn-1', id: 2, host: 'kafka-2', tagBuffer: tags([3, '01']) };
    const input = findCoordinatorBatchBody([group1, failed, tagged]);
    const expected = findCoordinatorBatchBody([proxiedCoordinator(group1), failed, proxiedCoordinator(tagged)]);
    expectRewrite(FIND_COORDINATOR, v, input, expected);
    expect(announcedBrokers(FIND_COORDINATOR, v, bytes(input))).toEqual([
      { nodeId: 1, host: 'kafka', port: 9092 },
      { nodeId: 2, host: 'kafka-2', port: 9092 },
    ]);
  });

  it.each([4, 5, 6])('v%d: returns null when every entry failed', (v) => {
    expect(rewriteResponseBody(FIND_COORDINATOR, v, bytes(findCoordinatorBatchBody([failed])), toProxy)).toBeNull();
  });

  it('v4: rewrites a hand-written batch with an error entry', () => {
    const input =
      '00000000 03' +
      ' 03 6731  00000001 06 6B61666B61 00002384  0000 00 00' + // g1 -> kafka:9092
      ' 03 6732  FFFFFFFF 01 FFFFFFFF  000F 05 6E6F7065 00'; // g2 -> no node, error 15 "nope"
    const expected =
      '00000000 03' +
      ' 03 6731  00000001 0A 3132372E302E302E31 00009859  0000 00 00' +
      ' 03 6732  FFFFFFFF 01 FFFFFFFF  000F 05 6E6F7065 00';
    expectRewrite(FIND_COORDINATOR, 4, `${input} 00`, `${expected} 00`);
  });

  it.each([0, 1, 2, 3])('v%d: throws WireError on truncation', (v) => {
    const body = findCoordinatorBody(v, group1);
    expectTruncationsThrow(FIND_COORDINATOR, v, body, byteLength(body) - (v === 3 ? 1 : 0));
  });

  it.each([4, 5, 6])('v%d: throws WireError on truncation', (v) => {
    const body = findCoordinatorBatchBody([group1, failed]);
    expectTruncationsThrow(FIND_COORDINATOR, v, body, byteLength(body) - 1);
  });
});

// ---- DescribeClusterResponse (DescribeClusterResponse.json, v0–2, flexible from v0) ----

function describeClusterBody(v: number, brokers: Broker[]): string {
  const entry = (b: Broker): string =>
    i32(b.id) + cstr(b.host) + i32(b.port) + cnstr(b.rack) + (v >= 2 ? '00' : '') + (b.tagBuffer ?? NO_TAGS);
  return (
    i32(0) + // throttle_time_ms
    i16(0) + // error_code
    cnstr(null) + // error_message
    (v >= 1 ? i8(1) : '') + // endpoint_type
    cstr('lab-cluster') + // cluster_id
    i32(1) + // controller_id
    carr(brokers.map(entry)) +
    i32(-2147483648) + // cluster_authorized_operations
    NO_TAGS
  );
}

describe('DescribeCluster', () => {
  it.each([0, 1, 2])('v%d: rewrites both brokers, keeping rack and tags', (v) => {
    const tagged: Broker = { ...kafka2, tagBuffer: tags([4, 'ff']) };
    expectRewrite(
      DESCRIBE_CLUSTER,
      v,
      describeClusterBody(v, [kafka1, tagged]),
      describeClusterBody(v, [proxied(kafka1), proxied(tagged)]),
    );
    expect(announcedBrokers(DESCRIBE_CLUSTER, v, bytes(describeClusterBody(v, [kafka1, tagged])))).toHaveLength(2);
  });

  it('v2: rewrites a hand-written body with a fenced flag', () => {
    const head = '00000000 0000 00 01 0C 6C61622D636C7573746572 00000001 02';
    const tail = '80000000 00';
    const input = `${head} 00000001 06 6B61666B61 00002384 00 01 00 ${tail}`;
    const expected = `${head} 00000001 0A 3132372E302E302E31 00009859 00 01 00 ${tail}`;
    expectRewrite(DESCRIBE_CLUSTER, 2, input, expected);
  });

  it.each([0, 1, 2])('v%d: throws WireError on truncation', (v) => {
    const body = describeClusterBody(v, [kafka1, kafka2]);
    expectTruncationsThrow(DESCRIBE_CLUSTER, v, body, byteLength(body) - 5);
  });
});

// ---- node_endpoints (tag 0) in ProduceResponse v10+ and FetchResponse v16+ ----

const nodeEndpoint = (b: Broker): string =>
  i32(b.id) + cstr(b.host) + i32(b.port) + cnstr(b.rack) + (b.tagBuffer ?? NO_TAGS);
const nodeEndpoints = (brokers: Broker[]): string => carr(brokers.map(nodeEndpoint));
/** An unknown top-level tag the rewriter must keep byte for byte. */
const UNKNOWN_TAG: [number, string] = [7, 'beef'];

function produceBody(v: number, topLevelTags: string): string {
  const recordError = i32(0) + cnstr('bad record') + NO_TAGS;
  const currentLeader = tags([0, i32(2) + i32(7)]); // partition tag 0: leader_id, leader_epoch
  const partition =
    i32(0) + // index
    i16(NOT_LEADER_OR_FOLLOWER) + // error_code
    i64(-1) + // base_offset
    i64(-1) + // log_append_time_ms
    i64(0) + // log_start_offset
    carr([recordError]) + // record_errors
    cnstr(null) + // error_message
    currentLeader;
  const topic = (v >= 13 ? TOPIC_ID : cstr('orders')) + carr([partition]) + NO_TAGS;
  return carr([topic]) + i32(0) + topLevelTags;
}

function fetchBody(topLevelTags: string): string {
  const partitionTags = tags(
    [0, i32(3) + i64(40)], // diverging_epoch: epoch, end_offset
    [1, i32(2) + i32(7)], // current_leader: leader_id, leader_epoch
    [2, i64(40) + i32(3)], // snapshot_id: end_offset, epoch
  );
  const partition = (index: number, aborted: string, records: string): string =>
    i32(index) + // partition_index
    i16(NOT_LEADER_OR_FOLLOWER) + // error_code
    i64(100) + // high_watermark
    i64(100) + // last_stable_offset
    i64(0) + // log_start_offset
    aborted + // aborted_transactions
    i32(-1) + // preferred_read_replica
    records +
    partitionTags;
  const abortedOne = carr([i64(5) + i64(10) + NO_TAGS]);
  const topic = TOPIC_ID + carr([partition(0, '00', '04 aabbcc'), partition(1, abortedOne, '00')]) + NO_TAGS;
  return (
    i32(0) + // throttle_time_ms
    i16(0) + // error_code
    i32(12345) + // session_id
    carr([topic]) +
    topLevelTags
  );
}

const endpointTags = (brokers: Broker[]): string => tags([0, nodeEndpoints(brokers)], UNKNOWN_TAG);

type BodyCase = [label: string, apiKey: number, version: number, body: (topLevelTags: string) => string];
const bodyCases: BodyCase[] = [
  ...[10, 11, 12, 13].map((v): BodyCase => [`Produce v${v}`, PRODUCE, v, (t) => produceBody(v, t)]),
  ...[16, 17, 18].map((v): BodyCase => [`Fetch v${v}`, FETCH, v, fetchBody]),
];

describe('Produce and Fetch node_endpoints', () => {
  const racked: Broker = { ...kafka2, rack: 'rack-b', tagBuffer: tags([1, '00']) };

  it.each(bodyCases)('%s: rewrites tag 0 and keeps other tags', (_name, apiKey, v, body) => {
    expectRewrite(
      apiKey,
      v,
      body(endpointTags([kafka1, racked])),
      body(endpointTags([proxied(kafka1), proxied(racked)])),
    );
    expect(announcedBrokers(apiKey, v, bytes(body(endpointTags([kafka1, racked]))))).toEqual([
      { nodeId: 1, host: 'kafka', port: 9092 },
      { nodeId: 2, host: 'kafka-2', port: 9093 },
    ]);
  });

  it.each(bodyCases)('%s: returns null without tag 0', (_name, apiKey, v, body) => {
    for (const topLevelTags of [NO_TAGS, tags(UNKNOWN_TAG)]) {
      expect(rewriteResponseBody(apiKey, v, bytes(body(topLevelTags)), toProxy)).toBeNull();
      expect(announcedBrokers(apiKey, v, bytes(body(topLevelTags)))).toEqual([]);
    }
  });

  it.each(bodyCases)('%s: throws WireError on every truncation', (_name, apiKey, v, body) => {
    expectTruncationsThrow(apiKey, v, body(endpointTags([kafka1])));
  });

  it.each(bodyCases)('%s: rejects bytes after the top-level tags', (_name, apiKey, v, body) => {
    expect(() => rewriteResponseBody(apiKey, v, bytes(`${body(endpointTags([kafka1]))}00`), toProxy)).toThrow(
      /unexpected byte/,
    );
  });

  it.each(bodyCases)('%s: rejects top-level tags out of order', (_name, apiKey, v, body) => {
    const endpoints = nodeEndpoints([kafka1]);
    const [unknownTag, unknownData] = UNKNOWN_TAG;
    const swapped = `02 ${varint1(unknownTag)} 02 ${unknownData} 00 ${varint1(byteLength(endpoints))} ${endpoints}`;
    expect(() => rewriteResponseBody(apiKey, v, bytes(body(swapped)), toProxy)).toThrow(/tags must ascend/);
  });

  it('Produce v13: grows the tag size varint past 127 for a 200-byte host', () => {
    const longHost = 'h'.repeat(200);
    const oneNode = nodeEndpoints([kafka1]);
    const input = produceBody(13, `01 00 ${varint1(byteLength(oneNode))} ${oneNode}`);
    // node_endpoints = count 02, node_id 4, host length c901 + 200 bytes, port 4, rack 00, tags 00 = 213 bytes.
    // 213 = 0b1_1010101 -> 0xD5, 0x01.
    const rewritten = `02 ${i32(1)} c901 ${utf8(longHost)} ${i32(443)} 00 00`;
    expect(byteLength(rewritten)).toBe(213);
    const expected = produceBody(13, `01 00 d501 ${rewritten}`);
    expectRewrite(PRODUCE, 13, input, expected, () => ({ host: longHost, port: 443 }));
  });

  it('Fetch v16: rewrites a hand-written body with a null aborted_transactions', () => {
    const head =
      '00000000 0000 00003039 02 ' + // throttle, error_code, session_id 12345, one topic
      `${TOPIC_ID} 02 ` + // topic_id, one partition
      '00000000 0006 0000000000000064 0000000000000064 0000000000000000 ' + // index, NOT_LEADER, hw, lso, log start
      '00 FFFFFFFF 00 00 ' + // aborted null, preferred replica -1, records null, no partition tags
      '00 '; // topic tags
    const input = `${head} 01 00 11 02 00000001 06 6B61666B61 00002384 00 00`; // tag 0, 17 bytes
    const expected = `${head} 01 00 15 02 00000001 0A 3132372E302E302E31 00009859 00 00`; // 21 bytes
    expectRewrite(FETCH, 16, input, expected);
  });
});

describe('carriesBrokerAddresses', () => {
  const cases: [string, number, number, boolean][] = [
    ['Metadata v0', METADATA, 0, true],
    ['Metadata v13', METADATA, 13, true],
    ['Metadata v14 (unchecked)', METADATA, 14, false],
    ['FindCoordinator v6', FIND_COORDINATOR, 6, true],
    ['FindCoordinator v7 (unchecked)', FIND_COORDINATOR, 7, false],
    ['DescribeCluster v2', DESCRIBE_CLUSTER, 2, true],
    ['DescribeCluster v3 (unchecked)', DESCRIBE_CLUSTER, 3, false],
    ['Produce v9 (no node_endpoints yet)', PRODUCE, 9, false],
    ['Produce v10', PRODUCE, 10, true],
    ['Produce v13', PRODUCE, 13, true],
    ['Fetch v15 (no node_endpoints yet)', FETCH, 15, false],
    ['Fetch v16', FETCH, 16, true],
    ['Fetch v18', FETCH, 18, true],
    ['ApiVersions v3', 18, 3, false],
  ];

  it.each(cases)('%s -> %s', (_name, apiKey, v, carries) => {
    expect(carriesBrokerAddresses(apiKey, v)).toBe(carries);
  });

  it('returns null and announces nothing for responses without addresses, whatever the bytes', () => {
    expect(rewriteResponseBody(18, 3, bytes('0000 01 00000000 00'), toProxy)).toBeNull();
    expect(rewriteResponseBody(PRODUCE, 9, bytes('ffff'), toProxy)).toBeNull();
    expect(announcedBrokers(PRODUCE, 9, bytes('ffff'))).toEqual([]);
  });
});
