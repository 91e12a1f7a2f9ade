// The Apache Kafka Java consumer as a lab worker (consumer-crash, rebalance, zombie): consumes orders, applies each to the
// business database over JDBC, commits as its mode says, and at its stop point reports and waits for the lab's SIGKILL (crash),
// its "go" (stall), or a rebalance (hold). It speaks the Node workers' protocol (src/workload/worker-protocol.ts): one JSON
// report per line on stdout, the lab's {"type":"stop"} on stdin.
// Usage: java -cp <kafka-clients, JDBC drivers, these classes> LabConsumer key=value ...   (the keys: WorkerSettings.java)
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

public class LabConsumer {
  private final WorkerSettings s;
  private final WorkerLedger ledger = new WorkerLedger();
  private final StopPoint stop;
  private final BusinessDatabase db;
  private final Dedup dedup;
  private final KafkaConsumer<String, String> consumer;
  private final LabLink lab = LabLink.listen();
  /** auto-handoff: the poll loop queues orders here; a background thread applies them, as slowly as an async call would. */
  private final LinkedBlockingQueue<Order> handoff = new LinkedBlockingQueue<>();
  /** Orders queued and not yet applied: counted up before the queue, down after the apply, so no gap looks idle. */
  private final AtomicInteger handoffPending = new AtomicInteger();
  /** Set when partitions were revoked since the last poll returned: the records in hand belong to an old assignment. */
  private boolean revoked;
  /** on-revoke: per partition, the offset after the last order handled, which onPartitionsRevoked commits. */
  private final Map<TopicPartition, Long> handledThrough = new HashMap<>();
  /** How long a hold waits for the rebalance, at most (HOLD_LIMIT_MS in src/processes/worker-runtime.ts). */
  private static final long HOLD_LIMIT_MS = 20_000;

  public static void main(String[] args) {
    try {
      WorkerSettings settings = new WorkerSettings(args);
      new LabConsumer(settings).run();
    } catch (Throwable error) {
      Reports.send("failed", "error", Reports.describe(error));
      System.exit(1);
    }
  }

  private LabConsumer(WorkerSettings s) throws Exception {
    this.s = s;
    this.stop = new StopPoint(s, ledger, lab, this::probeCommitted, this::holdUntilRebalance);
    this.db = BusinessDatabase.open(s.dbUrl, s.dbUser, s.dbPassword, s.dbSchema);
    this.dedup = Dedup.open(s, db);
    this.consumer = new KafkaConsumer<>(s.consumerProperties(s.autoCommits()));
  }

  private void run() throws Exception {
    consumer.subscribe(List.of(s.topic), Joins.reported(consumer, s.topic, this::onRevoke, lost -> revoked = true));
    if (s.commit.equals("auto-handoff")) startHandoffThread();
    while (!lab.stopRequested()) {
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
      // A revocation inside that poll came before these records: they are the new assignment's.
      revoked = false;
      for (TopicPartition tp : records.partitions()) {
        // Partitions revoked meanwhile (a hold): the rest of these records are no longer ours, the new owners read them.
        if (revoked) break;
        batch(tp, records.records(tp));
      }
    }
    finish();
  }

