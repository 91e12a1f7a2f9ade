// Kafka framing for the proxy: splits a TCP stream into size-prefixed frames and reads the headers it needs.
import { ApiKey, ByteReader, WireError, isFlexible, requestHeaderVersion, responseHeaderVersion } from './wire.js';

/** Larger frames are treated as garbage rather than buffered (the broker's own default limit is 100 MiB). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** Collects TCP chunks and hands out whole frames (the int32 size prefix included). */
export class FrameSplitter {
  private buffered: Buffer[] = [];
  private length = 0;
  /** The last push() returned frames that make up exactly the chunk pushed: nothing carried in or left over. */
  lastWasWhole = false;

  push(chunk: Buffer): Buffer[] {
    const carriedIn = this.length > 0;
    this.buffered.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    this.lastWasWhole = false;
    if (this.length < 4) return frames;
    let data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.length);
    let offset = 0;
    while (data.length - offset >= 4) {
      const size = data.readInt32BE(offset);
      if (size < 0 || size > MAX_FRAME_BYTES) throw new WireError(`frame size ${size} is out of range`);
      if (data.length - offset < 4 + size) break;
      // A chunk that is exactly one frame (common with large Produce requests) is handed on as it is.
      frames.push(offset === 0 && size + 4 === data.length ? data : data.subarray(offset, offset + 4 + size));
      offset += 4 + size;
    }
    this.lastWasWhole = !carriedIn && offset === data.length && frames.length > 0;
    data = data.subarray(offset);
    this.buffered = data.length ? [data] : [];
    this.length = data.length;
    return frames;
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Offset of the request body within the frame (size prefix included). */
  bodyOffset: number;
}

/** Reads the fixed header fields; this runs for every request, so it decodes no strings. */
export function readRequestHeader(frame: Buffer): RequestHeader {
  if (frame.length < 12) throw new WireError('request frame too short for a header');
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  const version = requestHeaderVersion(apiKey, apiVersion);
  if (version === 0) return { apiKey, apiVersion, correlationId, bodyOffset: 12 };
  // client_id stays a classic int16-length string even in header v2.
  if (frame.length < 14) throw new WireError('request frame too short for a client id');
  const afterClientId = 14 + Math.max(0, frame.readInt16BE(12));
  if (afterClientId > frame.length) throw new WireError('client id runs past the end of the frame');
  if (version === 1) return { apiKey, apiVersion, correlationId, bodyOffset: afterClientId };
  const r = new ByteReader(frame);
  r.skip(afterClientId);
  r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, bodyOffset: r.position };
}

/** Produce with acks=0 gets no response from the broker; every other request does. */
export function expectsResponse(frame: Buffer, header: RequestHeader): boolean {
  if (header.apiKey !== ApiKey.Produce) return true;
  const at = header.bodyOffset;
  if (header.apiVersion < 3) return readAcks(frame, at) !== 0;
  if (!isFlexible(ApiKey.Produce, header.apiVersion)) {
    // The common case (kafkajs, librdkafka: v3-v8), read without allocating.
    if (frame.length < at + 2) throw new WireError('produce request too short');
    return readAcks(frame, at + 2 + Math.max(0, frame.readInt16BE(at))) !== 0;
  }
  // v9+: transactional_id is a COMPACT_NULLABLE_STRING (uvarint length + 1), then acks.
  const r = new ByteReader(frame);
  r.skip(at);
  const lengthPlusOne = r.uvarint();
  if (lengthPlusOne > 1) r.skip(lengthPlusOne - 1);
  return r.int16() !== 0;
}

function readAcks(frame: Buffer, at: number): number {
  if (frame.length < at + 2) throw new WireError('produce request too short for acks');
  return frame.readInt16BE(at);
}

/** correlation_id sits at the same place in every response header version. */
export function readResponseCorrelationId(frame: Buffer): number {
  if (frame.length < 8) throw new WireError('response frame too short for a correlation id');
  return frame.readInt32BE(4);
}

/** Offset of the response body: after size, correlation_id and (header v1) the header's tagged fields. */
export function responseBodyOffset(frame: Buffer, apiKey: number, apiVersion: number): number {
  const r = new ByteReader(frame);
  r.skip(8);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) r.skipTaggedFields();
  return r.position;
}

/** The same frame with its body replaced and its size prefix recomputed. */
export function replaceBody(frame: Buffer, bodyOffset: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bodyOffset + body.length);
  frame.copy(out, 0, 0, bodyOffset);
  body.copy(out, bodyOffset);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}
