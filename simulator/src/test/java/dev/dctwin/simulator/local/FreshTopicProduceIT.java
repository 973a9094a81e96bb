package dev.dctwin.simulator.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Producing right after {@link EmbeddedKafka#createTopics}: every record must be taken. The join
 * benchmark's pre-fill lost a whole batch of its idempotent producer on a fresh topic (see {@code
 * pipeline/FRESH-TOPICS.md}).
 */
public class FreshTopicProduceIT {
  private static final int PARTITIONS = 2;
  private static final int TOPICS = 30;
  private static EmbeddedKafka kafka;

  @BeforeClass
  public static void startBroker() {
    kafka = EmbeddedKafka.create().start();
  }

  @AfterClass
  public static void stopBroker() {
    kafka.close();
  }

  /**
   * The contract itself: once createTopics returns, the leader of every partition takes a write at
   * the first attempt. A producer without retries reports the broker's NOT_LEADER_OR_FOLLOWER
   * instead of hiding it.
   */
  @Test
  public void everyPartitionTakesAWriteAsSoonAsCreateTopicsReturns() throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false,
                ProducerConfig.RETRIES_CONFIG,
                0),
            new StringSerializer(),
            new StringSerializer())) {
      for (int t = 0; t < TOPICS; t++) {
        String topic = "fresh-first-" + t;
        kafka.createTopics(PARTITIONS, topic);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          sends.add(producer.send(new ProducerRecord<>(topic, p, "k", "v")));
        }
        for (int p = 0; p < PARTITIONS; p++) {
          try {
            sends.get(p).get();
          } catch (ExecutionException e) {
            throw new AssertionError(topic + "-" + p + " refused its first write", e.getCause());
          }
        }
      }
    }
  }
}
