// The far side of the proxy-forwarding benchmark, in a process of its own: a fake broker that answers every frame, and a client that pushes Produce frames through the proxy.
//
// Protocol with the parent (IPC): sends { brokerPort } once listening; receives { proxy: "host:port",
// megabytes, frameBytes, inFlight }; sends { done: true, ms } once every frame was answered.
import { createServer, Socket } from 'node:net';
import { FrameSplitter } from '../../src/chaos/framing.js';
import { ApiKey } from '../../src/chaos/wire.js';

interface Job {
  proxy: string;
  megabytes: number;
  frameBytes: number;
  inFlight: number;
}

/** A Produce v7 request (header v1, client id "b", acks -1) whose record bytes are `size` zeros. */
function produceFrame(correlationId: number, size: number): Buffer {
  const frame = Buffer.alloc(4 + 10 + 1 + 12 + size);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(ApiKey.Produce, 4);
  frame.writeInt16BE(7, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(1, 12);
  frame.write('b', 14);
  frame.writeInt16BE(-1, 15); // transactional id: null
  frame.writeInt16BE(-1, 17); // acks: all
  frame.writeInt32BE(30_000, 19);
  return frame;
}

const broker = createServer((socket) => {
  const splitter = new FrameSplitter();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of splitter.push(chunk)) {
      const response = Buffer.alloc(8);
      response.writeInt32BE(4, 0);
      response.writeInt32BE(frame.readInt32BE(8), 4);
      socket.write(response);
    }
  });
  socket.on('error', () => undefined);
});

broker.listen(0, '127.0.0.1', () => process.send!({ brokerPort: (broker.address() as { port: number }).port }));

process.on('message', (job: Job) => {
  const [host, port] = job.proxy.split(':');
  const total = Math.ceil((job.megabytes * 1024 * 1024) / job.frameBytes);
  const client = new Socket();
  const splitter = new FrameSplitter();
  let sent = 0;
  let answered = 0;
  let started = 0;
  const sendOne = () => client.write(produceFrame(++sent, job.frameBytes - 27));
  client.on('data', (chunk: Buffer) => {
    answered += splitter.push(chunk).length;
    while (sent < total && sent - answered < job.inFlight) sendOne();
    if (answered === total) {
      process.send!({ done: true, ms: performance.now() - started });
      client.destroy();
      broker.close();
      process.disconnect();
    }
  });
  client.connect(Number(port), host!, () => {
    started = performance.now();
    while (sent < Math.min(total, job.inFlight)) sendOne();
  });
});
