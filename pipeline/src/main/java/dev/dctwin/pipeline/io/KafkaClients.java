package dev.dctwin.pipeline.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How dctwin's Kafka clients connect: bootstrap servers plus an optional client properties file
 * (the {@code --command-config} file of Kafka's own tools: {@code security.protocol}, {@code
 * sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...).
 *
 * <p>The file is read where a client is created, on each worker, and its content never enters the
 * pipeline graph: KafkaIO puts consumer and producer config into the transform's display data,
 * which runners show in their UIs, and {@code sasl.jaas.config} holds a password. Only the path
 * does.
 */
public final class KafkaClients implements Serializable {
  private final String bootstrapServers;
  private final String propertiesFile;

  public KafkaClients(String bootstrapServers, String propertiesFile) {
    this.bootstrapServers = bootstrapServers;
    this.propertiesFile =
        propertiesFile == null || propertiesFile.isBlank() ? null : propertiesFile;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The client properties of the file, or none. Fails if a configured file cannot be read. */
  public Map<String, Object> fileProperties() {
    Map<String, Object> config = new HashMap<>();
    if (propertiesFile != null) {
      Properties properties = new Properties();
      try (Reader reader =
          Files.newBufferedReader(Path.of(propertiesFile), StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the Kafka properties file " + propertiesFile + ": " + e);
      }
      properties.forEach((key, value) -> config.put(key.toString(), value));
    }
    return config;
  }

  /** Bootstrap servers and the file's properties on top of {@code config}. */
  public Map<String, Object> withSecrets(Map<String, Object> config) {
    Map<String, Object> merged = new HashMap<>(config);
    merged.putAll(fileProperties());
    merged.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return merged;
  }

  public SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return config -> new KafkaConsumer<>(withSecrets(config));
  }

  /** For the exactly-once sink, which reads its metadata with a consumer of its own. */
  public SerializableFunction<Map<String, Object>, Consumer<?, ?>> metadataConsumerFactory() {
    return config -> new KafkaConsumer<>(withSecrets(config));
  }

  public <K, V> SerializableFunction<Map<String, Object>, Producer<K, V>> producerFactory() {
    return config -> new KafkaProducer<>(withSecrets(config));
  }

  /**
   * A producer of string keys and values, idempotent, acks=all, for tools that feed topics (the
   * simulator, benchmarks, tests); the job's own sinks configure theirs.
   */
  public KafkaProducer<String, String> stringProducer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(withSecrets(config), new StringSerializer(), new StringSerializer());
  }

  public Admin admin(Map<String, Object> overrides) {
    return Admin.create(withSecrets(overrides));
  }
}
