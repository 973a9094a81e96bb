package dev.dctwin.simulator.local;

import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.KafkaTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) inside this JVM, on free ports
 * of 127.0.0.1, with its data in a temporary folder that {@link #close()} deletes. Starts in about
 * 5 seconds; transactions work (replication factor 1 for the internal topics).
 *
 * <p>Optionally a second listener with SASL/PLAIN for tests of authentication: {@link
 * #withSaslUser(String, String)}. Used by the tests and by the local demo; the stand-alone broker
 * of {@code runner-configs/local/services.sh} runs the same classes in a JVM of its own.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Map<String, String> saslUsers;
  private Path dataDir;
  private KafkaRaftServer server;
  private int port;
  private int controllerPort;
  private int saslPort;

  private EmbeddedKafka(Map<String, String> saslUsers) {
    this.saslUsers = saslUsers;
  }

  /** A broker with one plaintext listener. */
  public static EmbeddedKafka create() {
    return new EmbeddedKafka(Map.of());
  }

  /** Adds a SASL_PLAINTEXT listener (mechanism PLAIN) that knows this user; repeatable. */
  public EmbeddedKafka withSaslUser(String user, String password) {
    Map<String, String> users = new HashMap<>(saslUsers);
    users.put(user, password);
    return new EmbeddedKafka(users);
  }

  /** Formats the storage and starts the broker; returns when it accepts clients. */
  public EmbeddedKafka start() {
    try {
      dataDir = Files.createTempDirectory("dctwin-kafka-");
      port = freePort();
      controllerPort = freePort();
      saslPort = saslUsers.isEmpty() ? -1 : freePort();
      Properties config = config();
      Path configFile = dataDir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
        config.store(out, "dctwin embedded Kafka");
      }
      ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
      int formatted =
          StorageTool.execute(
              new String[] {
                "format", "-t", uuidForKafka(), "-c", configFile.toString(), "--ignore-formatted"
              },
              new PrintStream(formatLog, true, StandardCharsets.UTF_8));
      if (formatted != 0) {
        throw new IllegalStateException(
            "cannot format Kafka storage: " + formatLog.toString(StandardCharsets.UTF_8));
      }
      startServer(config);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops the broker as an operator's restart would (a clean shutdown) and starts it again on the
   * same ports with the same data: clients see a broker that went away and came back.
   */
  public EmbeddedKafka restart() {
    return restart(Duration.ZERO);
  }

  /** {@link #restart()}, with the broker away for {@code downtime} in between. */
  public EmbeddedKafka restart(Duration downtime) {
    if (server == null) {
      throw new IllegalStateException("the broker is not running: start it first");
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
    try {
      Thread.sleep(downtime.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    startServer(config());
    return this;
  }

  private void startServer(Properties config) {
    server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
  }

  private Properties config() {
    Properties config = new Properties();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (saslPort > 0) {
      listeners += ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
      protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
      config.put("sasl.enabled.mechanisms", "PLAIN");
      StringBuilder jaas =
          new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
      saslUsers.forEach(
          (user, password) ->
              jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
      config.put(
          "listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }
    config.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", listeners);
    config.put("listener.security.protocol.map", protocols);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", dataDir.resolve("data").toString());
    config.put("num.partitions", "1");
    config.put("auto.create.topics.enable", "false");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("min.insync.replicas", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // Replays, tests and benchmarks write records with historical timestamps; time-based
    // retention (7 days by default) deleted a pre-filled benchmark topic at the broker's first
    // retention check, 30 s after start, while the job was still reading it. The data folder is
    // temporary, so nothing outlives the broker anyway.
    config.put("log.retention.ms", "-1");
    return config;
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get();
        return;
      } catch (ExecutionException | RuntimeException e) {
        last = e instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("embedded Kafka did not start within " + timeout, last);
  }

  /** host:port of the plaintext listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** host:port of the SASL_PLAINTEXT listener. */
  public String saslBootstrapServers() {
    if (saslPort < 0) {
      throw new IllegalStateException("no SASL listener: use withSaslUser");
    }
    return "127.0.0.1:" + saslPort;
  }

  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
  }

  /** Creates the topics (if missing) with this many partitions each. */
  public void createTopics(int partitions, String... topics) {
    KafkaTopics.create(new KafkaClients(bootstrapServers(), null), partitions, topics);
  }

  public void deleteTopics(String... topics) {
    KafkaTopics.delete(new KafkaClients(bootstrapServers(), null), topics);
  }

  /** A producer of string keys and values, idempotent, acks=all. */
  public KafkaProducer<String, String> producer() {
    return producer(bootstrapServers());
  }

  /** A producer of string keys and values to any broker, idempotent, acks=all. */
  public static KafkaProducer<String, String> producer(String bootstrapServers) {
    return new KafkaClients(bootstrapServers, null).stringProducer();
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // A leftover temporary folder is harmless.
      }
      dataDir = null;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String uuidForKafka() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

  /** Runs a broker until the JVM stops: {@code EmbeddedKafka} prints its bootstrap servers. */
  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = create().start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
    System.out.println(kafka.bootstrapServers());
    Thread.currentThread().join();
  }
}
