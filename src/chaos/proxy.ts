// The chaos proxy: a Kafka-protocol-aware TCP proxy that keeps clients on itself and injects faults by rule.
import { createServer, Socket, type Server } from 'node:net';
import { announcedBrokers, carriesBrokerAddresses, rewriteResponseBody } from './address-rewrite.js';
import {
  FrameSplitter,
  expectsResponse,
  readRequestHeader,
  readResponseCorrelationId,
  replaceBody,
  responseBodyOffset,
} from './framing.js';
import { RuleEngine, type Decision, type ProxyRule } from './rules.js';
import { formatHostPort, parseHostPorts } from '../core/host-port.js';
import { ApiKey, apiName, WireError } from './wire.js';
import { PRODUCE_ERRORS, produceErrorName, withProduceError } from './produce-error.js';

export type { ProxyRule } from './rules.js';

export interface ProxyEvent {
  action: 'drop-response' | 'drop-request' | 'error-response' | 'delay' | 'protocol-error';
  api: string;
  ordinal: number;
  correlationId: number;
  /** Requests the fault touched: for drop-response, the responses dropped (the broker processed all of them). */
  affected: number;
  detail: string;
}

export interface ProxyOptions {
  /** The real cluster: host:port[,host:port]. */
  upstream: string;
  rules: ProxyRule[];
  seed: number;
  onEvent?: (event: ProxyEvent) => void;
  /** Address the proxy listens on and announces to clients. */
  host?: string;
  /** Port for the first bootstrap listener (0: any free port). */
  port?: number;
  /**
   * After a dropped response, the connection stays up, silently, until no request has arrived for
   * this long and every forwarded request has been answered (and dropped); then it resets. So every
   * request the client had in flight reaches the broker, whatever the client's timing: the count of
   * lost acks is the client's in-flight window, not a race.
   */
  quietMs?: number;
  /** Upper bound on that wait. */
  drainTimeoutMs?: number;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  decision: Decision;
}

export class ChaosProxy {
  private readonly listeners = new Map<string, { server: Server; port: number }>();
  private readonly upstreams: { host: string; port: number }[];
  private readonly connections = new Set<Socket>();
  private readonly engine: RuleEngine;
  private readonly host: string;
  private closed = false;

  private constructor(private readonly options: ProxyOptions) {
    this.engine = new RuleEngine(options.rules, options.seed);
    this.host = options.host ?? '127.0.0.1';
    this.upstreams = parseHostPorts(options.upstream);
  }

  static async start(options: ProxyOptions): Promise<ChaosProxy> {
    const proxy = new ChaosProxy(options);
    for (const [i, u] of proxy.upstreams.entries()) await proxy.ensureListener(u.host, u.port, i === 0 ? options.port : undefined);
    return proxy;
  }

  /** Where clients connect: the proxy's listener for each bootstrap broker. */
  get bootstrap(): string {
    return this.upstreams.map((u) => `${this.host}:${this.listeners.get(listenerKey(u.host, u.port))!.port}`).join(',');
  }

  setRules(rules: ProxyRule[]): void {
    this.engine.setRules(rules);
  }

