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
  clientId: string | null;
  /** Offset of the request body within the frame (size prefix included). */
  bodyOffset: number;
}

export function readRequestHeader(frame: Buffer): RequestHeader {
  const r = new ByteReader(frame);
  r.skip(4);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const version = requestHeaderVersion(apiKey, apiVersion);
  // client_id stays a classic int16-length string even in header v2.
  const clientId = version >= 1 ? r.nullableString() : null;
  if (version === 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, bodyOffset: r.position };
}

/** Produce with acks=0 gets no response from the broker; every other request does. */
export function expectsResponse(frame: Buffer, header: RequestHeader): boolean {
  if (header.apiKey !== ApiKey.Produce) return true;
  const r = new ByteReader(frame.subarray(header.bodyOffset));
  if (header.apiVersion >= 3) {
    if (isFlexible(ApiKey.Produce, header.apiVersion)) r.compactNullableString();
    else r.nullableString();
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
