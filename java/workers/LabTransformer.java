// The Apache Kafka Java client as the read-process-write worker of transactions and dual-write: consumes orders and writes
// one output record per order (for dual-write, after a business database write: src/processes/transform-worker.ts in Java),
// then commits the input offsets after each batch (plain), or sends them inside the batch's transaction (transaction:
// sendOffsetsToTransaction with the consumer's group metadata). Same protocol as LabConsumer; a fenced instance waits for
// the lab's stop or SIGKILL, as the Node transform worker does.
// Usage: java -cp <kafka-clients, these classes> LabTransformer key=value ...   (the keys: WorkerSettings.java)
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;

public class LabTransformer {
  private final WorkerSettings s;
  private final LabLink lab = LabLink.listen();
  private final WorkerLedger ledger = new WorkerLedger();
  private final StopPoint stop;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final boolean transactional;
  /** The business database, for dual-write; null when the worker writes only events. */
  private final BusinessDatabase db;

  public static void main(String[] args) {
    try {
      new LabTransformer(new WorkerSettings(args)).run();
    } catch (Throwable error) {
      Reports.send("failed", "error", Reports.describe(error));
      System.exit(1);
    }
  }

  private LabTransformer(WorkerSettings s) throws java.sql.SQLException {
    this.s = s;
    this.transactional = s.output.equals("transaction");
    this.stop = new StopPoint(s, ledger, lab, () -> {});
    this.producer = new KafkaProducer<>(producerProperties(s, transactional));
    // With a transactional id, this fences every older instance with that id and aborts its open transaction.
    if (transactional) producer.initTransactions();
    this.consumer = new KafkaConsumer<>(s.consumerProperties(false));
    this.db = s.database.equals("none") ? null : BusinessDatabase.open(s.dbUrl, s.dbUser, s.dbPassword, s.dbSchema);
  }

  private static Properties producerProperties(WorkerSettings s, boolean transactional) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.bootstrap);
    p.put("client.id", "dup-lab-" + s.workerId + "-out");
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    if (transactional) {
      p.put("transactional.id", s.transactionalId);
      p.put("transaction.timeout.ms", String.valueOf(s.transactionTimeout));
    }
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    return p;
  }

  private void run() throws Exception {
    consumer.subscribe(List.of(s.topic), Joins.reported(consumer, s.topic));
    while (!lab.stopRequested()) {
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
      for (TopicPartition tp : records.partitions()) batch(tp, records.records(tp));
    }
    consumer.close();
    producer.close();
    if (db != null) db.close();
    stoppedReport();
    System.exit(0);
  }

  private void stoppedReport() {
    Reports.send("stopped", "applied", ledger.appliedCount(), "skipped", ledger.skippedCount(), "point", ledger.endPoint(stop.messagesSeen()));
  }

  private void batch(TopicPartition tp, List<ConsumerRecord<String, String>> records) throws Exception {
    stop.batchStarted(records.size());
    long next = records.get(records.size() - 1).offset() + 1;
    if (!transactional) {
      for (ConsumerRecord<String, String> r : records) {
        write(r);
        stop.at("between-messages");
      }
      Commits.commitSync(consumer, ledger, tp, next, 0);
      return;
    }
    try {
      producer.beginTransaction();
      for (ConsumerRecord<String, String> r : records) {
        write(r);
        stop.at("between-messages");
      }
      // The input offsets ride in the same transaction: outputs and progress commit or abort together.
      producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(next)), consumer.groupMetadata());
      producer.commitTransaction();
    } catch (Exception error) {
      String fenced = fencedBy(error);
      if (fenced != null) {
        // A zombie: a newer instance took the transactional id. Report, then wait to be stopped instead of doing more.
        Reports.send("fenced", "error", Reports.describe(rootOf(error)), "code", fenced);
        lab.park(this::stoppedReport);
      }
      producer.abortTransaction();
      throw error;
    }
    Commits.committed(ledger, tp, next);
  }

  /**
   * One order: its database write, if any, then its output record, acknowledged before the next (get()): the ledger counts
   * an output as written when the broker has it, as the Node workers' awaited sends do, so a crash's aborted transaction
   * holds exactly what the worker reported. The stop point may fall between the row and the event (after-db-write).
   */
  private void write(ConsumerRecord<String, String> record) throws Exception {
    Order order = Order.parse(record.value(), record.partition(), record.offset());
    if (order == null) throw new IllegalStateException("offset " + record.offset() + " is not a lab order");
    ledger.receive(order);
    String event = processed(record.value());
    String next = databaseWrite(order, event);
    if (next.equals("already-done")) {
      ledger.skip(order);
      return;
    }
    ledger.apply(order);
    stop.at("after-db-write");
    if (next.equals("publish")) producer.send(new ProducerRecord<>(s.outputTopic, record.key(), event)).get();
    stop.at("after-apply");
  }

  /** What the order needs after its database write: its event ("publish"), nothing more ("outboxed"), or nothing ("already-done"). */
  private String databaseWrite(Order order, String event) throws java.sql.SQLException {
    switch (s.database) {
      case "none":
        return "publish";
      case "outbox":
        return db.applyWithOutbox(order, s.workerId, event).equals("applied") ? "outboxed" : "already-done";
      default:
        // row-if-new-then-event dedups the row, and so publishes only for a new one; row-then-event always writes.
        return db.apply(order, s.workerId, s.database.equals("row-if-new-then-event")).equals("applied") ? "publish" : "already-done";
    }
  }

  /** The output: the same lab message (same id), marked as processed (outputOf in src/processes/transform-worker.ts). */
  private static String processed(String value) {
    return "{\"processed\":\"yes\"," + value.substring(1);
  }

  /** The error's name when it says a newer instance with the same transactional id took over; null otherwise. */
  private static String fencedBy(Throwable error) {
    Throwable root = rootOf(error);
    if (root instanceof ProducerFencedException) return "PRODUCER_FENCED";
    if (root instanceof InvalidProducerEpochException) return "INVALID_PRODUCER_EPOCH";
    if (root instanceof TransactionalIdAuthorizationException) return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
    return null;
  }

  private static Throwable rootOf(Throwable error) {
    Throwable e = error;
    while ((e instanceof ExecutionException || (e instanceof KafkaException && e.getCause() != null && e.getClass() == KafkaException.class)) && e.getCause() != null) e = e.getCause();
    return e;
  }
}
