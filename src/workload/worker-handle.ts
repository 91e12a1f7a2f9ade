// The lab's side of a consumer worker process: start it, follow its reports, stop, pause or kill it.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { javaTransformerArguments, javaWorkerArguments, spawnJavaWorker } from '../clients/java-worker.js';
import { onCleanup } from '../core/cleanup.js';
import type { History } from '../core/history.js';
import { compiledScript } from '../core/paths.js';
import type { FromWorker, RelayConfig, ToWorker, TransformConfig, WorkerConfig } from './worker-protocol.js';

/** The timeline's words for a hold that ended without the client stopping the batch (a 'released' report). */
export const HOLD_ENDED = {
  lab: 'hold ended by the lab: the group is rebalancing, and the client gave the handler no sign of it',
  rejoin: 'hold ended: the client rejoined the group by itself (its heartbeat timer) while the handler held, and the batch goes on',
} as const;

type WorkerScript = 'worker' | 'transform-worker' | 'outbox-relay';

type Report<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

/** How the lab talks to a worker: Node's IPC for the Node workers, JSON lines on stdin and stdout for the JVM worker. */
interface WorkerChannel {
  send(message: ToWorker): void;
  readonly open: boolean;
}

export class WorkerHandle {
  private readonly reports: FromWorker[] = [];
  /** When the last report came (performance.now()), or when the worker started. */
  private lastReportMs = performance.now();
  private readonly listeners = new Set<(r: FromWorker) => void>();
  private stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private unregister: () => void;

