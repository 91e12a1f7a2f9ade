// The chaos proxy on loopback sockets, with a fake broker that answers every frame: lost acks, lost requests, addresses.
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosProxy, type ProxyEvent } from '../../../src/chaos/proxy.js';
import { FrameSplitter } from '../../../src/chaos/framing.js';
import { ApiKey } from '../../../src/chaos/wire.js';
import { UsageError } from '../../../src/core/errors.js';

/** A Produce v7 request (header v1, client "t", acks -1 unless given) with the given correlation id; `padding` bytes stand for records. */
function produce(correlationId: number, acks = -1, padding = 0): Buffer {
  const acksHex = (acks & 0xffff).toString(16).padStart(4, '0');
  const body = Buffer.concat([Buffer.from('ffff' + acksHex + '00007530' + '00000000', 'hex'), Buffer.alloc(padding)]); // txn id null, acks, timeout, 0 topics
  const header = Buffer.alloc(10);
  header.writeInt16BE(ApiKey.Produce, 0);
  header.writeInt16BE(7, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(1, 8);
  const frame = Buffer.concat([Buffer.alloc(4), header, Buffer.from('t'), body]);
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** acks of a frame built by produce(): after size, header (10 bytes), client id "t" and the null transactional id. */
const acksOf = (frame: Buffer) => frame.readInt16BE(4 + 10 + 1 + 2);

/**
 * A fake broker: answers every request with a response frame holding just its correlation id (or the
 * body `answer` gives), except Produce with acks=0, which a broker never answers.
 */
async function fakeBroker(
  answer?: (frame: Buffer) => Buffer | undefined,
  options: { readAfterMs?: number; oneWritePerChunk?: boolean } = {},
): Promise<{ server: Server; port: number; received: () => number }> {
  let received = 0;
  const server = createServer((socket) => {
    // A busy broker reads late: what the proxy writes meanwhile waits in its buffers.
    if (options.readAfterMs) {
      socket.pause();
      setTimeout(() => socket.resume(), options.readAfterMs);
    }
    const splitter = new FrameSplitter();
    socket.on('data', (chunk: Buffer) => {
      const responses: Buffer[] = [];
      for (const frame of splitter.push(chunk)) {
        received++;
        if (frame.readInt16BE(4) === ApiKey.Produce && acksOf(frame) === 0) continue;
        const body = answer?.(frame) ?? Buffer.alloc(0);
        const response = Buffer.alloc(8 + body.length);
        response.writeInt32BE(4 + body.length, 0);
        response.writeInt32BE(frame.readInt32BE(8), 4);
        body.copy(response, 8);
        responses.push(response);
      }
      // One write for the chunk's answers, so they reach the proxy as one chunk too.
      if (options.oneWritePerChunk) socket.write(Buffer.concat(responses));
      else for (const response of responses) socket.write(response);
    });
    socket.on('error', () => undefined);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { server, port, received: () => received };
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function connect(bootstrap: string): Promise<Socket> {
  const [host, port] = bootstrap.split(':');
  const socket = new Socket();
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.connect(Number(port), host!, resolve));
  return socket;
}

const until = async (check: () => boolean, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return check();
};

/**
 * A fake broker, the proxy with one Produce lost-ack rule in front of it, and a client connected to the
 * proxy that records the correlation ids of the answers it gets and whether its connection closed.
 */
async function lostAckSetup(rule: { ordinal: number }, proxyOptions: { quietMs: number; drainTimeoutMs?: number }, brokerOptions: { oneWritePerChunk?: boolean } = {}) {
  const broker = await fakeBroker(undefined, brokerOptions);
  open.push(broker.server);
  const events: ProxyEvent[] = [];
  const proxy = await ChaosProxy.start({
    upstream: `127.0.0.1:${broker.port}`,
    rules: [{ api: ApiKey.Produce, action: 'drop-response', ordinals: [rule.ordinal] }],
    seed: 1,
    ...proxyOptions,
    onEvent: (e) => events.push(e),
  });
  open.push(proxy);
  const client = await connect(proxy.bootstrap);
  const answered: number[] = [];
  const splitter = new FrameSplitter();
  let closed = false;
  client.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((f) => answered.push(f.readInt32BE(4))));
  client.on('close', () => (closed = true));
  return { broker, events, client, answered, closed: () => closed };
}

describe('ChaosProxy', () => {
  it.each([
    [1, 'Produce #1: response dropped after the broker processed the request; connection reset'],
    [3, 'Produce #1: response dropped after the broker processed the request, and the responses to the 2 requests in flight behind it; connection reset'],
  ])('a lost ack with %i request(s) in flight: the broker gets them all, the client none of the answers, then a reset; the event counts them', async (inFlight, detail) => {
    const { broker, events, client, answered, closed } = await lostAckSetup({ ordinal: 1 }, { quietMs: 50 });
    client.write(Buffer.concat(Array.from({ length: inFlight }, (_, i) => produce(i + 1))));
    expect(await until(closed)).toBe(true);
    expect(broker.received()).toBe(inFlight);
    expect(answered).toEqual([]);
    expect(events).toMatchObject([{ action: 'drop-response', api: 'Produce', ordinal: 1, affected: inFlight, detail }]);
  });

  it('frames that pass unchanged arrive byte for byte, whether a chunk holds several frames or a frame spans chunks', async () => {
    const broker = await fakeBroker((frame) => frame.subarray(12), { oneWritePerChunk: true });
    open.push(broker.server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [], seed: 1 });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    const requests = Array.from({ length: 6 }, (_, i) => produce(i + 1, -1, 1000 * i));
    const bytes = Buffer.concat(requests);
    // Three frames in one write, then the rest cut in the middle of a frame.
    const cut = requests[0]!.length + requests[1]!.length + requests[2]!.length;
    client.write(bytes.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 50));
    client.write(bytes.subarray(cut, cut + 700));
    await new Promise((r) => setTimeout(r, 50));
    client.write(bytes.subarray(cut + 700));
    const expected = Buffer.concat(
      requests.map((r) => {
        const body = r.subarray(12);
        const response = Buffer.alloc(8 + body.length);
        response.writeInt32BE(4 + body.length, 0);
        response.writeInt32BE(r.readInt32BE(8), 4);
        body.copy(response, 8);
        return response;
      }),
    );
    expect(await until(() => Buffer.concat(received).length >= expected.length)).toBe(true);
    expect(Buffer.concat(received).equals(expected)).toBe(true);
  });

  it('records a lost ack even when the client closes before the reset', async () => {
    const broker = await fakeBroker();
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'drop-response', ordinals: [1] }], seed: 1, quietMs: 5_000, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    client.write(produce(1));
    expect(await until(() => broker.received() === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    client.destroy();
    expect(await until(() => events.length === 1)).toBe(true);
    expect(events[0]).toMatchObject({ action: 'drop-response', affected: 1 });
  });

  it('a lost request never reaches the broker; later requests on the connection still do', async () => {
    const broker = await fakeBroker();
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'drop-request', ordinals: [1] }], seed: 1, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answered: number[] = [];
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((f) => answered.push(f.readInt32BE(4))));
    client.write(Buffer.concat([produce(1), produce(2)]));
    expect(await until(() => answered.length === 1)).toBe(true);
    expect(answered).toEqual([2]);
    expect(broker.received()).toBe(1);
    expect(events).toMatchObject([{ action: 'drop-request', ordinal: 1 }]);
    expect(proxy.framesSeen()).toEqual({ Produce: 2 });
  });

  it('error after append: the broker gets every request; the chosen answer, and only it, carries the error, even inside a chunk of answers', async () => {
    // A Produce v7 answer: topic "t", partition 0, no error, base_offset = the correlation id.
    const answer = (frame: Buffer) => {
      const body = Buffer.alloc(4 + 2 + 1 + 4 + 4 + 2 + 8 + 8 + 8 + 4);
      let at = body.writeInt32BE(1, 0);
      at = body.writeInt16BE(1, at);
      at += body.write('t', at);
      at = body.writeInt32BE(1, at);
      at = body.writeInt32BE(0, at);
      at = body.writeInt16BE(0, at);
      at = body.writeBigInt64BE(BigInt(frame.readInt32BE(8)), at);
      at = body.writeBigInt64BE(-1n, at);
      body.writeBigInt64BE(0n, at);
      return body;
    };
    const broker = await fakeBroker(answer, { oneWritePerChunk: true });
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'error-response', errorCode: 6, ordinals: [2] }], seed: 1, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answers: Buffer[] = [];
    let closed = false;
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => answers.push(...splitter.push(chunk)));
    client.on('close', () => (closed = true));
    client.write(Buffer.concat([produce(1), produce(2), produce(3)]));
    expect(await until(() => answers.length === 3)).toBe(true);
    expect(broker.received()).toBe(3);
    // error_code sits after size, correlation id, topic count, "t", partition count and index.
    const errorAt = 4 + 4 + 4 + 3 + 4 + 4;
    expect(answers.map((a) => [a.readInt32BE(4), a.readInt16BE(errorAt), a.readBigInt64BE(errorAt + 2)])).toEqual([
      [1, 0, 1n],
      [2, 6, -1n],
      [3, 0, 3n],
    ]);
    expect(events).toMatchObject([{ action: 'error-response', api: 'Produce', ordinal: 2, affected: 1, detail: 'Produce #2: the broker appended it; the client was told NOT_LEADER_OR_FOLLOWER (1 partition)' }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
  });

  it('error after append on Produce v12: the error is set and the node_endpoints address still points at the proxy', async () => {
    // Request: header v2 (client "t", empty tags), null transactional id, acks -1, timeout, no topics, tags.
    const request = (correlationId: number) => {
      const hex = '0000' + '000c' + correlationId.toString(16).padStart(8, '0') + '0001' + '74' + '00' + '00' + 'ffff' + '00007530' + '01' + '00';
      const body = Buffer.from(hex, 'hex');
      return Buffer.concat([Buffer.from((body.length >>> 0).toString(16).padStart(8, '0'), 'hex'), body]);
    };
    let brokerPort = 0;
    // Answer: header tags, topic "t" with partition 0 (no error, base_offset 9), throttle 0, node_endpoints: broker 1 at the fake broker.
    const answer = () => {
      const endpoint = '00000001' + '0a' + Buffer.from('127.0.0.1').toString('hex') + brokerPort.toString(16).padStart(8, '0') + '00' + '00';
      const nodeEndpoints = '01' + '00' + (1 + endpoint.length / 2).toString(16).padStart(2, '0') + '02' + endpoint;
      const partition = '00000000' + '0000' + '0000000000000009' + 'ffffffffffffffff' + '0000000000000000' + '01' + '00' + '00';
      return Buffer.from('00' + '02' + '02' + '74' + '02' + partition + '00' + '00000000' + nodeEndpoints, 'hex');
    };
    const broker = await fakeBroker(answer);
    brokerPort = broker.port;
    open.push(broker.server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'error-response', errorCode: 7, ordinals: [1] }], seed: 1 });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answers: Buffer[] = [];
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => answers.push(...splitter.push(chunk)));
    client.write(Buffer.concat([request(1), request(2)]));
    expect(await until(() => answers.length === 2)).toBe(true);
    // After size, correlation id, header tags, topic count, "t", partition count and index: error_code, then base_offset.
    const errorAt = 4 + 4 + 1 + 1 + 2 + 1 + 4;
    expect(answers.map((a) => [a.readInt32BE(4), a.readInt16BE(errorAt), a.readBigInt64BE(errorAt + 2)])).toEqual([
      [1, 7, -1n],
      [2, 0, 9n],
    ]);
    // node_endpoints is the frame's last field: port, then the empty rack and tags.
    const proxyPort = Number(proxy.bootstrap.split(':')[1]);
    for (const a of answers) expect(a.readInt32BE(a.length - 6)).toBe(proxyPort);
  });

  it('delay: the chosen request is held, and the requests behind it wait their turn (order kept)', async () => {
    const arrivals: { correlationId: number; at: number }[] = [];
    const broker = await fakeBroker((frame) => {
      arrivals.push({ correlationId: frame.readInt32BE(8), at: performance.now() });
      return undefined;
    });
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'delay', delayMs: 300, ordinals: [1] }], seed: 1, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const started = performance.now();
    client.write(Buffer.concat([produce(1), produce(2)]));
    expect(await until(() => arrivals.length === 2)).toBe(true);
    expect(arrivals.map((a) => a.correlationId)).toEqual([1, 2]);
    expect(arrivals[0]!.at - started).toBeGreaterThanOrEqual(290);
    expect(events).toMatchObject([{ action: 'delay', ordinal: 1, detail: 'Produce #1: held for 300 ms' }]);
  });

  it('duplicate-fetch: a chosen answer without records passes its repeat to the next Fetch answer that has some; other answers pass unchanged meanwhile', async () => {
    // Fetch v11 answers (header v0): one topic "t", one partition, and either no records or one batch of 2.
    const batch = Buffer.alloc(61 + 6, 0xab);
    batch.writeBigInt64BE(40n, 0); // base offset
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt8(2, 16); // magic
    batch.writeInt16BE(0, 21); // attributes: data
    batch.writeInt32BE(1, 23); // last offset delta
    batch.writeInt32BE(2, 57); // records
    const fetchBody = (records: Buffer) => {
      const head = Buffer.from('00000000' + '0000' + '00000000' + '00000001' + '0001' + '74' + '00000001' + '00000000' + '0000' + '0000000000000064' + '0000000000000064' + '0000000000000000' + 'ffffffff' + 'ffffffff', 'hex');
      const length = Buffer.alloc(4);
      length.writeInt32BE(records.length, 0);
      return Buffer.concat([head, length, records]);
    };
    const fetch = (correlationId: number) => {
      const frame = produce(correlationId);
      frame.writeInt16BE(ApiKey.Fetch, 4);
      frame.writeInt16BE(11, 6);
      return frame;
    };
    // The broker answers the first Fetch with no records, later ones with the batch; Produce with nothing.
    let fetches = 0;
    const broker = await fakeBroker((frame) => (frame.readInt16BE(4) === ApiKey.Fetch ? fetchBody(++fetches === 1 ? Buffer.alloc(0) : batch) : undefined));
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Fetch, action: 'duplicate-fetch', ordinals: [1] }], seed: 1, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answers = new Map<number, Buffer>();
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((f) => answers.set(f.readInt32BE(4), f)));
    client.write(Buffer.concat([fetch(1), produce(2), fetch(3), fetch(4)]));
    expect(await until(() => answers.size === 4)).toBe(true);
    // Size and correlation id (8 bytes), then 59 bytes of fields and the records' int32 length: records start at 71.
    const records = (answer: Buffer) => answer.subarray(71);
    expect(answers.get(1)!.length).toBe(71); // no records: its repeat passed on
    expect(answers.get(2)!.length).toBe(8); // Produce: unchanged
    expect(records(answers.get(3)!).equals(Buffer.concat([batch, batch]))).toBe(true); // the repeat, paid here
    expect(answers.get(3)!.readInt32BE(67)).toBe(2 * batch.length);
    expect(records(answers.get(4)!).equals(batch)).toBe(true); // nothing owed any more: as the broker wrote it
    expect(events.map((e) => [e.ordinal, e.affected])).toEqual([
      [1, 0],
      [2, 2],
    ]);
    expect(events[1]!.detail).toBe('Fetch #2: offsets 40-41 of partition 0 (2 records) returned twice (the repeat of Fetch #1, whose answer had no records)');
  });

  it('acks=0 frames are forwarded without waiting for an answer, and those still on their way when the client closes reach the broker', async () => {
    const broker = await fakeBroker(undefined, { readAfterMs: 300 });
    open.push(broker.server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [], seed: 1 });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answered: number[] = [];
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((f) => answered.push(f.readInt32BE(4))));
    // 32 MB of fire-and-forget requests (more than the kernel buffers hold while the broker does not
    // read), then the client closes its side at once, as a producer's disconnect does.
    const frames = Array.from({ length: 512 }, (_, i) => produce(i + 1, 0, 64 * 1024));
    client.end(Buffer.concat(frames));
    expect(await until(() => broker.received() === frames.length, 10_000), `${broker.received()} of ${frames.length} reached the broker`).toBe(true);
    expect(answered).toEqual([]);
  });

  it('idle(): true once the client closed and the broker, having read everything before the close, closed its side too', async () => {
    const broker = await fakeBroker(undefined, { readAfterMs: 300 });
    open.push(broker.server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [], seed: 1 });
    open.push(proxy);
    expect(await proxy.idle(10)).toBe(true); // no connection yet
    const client = await connect(proxy.bootstrap);
    const frames = Array.from({ length: 64 }, (_, i) => produce(i + 1, 0, 64 * 1024));
    client.write(Buffer.concat(frames));
    expect(await proxy.idle(200)).toBe(false); // the client has not closed
    client.end();
    expect(await proxy.idle(10_000)).toBe(true);
    expect(broker.received()).toBe(frames.length);
  });

  it('idle(): false while a broker keeps its side of a closed client\'s connection open', async () => {
    const server = createServer({ allowHalfOpen: true }, (socket) => socket.on('error', () => undefined).resume());
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    open.push(server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${port}`, rules: [], seed: 1 });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    client.end(produce(1, 0));
    expect(await proxy.idle(300)).toBe(false);
    // Past the proxy's 5 s half-close limit it tears the connection down: that is no broker's close either.
    expect(await proxy.idle(8_000)).toBe(false);
  }, 15_000);

  it('rewrites the broker addresses of a Metadata answer passing through, so the client stays on the proxy', async () => {
    // Metadata v1 answer: one broker (node 1 at the fake broker's own address), controller 1, no topics.
    let brokerPort = 0;
    const broker = await fakeBroker((frame) => {
      if (frame.readInt16BE(4) !== ApiKey.Metadata) return undefined;
      const host = Buffer.from('127.0.0.1');
      const body = Buffer.alloc(4 + 4 + 2 + host.length + 4 + 2 + 4 + 4);
      let at = body.writeInt32BE(1, 0); // brokers: 1
      at = body.writeInt32BE(1, at); // node_id
      at = body.writeInt16BE(host.length, at);
      at += host.copy(body, at);
      at = body.writeInt32BE(brokerPort, at);
      at = body.writeInt16BE(-1, at); // rack: null
      at = body.writeInt32BE(1, at); // controller_id
      body.writeInt32BE(0, at); // topics: 0
      return body;
    });
    brokerPort = broker.port;
    open.push(broker.server);
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [], seed: 1 });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    const answers: Buffer[] = [];
    const splitter = new FrameSplitter();
    client.on('data', (chunk: Buffer) => answers.push(...splitter.push(chunk)));
    // Metadata v1 request: header v1 (client "t"), topics: null (all).
    const request = Buffer.from('0000000f' + '0003' + '0001' + '00000007' + '0001' + '74' + 'ffffffff', 'hex');
    client.write(request);
    expect(await until(() => answers.length === 1)).toBe(true);
    const answer = answers[0]!;
    expect(answer.readInt32BE(4)).toBe(7);
    const hostLength = answer.readInt16BE(16);
    const host = answer.subarray(18, 18 + hostLength).toString();
    const port = answer.readInt32BE(18 + hostLength);
    expect(`${host}:${port}`).toBe(proxy.bootstrap);
    expect(port).not.toBe(broker.port);
  });

  it('takes an IPv6 bootstrap (brackets) and announces a loopback address for it', async () => {
    const proxy = await ChaosProxy.start({ upstream: '[::1]:9092', rules: [], seed: 1 });
    open.push(proxy);
    expect(proxy.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('refuses an upstream that is not host:port', async () => {
    await expect(ChaosProxy.start({ upstream: 'nohost', rules: [], seed: 1 })).rejects.toThrow(UsageError);
  });
});
