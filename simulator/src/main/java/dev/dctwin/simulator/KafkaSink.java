package dev.dctwin.simulator;

import dev.dctwin.simulator.local.Acknowledgements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends each message to its topic's Kafka topic, keyed by entity so that each series stays in one
 * partition and in order, with the event time as the record timestamp. The idempotent producer
 * keeps that order across retries.
 */
final class KafkaSink implements MessageSink {
  private final Producer<String, byte[]> producer;
  private final Acknowledgements acks = new Acknowledgements("the simulator's Kafka records");
  private final UnaryOperator<String> topicNames;

  KafkaSink(String bootstrapServers) {
    this(bootstrapServers, UnaryOperator.identity());
  }

  /** Sends to {@code topicNames.apply(topic.kafkaTopic())} instead of the default names. */
  KafkaSink(String bootstrapServers, UnaryOperator<String> topicNames) {
    this.topicNames = topicNames;
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "dctwin-simulator");
    producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends through {@code producer}, which the sink closes. */
  KafkaSink(Producer<String, byte[]> producer) {
    this.producer = producer;
    this.topicNames = UnaryOperator.identity();
  }

  @Override
  public void send(Topic topic, String key, long eventTime, String json) throws IOException {
    try {
      acks.send(
          producer,
          new ProducerRecord<>(
              topicNames.apply(topic.kafkaTopic()),
              null,
              eventTime,
              key,
              json.getBytes(StandardCharsets.UTF_8)));
    } catch (Acknowledgements.SendFailedException e) {
      throw new IOException("Kafka send failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      acks.awaitAll(producer, java.time.Duration.ofMinutes(2));
    } catch (Acknowledgements.SendFailedException e) {
      throw new IOException("Kafka send failed: " + e.getMessage(), e);
    } finally {
      producer.close();
    }
  }
}
