// Finds the broker addresses Kafka responses announce and rewrites them, so clients keep coming through the proxy.

import { ApiKey, ByteReader, ByteWriter, WireError, isFlexible } from './wire.js';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** Maps a broker the upstream cluster announced to the address clients must use instead. */
export type AddressMapper = (broker: BrokerAddress) => { host: string; port: number };

/** A `node_id int32, host (COMPACT_)STRING, port int32` run: the one part of a body that changes. */
interface Endpoint {
  broker: BrokerAddress;
  compact: boolean;
}

/** A uvarint byte length and what it measures: a tagged field whose payload holds endpoints. */
interface Sized {
  sized: Piece[];
}

/** A body cut into bytes that are copied verbatim and the pieces that are re-encoded. */
type Piece = Buffer | Endpoint | Sized;

/** Cuts one buffer into pieces while its parser marks, in order, the spans to re-encode. */
class Splitter {
  private readonly pieces: Piece[] = [];
  private copiedUpTo = 0;

  constructor(private readonly source: Buffer) {}

  replace(start: number, end: number, piece: Endpoint | Sized): void {
    if (start > this.copiedUpTo) this.pieces.push(this.source.subarray(this.copiedUpTo, start));
    this.pieces.push(piece);
    this.copiedUpTo = end;
  }

  /** The pieces, ending with everything after the last replaced span. */
  finish(): Piece[] {
    if (this.copiedUpTo < this.source.length) this.pieces.push(this.source.subarray(this.copiedUpTo));
    return this.pieces;
  }
}

type SplitBody = (apiVersion: number, body: Buffer) => Piece[];

interface BodyLayout {
  minVersion: number;
  maxVersion: number;
  split: SplitBody;
}

/** Tag of `node_endpoints` in the top-level TAG_BUFFER of Produce v10+ and Fetch v16+ responses (KIP-951). */
const NODE_ENDPOINTS_TAG = 0;

/** Brokers a response announces (to let the proxy open a listener per broker before rewriting). Empty when the response carries none. */
export function announcedBrokers(apiKey: number, apiVersion: number, responseBody: Buffer): BrokerAddress[] {
  const layout = layoutFor(apiKey, apiVersion);
  return layout ? brokersIn(layout.split(apiVersion, responseBody)) : [];
}

/** Returns a new response BODY (bytes after the response header) with every broker address replaced through `map`, or null when this api/version carries no broker addresses or the body holds none. */
export function rewriteResponseBody(
  apiKey: number,
  apiVersion: number,
  responseBody: Buffer,
  map: AddressMapper,
): Buffer | null {
  const layout = layoutFor(apiKey, apiVersion);
  if (!layout) return null;
  const pieces = layout.split(apiVersion, responseBody);
  if (brokersIn(pieces).length === 0) return null;
  // The whole body is parsed before the first byte is written, so malformed input never yields partial output.
  const writer = new ByteWriter(responseBody.length + 64);
  writePieces(writer, pieces, map);
  return writer.toBuffer();
}

/** Which (apiKey) responses may carry broker addresses. */
export function carriesBrokerAddresses(apiKey: number, apiVersion: number): boolean {
  return layoutFor(apiKey, apiVersion) !== undefined;
}

/**
 * Each range stops at the newest version whose schema was checked: a later version may move fields,
 * and passing it through unchanged is safer than misreading it.
 */
const LAYOUTS: ReadonlyMap<number, BodyLayout> = new Map([
  [ApiKey.Metadata, { minVersion: 0, maxVersion: 13, split: splitMetadata }],
  [ApiKey.FindCoordinator, { minVersion: 0, maxVersion: 6, split: splitFindCoordinator }],
  [ApiKey.DescribeCluster, { minVersion: 0, maxVersion: 2, split: splitDescribeCluster }],
  [ApiKey.Produce, { minVersion: 10, maxVersion: 13, split: splitProduce }],
  [ApiKey.Fetch, { minVersion: 16, maxVersion: 18, split: splitFetch }],
]);

function layoutFor(apiKey: number, apiVersion: number): BodyLayout | undefined {
  const layout = LAYOUTS.get(apiKey);
  if (!layout || apiVersion < layout.minVersion || apiVersion > layout.maxVersion) return undefined;
  return layout;
}

