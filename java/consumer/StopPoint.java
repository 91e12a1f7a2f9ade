// Where the worker stops to be killed: counts batches and handled messages, and at its seeded place reports and waits (WorkerRuntime's stop point in Java).
final class StopPoint {
  private final WorkerSettings settings;
  private final WorkerLedger ledger;
  /** Before the report: what the broker has committed for this group, into the ledger (auto-commits tell nobody). */
  private final Runnable committedProbe;
  private int batchesSeen;
  private int messagesSeen;
  private Integer target;

  StopPoint(WorkerSettings settings, WorkerLedger ledger, Runnable committedProbe) {
    this.settings = settings;
    this.ledger = ledger;
    this.committedProbe = committedProbe;
  }

  /** As each batch (one poll's records of a partition) starts: the stop batch fixes the target inside it. */
  synchronized void batchStarted(int size) {
    batchesSeen++;
    if (batchesSeen == settings.stopBatch) target = messagesSeen + crashPosition(size, settings.stopFraction);
    messagesSeen += size;
  }

  synchronized int messagesSeen() {
    return messagesSeen;
  }

  /** After a side effect: at the target, report the stop point and wait for the lab's SIGKILL. */
  void afterApply() throws InterruptedException {
    synchronized (this) {
      if (target == null || ledger.handledCount() < target) return;
      target = null;
    }
    committedProbe.run();
    Reports.send("stop-point", "action", "crash", "point", ledger.point(messagesSeen()));
    Thread.sleep(Long.MAX_VALUE);
  }

  /** The message, counted from 1 within its batch, after which the worker stops (crashPosition in worker-protocol.ts). */
  static int crashPosition(int batchSize, double fraction) {
    if (batchSize <= 1) return 1;
    return (int) Math.min(batchSize - 1, Math.max(1, Math.round(batchSize * fraction)));
  }
}
