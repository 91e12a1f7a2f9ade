// What a proxy fault is: one unit per file, with its own state on each connection, and what a connection lets it do.
import type { RequestHeader } from '../framing.js';
import type { Decision, FaultAction, ProxyRule } from '../rules.js';

export interface ProxyEvent {
  action: FaultAction | 'protocol-error';
  api: string;
  ordinal: number;
  correlationId: number;
  /** Requests the fault touched: for drop-response, the responses dropped (the broker processed all of them). */
  affected: number;
  detail: string;
}

/** A request as the connection knows it: what the broker will answer, and what the rules decided for it. */
export interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  decision: Decision;
}

/** What a proxy connection lets a fault do. */
export interface FaultConnection {
  /** Requests forwarded and not yet answered, oldest first. */
  readonly pending: readonly Pending[];
  readonly settings: { quietMs: number; drainTimeoutMs: number };
  /** Sends a request to the broker now; `entry` when a response will come (null for acks=0 Produce). */
  forward(frame: Buffer, entry: Pending | null): void;
  /** Sends a request once `wait()` (started after the requests already waiting) is over; later requests stay behind it. */
  forwardAfter(wait: () => Promise<void>, frame: Buffer, entry: Pending | null): void;
  /** Writes a response to the client in order; `altered` when it is not the broker's bytes. */
  writeResponse(frame: Buffer, entry: Pending, altered?: boolean): void;
  /** Counts a frame that no rule may touch; returns its ordinal. */
  count(apiKey: number): number;
  /** Until release(), every request and response of the connection goes to `fault` first, before any rule. */
  hold(fault: FaultOnConnection): void;
  release(): void;
  /** Resets the client's connection and closes the broker's. */
  reset(): void;
  emit(event: ProxyEvent): void;
}

/** One fault's state on one connection. */
export interface FaultOnConnection {
  /** A request a rule chose for this fault: true when the fault took it (dropped, held back), false to forward it. */
  onRequest?(frame: Buffer, request: Pending, expectsResponse: boolean): boolean;
  /** The broker's response to a request a rule chose for this fault; the fault writes it, changed, or not at all. */
  onResponse?(frame: Buffer, request: Pending): void;
  /** While the fault holds the connection: a request, before any rule sees it. */
  heldRequest?(frame: Buffer, header: RequestHeader, expectsResponse: boolean): void;
  /** While the fault holds the connection: a response. */
  heldResponse?(frame: Buffer, request: Pending): void;
  /** The connection is closing (either side, or an error). */
  onClose?(): void;
}

export interface FaultUnit {
  action: FaultAction;
  /** What a rule of this fault does, for the proxy command: `which` is "every 3rd Produce" or "5% of Produce requests (seeded)". */
  describe(which: string, rule: ProxyRule): string;
  /** Its state on a new connection. */
  open(conn: FaultConnection): FaultOnConnection;
}