/** MetadataResponse: [throttle_time_ms (v3+)] brokers[node_id host port rack (v1+) TAG (v9+)], then verbatim. */
function splitMetadata(version: number, body: Buffer): Piece[] {
  const compact = isFlexible(ApiKey.Metadata, version);
  const reader = new ByteReader(body);
  const out = new Splitter(body);
  if (version >= 3) reader.int32(); // throttle_time_ms
  const brokers = arrayCount(reader, compact, 'Metadata brokers');
  for (let i = 0; i < brokers; i++) {
    readEndpoint(reader, out, compact);
    if (version >= 1) readNullableString(reader, compact); // rack
    if (compact) reader.skipTaggedFields();
  }
  return out.finish(); // cluster_id, controller_id, topics, … are copied verbatim
}

/**
 * FindCoordinatorResponse v0–3 names one coordinator inline; v4+ (KIP-699) answers a batch of keys
 * as coordinators[key node_id host port error_code error_message TAG].
 */
function splitFindCoordinator(version: number, body: Buffer): Piece[] {
  const compact = isFlexible(ApiKey.FindCoordinator, version);
  const reader = new ByteReader(body);
  const out = new Splitter(body);
  if (version >= 1) reader.int32(); // throttle_time_ms
  if (version <= 3) {
    reader.int16(); // error_code
    if (version >= 1) readNullableString(reader, compact); // error_message
    readEndpoint(reader, out, compact);
    return out.finish(); // v3's TAG_BUFFER is copied verbatim
  }
  const coordinators = arrayCount(reader, true, 'FindCoordinator coordinators');
  for (let i = 0; i < coordinators; i++) {
    reader.compactString(); // key
    readEndpoint(reader, out, true);
    reader.int16(); // error_code
    reader.compactNullableString(); // error_message
    reader.skipTaggedFields();
  }
  return out.finish();
}

/** DescribeClusterResponse (flexible from v0): brokers[broker_id host port rack is_fenced (v2+) TAG]. */
function splitDescribeCluster(version: number, body: Buffer): Piece[] {
  const reader = new ByteReader(body);
  const out = new Splitter(body);
  reader.int32(); // throttle_time_ms
  reader.int16(); // error_code
  reader.compactNullableString(); // error_message
  if (version >= 1) reader.int8(); // endpoint_type
  reader.compactString(); // cluster_id
  reader.int32(); // controller_id
  const brokers = arrayCount(reader, true, 'DescribeCluster brokers');
  for (let i = 0; i < brokers; i++) {
    readEndpoint(reader, out, true);
    reader.compactNullableString(); // rack
    if (version >= 2) reader.int8(); // is_fenced
    reader.skipTaggedFields();
  }
  return out.finish(); // cluster_authorized_operations and the TAG_BUFFER are copied verbatim
}

/** ProduceResponse v10+: the addresses sit in the top-level TAG_BUFFER, after every topic and throttle_time_ms. */
function splitProduce(version: number, body: Buffer): Piece[] {
  const reader = new ByteReader(body);
  const out = new Splitter(body);
  const topics = arrayCount(reader, true, 'Produce responses');
  for (let t = 0; t < topics; t++) {
    if (version >= 13) reader.uuid(); // topic_id replaces name (KIP-516)
    else reader.compactString(); // name
    const partitions = arrayCount(reader, true, 'Produce partition_responses');
    for (let p = 0; p < partitions; p++) skipProducePartition(reader);
    reader.skipTaggedFields();
  }
  reader.int32(); // throttle_time_ms
  readTopLevelTags(reader, out);
  return out.finish();
}

function skipProducePartition(reader: ByteReader): void {
  reader.int32(); // index
  reader.int16(); // error_code
  reader.int64(); // base_offset
  reader.int64(); // log_append_time_ms
  reader.int64(); // log_start_offset
  const recordErrors = arrayCount(reader, true, 'Produce record_errors');
  for (let e = 0; e < recordErrors; e++) {
    reader.int32(); // batch_index
    reader.compactNullableString(); // batch_index_error_message
    reader.skipTaggedFields();
  }
  reader.compactNullableString(); // error_message
  reader.skipTaggedFields(); // current_leader is tag 0 here: a leader id and epoch, no address
}

/** FetchResponse v16+: the addresses sit in the top-level TAG_BUFFER, after every topic. */
function splitFetch(_version: number, body: Buffer): Piece[] {
  const reader = new ByteReader(body);
  const out = new Splitter(body);
  reader.int32(); // throttle_time_ms
  reader.int16(); // error_code
  reader.int32(); // session_id
  const topics = arrayCount(reader, true, 'Fetch responses');
  for (let t = 0; t < topics; t++) {
    reader.uuid(); // topic_id (v13+)
    const partitions = arrayCount(reader, true, 'Fetch partitions');
    for (let p = 0; p < partitions; p++) skipFetchPartition(reader);
    reader.skipTaggedFields();
  }
  readTopLevelTags(reader, out);
  return out.finish();
}

