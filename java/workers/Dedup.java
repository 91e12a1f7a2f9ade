// Consumer-side deduplication from the source notes, as src/workload/dedup.ts: Redis SET NX, a window of recent ids, or none here.
import java.util.List;

interface Dedup extends AutoCloseable {
  /** Before the side effect: may this worker apply the order? */
  default boolean claim(Order order) throws Exception {
    return true;
  }

  /** After the side effect. */
  default void applied(Order order) throws Exception {}

  /** After the offsets covering these orders were committed. */
  default void committed(List<Order> orders) throws Exception {}

  @Override
  default void close() throws Exception {}

  /** none, and processed-table (it dedups inside the business transaction). */
  Dedup NONE = new Dedup() {};

  static Dedup open(WorkerSettings s, BusinessDatabase db) throws Exception {
    switch (s.dedup) {
      case "none":
      case "processed-table":
        return NONE;
      case "dedup-window":
        return new Dedup() {
          @Override
          public boolean claim(Order order) throws Exception {
            return !db.recentlySeen(order.id());
          }

          // A separate write after the business transaction: a crash between the two leaves a gap.
          @Override
          public void applied(Order order) throws Exception {
            db.remember(order.id(), s.dedupWindow);
          }
        };
      case "redis-setnx": {
        RedisClaims redis = new RedisClaims(s.redisHost, s.redisPort, s.redisPassword, s.redisDatabase, s.redisPrefix, s.workerId);
        // The key lives until the offset commit covers its order: as long as a redelivery through this group can happen.
        return new Dedup() {
          @Override
          public boolean claim(Order order) throws Exception {
            return redis.claim(order);
          }

          @Override
          public void committed(List<Order> orders) throws Exception {
            redis.release(orders);
          }

          @Override
          public void close() throws Exception {
            redis.close();
          }
        };
      }
      default:
        throw new IllegalArgumentException("the Java worker has no dedup mode " + s.dedup);
    }
  }
}
