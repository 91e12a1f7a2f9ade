// What the worker knows about its own progress, to say at its stop point what a restart would redo or skip (src/workload/worker-ledger.ts in Java).
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

final class WorkerLedger {
  private final Map<Integer, Set<Long>> applied = new HashMap<>();
  private final Map<Integer, Set<Long>> handled = new HashMap<>();
  private final Map<Integer, Set<Long>> received = new HashMap<>();
  private final Map<Integer, Long> committed = new HashMap<>();
  private int appliedCount;
  private int skippedCount;
  /** Applies of an offset this worker had applied before (it was handed its partition again). */
  private int reappliedCount;

  synchronized int appliedCount() {
    return appliedCount;
  }

  synchronized int skippedCount() {
    return skippedCount;
  }

  synchronized int handledCount() {
    return appliedCount + skippedCount;
  }

  synchronized void receive(Order o) {
    set(received, o.partition()).add(o.offset());
  }

  /** The order's side effect happened. */
  synchronized void apply(Order o) {
    if (!set(applied, o.partition()).add(o.offset())) reappliedCount++;
    set(handled, o.partition()).add(o.offset());
    appliedCount++;
  }

  /** The order was handled without a side effect (a dedup hit). */
  synchronized void skip(Order o) {
    set(handled, o.partition()).add(o.offset());
    skippedCount++;
  }

  /** The group now has `next` as the next offset to read for `partition`. */
  synchronized void commit(int partition, long next) {
    committed.put(partition, next);
  }

  /** The snapshot the lab's predictions read (WorkSnapshot in src/core/types.ts). */
  synchronized Map<String, Object> point(int messagesSeen) {
    int appliedNotCommitted = 0;
    int committedNotApplied = 0;
    for (Map.Entry<Integer, Set<Long>> e : applied.entrySet()) {
      long next = committed.getOrDefault(e.getKey(), -1L);
      for (long offset : e.getValue()) if (offset >= next) appliedNotCommitted++;
    }
    for (Map.Entry<Integer, Set<Long>> e : received.entrySet()) {
      long next = committed.getOrDefault(e.getKey(), -1L);
      Set<Long> done = handled.getOrDefault(e.getKey(), Set.of());
      for (long offset : e.getValue()) if (offset < next && !done.contains(offset)) committedNotApplied++;
      // A commit past everything received skips the offsets in between for good (as in worker-ledger.ts).
      long lastReceived = e.getValue().stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE - 1);
      if (next > lastReceived + 1) committedNotApplied += (int) (next - lastReceived - 1);
    }
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("applied", appliedCount);
    point.put("appliedNotCommitted", appliedNotCommitted);
    point.put("committedNotApplied", committedNotApplied);
    point.put("remainingInBatch", Math.max(0, messagesSeen - handledCount()));
    if (reappliedCount > 0) point.put("reapplied", reappliedCount);
    return point;
  }

  /** The snapshot of a graceful stop: point(), with every offset applied (the stopped report's, as in worker-runtime.ts). */
  synchronized Map<String, Object> endPoint(int messagesSeen) {
    Map<String, Object> point = point(messagesSeen);
    point.put("appliedOffsets", appliedOffsets());
    return point;
  }

  /** Every offset applied, as ranges per partition ("p0:0-19,40-49 p2:20-49"), as appliedOffsets() in worker-ledger.ts. */
  synchronized String appliedOffsets() {
    StringBuilder out = new StringBuilder();
    for (int partition : new TreeSet<>(applied.keySet())) {
      List<Long> sorted = new ArrayList<>(new TreeSet<>(applied.get(partition)));
      if (out.length() > 0) out.append(' ');
      out.append('p').append(partition).append(':');
      for (int i = 0; i < sorted.size(); i++) {
        int end = i;
        while (end + 1 < sorted.size() && sorted.get(end + 1) == sorted.get(end) + 1) end++;
        if (i > 0) out.append(',');
        out.append(sorted.get(i));
        if (end > i) out.append('-').append(sorted.get(end));
        i = end;
      }
    }
    return out.toString();
  }

  private static Set<Long> set(Map<Integer, Set<Long>> map, int partition) {
    return map.computeIfAbsent(partition, p -> new HashSet<>());
  }
}
