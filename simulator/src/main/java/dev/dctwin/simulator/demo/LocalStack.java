package dev.dctwin.simulator.demo;

import dev.dctwin.pipeline.cli.UsageException;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.EmbeddedMqttBroker;
import dev.dctwin.simulator.local.EmbeddedPostgres;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The demo's services: the brokers and database its flags name, or else embedded ones: a Kafka
 * broker (KRaft) and an MQTT broker (Moquette) in this JVM, and the local PostgreSQL if one answers
 * on 127.0.0.1:5432, else an embedded one as a child process. Embedded services stop with {@link
 * #close()}; external ones are left alone.
 */
final class LocalStack implements AutoCloseable {
  static final String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String LOCAL_POSTGRES_USER = "postgres";

  private EmbeddedKafka kafka;
  private EmbeddedMqttBroker mqtt;
  private EmbeddedPostgres postgres;
  private String kafkaBootstrapServers;
  private String mqttServerUri;
  private String jdbcUrl;
  private String jdbcUser;
  private String jdbcPasswordFile;
  private String databaseNote;

  private LocalStack() {}

  /**
   * Starts what the flags do not name. {@code given} holds the names of the flags on the command
   * line, since an option left at its default cannot be told from one given.
   */
  static LocalStack start(DemoCommand.Options options, Set<String> given, PrintStream out) {
    LocalStack stack = new LocalStack();
    try {
      if (given.contains("kafkaBootstrapServers")) {
        stack.kafkaBootstrapServers = options.getKafkaBootstrapServers();
        out.printf("kafka:    %s (external)%n", stack.kafkaBootstrapServers);
      } else {
        stack.kafka = EmbeddedKafka.create().start();
        stack.kafkaBootstrapServers = stack.kafka.bootstrapServers();
        out.printf("kafka:    %s (embedded, KRaft)%n", stack.kafkaBootstrapServers);
      }
      if (given.contains("mqttServerUri")) {
        stack.mqttServerUri = options.getMqttServerUri();
        out.printf("mqtt:     %s (external)%n", stack.mqttServerUri);
      } else {
        stack.mqtt = EmbeddedMqttBroker.start();
        stack.mqttServerUri = stack.mqtt.serverUri();
        out.printf("mqtt:     %s (embedded, Moquette)%n", stack.mqttServerUri);
      }
      if (given.contains("jdbcUrl")) {
        stack.jdbcUrl = options.getJdbcUrl();
        stack.jdbcUser = options.getJdbcUser();
        stack.databaseNote = "external";
      } else {
        stack.chooseDatabase(options.getDatabase(), out);
      }
      if (stack.jdbcUrl != null) {
        out.printf("database: %s (%s)%n", JdbcTarget.redact(stack.jdbcUrl), stack.databaseNote);
      }
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void chooseDatabase(String choice, PrintStream out) {
    switch (choice.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> {
        if (answers(LOCAL_POSTGRES, LOCAL_POSTGRES_USER)) {
          jdbcUrl = LOCAL_POSTGRES;
          jdbcUser = LOCAL_POSTGRES_USER;
          databaseNote = "the local PostgreSQL";
        } else {
          startEmbeddedPostgres(out);
        }
      }
      case "embedded" -> startEmbeddedPostgres(out);
      case "none" -> out.println("database: none (--database=none); alerts go to Kafka and files");
      default ->
          throw new UsageException("--database=" + choice + " is not one of auto, embedded, none");
    }
  }

  private void startEmbeddedPostgres(PrintStream out) {
    try {
      postgres = EmbeddedPostgres.start();
      jdbcUrl = postgres.jdbcUrl();
      jdbcUser = postgres.user();
      jdbcPasswordFile = postgres.passwordFile().toString();
      databaseNote = "embedded, from Maven Central's PostgreSQL binaries; gone when the demo ends";
    } catch (RuntimeException e) {
      out.println(
          "database: NONE. The embedded PostgreSQL did not start ("
              + e.getMessage()
              + "); alerts go to Kafka and the demo's folder only.");
    }
  }

  String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  String mqttServerUri() {
    return mqttServerUri;
  }

  /** The JDBC URL of the alerts' database, or null when there is none. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  String jdbcUser() {
    return jdbcUser;
  }

  /**
   * The file with the database password when the stack made the database (the embedded one's is
   * random); null when the flags name it or the database needs none.
   */
  String jdbcPasswordFile() {
    return jdbcPasswordFile;
  }

  boolean embeddedKafka() {
    return kafka != null;
  }

  /** Creates the topics that do not exist yet, with this many partitions each. */
  void createTopics(KafkaClients clients, Map<String, Integer> partitionsByTopic) {
    try (Admin admin = clients.admin(Map.of())) {
      List<NewTopic> topics = new ArrayList<>();
      partitionsByTopic.forEach(
          (topic, partitions) -> topics.add(new NewTopic(topic, partitions, (short) 1)));
      for (var created : admin.createTopics(topics).values().values()) {
        try {
          created.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topics: " + e.getCause().getMessage(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean answers(String url, String user) {
    DriverManager.setLoginTimeout(3);
    try (Connection connection = DriverManager.getConnection(url, user, "")) {
      return connection.isValid(3);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
    if (mqtt != null) {
      mqtt.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
