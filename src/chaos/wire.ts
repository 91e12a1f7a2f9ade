// Kafka wire primitives: a bounds-checked reader and a growable writer, plus API names and header-version rules.

/** Malformed or truncated Kafka bytes, or a value that cannot be encoded. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

/** One entry of a TAG_BUFFER, its payload kept raw. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

const UUID_BYTES = 16;
/** An unsigned 32-bit varint never needs more than 5 bytes (7 data bits each). */
const MAX_UVARINT_BYTES = 5;
const MAX_UVARINT = 0xffff_ffff;
const MAX_INT16_LENGTH = 0x7fff;

/** Reads big-endian Kafka types from a buffer, throwing WireError instead of reading past its end. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  int8(): number {
    this.need(1, 'int8');
    const value = this.buf.readInt8(this.offset);
    this.offset += 1;
    return value;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const value = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** UNSIGNED_VARINT: 7 bits per byte, least significant group first, high bit = more bytes follow. */
  uvarint(): number {
    const start = this.offset;
    let value = 0;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      this.need(1, 'unsigned varint');
      const byte = this.buf.readUInt8(this.offset);
      this.offset += 1;
      // Multiplication, not <<, so the fifth group cannot wrap into the sign bit.
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (value > MAX_UVARINT) throw new WireError(`unsigned varint at offset ${start} exceeds 32 bits`);
        return value;
      }
    }
    throw new WireError(`unsigned varint at offset ${start} is longer than ${MAX_UVARINT_BYTES} bytes`);
  }

  /** STRING: int16 length, then UTF-8 bytes; never null. */
  string(): string {
    const value = this.nullableString();
    if (value === null) throw new WireError(`non-nullable STRING at offset ${this.offset - 2} is null`);
    return value;
  }

  /** NULLABLE_STRING: int16 length, -1 = null. */
  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < 0) throw new WireError(`invalid string length ${length} at offset ${this.offset - 2}`);
    return this.utf8(length, 'string');
  }

  /** COMPACT_STRING: uvarint length+1, then UTF-8 bytes; never null. */
  compactString(): string {
    const start = this.offset;
    const value = this.compactNullableString();
    if (value === null) throw new WireError(`non-nullable COMPACT_STRING at offset ${start} is null`);
    return value;
  }

  /** COMPACT_NULLABLE_STRING: uvarint length+1, 0 = null. */
  compactNullableString(): string | null {
    const lengthPlusOne = this.uvarint();
    if (lengthPlusOne === 0) return null;
    return this.utf8(lengthPlusOne - 1, 'compact string');
  }

  /** ARRAY count: int32, -1 = null. */
  arrayLength(): number {
    const count = this.int32();
    if (count < -1) throw new WireError(`invalid array length ${count} at offset ${this.offset - 4}`);
    return count;
  }

  /** COMPACT_ARRAY count: uvarint count+1, so -1 = null. */
  compactArrayLength(): number {
    return this.uvarint() - 1;
  }

  uuid(): Buffer {
    return this.take(UUID_BYTES, 'uuid');
  }

  skip(n: number): void {
    this.take(n, 'skipped bytes');
  }

  /** The next n bytes, as a view onto the underlying buffer. */
  take(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const view = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return view;
  }

  /** Skips BYTES / NULLABLE_BYTES / RECORDS: int32 length (-1 = null), then that many bytes. */
  skipBytes(): void {
    const length = this.int32();
    if (length === -1) return;
    if (length < 0) throw new WireError(`invalid bytes length ${length} at offset ${this.offset - 4}`);
    this.skip(length);
  }

  /** Skips COMPACT_(NULLABLE_)BYTES / COMPACT_RECORDS: uvarint length+1 (0 = null). */
  skipCompactBytes(): void {
    const lengthPlusOne = this.uvarint();
    if (lengthPlusOne > 0) this.skip(lengthPlusOne - 1);
  }

  skipTaggedFields(): void {
    this.readTaggedFields();
  }

  /** TAG_BUFFER: uvarint count, then (uvarint tag, uvarint size, bytes) with strictly ascending tags. */
  readTaggedFields(): TaggedField[] {
    const count = this.uvarint();
    const fields: TaggedField[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const previous = fields[fields.length - 1];
      if (previous && tag <= previous.tag) {
        throw new WireError(`tagged field ${tag} follows tag ${previous.tag}; tags must ascend`);
      }
      fields.push({ tag, data: this.take(this.uvarint(), `tagged field ${tag}`) });
    }
    return fields;
  }

  private utf8(length: number, what: string): string {
    return this.take(length, what).toString('utf8');
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new WireError(
        `truncated input: ${what} needs ${n} byte(s) at offset ${this.offset}, only ${this.remaining} left`,
      );
    }
  }
}

/** Appends big-endian Kafka types to a buffer that grows as needed. */
export class ByteWriter {
  private buf: Buffer;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  int8(value: number): this {
    this.reserve(1).writeInt8(value, this.advance(1));
    return this;
  }

  int16(value: number): this {
    this.reserve(2).writeInt16BE(value, this.advance(2));
    return this;
  }

  int32(value: number): this {
    this.reserve(4).writeInt32BE(value, this.advance(4));
    return this;
  }

  int64(value: bigint): this {
    this.reserve(8).writeBigInt64BE(value, this.advance(8));
    return this;
  }