  private constructor(
    readonly id: string,
    private readonly child: ChildProcess,
    private readonly channel: WorkerChannel,
    private readonly history: History,
    startDetail: string,
    /** 'close' for a JVM worker: its reports come on stdout, and 'exit' can come before their last lines are read. */
    endEvent: 'exit' | 'close' = 'exit',
  ) {
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2_000);
    });
    // A send to a worker that just died fails here instead of as an uncaught exception.
    this.child.on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      this.child.on(endEvent, (code: number | null, signal: NodeJS.Signals | null) => {
        this.unregister();
        history.add({ type: 'worker', worker: id, event: 'exit', detail: signal ? `signal ${signal}` : `code ${code}` });
        resolve({ code, signal });
      }),
    );
    this.unregister = onCleanup(`worker ${id}`, () => {
      this.child.kill('SIGKILL');
    });
    history.add({ type: 'worker', worker: id, event: 'start', detail: startDetail });
  }

  /** A Node worker process (processes/<script>.js), its reports over IPC. */
  private static forked(id: string, script: WorkerScript, config: object, history: History, startDetail: string): WorkerHandle {
    // Its own execArgv, so a parent started with loaders or inspectors (test runners) does not pass them
    // on; without the two warnings bin/kafka-dup-lab.js explains, which would fill every worker's stderr tail.
    const child = fork(compiledScript(`processes/${script}.js`), [JSON.stringify(config)], {
      execArgv: ['--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const handle = new WorkerHandle(id, child, { send: (m) => child.send(m, () => undefined), get open() { return child.connected; } }, history, startDetail);
    child.on('message', (r: FromWorker) => handle.onReport(r));
    return handle;
  }

  /** A JVM worker (java/workers/): a report per stdout line; other lines (the JVM's own logging) are skipped. */
  private static overStdio(id: string, child: ChildProcess, history: History, startDetail: string): WorkerHandle {
    const stdin = child.stdin!;
    stdin.on('error', () => undefined);
    const handle = new WorkerHandle(id, child, { send: (m) => stdin.write(`${JSON.stringify(m)}\n`), get open() { return stdin.writable; } }, history, startDetail, 'close');
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const report = parseReport(line);
      if (report) handle.onReport(report);
    });
    return handle;
  }

  /** A consumer worker (processes/worker.js, or the JVM worker for the Java client): orders into the business database. */
  static async start(config: WorkerConfig, history: History): Promise<WorkerHandle> {
    const detail = `${config.commit}, ${config.dedup}`;
    if (config.client === 'java') return WorkerHandle.overStdio(config.workerId, await spawnJavaWorker('LabConsumer', javaWorkerArguments(config), true), history, `${detail}, Java client`);
    return WorkerHandle.forked(config.workerId, 'worker', config, history, detail);
  }

  /** A read-process-write worker (processes/transform-worker.js, or the JVM's LabTransformer for the Java client). */
  static async startTransform(config: TransformConfig, history: History): Promise<WorkerHandle> {
    const detail = `${config.output}, database: ${config.database}`;
    if (config.client === 'java') return WorkerHandle.overStdio(config.workerId, await spawnJavaWorker('LabTransformer', javaTransformerArguments(config), config.database !== 'none'), history, `${detail}, Java client`);
    return WorkerHandle.forked(config.workerId, 'transform-worker', config, history, detail);
  }

  /** The outbox relay (processes/outbox-relay.js). */
  static startRelay(config: RelayConfig, history: History): WorkerHandle {
    return WorkerHandle.forked(config.workerId, 'outbox-relay', config, history, 'outbox relay');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Every report that a check, a prediction, a note or the timeline needs goes into the history, structured. */
  private onReport(r: FromWorker): void {
    this.reports.push(r);
    this.lastReportMs = performance.now();
    const h = this.history;
    const worker = this.id;
    if (r.type === 'joined') h.add({ type: 'worker', worker, event: 'assigned', detail: `partitions [${r.partitions.join(', ')}]` });
    if (r.type === 'committed') h.add({ type: 'commit', worker, ok: true, offsets: formatOffsets(r.offsets) });
    if (r.type === 'commit-failed') h.add({ type: 'commit', worker, ok: false, offsets: '', error: r.error, code: r.code, ...(r.notApplied ? { notApplied: r.notApplied } : {}), ...(r.unseen ? { unseen: true } : {}) });
    if (r.type === 'fenced') h.add({ type: 'worker', worker, event: 'fenced', detail: `producer fenced: ${r.error}`, code: r.code });
    if (r.type === 'heartbeat-refused') h.add({ type: 'worker', worker, event: 'fenced', detail: `heartbeat refused: ${r.error}`, code: r.code });
    if (r.type === 'restarted') h.add({ type: 'worker', worker, event: 'restarted', detail: r.error });
    if (r.type === 'released') h.add({ type: 'worker', worker, event: 'released', detail: HOLD_ENDED[r.by], by: r.by });
    if (r.type === 'rebalancing') h.add({ type: 'snapshot', worker, moment: 'rebalance', ...r.point });
    if (r.type === 'stop-point') h.add({ type: 'snapshot', worker, moment: r.action, ...r.point });
    // Its own duplicates (its partition handed back after a rebalance): predictions need them; otherwise nothing to record.
    if (r.type === 'stopped' && r.point?.reapplied) h.add({ type: 'snapshot', worker, moment: 'end', ...r.point });
    for (const listener of this.listeners) listener(r);
  }

  /** The first report of this type (already received or still to come), or an error after `timeoutMs`. */
  waitFor<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Report<T>> {
    const seen = this.reports.find((r): r is Report<T> => r.type === type);
    if (seen) return Promise.resolve(seen);
    return this.next([type], timeoutMs).then((outcome) => {
      if ('report' in outcome) return outcome.report as Report<T>;
      if (outcome.end === 'timeout') throw new Error(`worker ${this.id}: no "${type}" within ${timeoutMs} ms${this.stderrTail()}`);
      throw new Error(`worker ${this.id} exited (${outcome.exit}) before "${type}"${this.stderrTail()}`);
    });
  }

  /**
   * The next report of one of these types from now on (earlier ones do not count); undefined after `timeoutMs` or
   * if the worker exits first; an error if it reports a failure.
   */
  nextOf(types: readonly FromWorker['type'][], timeoutMs: number): Promise<FromWorker | undefined> {
    return this.next(types, timeoutMs).then((outcome) => ('report' in outcome ? outcome.report : undefined));
  }

  /** The next report of one of these types, or how the wait ended without one; rejects if the worker reports a failure. */
  private next(types: readonly FromWorker['type'][], timeoutMs: number): Promise<{ report: FromWorker } | { end: 'timeout' } | { end: 'exit'; exit: string }> {
    return new Promise((resolve, reject) => {
      const done = (outcome: { report: FromWorker } | { end: 'timeout' } | { end: 'exit'; exit: string } | Error) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const listener = (r: FromWorker) => {
        if (types.includes(r.type)) done({ report: r });
        else if (r.type === 'failed') done(new Error(`worker ${this.id} failed: ${r.error}${this.stderrTail()}`));
      };
      const timer = setTimeout(() => done({ end: 'timeout' }), timeoutMs);
      this.listeners.add(listener);
      void this.exited.then(({ code, signal }) => done({ end: 'exit', exit: String(signal ?? code) }));
    });
  }


  /** Resolves once the worker has reported nothing for `quietMs` (it has run out of work it will report), or after `limitMs`. */
  quiet(quietMs: number, limitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const limit = setTimeout(() => done(), limitMs);
      const idle = setTimeout(() => done(), quietMs);
      const listener = () => idle.refresh();
      const done = () => {
        clearTimeout(limit);
        clearTimeout(idle);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
      void this.exited.then(done);
    });
  }

  /** Milliseconds since the worker last reported anything. */
  get silentForMs(): number {
    return performance.now() - this.lastReportMs;
  }

  /** The last report of this type received so far. */
  lastOf<T extends FromWorker['type']>(type: T): Report<T> | undefined {
    return [...this.reports].reverse().find((r): r is Report<T> => r.type === type);
  }

  private get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a message if the worker can still take it (it may have died, say from a Ctrl-C to the group). */
  private tell(message: ToWorker): void {
    if (this.channel.open) this.channel.send(message);
  }

  /** Tells a worker waiting at its stall point to go on. */
  go(): void {
    this.tell({ type: 'go' });
  }

  /** SIGKILL: the crash. No commit, no leave-group; the broker notices when the session times out. */
  async kill(): Promise<void> {
    if (!this.alive) return; // already gone: nothing to kill, nothing to record
    this.history.add({ type: 'worker', worker: this.id, event: 'killed', detail: 'SIGKILL' });
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP, like a long GC pause: the process stays, but sends no heartbeat. */
  pause(): void {
    this.history.add({ type: 'worker', worker: this.id, event: 'stopped', detail: 'SIGSTOP' });
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.history.add({ type: 'worker', worker: this.id, event: 'resumed', detail: 'SIGCONT' });
    this.child.kill('SIGCONT');
  }

  /** A graceful stop (kafkajs commits resolved offsets and leaves the group); SIGKILL if it hangs. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.alive) return;
    if (this.channel.open) this.tell({ type: 'stop' });
    else this.child.kill('SIGKILL'); // no channel left to ask it nicely
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private stderrTail(): string {
    const tail = this.stderr.trim().split('\n').slice(-2).join(' | ');
    return tail ? ` (${tail})` : '';
  }
}

/** A report line from the JVM worker, or null for any other line. */
function parseReport(line: string): FromWorker | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(line) as { type?: unknown };
    return typeof parsed.type === 'string' ? (parsed as FromWorker) : null;
  } catch {
    return null;
  }
}

function formatOffsets(offsets: { partition: number; offset: string }[]): string {
  return offsets.map((o) => `p${o.partition}@${o.offset}`).join(' ');
}

/** A commit op's offsets ("p0@20 p1@40", as formatOffsets writes them), back into partitions and offsets. */
export function parseOffsets(offsets: string): { partition: number; offset: bigint }[] {
  return [...offsets.matchAll(/p(\d+)@(\d+)/g)].map(([, p, o]) => ({ partition: Number(p), offset: BigInt(o!) }));
}
