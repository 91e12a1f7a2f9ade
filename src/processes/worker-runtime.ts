// What every worker process shares: IPC with the lab, the stop point, consumer events, reported commits, a graceful stop.
import { describeError, protocolErrorType } from '../kafka/errors.js';
import type { Consumer } from '../kafka/client.js';
import { exitWithLab, reportToLab, runReportingFailure } from './lab-link.js';
import { Ledger } from '../workload/worker-ledger.js';
import type { ConsumerHooks } from './worker-consumer.js';
import { crashPosition, type BaseWorkerConfig, type FromWorker, type StopPlace, type ToWorker } from '../workload/worker-protocol.js';

const HOLD_LIMIT_MS = 20_000;

export class WorkerRuntime {
  readonly ledger = new Ledger();
  /** The current batch's heartbeat, for a hold. */
  heartbeatNow: (() => Promise<void>) | undefined;
  private stopTarget: number | undefined;
  private batchesSeen = 0;
  private messagesSeen = 0;
  private go: () => void = () => undefined;
  /** Asks the broker what this worker's group has committed (a client whose commits the lab does not see). */
  private committedProbe: (() => Promise<void>) | undefined;
  private readonly goSignal = new Promise<void>((resolve) => (this.go = resolve));
  /** The client said a rebalance started while we held: its next join ends the hold (see hooks). */
  private rejoinEndsHold = false;
  /** Ends the hold in progress (set only while one is). */
  private endHold: ((by: 'lab' | 'rejoin') => void) | undefined;

  constructor(private readonly config: BaseWorkerConfig) {
    exitWithLab();
  }

  send(message: FromWorker): void {
    reportToLab(message);
  }

