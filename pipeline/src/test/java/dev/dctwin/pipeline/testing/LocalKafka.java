package dev.dctwin.pipeline.testing;

import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The Kafka broker of {@code runner-configs/local/services.sh}: a plaintext listener on 9092 and a
 * SASL/SCRAM-SHA-256 one on 9094. Tests name their topics, groups and users after their run.
 */
public final class LocalKafka {
  private static final KafkaClients CLIENTS =
      new KafkaClients("127.0.0.1:" + LocalServices.KAFKA, null);

  private LocalKafka() {}

  /** The broker, after checking that it runs (see {@link LocalServices#require}). */
  public static LocalKafka require() {
    LocalServices.require("the Kafka broker", LocalServices.KAFKA);
    return new LocalKafka();
  }

  public String bootstrapServers() {
    return CLIENTS.bootstrapServers();
  }

  public String saslBootstrapServers() {
    LocalServices.require("the Kafka broker's SASL listener", LocalServices.KAFKA_SASL);
    return "127.0.0.1:" + LocalServices.KAFKA_SASL;
  }

  /** Creates (or updates) a SCRAM-SHA-256 user of the SASL listener. */
  public void createScramUser(String user, String password) {
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password)))
          .all()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create SCRAM user " + user, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Admin admin() {
    return CLIENTS.admin(Map.of());
  }

  public void createTopics(int partitions, String... topics) {
    KafkaTopics.create(CLIENTS, partitions, topics);
  }

  public void deleteTopics(String... topics) {
    KafkaTopics.delete(CLIENTS, topics);
  }

  /** A producer of string keys and values, idempotent, acks=all. */
  public KafkaProducer<String, String> producer() {
    return producer(bootstrapServers());
  }

  /** A producer of string keys and values to any broker, idempotent, acks=all. */
  public static KafkaProducer<String, String> producer(String bootstrapServers) {
    return new KafkaClients(bootstrapServers, null).stringProducer();
  }

  /**
   * Reads a topic from the beginning with {@code isolation.level=read_committed} (what operators'
   * consumers see of a transactional sink) until {@code expected} records arrived or {@code
   * timeout} passed, then for {@code settle} longer to catch records beyond the expected ones.
   */
  public List<ConsumerRecord<String, String>> readCommitted(
      String topic, int expected, Duration timeout, Duration settle) {
    return readCommitted(bootstrapServers(), topic, expected, timeout, settle);
  }

  /** As {@link #readCommitted(String, int, Duration, Duration)}, from any (plaintext) broker. */
  public static List<ConsumerRecord<String, String>> readCommitted(
      String bootstrapServers, String topic, int expected, Duration timeout, Duration settle) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "dctwin-check-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (records.size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return records;
  }
}
