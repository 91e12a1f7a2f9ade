// The Apache Kafka Java producer as a lab client, run with the JDK's source launcher on the lab's cached kafka-clients jars.
// Reads its settings from the arguments and its messages from stdin (one per line: key, a tab, the value), sends each as its own
// record with at most <concurrency> sends open, and prints one line per send as it ends ("<line> ok", "<line> unknown <error>",
// "<line> failed <error>"), then "done <ms of the sends>".
// Usage: java -cp <classpath> LabProducer.java <bootstrap> <topic> <client id> <acks> <idempotent> <retries> <max in flight> <concurrency>
//        <request timeout ms> <delivery timeout ms>
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;

public class LabProducer {
  public static void main(String[] args) throws Exception {
    String topic = args[1];
    int concurrency = Integer.parseInt(args[7]);
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("client.id", args[2]);
    props.put("acks", args[3]);
    props.put("enable.idempotence", args[4]);
    props.put("retries", args[5]);
    props.put("max.in.flight.requests.per.connection", args[6]);
    props.put("request.timeout.ms", args[8]);
    props.put("delivery.timeout.ms", args[9]);
    // One record per batch, sent at once: each send is its own Produce request, as with the Node clients.
    props.put("linger.ms", "0");
    props.put("batch.size", "1");
    // The lab's first retry wait for every client (kafkajs' 300 ms; Java's default is 100 ms).
    props.put("retry.backoff.ms", "300");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());

    List<String[]> messages = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      messages.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
    }

    Semaphore open = new Semaphore(concurrency);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      // The clock starts with a producer that knows the topic's leader, as the Node clients' starts after connect():
      // the JVM's start and the first metadata round trip are not the sends' time (a msg/s pass is 600 sends).
      producer.partitionsFor(topic);
      long started = System.nanoTime();
      for (int i = 0; i < messages.size(); i++) {
        final int index = i;
        open.acquire();
        producer.send(new ProducerRecord<>(topic, messages.get(i)[0], messages.get(i)[1]), (metadata, error) -> {
          // A retriable error leaves the outcome open (the write may have happened); any other is a refusal.
          String outcome = error == null ? "ok" : error instanceof RetriableException ? "unknown" : "failed";
          String detail = error == null ? "" : " " + error.getClass().getSimpleName() + ": " + String.valueOf(error.getMessage()).replace('\n', ' ');
          synchronized (System.out) {
            System.out.println(index + " " + outcome + detail);
          }
          open.release();
        });
      }
      producer.flush();
      open.acquire(concurrency);
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      synchronized (System.out) {
        System.out.println("done " + elapsedMs);
      }
    }
  }
}
