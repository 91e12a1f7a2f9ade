// Where the worker stops: counts batches and handled messages, and at its seeded place reports, then waits for the lab's SIGKILL
// (crash) or for its "go" after a SIGSTOP (stall): WorkerRuntime's stop point in Java.
final class StopPoint {
  private final WorkerSettings settings;
  private final WorkerLedger ledger;
  private final LabLink lab;
  /** Before the report: what the broker has committed for this group, into the ledger (auto-commits tell nobody). */
  private final Runnable committedProbe;
  /** The hold (rebalance): stays in the batch until the group rebalances; the consumer's owner knows how. */
  private final Runnable holdUntilRebalance;
  private int batchesSeen;
  private int messagesSeen;
  private Integer target;

  StopPoint(WorkerSettings settings, WorkerLedger ledger, LabLink lab, Runnable committedProbe) {
    this(settings, ledger, lab, committedProbe, () -> {
      throw new IllegalStateException("this worker cannot hold");
    });
  }

  StopPoint(WorkerSettings settings, WorkerLedger ledger, LabLink lab, Runnable committedProbe, Runnable holdUntilRebalance) {
    this.settings = settings;
    this.ledger = ledger;
    this.lab = lab;
    this.committedProbe = committedProbe;
    this.holdUntilRebalance = holdUntilRebalance;
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

  /** After a message's side effects: at the target, report the stop point, then wait there. */
  void afterApply() throws InterruptedException {
    at("after-apply");
  }

  /** At `place` in the handling of a message (after-db-write, after-apply, between-messages): the stop point, if due and there. */
  void at(String place) throws InterruptedException {
    synchronized (this) {
      if (target == null || ledger.handledCount() < target || !place.equals(settings.stopPlace)) return;
      target = null;
    }
    committedProbe.run();
    Reports.send("stop-point", "action", settings.stopAction, "point", ledger.point(messagesSeen()));
    if (settings.stopAction.equals("stall")) lab.awaitGo(); // the lab SIGSTOPs us meanwhile, later SIGCONTs and says go
    else if (settings.stopAction.equals("hold")) holdUntilRebalance.run();
    else lab.park(() -> Reports.send("stopped", "applied", ledger.appliedCount(), "skipped", ledger.skippedCount(), "point", ledger.endPoint(messagesSeen()))); // crash: the lab SIGKILLs us here
  }

  /** The message, counted from 1 within its batch, after which the worker stops (crashPosition in worker-protocol.ts). */
  static int crashPosition(int batchSize, double fraction) {
    if (batchSize <= 1) return 1;
    return (int) Math.min(batchSize - 1, Math.max(1, Math.round(batchSize * fraction)));
  }
}
