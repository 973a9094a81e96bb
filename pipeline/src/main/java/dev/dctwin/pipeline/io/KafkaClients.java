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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

  /** What every producer of dctwin needs, whatever the file says: no lost or doubled send. */
  public static final Map<String, Object> RELIABLE_PRODUCER =
      Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);

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
    return withSecrets(config, Map.of());
  }

  /**
   * {@code defaults}, the file's properties over them, bootstrap servers, and then {@code required}
   * over all: what a client needs for its guarantees ({@code transactional.id}, {@code
   * enable.idempotence}, {@code acks=all}, {@code isolation.level=read_committed}) cannot be
   * changed by the file. A file that tries is logged, by key only (values may be secrets).
   */
  public Map<String, Object> withSecrets(
      Map<String, Object> defaults, Map<String, Object> required) {
    Map<String, Object> merged = new HashMap<>(defaults);
    Map<String, Object> file = fileProperties();
    for (Map.Entry<String, Object> entry : required.entrySet()) {
      Object fromFile = file.get(entry.getKey());
      if (fromFile != null
          && !String.valueOf(fromFile).equalsIgnoreCase(String.valueOf(entry.getValue()))) {
        LOG.warn(
            "the Kafka properties file {} sets {}, which this client needs as it is: ignored",
            propertiesFile,
            entry.getKey());
      }
    }
    merged.putAll(file);
    merged.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    merged.putAll(required);
    return merged;
  }

  public SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return config -> new KafkaConsumer<>(withSecrets(config));
  }

  /** A consumer of {@code defaults}, the file and {@code required} (see {@link #withSecrets}). */
  public <K, V> Consumer<K, V> consumer(
      Map<String, Object> defaults, Map<String, Object> required) {
    return new KafkaConsumer<>(withSecrets(defaults, required));
  }

  /** A producer of {@code defaults}, the file and {@code required} (see {@link #withSecrets}). */
  public <K, V> Producer<K, V> producer(
      Map<String, Object> defaults, Map<String, Object> required) {
    return new KafkaProducer<>(withSecrets(defaults, required));
  }

  /**
   * For KafkaIO's writer: its config, the file, and {@code required} over both (KafkaIO's own
   * config updates would lose to the file).
   */
  public <K, V> SerializableFunction<Map<String, Object>, Producer<K, V>> producerFactory(
      Map<String, Object> required) {
    Map<String, Object> fixed = new HashMap<>(required);
    return config -> new KafkaProducer<>(withSecrets(config, fixed));
  }

  /**
   * A producer of string keys and values, idempotent, acks=all, for tools that feed topics (the
   * simulator, benchmarks, tests); the job's own sinks configure theirs.
   */
  public KafkaProducer<String, String> stringProducer() {
    return new KafkaProducer<>(
        withSecrets(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5), RELIABLE_PRODUCER),
        new StringSerializer(),
        new StringSerializer());
  }

  public Admin admin(Map<String, Object> overrides) {
    return Admin.create(withSecrets(overrides));
  }
}