  framesSeen(): Record<string, number> {
    return Object.fromEntries([...this.engine.framesSeen()].map(([k, n]) => [apiName(k), n]));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.connections) socket.destroy();
    await Promise.all([...this.listeners.values()].map(({ server }) => new Promise((r) => server.close(() => r(undefined)))));
  }

  /** A listener that forwards to one upstream broker; made on first sight of the broker in a response. */
  private async ensureListener(upstreamHost: string, upstreamPort: number, port = 0): Promise<number> {
    const key = listenerKey(upstreamHost, upstreamPort);
    const existing = this.listeners.get(key);
    if (existing) return existing.port;
    const server = createServer((client) => this.accept(client, upstreamHost, upstreamPort));
    const bound = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    // Two responses may announce the same new broker at once: keep the first listener. And a close()
    // that came while this one was binding must not leave it listening.
    const raced = this.listeners.get(key);
    if (raced || this.closed) {
      server.close();
      return raced?.port ?? bound;
    }
    this.listeners.set(key, { server, port: bound });
    return bound;
  }

  /** The broker's Produce answer turned into `decision.errorCode` (the write stays); unchanged, with a protocol error, if it cannot be. */
  private answerWithError(frame: Buffer, entry: Pending): Buffer {
    const name = apiName(entry.apiKey);
    const code = entry.decision.errorCode ?? PRODUCE_ERRORS.not_leader_or_follower;
    const base = { api: name, ordinal: entry.decision.ordinal, correlationId: entry.correlationId };
    try {
      if (entry.apiKey !== ApiKey.Produce) throw new WireError(`only Produce answers can carry an injected error, not ${name}`);
      const answered = withProduceError(frame, entry.apiVersion, code);
      this.emit({
        action: 'error-response',
        ...base,
        affected: 1,
        detail: `${name} #${entry.decision.ordinal}: the broker appended it; the client was told ${produceErrorName(code)} (${answered.partitions} partition${answered.partitions === 1 ? '' : 's'})`,
      });
      return answered.frame;
    } catch (error) {
      this.emit({ action: 'protocol-error', ...base, affected: 0, detail: `could not answer ${name} v${entry.apiVersion} with an error: ${(error as Error).message}; forwarded as is` });
      return frame;
    }
  }

  private emit(event: ProxyEvent): void {
    this.options.onEvent?.(event);
  }

  private accept(client: Socket, upstreamHost: string, upstreamPort: number): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    this.connections.add(client);
    this.connections.add(upstream);
    const pending: Pending[] = [];
    const requests = new FrameSplitter();
    const responses = new FrameSplitter();
    let doomed: {
      pendingAtDoom: Pending;
      dropped: number;
      quiet: boolean;
      quietTimer?: NodeJS.Timeout;
      timer: NodeJS.Timeout;
    } | null = null;
    const quietMs = this.options.quietMs ?? 200;
    // Requests are forwarded, and responses written, strictly in order; these chains keep the order
    // across a delayed request or an asynchronous rewrite, and are bypassed when nothing is waiting.
    let requestChain: Promise<void> | null = null;
    let responseChain: Promise<void> | null = null;

    const teardown = () => {
      // A side closing while the connection was doomed: the lost ack still happened, so it is recorded.
      if (doomed) emitLostAck();
      client.destroy();
      upstream.destroy();
      this.connections.delete(client);
      this.connections.delete(upstream);
    };

    /** Records the lost ack: the dropped responses, plus requests forwarded and never answered. */
    const emitLostAck = () => {
      if (!doomed) return;
      const { pendingAtDoom } = doomed;
      const affected = doomed.dropped + pending.length;
      clearTimeout(doomed.timer);
      clearTimeout(doomed.quietTimer);
      doomed = null;
      const name = apiName(pendingAtDoom.apiKey);
      this.emit({
        action: 'drop-response',
        api: name,
        ordinal: pendingAtDoom.decision.ordinal,
        correlationId: pendingAtDoom.correlationId,
        affected,
        detail:
          `${name} #${pendingAtDoom.decision.ordinal}: response dropped after the broker processed the request` +
          (affected > 1 ? `, and the responses to the ${affected - 1} request${affected > 2 ? 's' : ''} in flight behind it` : '') +
          '; connection reset',
      });
    };

    const reset = () => {
      if (!doomed) return;
      emitLostAck();
      client.resetAndDestroy();
      upstream.destroy();
    };

    // While a chunk is read, frames that pass unchanged are collected instead of written one by one;
    // when they are the whole chunk, the chunk itself is written (see passThrough).
    let requestsPassing: Buffer[] | null = null;
    let responsesPassing: Buffer[] | null = null;
    // Set while a chunk is read when a response in it leaves changed: then the chunk itself must not be written.
    let responseAltered = false;

    const forward = (frame: Buffer, entry: Pending | null) => {
      if (upstream.destroyed) return;
      if (entry) pending.push(entry);
      if (requestsPassing) requestsPassing.push(frame);
      else upstream.write(frame);
    };

    /** Resets once the client has gone quiet and the broker has answered everything forwarded. */
    const armQuietTimer = () => {
      if (!doomed) return;
      const d = doomed;
      clearTimeout(d.quietTimer);
      d.quiet = false;
      d.quietTimer = setTimeout(() => {
        d.quiet = true;
        if (pending.length === 0) reset();
      }, quietMs);
    };

    const onRequest = (frame: Buffer) => {
      const header = readRequestHeader(frame);
      if (doomed) {
        // The response path is dead: requests still reach the broker, their answers never come back.
        const ordinal = this.engine.count(header.apiKey);
        const entry = { correlationId: header.correlationId, apiKey: header.apiKey, apiVersion: header.apiVersion, decision: { action: 'forward' as const, ordinal } };
        forward(frame, expectsResponse(frame, header) ? entry : null);
        armQuietTimer();
        return;
      }
      const decision = this.engine.decide(header.apiKey);
      const entry: Pending | null = expectsResponse(frame, header)
        ? { correlationId: header.correlationId, apiKey: header.apiKey, apiVersion: header.apiVersion, decision }
        : null;
      if (decision.action === 'drop-request') {
        const name = apiName(header.apiKey);
        this.emit({
          action: 'drop-request',
          api: name,
          ordinal: decision.ordinal,
          correlationId: header.correlationId,
          affected: 1,
          detail: `${name} #${decision.ordinal}: request dropped before the broker saw it`,
        });
        return;
      }
      if (decision.action === 'delay') {
        const name = apiName(header.apiKey);
        const ms = decision.delayMs ?? 0;
        this.emit({
          action: 'delay',
          api: name,
          ordinal: decision.ordinal,
          correlationId: header.correlationId,
          affected: 1,
          detail: `${name} #${decision.ordinal}: held for ${ms} ms`,
        });
        const chain: Promise<void> = (requestChain ?? Promise.resolve())
          .then(() => new Promise<void>((r) => setTimeout(r, ms)))
          .then(() => forward(frame, entry));
        requestChain = chain;
        void chain.then(() => {
          if (requestChain === chain) requestChain = null;
        });
        return;
      }
      if (requestChain) {
        const chain: Promise<void> = requestChain.then(() => forward(frame, entry));
        requestChain = chain;
        void chain.then(() => {
          if (requestChain === chain) requestChain = null;
        });
      } else {
        forward(frame, entry);
      }
    };

    const writeResponse = (frame: Buffer, entry: Pending) => {
      if (!carriesBrokerAddresses(entry.apiKey, entry.apiVersion) && !responseChain) {
        // A client that closed its side takes no more answers; the requests still go to the broker.
        if (responsesPassing) responsesPassing.push(frame);
        else if (client.writable) client.write(frame);
        return;
      }
      const chain: Promise<void> = (responseChain ?? Promise.resolve())
        .then(() => this.rewriteAddresses(frame, entry))
        .then((out) => {
          if (client.writable) client.write(out);
        })
        .catch((error: Error) => {
          this.emit({
            action: 'protocol-error',
            api: apiName(entry.apiKey),
            ordinal: entry.decision.ordinal,
            correlationId: entry.correlationId,
            affected: 0,
            detail: `could not rewrite ${apiName(entry.apiKey)} v${entry.apiVersion} response: ${error.message}`,
          });
          teardown();
        });
      responseChain = chain;
      void chain.then(() => {
        if (responseChain === chain) responseChain = null;
      });
    };

    const onResponse = (frame: Buffer) => {
      const correlationId = readResponseCorrelationId(frame);
      const entry = pending.shift();
      if (!entry || entry.correlationId !== correlationId) {
        this.emit({
          action: 'protocol-error',
          api: entry ? apiName(entry.apiKey) : 'unknown',
          ordinal: entry?.decision.ordinal ?? 0,
          correlationId,
          affected: 0,
          detail: `response ${correlationId} does not match the oldest request ${entry?.correlationId ?? '(none)'}; connection closed`,
        });
        teardown();
        return;
      }
      if (doomed) {
        doomed.dropped++;
        if (doomed.quiet && pending.length === 0) reset();
        return;
      }
      if (entry.decision.action === 'drop-response') {
        // Drop this response and every response after it, then reset: the client sees a broken
        // connection, while the broker has processed every one of those requests.
        doomed = { pendingAtDoom: entry, dropped: 1, quiet: false, timer: setTimeout(reset, this.options.drainTimeoutMs ?? 2_000) };
        armQuietTimer();
        return;
      }
      if (entry.decision.action === 'error-response') {
        responseAltered = true;
        writeResponse(this.answerWithError(frame, entry), entry);
        return;
      }
      writeResponse(frame, entry);
    };

    const splitOrClose = (splitter: FrameSplitter, chunk: Buffer, handle: (frame: Buffer) => void) => {
      try {
        for (const frame of splitter.push(chunk)) handle(frame);
      } catch (error) {
        this.emit({
          action: 'protocol-error',
          api: 'unknown',
          ordinal: 0,
          correlationId: -1,
          affected: 0,
          detail: `unreadable frame: ${(error as Error).message}; connection closed`,
        });
        teardown();
      }
    };

    /**
     * Handles one chunk's frames, then writes the ones that passed unchanged, in order: the chunk itself
     * when they are all of it and none was changed (no copy, one write), else each frame. Frames that a rule delays or a
     * rewrite holds are written later through their chain, after these, so the order is kept.
     */
    const passThrough = (chunk: Buffer, splitter: FrameSplitter, handle: (frame: Buffer) => void, to: Socket, side: 'requests' | 'responses') => {
      const passing: Buffer[] = [];
      if (side === 'requests') requestsPassing = passing;
      else responsesPassing = passing;
      responseAltered = false;
      let frames = 0;
      try {
        splitOrClose(splitter, chunk, (frame) => {
          frames++;
          handle(frame);
        });
      } finally {
        if (side === 'requests') requestsPassing = null;
        else responsesPassing = null;
      }
      if (!to.destroyed && (side === 'requests' || to.writable)) {
        if (splitter.lastWasWhole && passing.length === frames && !(side === 'responses' && responseAltered)) {
          to.write(chunk);
        } else {
          // Corked, so the frames of one chunk still leave in one write, not one each.
          to.cork();
          for (const frame of passing) to.write(frame);
          to.uncork();
        }
      }
    };

    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => passThrough(chunk, requests, onRequest, upstream, 'requests'));
    upstream.on('data', (chunk: Buffer) => passThrough(chunk, responses, onResponse, client, 'responses'));
    // A client that closes its side (FIN) may still have requests on their way: acks=0 sends are done
    // for the client once written. Like a TCP middlebox, the proxy delivers them, then closes its side
    // to the broker; the broker's close ends the connection. A reset or an error ends it at once.
    let clientEnded = false;
    client.on('end', () => {
      clientEnded = true;
      void (requestChain ?? Promise.resolve()).then(() => upstream.end());
      // A broker that never closes its side must not keep the connection forever.
      setTimeout(teardown, HALF_CLOSE_LIMIT_MS).unref();
    });
    upstream.on('end', () => client.end());
    client.on('close', (hadError) => {
      if (hadError || !clientEnded) teardown();
    });
    upstream.on('close', teardown);
    client.on('error', teardown);
    upstream.on('error', teardown);
    upstream.connect(upstreamPort, upstreamHost);
  }

  private async rewriteAddresses(frame: Buffer, entry: Pending): Promise<Buffer> {
    const offset = responseBodyOffset(frame, entry.apiKey, entry.apiVersion);
    const body = frame.subarray(offset);
    const brokers = announcedBrokers(entry.apiKey, entry.apiVersion, body);
    const ports = new Map<number, number>();
    for (const b of brokers) ports.set(b.nodeId, await this.ensureListener(b.host, b.port));
    const rewritten = rewriteResponseBody(entry.apiKey, entry.apiVersion, body, (b) => ({
      host: this.host,
      port: ports.get(b.nodeId) ?? b.port,
    }));
    return rewritten ? replaceBody(frame, offset, rewritten) : frame;
  }
}

/** How long a connection whose client closed its side may wait for the broker to close its own. */
const HALF_CLOSE_LIMIT_MS = 5_000;

/** Listeners are keyed by the upstream broker they forward to. */
function listenerKey(host: string, port: number): string {
  return formatHostPort({ host, port });
}
