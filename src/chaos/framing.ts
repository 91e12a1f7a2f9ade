// Kafka framing for the proxy: splits a TCP stream into size-prefixed frames and reads the headers it needs.
import { ApiKey, ByteReader, WireError, isFlexible, requestHeaderVersion, responseHeaderVersion } from './wire.js';

/** Larger frames are treated as garbage rather than buffered (the broker's own default limit is 100 MiB). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** Collects TCP chunks and hands out whole frames (the int32 size prefix included). */
export class FrameSplitter {
  private buffered: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): Buffer[] {
    this.buffered.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    if (this.length < 4) return frames;
    let data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.length);
    let offset = 0;
    while (data.length - offset >= 4) {
      const size = data.readInt32BE(offset);
      if (size < 0 || size > MAX_FRAME_BYTES) throw new WireError(`frame size ${size} is out of range`);
      if (data.length - offset < 4 + size) break;
      frames.push(data.subarray(offset, offset + 4 + size));
      offset += 4 + size;
    }
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
  const r = new ByteReader(frame);
  r.skip(12);
  // client_id stays a classic int16-length string even in header v2.
  const length = r.int16();
  if (length > 0) r.skip(length);
  if (version === 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, bodyOffset: r.position };
}

/** The client id, for messages (not on the hot path). */
export function readClientId(frame: Buffer): string | null {
  const r = new ByteReader(frame);
  r.skip(12);
  return r.nullableString();
}

/** Produce with acks=0 gets no response from the broker; every other request does. */
export function expectsResponse(frame: Buffer, header: RequestHeader): boolean {
  if (header.apiKey !== ApiKey.Produce) return true;
  const r = new ByteReader(frame);
  r.skip(header.bodyOffset);
  if (header.apiVersion >= 3) {
    // transactional_id comes first: skip it without decoding.
    if (isFlexible(ApiKey.Produce, header.apiVersion)) {
      const lengthPlusOne = r.uvarint();
      if (lengthPlusOne > 1) r.skip(lengthPlusOne - 1);
    } else {
      const length = r.int16();
      if (length > 0) r.skip(length);
    }
  }
  return r.int16() !== 0;
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
