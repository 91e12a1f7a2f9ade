// One client connection through the chaos proxy: framing, the queue of requests awaiting answers, strict order both ways, and the faults' hooks.
import type { Socket } from 'node:net';
import { carriesBrokerAddresses } from './address-rewrite.js';
import { FAULTS, type FaultConnection, type FaultOnConnection, type Pending, type ProxyEvent } from './faults/index.js';
import { FrameSplitter, expectsResponse, readRequestHeader, readResponseCorrelationId } from './framing.js';
import type { FaultAction, RuleEngine } from './rules.js';
import { apiName } from './wire.js';

/** What the proxy gives each connection. */
export interface ConnectionContext {
  engine: RuleEngine;
  settings: { quietMs: number; drainTimeoutMs: number };
  emit(event: ProxyEvent): void;
  /** The response with broker addresses pointing at the proxy's listeners (asynchronous: a listener may have to open). */
  rewriteAddresses(frame: Buffer, entry: Pending): Promise<Buffer>;
  /** The connection is over; both sockets are destroyed. `cutShort`: the proxy gave up waiting for the broker's close. */
  closed(cutShort: boolean): void;
}

/** How long a connection whose client closed its side may wait for the broker to close its own. */
const HALF_CLOSE_LIMIT_MS = 5_000;

