// The chaos proxy on loopback sockets, with a fake broker that answers every frame: lost acks, lost requests, addresses.
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosProxy, type ProxyEvent } from '../../../src/chaos/proxy.js';
import { FrameSplitter } from '../../../src/chaos/framing.js';
import { ApiKey } from '../../../src/chaos/wire.js';
import { UsageError } from '../../../src/core/errors.js';

/** A Produce v7 request (header v1, client "t", acks -1) with the given correlation id. */
function produce(correlationId: number): Buffer {
  const body = Buffer.from('ffff' + 'ffff' + '00007530' + '00000000', 'hex'); // txn id null, acks -1, timeout, 0 topics
  const header = Buffer.alloc(10);
  header.writeInt16BE(ApiKey.Produce, 0);
  header.writeInt16BE(7, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(1, 8);
  const frame = Buffer.concat([Buffer.alloc(4), header, Buffer.from('t'), body]);
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** A fake broker: answers every request with a response frame holding just its correlation id. */
async function fakeBroker(): Promise<{ server: Server; port: number; received: () => number }> {
  let received = 0;
  const server = createServer((socket) => {
    const splitter = new FrameSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        received++;
        const response = Buffer.alloc(8);
        response.writeInt32BE(4, 0);
        response.writeInt32BE(frame.readInt32BE(8), 4);
        socket.write(response);
      }
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

describe('ChaosProxy', () => {
  it('a lost ack: the broker gets the request, the client gets no answer, then a reset; the event counts it', async () => {
    const broker = await fakeBroker();
    open.push(broker.server);
    const events: ProxyEvent[] = [];
    const proxy = await ChaosProxy.start({ upstream: `127.0.0.1:${broker.port}`, rules: [{ api: ApiKey.Produce, action: 'drop-response', ordinals: [1] }], seed: 1, quietMs: 50, onEvent: (e) => events.push(e) });
    open.push(proxy);
    const client = await connect(proxy.bootstrap);
    let answers = 0;
    let closed = false;
    client.on('data', () => answers++);
    client.on('close', () => (closed = true));
    client.write(produce(1));
    expect(await until(() => closed)).toBe(true);
    expect(broker.received()).toBe(1);
    expect(answers).toBe(0);
    expect(events).toMatchObject([{ action: 'drop-response', api: 'Produce', ordinal: 1, affected: 1 }]);
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

  it('takes an IPv6 bootstrap (brackets) and announces a loopback address for it', async () => {
    const proxy = await ChaosProxy.start({ upstream: '[::1]:9092', rules: [], seed: 1 });
    open.push(proxy);
    expect(proxy.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('refuses an upstream that is not host:port', async () => {
    await expect(ChaosProxy.start({ upstream: 'nohost', rules: [], seed: 1 })).rejects.toThrow(UsageError);
  });
});
