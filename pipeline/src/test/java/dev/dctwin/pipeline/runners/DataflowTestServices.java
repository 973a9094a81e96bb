package dev.dctwin.pipeline.runners;

import dev.dctwin.pipeline.testing.LocalServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What the Dataflow tests need to build the pipeline, which checks its services before it builds:
 * Kafka topics (on the local broker on 127.0.0.1:9092, else an embedded one) and a PostgreSQL
 * schema (127.0.0.1:5432), all named after one run and removed by {@link #close()}. Skips loudly
 * when PostgreSQL is down.
 */
final class DataflowTestServices implements AutoCloseable {
  static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String run = "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final List<String> topics =
      Stream.of("metrics", "sensors", "provisioning", "queries", "alerts", "answers", "dl")
          .map(name -> run + "." + name)
          .toList();
  private String bootstrapServers;

  private DataflowTestServices() {}

  static DataflowTestServices start(String test) throws Exception {
    LocalServices.require("PostgreSQL (the pipeline migrates its schema before it is built)", 5432);
    LocalServices.require("the Kafka broker", LocalServices.KAFKA);
    DataflowTestServices services = new DataflowTestServices();
    services.bootstrapServers = "127.0.0.1:" + LocalServices.KAFKA;
    try (Admin admin = services.admin()) {
      admin
          .createTopics(
              services.topics.stream().map(topic -> new NewTopic(topic, 1, (short) 1)).toList())
          .all()
          .get(1, TimeUnit.MINUTES);
    }
    return services;
  }

  /** The flags of a Kafka-to-Kafka-and-JDBC deployment on this run's topics and schema. */
  List<String> pipelineFlags() {
    return List.of(
        "--source=kafka",
        "--kafkaBootstrapServers=" + bootstrapServers,
        "--kafkaTopics="
            + String.join(
                ",", run + ".metrics", run + ".sensors", run + ".provisioning", run + ".queries"),
        "--kafkaAlertsTopic=" + run + ".alerts",
        "--kafkaAnswersTopic=" + run + ".answers",
        "--kafkaDeadLettersTopic=" + run + ".dl",
        "--deploymentId=" + run,
        "--jdbcUrl=" + POSTGRES_URL,
        "--jdbcUser=postgres",
        "--jdbcSchema=" + run);
  }

  String run() {
    return run;
  }

  @Override
  public void close() {
    try (Admin admin = admin()) {
      admin.deleteTopics(topics).all().get(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      System.err.println("could not delete the test's topics: " + e);
    }
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + run + " CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop schema " + run + ": " + e.getMessage());
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