  /** Reports the consumer's joins, commits, crashes, rebalances, and counts its batches. */
  watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, (e) =>
      this.send({ type: 'joined', memberId: e.payload.memberId, partitions: e.payload.memberAssignment[this.config.topic] ?? [] }),
    );
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) => this.committed(e.payload.topics.flatMap((t) => t.partitions.map((p) => ({ partition: Number(p.partition), offset: p.offset })))));
    consumer.on(consumer.events.CRASH, (e) =>
      this.send(
        e.payload.restart ? { type: 'restarted', error: describeError(e.payload.error) } : { type: 'failed', error: describeError(e.payload.error) },
      ),
    );
    consumer.on(consumer.events.START_BATCH_PROCESS, (e) => this.onBatchStart(e.payload.batchSize));
    consumer.on(consumer.events.REBALANCING, () => this.send({ type: 'rebalancing', point: this.ledger.crashPoint(this.messagesSeen) }));
  }

  /** For a client without kafkajs' events: it reports batches and commits itself (see worker-consumer.ts). */
  hooks(): ConsumerHooks {
    return {
      joined: (memberId, partitions) => {
        this.send({ type: 'joined', memberId, partitions });
        if (this.rejoinEndsHold) this.endHold?.('rejoin');
      },
      batchStarted: (size) => this.onBatchStart(size),
      committed: (offsets) => this.committed(offsets),
      knownCommitted: (offsets) => this.knownCommitted(offsets),
      commitRefused: (error, code) => this.send({ type: 'commit-failed', error, ...(code ? { code } : {}), unseen: true }),
      rebalancing: () => {
        this.send({ type: 'rebalancing', point: this.ledger.crashPoint(this.messagesSeen) });
        // A client that rejoins by itself (its own heartbeat timer) while the handler holds: the rebalance does not
        // wait for the handler, so the hold ends once the client has its new assignment, and the batch goes on.
        if (this.endHold) this.rejoinEndsHold = true;
      },
      handlerFailed: (error) => this.send({ type: 'restarted', error: describeError(error) }),
      setCommittedProbe: (probe) => (this.committedProbe = probe),
    };
  }

  /** A commit this worker made: into the ledger, and reported to the lab's history. */
  private committed(offsets: { partition: number; offset: string }[]): void {
    this.knownCommitted(offsets);
    this.send({ type: 'committed', offsets });
  }

  private knownCommitted(offsets: { partition: number; offset: string }[]): void {
    for (const o of offsets) this.ledger.commit(o.partition, o.offset);
  }

  /** Called as each batch starts: the stop batch fixes the stop target inside it. */
  private onBatchStart(batchSize: number): void {
    this.batchesSeen++;
    const stopAt = this.config.stopAt;
    if (stopAt && this.batchesSeen === stopAt.batch) this.stopTarget = this.messagesSeen + crashPosition(batchSize, stopAt.fraction);
    this.messagesSeen += batchSize;
  }

  /**
   * At the stop point. A crash comes right after a side effect, before the commit that covers it; a
   * hold or a stall comes between two messages, where kafkajs itself would heartbeat.
   */
  async stopPointIfDue(place: StopPlace): Promise<void> {
    const stopAt = this.config.stopAt;
    if (this.stopTarget === undefined || this.ledger.handledCount < this.stopTarget || !stopAt) return;
    if (place !== (stopAt.place ?? (stopAt.action === 'crash' ? 'after-apply' : 'between-messages'))) return;
    this.stopTarget = undefined;
    await this.committedProbe?.().catch(() => undefined);
    this.send({ type: 'stop-point', action: stopAt.action, point: this.ledger.crashPoint(this.messagesSeen) });
    if (stopAt.action === 'crash') await new Promise<never>(() => undefined); // the lab SIGKILLs us here
    if (stopAt.action === 'stall') await this.goSignal; // the lab SIGSTOPs us, later SIGCONTs and says go
    if (stopAt.action === 'hold') {
      // Stay in the batch, heartbeating, until the coordinator says a rebalance started: heartbeat()
      // then throws and the batch ends here. A client whose heartbeat() cannot say so (it heartbeats on
      // its own) holds until the lab's "go", sent once the broker says the group is rebalancing; the
      // batch then goes on, as any handler would. Bounded, so a missing rebalance cannot hang the worker.
      // A client that rejoins by itself ends it when it has: see hooks().rebalancing.
      let released: 'lab' | 'rejoin' | undefined;
      this.endHold = (by) => (released ??= by);
      void this.goSignal.then(() => this.endHold?.('lab'));
      const deadline = Date.now() + HOLD_LIMIT_MS;
      try {
        while (Date.now() < deadline && !released) {
          await this.heartbeatNow?.();
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        this.rejoinEndsHold = false;
        this.endHold = undefined;
      }
      if (released) this.send({ type: 'released', by: released });
    }
  }

  /** Runs `work`; a failure is reported with `type`, then rethrown to kafkajs. */
  async reported(type: 'commit-failed' | 'heartbeat-refused', work: () => Promise<void>, extra: { notApplied?: number } = {}): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.send({ type, error: describeError(error), code: protocolErrorType(error), ...extra });
      throw error;
    }
  }

  /** On the lab's "stop": `finish` (graceful: kafkajs commits what was resolved, leaves the group), then exit. */
  onMessages(finish: () => Promise<void>): void {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'go') this.go();
      if (message.type !== 'stop') return;
      void finish()
        .catch(() => undefined)
        .then(() => {
          // process.send is asynchronous: exit once the last report is on its way, not before.
          const point = { ...this.ledger.crashPoint(this.messagesSeen), appliedOffsets: this.ledger.appliedOffsets() };
          const stopped: FromWorker = { type: 'stopped', applied: this.ledger.appliedCount, skipped: this.ledger.skippedCount, point };
          if (process.send) process.send(stopped, () => process.exit(0));
          else process.exit(0);
        });
    });
  }

  /** Starts `main`; a failure is reported and ends the process. */
  run(main: () => Promise<void>): void {
    runReportingFailure(main);
  }
}
