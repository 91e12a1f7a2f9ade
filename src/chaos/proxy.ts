// The chaos proxy: a Kafka-protocol-aware TCP proxy that keeps clients on itself and injects faults by rule (its listeners; each connection is a ProxyConnection, each fault a unit in faults/).
import { createServer, Socket, type Server } from 'node:net';
import { announcedBrokers, rewriteResponseBody } from './address-rewrite.js';
import type { Pending, ProxyEvent } from './faults/index.js';
import { replaceBody, responseBodyOffset } from './framing.js';
import { ProxyConnection } from './proxy-connection.js';
import { RuleEngine, type ProxyRule } from './rules.js';
import { formatHostPort, parseHostPorts } from '../core/host-port.js';
import { apiName } from './wire.js';

export type { ProxyRule } from './rules.js';
export type { ProxyEvent } from './faults/index.js';

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

export class ChaosProxy {
  private readonly listeners = new Map<string, { server: Server; port: number }>();
  private readonly upstreams: { host: string; port: number }[];
  private readonly connections = new Set<Socket>();
  /** Callers of idle(), told when the last connection ends. */
  private idleWaiters: (() => void)[] = [];
  /** Connections the proxy tore down because the broker had not closed its side in time (see idle()). */
  private cutShort = 0;
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

  /**
   * True once no connection is open (at once if none is); false if some still are after `limitMs`, or if
   * the proxy cut one short meanwhile. A connection ends when both sides have closed: after a client closes
   * its side, the proxy delivers what it still holds and waits for the broker to close its own, for 5 s
   * at most; a connection torn down at that limit may have dropped requests, so it does not count as ended.
   */
  async idle(limitMs: number): Promise<boolean> {
    const cutBefore = this.cutShort;
    if (this.connections.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    let waiter: () => void = () => undefined;
    const ended = new Promise<boolean>((resolve) => {
      waiter = () => resolve(true);
      this.idleWaiters.push(waiter);
    });
    const limit = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)));
    try {
      return (await Promise.race([ended, limit])) && this.cutShort === cutBefore;
    } finally {
      clearTimeout(timer);
      this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
    }
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
    const connection = new ProxyConnection(client, upstream, {
      engine: this.engine,
      settings: { quietMs: this.options.quietMs ?? 200, drainTimeoutMs: this.options.drainTimeoutMs ?? 2_000 },
      emit: (event) => this.emit(event),
      rewriteAddresses: (frame, entry) => this.rewriteAddresses(frame, entry),
      closed: (cutShort) => {
        if (cutShort) this.cutShort++;
        this.connections.delete(client);
        this.connections.delete(upstream);
        if (this.connections.size === 0) for (const tell of this.idleWaiters.splice(0)) tell();
      },
    });
    connection.open(upstreamHost, upstreamPort);
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

/** Listeners are keyed by the upstream broker they forward to. */
function listenerKey(host: string, port: number): string {
  return formatHostPort({ host, port });
}