  /** One poll's records of one partition: the batch the stop point counts, as a kafkajs batch is one fetch of a partition. */
  private void batch(TopicPartition tp, List<ConsumerRecord<String, String>> records) throws Exception {
    stop.batchStarted(records.size());
    List<Order> orders = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) orders.add(take(r));
    long next = records.get(records.size() - 1).offset() + 1;
    switch (s.commit) {
      case "auto":
        for (Order o : orders) handle(o);
        break;
      case "auto-handoff":
        handoffPending.addAndGet(orders.size());
        handoff.addAll(orders);
        break;
      case "after-batch":
      case "on-revoke":
        for (Order o : orders) handle(o);
        // Revoked mid-batch (a hold): nothing of it is committed here; on-revoke committed what was handled.
        if (revoked) return;
        if (commit(tp, next, 0)) dedup.committed(orders);
        break;
      case "per-message":
        for (Order o : orders) {
          // Revoked at the last message's stop point (a hold): the rest is the new owners'.
          if (revoked) return;
          process(o);
          if (!commit(tp, o.offset() + 1, 0)) {
            // The rest of the batch was not applied: read it again (the position is already past it).
            consumer.seek(tp, o.offset() + 1);
            return;
          }
          dedup.committed(List.of(o));
          stop.at("between-messages");
        }
        break;
      case "before-process":
        // At-most-once: a refused commit ends the batch before any apply, and the batch is read again.
        if (!commit(tp, next, orders.size())) {
          consumer.seek(tp, orders.get(0).offset());
          return;
        }
        for (Order o : orders) handle(o);
        break;
      default:
        throw new IllegalArgumentException("the Java worker has no commit mode " + s.commit);
    }
  }

  private Order take(ConsumerRecord<String, String> record) {
    Order order = Order.parse(record.value(), record.partition(), record.offset());
    if (order == null) throw new IllegalStateException("offset " + record.offset() + " is not a lab order");
    ledger.receive(order);
    return order;
  }

  /**
   * One order, then the stop point's place between two messages (where a hold or a stall falls by default). With manual
   * commits, nothing once the partitions were revoked: the new owners start at the last commit. (Java's auto-commit commits
   * all it has returned before a rebalance, so its modes go on with what they hold.)
   */
  private void handle(Order order) throws Exception {
    if (revoked && !s.autoCommits()) return;
    process(order);
    stop.at("between-messages");
  }

  /** Dedup check, the business write, the dedup bookkeeping, then the stop point. */
  private void process(Order order) throws Exception {
    if (!dedup.claim(order)) {
      ledger.skip(order);
      handled(order);
      return;
    }
    if (db.apply(order, s.workerId, s.dedup.equals("processed-table")).equals("already-processed")) {
      ledger.skip(order);
      handled(order);
      return;
    }
    dedup.applied(order);
    ledger.apply(order);
    handled(order);
    stop.afterApply();
  }

  private void handled(Order order) {
    handledThrough.put(new TopicPartition(s.topic, order.partition()), order.offset() + 1);
  }

  /**
   * In poll(), before the partitions go (ConsumerRebalanceListener.onPartitionsRevoked): on-revoke commits what was handled,
   * as the Java client's documentation advises; then the snapshot the lab predicts from. Not at the worker's own close.
   */
  private void onRevoke(Collection<TopicPartition> partitions) {
    if (lab.stopRequested()) return;
    if (s.commit.equals("on-revoke")) {
      for (TopicPartition tp : partitions) {
        Long next = handledThrough.remove(tp);
        if (next != null) commit(tp, next, 0);
      }
    }
    revoked = true;
    Reports.send("rebalancing", "point", ledger.point(stop.messagesSeen()));
  }

  /**
   * The hold: kafka-clients has no heartbeat() that throws when a rebalance starts (kafkajs'); a consumer learns of one in
   * poll(). So the worker pauses its partitions and polls, fetching nothing, until onPartitionsRevoked has run (bounded).
   * Records the same poll fetched for a new assignment are sought back, so the main loop reads them.
   */
  private void holdUntilRebalance() {
    consumer.pause(consumer.assignment());
    long deadline = System.currentTimeMillis() + HOLD_LIMIT_MS;
    while (!revoked && System.currentTimeMillis() < deadline) {
      ConsumerRecords<String, String> fetched = consumer.poll(Duration.ofMillis(50));
      for (TopicPartition tp : fetched.partitions()) consumer.seek(tp, fetched.records(tp).get(0).offset());
    }
    consumer.resume(consumer.paused());
  }

  private boolean commit(TopicPartition tp, long next, int notApplied) {
    return Commits.commitSync(consumer, ledger, tp, next, notApplied);
  }

  /**
   * At the stop point: what the broker has committed for the group, into the ledger only (the auto-commit reports
   * nothing). From an admin client: the consumer itself is not thread-safe, and the handoff thread stops too.
   */
  private void probeCommitted() {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.bootstrap);
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "5000");
    Admin admin = Admin.create(p);
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(s.groupId).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
        if (e.getKey().topic().equals(s.topic) && e.getValue() != null) ledger.commit(e.getKey().partition(), e.getValue().offset());
      }
    } catch (Exception ignored) {
      // Bounded and best-effort, as the Node workers' probe: the stop point must come.
    } finally {
      // Not close(): it waits for pending calls; the stop point must not.
      admin.close(Duration.ZERO);
    }
  }

  private void startHandoffThread() {
    Thread t = new Thread(() -> {
      try {
        for (;;) {
          Order order = handoff.take();
          Thread.sleep(s.handoffDelayMs);
          process(order);
          handoffPending.decrementAndGet();
        }
      } catch (Throwable error) {
        Reports.send("failed", "error", Reports.describe(error));
        Runtime.getRuntime().halt(1);
      }
    }, "handoff");
    t.setDaemon(true);
    t.start();
  }

  /** A graceful stop: the queued work done (bounded), close() commits (auto-commit) and leaves the group, then "stopped". */
  private void finish() throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (handoffPending.get() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(10);
    consumer.close();
    dedup.close();
    db.close();
    Reports.send("stopped", "applied", ledger.appliedCount(), "skipped", ledger.skippedCount(), "point", ledger.endPoint(stop.messagesSeen()));
    System.exit(0);
  }
}
