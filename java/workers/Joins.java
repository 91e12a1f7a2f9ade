// Reports each assignment the group gives this worker, as the Node workers report kafkajs' GROUP_JOIN; tells the worker of revocations.
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

final class Joins {
  private Joins() {}

  static ConsumerRebalanceListener reported(KafkaConsumer<?, ?> consumer, String topic) {
    return reported(consumer, topic, revoked -> {}, lost -> {});
  }

  /**
   * `onRevoke` runs in onPartitionsRevoked, inside poll(), before the worker gives its partitions up; `onLost` in
   * onPartitionsLost, when they are already gone (an evicted member: nothing can be committed for them any more).
   */
  static ConsumerRebalanceListener reported(
      KafkaConsumer<?, ?> consumer,
      String topic,
      java.util.function.Consumer<Collection<TopicPartition>> onRevoke,
      java.util.function.Consumer<Collection<TopicPartition>> onLost) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        List<Integer> partitions = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) if (tp.topic().equals(topic)) partitions.add(tp.partition());
        Reports.send("joined", "memberId", consumer.groupMetadata().memberId(), "partitions", partitions);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (!revoked.isEmpty()) onRevoke.accept(revoked);
      }

      // Its default calls onPartitionsRevoked, which would commit for partitions that are no longer ours.
      @Override
      public void onPartitionsLost(Collection<TopicPartition> lost) {
        if (!lost.isEmpty()) onLost.accept(lost);
      }
    };
  }
}
