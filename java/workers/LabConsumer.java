// The Apache Kafka Java consumer as a lab worker (consumer-crash): consumes orders, applies each to the business database over
// JDBC, commits as its mode says, and at its stop point reports and waits for the lab's SIGKILL. It speaks the Node workers'
// protocol (src/workload/worker-protocol.ts): one JSON report per line on stdout, the lab's {"type":"stop"} on stdin.
// Usage: java -cp <kafka-clients, JDBC drivers, these classes> LabConsumer key=value ...   (the keys: WorkerSettings.java)
import java.time.Duration;
import java.util.ArrayList;
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

  public static void main(String[] args) {
    try {
      WorkerSettings settings = new WorkerSettings(args);
      // A hold ends when heartbeat() reports a rebalance (kafkajs); kafka-clients has no such call.
      if (settings.stopAction.equals("hold")) throw new IllegalArgumentException("the Java consumer worker stops to crash (consumer-crash) or to stall (zombie), not to hold");
      new LabConsumer(settings).run();
    } catch (Throwable error) {
      Reports.send("failed", "error", Reports.describe(error));
      System.exit(1);
    }
  }

  private LabConsumer(WorkerSettings s) throws Exception {
    this.s = s;
    this.stop = new StopPoint(s, ledger, lab, this::probeCommitted);
    this.db = BusinessDatabase.open(s.dbUrl, s.dbUser, s.dbPassword, s.dbSchema);
    this.dedup = Dedup.open(s, db);
    this.consumer = new KafkaConsumer<>(s.consumerProperties(s.autoCommits()));
  }

  private void run() throws Exception {
    consumer.subscribe(List.of(s.topic), Joins.reported(consumer, s.topic));
    if (s.commit.equals("auto-handoff")) startHandoffThread();
    while (!lab.stopRequested()) {
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
      for (TopicPartition tp : records.partitions()) batch(tp, records.records(tp));
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
        for (Order o : orders) process(o);
        break;
      case "auto-handoff":
        handoffPending.addAndGet(orders.size());
        handoff.addAll(orders);
        break;
      case "after-batch":
        for (Order o : orders) process(o);
        if (commit(tp, next, 0)) dedup.committed(orders);
        break;
      case "per-message":
        for (Order o : orders) {
          process(o);
          if (!commit(tp, o.offset() + 1, 0)) {
            // The rest of the batch was not applied: read it again (the position is already past it).
            consumer.seek(tp, o.offset() + 1);
            return;
          }
          dedup.committed(List.of(o));
        }
        break;
      case "before-process":
        // At-most-once: a refused commit ends the batch before any apply, and the batch is read again.
        if (!commit(tp, next, orders.size())) {
          consumer.seek(tp, orders.get(0).offset());
          return;
        }
        for (Order o : orders) process(o);
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

  /** Dedup check, the business write, the dedup bookkeeping, then the stop point. */
  private void process(Order order) throws Exception {
    if (!dedup.claim(order)) {
      ledger.skip(order);
      return;
    }
    if (db.apply(order, s.workerId, s.dedup.equals("processed-table")).equals("already-processed")) {
      ledger.skip(order);
      return;
    }
    dedup.applied(order);
    ledger.apply(order);
    stop.afterApply();
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
    Map<String, Object> point = ledger.point(stop.messagesSeen());
    Reports.send("stopped", "applied", ledger.appliedCount(), "skipped", ledger.skippedCount(), "point", point);
    System.exit(0);
  }
}