function skipFetchPartition(reader: ByteReader): void {
  reader.int32(); // partition_index
  reader.int16(); // error_code
  reader.int64(); // high_watermark
  reader.int64(); // last_stable_offset
  reader.int64(); // log_start_offset
  const aborted = reader.compactArrayLength(); // aborted_transactions is nullable: -1 reads as none
  for (let a = 0; a < aborted; a++) {
    reader.int64(); // producer_id
    reader.int64(); // first_offset
    reader.skipTaggedFields();
  }
  reader.int32(); // preferred_read_replica
  reader.skipCompactBytes(); // records
  reader.skipTaggedFields(); // diverging_epoch (0), current_leader (1), snapshot_id (2): no addresses
}

/**
 * Walks the body's final TAG_BUFFER, marking tag 0 (node_endpoints) for rewriting. Other tags stay
 * byte-for-byte; nothing may follow the buffer.
 */
function readTopLevelTags(reader: ByteReader, out: Splitter): void {
  const count = reader.uvarint();
  let previousTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = reader.uvarint();
    if (tag <= previousTag) throw new WireError(`tagged field ${tag} follows tag ${previousTag}; tags must ascend`);
    previousTag = tag;
    const sizeAt = reader.position;
    const data = reader.take(reader.uvarint(), `tagged field ${tag}`);
    if (tag === NODE_ENDPOINTS_TAG) out.replace(sizeAt, reader.position, { sized: splitNodeEndpoints(data) });
  }
  if (reader.remaining > 0) {
    throw new WireError(`${reader.remaining} unexpected byte(s) after the response's tagged fields`);
  }
}

/** node_endpoints: COMPACT_ARRAY[node_id host port rack TAG], filling its tagged field exactly. */
function splitNodeEndpoints(data: Buffer): Piece[] {
  const reader = new ByteReader(data);
  const out = new Splitter(data);
  const nodes = arrayCount(reader, true, 'node_endpoints');
  for (let i = 0; i < nodes; i++) {
    readEndpoint(reader, out, true);
    reader.compactNullableString(); // rack
    reader.skipTaggedFields();
  }
  if (reader.remaining > 0) throw new WireError(`${reader.remaining} unexpected byte(s) after node_endpoints`);
  return out.finish();
}

/**
 * Reads node_id, host and port, and marks them for rewriting unless node_id is negative: that is
 * Node.noNode() (id -1, host "", port -1), which FindCoordinator v4+ sends for keys that failed.
 */
function readEndpoint(reader: ByteReader, out: Splitter, compact: boolean): void {
  const start = reader.position;
  const nodeId = reader.int32();
  const host = compact ? reader.compactString() : reader.string();
  const port = reader.int32();
  if (nodeId >= 0) out.replace(start, reader.position, { broker: { nodeId, host, port }, compact });
}

function readNullableString(reader: ByteReader, compact: boolean): void {
  if (compact) reader.compactNullableString();
  else reader.nullableString();
}

/** The element count of an array the schema does not allow to be null. */
function arrayCount(reader: ByteReader, compact: boolean, field: string): number {
  const count = compact ? reader.compactArrayLength() : reader.arrayLength();
  if (count < 0) throw new WireError(`${field} is null, which the schema does not allow`);
  return count;
}

function brokersIn(pieces: readonly Piece[]): BrokerAddress[] {
  return pieces.flatMap((piece): BrokerAddress[] => {
    if (Buffer.isBuffer(piece)) return [];
    if ('sized' in piece) return brokersIn(piece.sized);
    return [piece.broker];
  });
}

function writePieces(writer: ByteWriter, pieces: readonly Piece[], map: AddressMapper): void {
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) writer.raw(piece);
    else if ('sized' in piece) writeSized(writer, piece.sized, map);
    else writeEndpoint(writer, piece, map);
  }
}

/** Encodes the pieces first, because their new byte length is the prefix. */
function writeSized(writer: ByteWriter, pieces: readonly Piece[], map: AddressMapper): void {
  const inner = new ByteWriter();
  writePieces(inner, pieces, map);
  const bytes = inner.toBuffer();
  writer.uvarint(bytes.length).raw(bytes);
}

function writeEndpoint(writer: ByteWriter, { broker, compact }: Endpoint, map: AddressMapper): void {
  const target = map(broker);
  if (!Number.isInteger(target.port) || target.port < 0 || target.port > 0xffff) {
    throw new WireError(`mapped port ${target.port} for broker ${broker.nodeId} is not a TCP port`);
  }
  writer.int32(broker.nodeId);
  if (compact) writer.compactString(target.host);
  else writer.string(target.host);
  writer.int32(target.port);
}
