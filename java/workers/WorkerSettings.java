// The workers' settings, from key=value arguments the lab writes (src/clients/java-worker.ts): WorkerConfig and TransformConfig in Java.
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;

final class WorkerSettings {
  final String workerId, bootstrap, topic, groupId, commit, dedup;
  final int sessionTimeout, heartbeatInterval, maxBytesPerPartition, dedupWindow, handoffDelayMs;
  /** The transform worker's: its output topic, "plain" or "transaction", its transactional id and timeout. */
  final String outputTopic, output, transactionalId;
  final int transactionTimeout;
  /** The transform worker's business database write before each event (TransformConfig.database): none, row-if-new-then-event, row-then-event, outbox. */
  final String database;
  final String dbUrl, dbUser, dbPassword, dbSchema;
  final String redisHost, redisPassword, redisPrefix;
  final int redisPort, redisDatabase;
  /** The stop point: in batch `stopBatch` (from 1; 0 for none), after the message at `stopFraction` of it. */
  final int stopBatch;
  final double stopFraction;
  final String stopAction;
  /**
   * Where in the handling of a message the stop point falls: after-apply, between-messages (after its commit, if any), or
   * after-db-write (before the event). As in worker-runtime.ts: after-apply for a crash, between-messages otherwise.
   */
  final String stopPlace;

  WorkerSettings(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) throw new IllegalArgumentException("not key=value: " + a);
      m.put(a.substring(0, eq), a.substring(eq + 1));
    }
    workerId = m.get("workerId");
    bootstrap = m.get("bootstrap");
    topic = m.get("topic");
    groupId = m.get("groupId");
    commit = m.getOrDefault("commit", "after-batch");
    dedup = m.getOrDefault("dedup", "none");
    sessionTimeout = Integer.parseInt(m.get("sessionTimeout"));
    heartbeatInterval = Integer.parseInt(m.get("heartbeatInterval"));
    maxBytesPerPartition = Integer.parseInt(m.get("maxBytesPerPartition"));
    dedupWindow = Integer.parseInt(m.getOrDefault("dedupWindow", "1000"));
    handoffDelayMs = Integer.parseInt(m.getOrDefault("handoffDelayMs", "0"));
    outputTopic = m.getOrDefault("outputTopic", "");
    output = m.getOrDefault("output", "plain");
    transactionalId = m.getOrDefault("transactionalId", "");
    transactionTimeout = Integer.parseInt(m.getOrDefault("transactionTimeout", "60000"));
    database = m.getOrDefault("database", "none");
    dbUrl = m.getOrDefault("dbUrl", "");
    dbUser = m.getOrDefault("dbUser", "");
    dbPassword = m.getOrDefault("dbPassword", "");
    dbSchema = m.getOrDefault("dbSchema", "");
    redisHost = m.getOrDefault("redisHost", "");
    redisPort = Integer.parseInt(m.getOrDefault("redisPort", "6379"));
    redisPassword = m.getOrDefault("redisPassword", "");
    redisDatabase = Integer.parseInt(m.getOrDefault("redisDatabase", "0"));
    redisPrefix = m.getOrDefault("redisPrefix", "");
    stopBatch = Integer.parseInt(m.getOrDefault("stopBatch", "0"));
    stopFraction = Double.parseDouble(m.getOrDefault("stopFraction", "0.5"));
    stopAction = m.getOrDefault("stopAction", "crash");
    stopPlace = m.getOrDefault("stopPlace", stopAction.equals("crash") ? "after-apply" : "between-messages");
  }

  /** The lab's consumer settings for every worker; `autoCommit` turns on Java's auto-commit. */
  Properties consumerProperties(boolean autoCommit) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", groupId);
    p.put("client.id", "dup-lab-" + workerId);
    // Java's auto-commit: from inside poll(), every auto.commit.interval.ms (5 s, its default), the offsets of what
    // earlier polls returned, whether or not the application has finished with them.
    p.put("enable.auto.commit", String.valueOf(autoCommit));
    p.put("auto.offset.reset", "earliest");
    p.put("session.timeout.ms", String.valueOf(sessionTimeout));
    p.put("heartbeat.interval.ms", String.valueOf(heartbeatInterval));
    // The lab's batch size for every client: a fetch of a few thousand bytes, some twenty orders.
    p.put("max.partition.fetch.bytes", String.valueOf(maxBytesPerPartition));
    p.put("fetch.max.wait.ms", "100");
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return p;
  }

  /** The modes in which the client commits by itself: Java's auto-commit, from inside poll(). */
  boolean autoCommits() {
    return commit.equals("auto") || commit.equals("auto-handoff");
  }
}
