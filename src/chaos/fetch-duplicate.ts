// Copies a record batch inside a broker's Fetch response, so one consumer receives it twice with no duplicate in the log. Pure.
import { responseBodyOffset } from './framing.js';
import { ApiKey, ByteReader, ByteWriter, isFlexible, WireError } from './wire.js';

/** One record batch a Fetch response now carries twice. */
export interface RepeatedBatch {
  /** The topic's name (v4-v12) or its id in hex (v13+, which name topics by id). */
  topic: string;
  partition: number;
  baseOffset: bigint;
  lastOffset: bigint;
  records: number;
}

// RecordBatch (magic 2) field offsets, from the batch's first byte (kafka-protocol.md, record batch layout).
const BATCH_LENGTH_AT = 8;
const BATCH_HEADER_BEFORE_LENGTH = 12; // base_offset int64 + batch_length int32
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const RECORDS_COUNT_AT = 57;
const BATCH_OVERHEAD = 61;
/** attributes bit 5: a transaction marker, which no consumer hands to the application. */
const CONTROL_BATCH = 0x20;

/**
 * A copy of the Fetch response `frame` (size prefix included, v4-v18) in which the first complete data
 * batch of up to `count` partitions follows itself: each partition's record set grows by one batch,
 * with the same offsets. Control batches and partial batches (cut by max bytes) are never repeated.
 * Every other byte stays the broker's. Returns the frame (the same buffer when nothing was repeated).
 */
export function withBatchesRepeated(frame: Buffer, apiVersion: number, count: number): { frame: Buffer; repeated: RepeatedBatch[] } {
  // Versions past 18 are refused, not guessed at: a misread layout would splice into the wrong bytes.
  if (apiVersion < 4 || apiVersion > 18) throw new WireError(`Fetch v${apiVersion} responses are not supported (v4 to v18 are)`);
  const flexible = isFlexible(ApiKey.Fetch, apiVersion);
  const reader = new ByteReader(frame);
  reader.skip(responseBodyOffset(frame, ApiKey.Fetch, apiVersion));
  const pieces: Buffer[] = [];
  let copiedUpTo = 0;
  const repeated: RepeatedBatch[] = [];

  reader.int32(); // throttle_time_ms
  if (apiVersion >= 7) {
    reader.int16(); // error_code
    reader.int32(); // session_id
  }
  const topics = flexible ? reader.compactArrayLength() : reader.arrayLength();
  for (let t = 0; t < topics; t++) {
    const topic = apiVersion >= 13 ? reader.uuid().toString('hex') : flexible ? reader.compactString() : reader.string();
    const partitions = flexible ? reader.compactArrayLength() : reader.arrayLength();
    for (let p = 0; p < partitions; p++) {
      const partition = reader.int32();
      reader.int16(); // error_code
      reader.int64(); // high_watermark
      reader.int64(); // last_stable_offset
      if (apiVersion >= 5) reader.int64(); // log_start_offset
      skipAbortedTransactions(reader, flexible);
      if (apiVersion >= 11) reader.int32(); // preferred_read_replica
      const lengthAt = reader.position;
      const length = flexible ? reader.uvarint() - 1 : reader.int32(); // -1: null records
      const recordsAt = reader.position;
      const records = length > 0 ? reader.take(length, 'records') : Buffer.alloc(0);
      if (flexible) reader.skipTaggedFields();
      if (repeated.length >= count) continue;
      const batch = firstDataBatch(records);
      if (!batch) continue;
      // The record set, rewritten: its new length, the bytes up to the batch's end, the batch again, the rest.
      const grown = length + batch.bytes.length;
      const lengthField = flexible ? new ByteWriter(5).uvarint(grown + 1).toBuffer() : new ByteWriter(4).int32(grown).toBuffer();
      const batchEnd = recordsAt + batch.end;
      pieces.push(frame.subarray(copiedUpTo, lengthAt), lengthField, frame.subarray(recordsAt, batchEnd), batch.bytes);
      copiedUpTo = batchEnd;
      repeated.push({ topic, partition, baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, records: batch.records });
    }
    if (flexible) reader.skipTaggedFields();
  }
  if (flexible) reader.skipTaggedFields(); // node_endpoints (v16+) and any other top-level tag
  if (reader.remaining !== 0) throw new WireError(`${reader.remaining} bytes left after a Fetch v${apiVersion} response: not the layout expected`);
  if (repeated.length === 0) return { frame, repeated };
  pieces.push(frame.subarray(copiedUpTo));
  const out = Buffer.concat(pieces);
  out.writeInt32BE(out.length - 4, 0);
  return { frame: out, repeated };
}

function skipAbortedTransactions(reader: ByteReader, flexible: boolean): void {
  const aborted = flexible ? reader.compactArrayLength() : reader.arrayLength(); // -1: null
  for (let a = 0; a < aborted; a++) {
    reader.int64(); // producer_id
    reader.int64(); // first_offset
    if (flexible) reader.skipTaggedFields();
  }
}

/** The first whole magic-2 batch of a record set that is not a control batch, or null. */
function firstDataBatch(records: Buffer): { bytes: Buffer; end: number; baseOffset: bigint; lastOffset: bigint; records: number } | null {
  let at = 0;
  while (at + BATCH_OVERHEAD <= records.length) {
    const size = BATCH_HEADER_BEFORE_LENGTH + records.readInt32BE(at + BATCH_LENGTH_AT);
    if (size < BATCH_OVERHEAD || at + size > records.length) return null; // cut short by the fetch's max bytes
    // Older message formats (magic 0 and 1) have another layout; the lab's brokers write magic 2 only.
    if (records.readInt8(at + MAGIC_AT) !== 2) return null;
    if ((records.readInt16BE(at + ATTRIBUTES_AT) & CONTROL_BATCH) === 0) {
      const baseOffset = records.readBigInt64BE(at);
      return {
        bytes: records.subarray(at, at + size),
        end: at + size,
        baseOffset,
        lastOffset: baseOffset + BigInt(records.readInt32BE(at + LAST_OFFSET_DELTA_AT)),
        records: records.readInt32BE(at + RECORDS_COUNT_AT),
      };
    }
    at += size;
  }
  return null;
}
