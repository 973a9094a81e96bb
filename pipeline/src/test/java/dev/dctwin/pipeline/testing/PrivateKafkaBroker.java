package dev.dctwin.pipeline.testing;

import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.KafkaTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker (KRaft, one node) of a test's own, in a JVM of its own, from the kafka_2.13 jars
 * whose classpath {@code runner-configs/local/services.sh} resolves for the shared broker: a
 * plaintext listener for the test's administration and a SASL_SSL one (SCRAM-SHA-256 over TLS with
 * the test's certificate) for the job. The shared broker is left alone; {@link #close()} stops this
 * one and deletes its data.
 */
public final class PrivateKafkaBroker implements AutoCloseable {
  private final Path dir;
  private final int plaintextPort;
  private final int saslSslPort;
  private final Process process;

  private PrivateKafkaBroker(Path dir, int plaintextPort, int saslSslPort, Process process) {
    this.dir = dir;
    this.plaintextPort = plaintextPort;
    this.saslSslPort = saslSslPort;
    this.process = process;
  }

  /** The classpath file services.sh writes; fails in CI, skips locally, when it is missing. */
  private static String classpath() throws IOException {
    Path kafkaDir =
        Path.of(System.getenv().getOrDefault("DCTWIN_KAFKA_DIR", "/var/tmp/dctwin-kafka"));
    Path file = kafkaDir.resolve("classpath.txt");
    LocalServices.require(
        "the Kafka broker's jars (" + file + ", written by runner-configs/local/services.sh start)",
        Files.isReadable(file));
    return Files.readString(file).strip();
  }

  /** Starts a broker whose SASL_SSL listener presents {@code certificates}' server certificate. */
  public static PrivateKafkaBroker start(Path dir, TestCertificates certificates)
      throws IOException, InterruptedException {
    String classpath = classpath();
    int plaintext = freePort();
    int saslSsl = freePort();
    int controller = freePort();
    Path config = dir.resolve("server.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controller,
            "listeners=PLAINTEXT://127.0.0.1:"
                + plaintext
                + ",SASL_SSL://127.0.0.1:"
                + saslSsl
                + ",CONTROLLER://127.0.0.1:"
                + controller,
            "advertised.listeners=PLAINTEXT://127.0.0.1:"
                + plaintext
                + ",SASL_SSL://127.0.0.1:"
                + saslSsl,
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,"
                + "CONTROLLER:PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "sasl.enabled.mechanisms=SCRAM-SHA-256",
            "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config="
                + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.keystore.type=PKCS12",
            "ssl.keystore.location=" + certificates.serverKeyStore(),
            "ssl.keystore.password=" + certificates.storePassword(),
            "ssl.key.password=" + certificates.storePassword(),
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=1",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=3",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.num.partitions=3",
            "transaction.state.log.min.isr=1",
            "min.insync.replicas=1",
            "group.initial.rebalance.delay.ms=0",
            ""));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-Dkafka.logs.dir=" + logs,
            "-Dlog4j.configuration=file:"
                + Path.of("..", "runner-configs", "local", "kafka", "log4j.properties")
                    .toAbsolutePath()
                    .normalize(),
            "-cp",
            classpath);
    List<String> format = new ArrayList<>(java);
    format.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            Uuid.randomUuid().toString(),
            "-c",
            config.toString()));
    Process formatting =
        new ProcessBuilder(format)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("format.log").toFile())
            .start();
    if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
      formatting.destroyForcibly();
      throw new IllegalStateException(
          "kafka-storage format failed: " + Files.readString(logs.resolve("format.log")));
    }
    List<String> run = new ArrayList<>(java);
    run.addAll(List.of("kafka.Kafka", config.toString()));
    Process broker =
        new ProcessBuilder(run)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("stdout.log").toFile())
            .start();
    PrivateKafkaBroker started = new PrivateKafkaBroker(dir, plaintext, saslSsl, broker);
    try {
      started.awaitPorts(plaintext, saslSsl);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  private void awaitPorts(int... ports) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (int port : ports) {
      while (!LocalServices.isUp(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the private Kafka broker did not listen on "
                  + port
                  + "; see "
                  + dir.resolve("logs"));
        }
        Thread.sleep(200);
      }
    }
  }

  /** The plaintext listener, for the test's own administration and checks. */
  public String plaintextBootstrapServers() {
    return "127.0.0.1:" + plaintextPort;
  }

  /** The SASL_SSL listener, for the job. */
  public String saslSslBootstrapServers() {
    return "127.0.0.1:" + saslSslPort;
  }

  public KafkaClients plaintextClients() {
    return new KafkaClients(plaintextBootstrapServers(), null);
  }

  public void createTopics(int partitions, String... topics) {
    KafkaTopics.create(plaintextClients(), partitions, topics);
  }

  /** Creates a SCRAM-SHA-256 user of the SASL_SSL listener. */
  public void createScramUser(String user, String password) {
    try (Admin admin = plaintextClients().admin(Map.of())) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create SCRAM user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var paths = Files.walk(dir.resolve("data"))) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // The test's temporary folder goes anyway.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
