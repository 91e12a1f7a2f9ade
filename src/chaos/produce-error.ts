// Turns a broker's Produce response into an error answer, in place: the write happened, the client is told it did not. Pure.
import { responseBodyOffset } from './framing.js';
import { ApiKey, ByteReader, isFlexible, WireError } from './wire.js';

/** Retriable errors a client meets when a broker wrote the batch and the answer still says no. */
export const PRODUCE_ERRORS = {
  /** NOT_LEADER_OR_FOLLOWER: the client refreshes its metadata and sends the batch again. */
  not_leader_or_follower: 6,
  /** REQUEST_TIMED_OUT: the broker-side timeout of acks=all; the client sends the batch again. */
  request_timed_out: 7,
} as const;

export type ProduceErrorName = keyof typeof PRODUCE_ERRORS;

/** The error an error-after-append rule answers with when it names none: the one KAFKA-13574 is about. */
export const DEFAULT_PRODUCE_ERROR: ProduceErrorName = 'not_leader_or_follower';

/**
 * A copy of the Produce response `frame` (size prefix included) in which every partition's error_code
 * is `errorCode`, and base_offset, log_append_time_ms and log_start_offset are -1, as the broker
 * writes them for a failed partition. Every field keeps its width, so no length changes (v3-v13;
 * v13 names topics by id). Returns the frame and how many partitions it answered.
 */
export function withProduceError(frame: Buffer, apiVersion: number, errorCode: number): { frame: Buffer; partitions: number } {
  // Versions past 13 are refused, not guessed at: a misread layout would write into the wrong bytes.
  if (apiVersion < 3 || apiVersion > 13) throw new WireError(`Produce v${apiVersion} responses are not supported (v3 to v13 are)`);
  const out = Buffer.from(frame);
  const flexible = isFlexible(ApiKey.Produce, apiVersion);
  const reader = new ByteReader(out);
  reader.skip(responseBodyOffset(out, ApiKey.Produce, apiVersion));
  let answered = 0;
  const topics = flexible ? reader.compactArrayLength() : reader.arrayLength();
  for (let t = 0; t < topics; t++) {
    if (apiVersion >= 13) reader.uuid();
    else if (flexible) reader.compactString();
    else reader.string();
    const partitions = flexible ? reader.compactArrayLength() : reader.arrayLength();
    for (let p = 0; p < partitions; p++) {
      reader.int32(); // index
      // Each field is read (bounds-checked) before it is overwritten where it was.
      const errorAt = reader.position;
      reader.int16();
      out.writeInt16BE(errorCode, errorAt);
      const offsets = apiVersion >= 5 ? 3 : 2; // base_offset, log_append_time_ms, log_start_offset (v5+)
      for (let f = 0; f < offsets; f++) {
        const at = reader.position;
        reader.int64();
        out.writeBigInt64BE(-1n, at);
      }
      if (apiVersion >= 8) skipRecordErrors(reader, flexible);
      if (flexible) reader.skipTaggedFields();
      answered++;
    }
    if (flexible) reader.skipTaggedFields();
  }
  reader.int32(); // throttle_time_ms
  if (flexible) reader.skipTaggedFields(); // node_endpoints (v10+) and any other top-level tag
  if (reader.remaining !== 0) throw new WireError(`${reader.remaining} bytes left after a Produce v${apiVersion} response: not the layout expected`);
  return { frame: out, partitions: answered };
}

/** record_errors and error_message (v8+): left as the broker wrote them (empty, null on success). */
function skipRecordErrors(reader: ByteReader, flexible: boolean): void {
  const errors = flexible ? reader.compactArrayLength() : reader.arrayLength();
  for (let e = 0; e < errors; e++) {
    reader.int32(); // batch_index
    if (flexible) reader.compactNullableString();
    else reader.nullableString();
    if (flexible) reader.skipTaggedFields();
  }
  if (flexible) reader.compactNullableString();
  else reader.nullableString(); // error_message
}

/** NOT_LEADER_OR_FOLLOWER for 6, and so on; the number itself for a code the lab does not name. */
export function produceErrorName(code: number): string {
  const entry = Object.entries(PRODUCE_ERRORS).find(([, c]) => c === code);
  return entry ? entry[0].toUpperCase() : `error ${code}`;
}
