// A manual commitSync of one partition's next offset, into the ledger and reported; a refused one is reported and returns false.
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.protocol.Errors;

final class Commits {
  private Commits() {}

  /**
   * A refused or failed commit is reported with the messages the worker will not apply because of it; the caller
   * ends the batch and seeks back to what it did not apply (after a rebalance the rejoin restarts at the committed offset anyway).
   */
  static boolean commitSync(KafkaConsumer<?, ?> consumer, WorkerLedger ledger, TopicPartition tp, long next, int notApplied) {
    try {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
    } catch (KafkaException error) {
      // A protocol error's name where there is one; else the exception's (CommitFailedException: the group moved on).
      Errors code = Errors.forException(error);
      String name = code == Errors.UNKNOWN_SERVER_ERROR && !(error instanceof UnknownServerException) ? error.getClass().getSimpleName() : code.name();
      Reports.send("commit-failed", "error", Reports.describe(error), "code", name, "notApplied", notApplied);
      return false;
    }
    committed(ledger, tp, next);
    return true;
  }

  /** A commit that happened (by commitSync, or with a transaction): into the ledger, and reported to the lab. */
  static void committed(WorkerLedger ledger, TopicPartition tp, long next) {
    ledger.commit(tp.partition(), next);
    Reports.send("committed", "offsets", List.of(Map.of("partition", tp.partition(), "offset", String.valueOf(next))));
  }
}
