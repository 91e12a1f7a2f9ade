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
  /** A response, to the fault its rule chose (or written as it is): what a holder does with answers that are not its own. */
  dispatch(frame: Buffer, entry: Pending): void;
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

/** One option of a fault's own on the proxy command, beside its --<stem>-every and --<stem>-percent. */
export interface FaultParam {
  /** The option without its dashes ('delay-ms') and its value's name ('ms'). */
  name: string;
  value: string;
  help: string;
  /** A whole number from 1 to max, or one of `choices` by name (each standing for the number the rule carries). */
  accepts: { kind: 'count'; max: number } | { kind: 'choice'; choices: Readonly<Record<string, number>> };
  /**
   * 'alone': the option by itself turns the fault on for every request (--delay-ms 300); its
   * --<stem>-every/-percent then need it. 'with': it only refines the fault, so it needs one of them.
   */
  role: 'alone' | 'with';
  /** For a 'with' option given alone, what it is for: "--error names the error of ...". */
  purpose: string;
  /** The rule field it sets, and the value when the option is not given. */
  field: 'delayMs' | 'errorCode';
  fallback?: number;
}

/** How the proxy command offers a fault: --<stem>-every <n>, --<stem>-percent <p>, and maybe one option of its own. */
export interface FaultCli {
  stem: string;
  /** The --<stem>-every help: what the fault does to every Nth request. */
  every: string;
  /** The one API it can act on, when there is only one: without --api it acts on that one. */
  onlyApi?: number;
  param?: FaultParam;
}

export interface FaultUnit {
  action: FaultAction;
  /** What it is, in one line, for `explain faults`. */
  summary: string;
  /** A few words for its mark on the HTML report's proxy lane; `affected` is the event's count. */
  mark(affected: number): string;
  cli: FaultCli;
  /** What a rule of this fault does, for the proxy command: `which` is "every 3rd Produce" or "5% of Produce requests (seeded)". */
  describe(which: string, rule: ProxyRule): string;
  /** Its state on a new connection. */
  open(conn: FaultConnection): FaultOnConnection;
}