  uvarint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_UVARINT) {
      throw new WireError(`cannot encode ${value} as an unsigned 32-bit varint`);
    }
    let rest = value;
    while (rest >= 0x80) {
      this.uint8((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    return this.uint8(rest);
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > MAX_INT16_LENGTH) {
      throw new WireError(`string of ${bytes.length} bytes does not fit an int16 length`);
    }
    return this.int16(bytes.length).raw(bytes);
  }

  compactString(value: string): this {
    return this.compactNullableString(value);
  }

  compactNullableString(value: string | null): this {
    if (value === null) return this.uvarint(0);
    const bytes = Buffer.from(value, 'utf8');
    return this.uvarint(bytes.length + 1).raw(bytes);
  }

  /** ARRAY count; -1 writes a null array. */
  arrayLength(count: number): this {
    return this.int32(count);
  }

  /** COMPACT_ARRAY count; -1 writes a null array. */
  compactArrayLength(count: number): this {
    return this.uvarint(count + 1);
  }

  uuid(value: Buffer): this {
    if (value.length !== UUID_BYTES) throw new WireError(`a uuid is ${UUID_BYTES} bytes, got ${value.length}`);
    return this.raw(value);
  }

  raw(bytes: Buffer): this {
    bytes.copy(this.reserve(bytes.length), this.advance(bytes.length));
    return this;
  }

  taggedFields(fields: readonly TaggedField[]): this {
    this.uvarint(fields.length);
    for (const { tag, data } of fields) this.uvarint(tag).uvarint(data.length).raw(data);
    return this;
  }

  /** A copy of everything written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private uint8(value: number): this {
    this.reserve(1).writeUInt8(value, this.advance(1));
    return this;
  }

  /** Ensures room for n more bytes and returns the (possibly new) backing buffer. */
  private reserve(n: number): Buffer {
    if (this.length + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return this.buf;
  }

  /** Claims n bytes and returns the offset they start at. */
  private advance(n: number): number {
    const at = this.length;
    this.length += n;
    return at;
  }
}

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  ControlledShutdown: 7,
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
} as const;

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

/** A readable name for logs; keys outside ApiKey read as "ApiKey(n)". */
export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `ApiKey(${apiKey})`;
}

const NEVER_FLEXIBLE = Number.POSITIVE_INFINITY;
/** Every key from 55 up (DescribeQuorum, DescribeCluster, ShareFetch, …) is flexible from v0. */
const FIRST_ALWAYS_FLEXIBLE_KEY = 55;

/**
 * First flexible version of keys 0–54, from each message schema's "flexibleVersions" (request and
 * response agree). Keys the project never sends are listed too, so header framing never guesses.
 */
const FIRST_FLEXIBLE_VERSION: ReadonlyMap<number, number> = new Map([
  [0, 9], // Produce
  [1, 12], // Fetch
  [2, 6], // ListOffsets
  [3, 9], // Metadata
  [4, 4], // LeaderAndIsr
  [5, 2], // StopReplica
  [6, 6], // UpdateMetadata
  [7, 3], // ControlledShutdown
  [8, 8], // OffsetCommit
  [9, 6], // OffsetFetch
  [10, 3], // FindCoordinator
  [11, 6], // JoinGroup
  [12, 4], // Heartbeat
  [13, 4], // LeaveGroup
  [14, 4], // SyncGroup
  [15, 5], // DescribeGroups
  [16, 3], // ListGroups
  [17, NEVER_FLEXIBLE], // SaslHandshake
  [18, 3], // ApiVersions
  [19, 5], // CreateTopics
  [20, 4], // DeleteTopics
  [21, 2], // DeleteRecords
  [22, 2], // InitProducerId
  [23, 4], // OffsetForLeaderEpoch
  [24, 3], // AddPartitionsToTxn
  [25, 3], // AddOffsetsToTxn
  [26, 3], // EndTxn
  [27, 1], // WriteTxnMarkers
  [28, 3], // TxnOffsetCommit
  [29, 2], // DescribeAcls
  [30, 2], // CreateAcls
  [31, 2], // DeleteAcls
  [32, 4], // DescribeConfigs
  [33, 2], // AlterConfigs
  [34, 2], // AlterReplicaLogDirs
  [35, 2], // DescribeLogDirs
  [36, 2], // SaslAuthenticate
  [37, 2], // CreatePartitions
  [38, 2], // CreateDelegationToken
  [39, 2], // RenewDelegationToken
  [40, 2], // ExpireDelegationToken
  [41, 2], // DescribeDelegationToken
  [42, 2], // DeleteGroups
  [43, 2], // ElectLeaders
  [44, 1], // IncrementalAlterConfigs
  [45, 0], // AlterPartitionReassignments
  [46, 0], // ListPartitionReassignments
  [47, NEVER_FLEXIBLE], // OffsetDelete
  [48, 1], // DescribeClientQuotas
  [49, 1], // AlterClientQuotas
  [50, 0], // DescribeUserScramCredentials
  [51, 0], // AlterUserScramCredentials
  [52, 0], // Vote
  [53, 1], // BeginQuorumEpoch
  [54, 1], // EndQuorumEpoch
]);

function firstFlexibleVersion(apiKey: number): number {
  if (apiKey >= FIRST_ALWAYS_FLEXIBLE_KEY) return 0;
  const first = FIRST_FLEXIBLE_VERSION.get(apiKey);
  if (first === undefined) throw new WireError(`unknown api key ${apiKey}`);
  return first;
}

/**
 * Whether this api version uses compact encodings and tagged fields. Versions above a broker's
 * maximum still count as flexible, because every "flexibleVersions" range is open-ended.
 */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  return apiVersion >= firstFlexibleVersion(apiKey);
}

/** Request header v0 (no client_id) is only ControlledShutdown v0; v2 adds a TAG_BUFFER when flexible. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/**
 * Response header v1 adds a TAG_BUFFER when flexible. ApiVersions responses always use v0 (KIP-511),
 * so a client can parse the answer even when the broker rejects the version it asked for.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}
