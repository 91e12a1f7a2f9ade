// The worker's settings, from key=value arguments the lab writes (src/clients/java-worker.ts): WorkerConfig in Java.
import java.util.HashMap;
import java.util.Map;

final class WorkerSettings {
  final String workerId, bootstrap, topic, groupId, commit, dedup;
  final int sessionTimeout, heartbeatInterval, maxBytesPerPartition, dedupWindow, handoffDelayMs;
  final String dbUrl, dbUser, dbPassword, dbSchema;
  final String redisHost, redisPassword, redisPrefix;
  final int redisPort, redisDatabase;
  /** The stop point: in batch `stopBatch` (from 1; 0 for none), after the message at `stopFraction` of it. */
  final int stopBatch;
  final double stopFraction;
  final String stopAction;

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
    commit = m.get("commit");
    dedup = m.get("dedup");
    sessionTimeout = Integer.parseInt(m.get("sessionTimeout"));
    heartbeatInterval = Integer.parseInt(m.get("heartbeatInterval"));
    maxBytesPerPartition = Integer.parseInt(m.get("maxBytesPerPartition"));
    dedupWindow = Integer.parseInt(m.get("dedupWindow"));
    handoffDelayMs = Integer.parseInt(m.get("handoffDelayMs"));
    dbUrl = m.get("dbUrl");
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
  }

  /** The modes in which the client commits by itself: Java's auto-commit, from inside poll(). */
  boolean autoCommits() {
    return commit.equals("auto") || commit.equals("auto-handoff");
  }
}