export class ProxyConnection implements FaultConnection {
  readonly pending: Pending[] = [];
  private readonly requests = new FrameSplitter();
  private readonly responses = new FrameSplitter();
  /** Each fault's state on this connection, made the first time a rule chooses it. */
  private readonly faults = new Map<FaultAction, FaultOnConnection>();
  private holder: FaultOnConnection | null = null;
  // Requests are forwarded, and responses written, strictly in order; these chains keep the order
  // across a held request or an asynchronous rewrite, and are bypassed when nothing is waiting.
  private requestChain: Promise<void> | null = null;
  private responseChain: Promise<void> | null = null;
  // While a chunk is read, frames that pass unchanged are collected instead of written one by one;
  // when they are the whole chunk, the chunk itself is written (see passThrough).
  private requestsPassing: Buffer[] | null = null;
  private responsesPassing: Buffer[] | null = null;
  /** Set while a chunk is read when a response in it leaves changed: then the chunk itself must not be written. */
  private responseAltered = false;
  private clientEnded = false;
  private over = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly context: ConnectionContext,
  ) {}

  get settings() {
    return this.context.settings;
  }

  /** Wires the sockets and connects to the broker. */
  open(upstreamHost: string, upstreamPort: number): void {
    const { client, upstream } = this;
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.passThrough(chunk, 'requests'));
    upstream.on('data', (chunk: Buffer) => this.passThrough(chunk, 'responses'));
    // A client that closes its side (FIN) may still have requests on their way: acks=0 sends are done
    // for the client once written. Like a TCP middlebox, the proxy delivers them, then closes its side
    // to the broker; the broker's close ends the connection. A reset or an error ends it at once.
    client.on('end', () => {
      this.clientEnded = true;
      void (this.requestChain ?? Promise.resolve()).then(() => upstream.end());
      // A broker that never closes its side must not keep the connection forever.
      setTimeout(() => this.teardown(true), HALF_CLOSE_LIMIT_MS).unref();
    });
    upstream.on('end', () => client.end());
    client.on('close', (hadError) => {
      if (hadError || !this.clientEnded) this.teardown();
    });
    upstream.on('close', () => this.teardown());
    client.on('error', () => this.teardown());
    upstream.on('error', () => this.teardown());
    upstream.connect(upstreamPort, upstreamHost);
  }

  // ---- what faults may do (FaultConnection) ----

  forward(frame: Buffer, entry: Pending | null): void {
    if (this.upstream.destroyed) return;
    if (entry) this.pending.push(entry);
    if (this.requestsPassing) this.requestsPassing.push(frame);
    else this.upstream.write(frame);
  }

  forwardAfter(wait: () => Promise<void>, frame: Buffer, entry: Pending | null): void {
    const chain: Promise<void> = (this.requestChain ?? Promise.resolve()).then(wait).then(() => this.forward(frame, entry));
    this.requestChain = chain;
    void chain.then(() => {
      if (this.requestChain === chain) this.requestChain = null;
    });
  }

  writeResponse(frame: Buffer, entry: Pending, altered = false): void {
    if (altered) this.responseAltered = true;
    if (!carriesBrokerAddresses(entry.apiKey, entry.apiVersion) && !this.responseChain) {
      // A client that closed its side takes no more answers; the requests still go to the broker.
      if (this.responsesPassing) this.responsesPassing.push(frame);
      else if (this.client.writable) this.client.write(frame);
      return;
    }
    const chain: Promise<void> = (this.responseChain ?? Promise.resolve())
      .then(() => this.context.rewriteAddresses(frame, entry))
      .then((out) => {
        if (this.client.writable) this.client.write(out);
      })
      .catch((error: Error) => {
        const name = apiName(entry.apiKey);
        this.emit({
          action: 'protocol-error',
          api: name,
          ordinal: entry.decision.ordinal,
          correlationId: entry.correlationId,
          affected: 0,
          detail: `could not rewrite ${name} v${entry.apiVersion} response: ${error.message}`,
        });
        this.teardown();
      });
    this.responseChain = chain;
    void chain.then(() => {
      if (this.responseChain === chain) this.responseChain = null;
    });
  }

  count(apiKey: number): number {
    return this.context.engine.count(apiKey);
  }

  hold(fault: FaultOnConnection): void {
    this.holder = fault;
  }

  release(): void {
    this.holder = null;
  }

  reset(): void {
    this.client.resetAndDestroy();
    this.upstream.destroy();
  }

  emit(event: ProxyEvent): void {
    this.context.emit(event);
  }

  // ---- the connection itself ----

  private faultFor(action: FaultAction): FaultOnConnection {
    let state = this.faults.get(action);
    if (!state) {
      state = FAULTS[action].open(this);
      this.faults.set(action, state);
    }
    return state;
  }

  private onRequest(frame: Buffer): void {
    const header = readRequestHeader(frame);
    const expects = expectsResponse(frame, header);
    if (this.holder?.heldRequest) {
      this.holder.heldRequest(frame, header, expects);
      return;
    }
    const decision = this.context.engine.decide(header.apiKey);
    const request: Pending = { correlationId: header.correlationId, apiKey: header.apiKey, apiVersion: header.apiVersion, decision };
    const entry = expects ? request : null;
    if (decision.action !== 'forward' && this.faultFor(decision.action).onRequest?.(frame, request, expects)) return;
    if (this.requestChain) this.forwardAfter(() => Promise.resolve(), frame, entry);
    else this.forward(frame, entry);
  }

  private onResponse(frame: Buffer): void {
    const correlationId = readResponseCorrelationId(frame);
    const entry = this.pending.shift();
    if (!entry || entry.correlationId !== correlationId) {
      this.emit({
        action: 'protocol-error',
        api: entry ? apiName(entry.apiKey) : 'unknown',
        ordinal: entry?.decision.ordinal ?? 0,
        correlationId,
        affected: 0,
        detail: `response ${correlationId} does not match the oldest request ${entry?.correlationId ?? '(none)'}; connection closed`,
      });
      this.teardown();
      return;
    }
    if (this.holder?.heldResponse) {
      this.holder.heldResponse(frame, entry);
      return;
    }
    this.dispatch(frame, entry);
  }

  dispatch(frame: Buffer, entry: Pending): void {
    const fault = entry.decision.action === 'forward' ? undefined : this.faultFor(entry.decision.action);
    if (fault?.onResponse) fault.onResponse(frame, entry);
    else this.writeResponse(frame, entry);
  }

  /**
   * Handles one chunk's frames, then writes the ones that passed unchanged, in order: the chunk itself
   * when they are all of it and none was changed (no copy, one write), else each frame. Frames that a
   * fault holds or a rewrite delays are written later through their chain, after these, so the order is kept.
   */
  private passThrough(chunk: Buffer, side: 'requests' | 'responses'): void {
    const splitter = side === 'requests' ? this.requests : this.responses;
    const to = side === 'requests' ? this.upstream : this.client;
    const passing: Buffer[] = [];
    if (side === 'requests') this.requestsPassing = passing;
    else this.responsesPassing = passing;
    this.responseAltered = false;
    let frames = 0;
    try {
      for (const frame of splitter.push(chunk)) {
        frames++;
        if (side === 'requests') this.onRequest(frame);
        else this.onResponse(frame);
      }
    } catch (error) {
      this.emit({ action: 'protocol-error', api: 'unknown', ordinal: 0, correlationId: -1, affected: 0, detail: `unreadable frame: ${(error as Error).message}; connection closed` });
      this.teardown();
    } finally {
      if (side === 'requests') this.requestsPassing = null;
      else this.responsesPassing = null;
    }
    if (!to.destroyed && (side === 'requests' || to.writable)) {
      if (splitter.lastWasWhole && passing.length === frames && !(side === 'responses' && this.responseAltered)) {
        to.write(chunk);
      } else {
        // Corked, so the frames of one chunk still leave in one write, not one each.
        to.cork();
        for (const frame of passing) to.write(frame);
        to.uncork();
      }
    }
  }

  private teardown(cutShort = false): void {
    for (const fault of this.faults.values()) fault.onClose?.();
    this.client.destroy();
    this.upstream.destroy();
    if (!this.over) {
      this.over = true;
      this.context.closed(cutShort);
    }
  }
}
