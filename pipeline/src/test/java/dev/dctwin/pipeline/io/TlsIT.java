package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.io.IoTestSupport.AlertRow;
import dev.dctwin.pipeline.testing.CliProcess;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.PrivateKafkaBroker;
import dev.dctwin.pipeline.testing.PrivatePostgres;
import dev.dctwin.pipeline.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * TLS end to end, with certificates the test makes ({@link TestCertificates}: a CA and a server
 * certificate for localhost and 127.0.0.1) and services of its own, so the shared ones keep their
 * configuration: the CLI, in a JVM of its own, reads metrics from and writes alerts exactly once to
 * a Kafka broker over SASL_SSL (SCRAM-SHA-256); reads MQTT over TLS from a Mosquitto with a
 * password; and writes alerts to a PostgreSQL with {@code sslmode=verify-full}. A wrong root
 * certificate or a host name the certificate does not carry fails the run within seconds with one
 * line, and no password shows in any output. See pipeline/IO.md ("TLS").
 */
@RunWith(JUnit4.class)
public class TlsIT {
  @ClassRule public static final TemporaryFolder CERTIFICATES = new TemporaryFolder();
  private static TestCertificates certificates;

  @Rule public final TemporaryFolder folder = new TemporaryFolder();
  private final String run = IoTestSupport.runId();

  @BeforeClass
  public static void makeCertificates() throws Exception {
    long started = System.nanoTime();
    certificates = TestCertificates.create(CERTIFICATES.getRoot().toPath());
    System.out.printf(
        "TlsIT: certificates made in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterClass
  public static void forget() {
    certificates = null;
  }

  private Path file(String name, String content) throws IOException {
    Path path = folder.getRoot().toPath().resolve(name);
    Files.writeString(path, content);
    return path;
  }

  private static void assertNoneIn(String output, String... secrets) {
    for (String secret : secrets) {
      assertThat(output, not(containsString(secret)));
    }
  }

  private static void assertFailsFastWithOneLine(CliProcess cli, String... expected) {
    System.out.printf(
        "TlsIT: exit %d after %d ms: %s%n", cli.exitCode(), cli.millis(), cli.errorLines());
    assertThat(cli.stderr(), cli.exitCode(), equalTo(1));
    // Seconds of its own (10 s connection timeouts); the bound covers a JVM start on a loaded
    // 2-core machine.
    assertThat(cli.millis(), lessThan(60_000L));
    assertThat(cli.stderr(), cli.errorLines().size(), equalTo(1));
    for (String part : expected) {
      assertThat(cli.errorLines().get(0), containsString(part));
    }
    assertThat(cli.stderr(), not(containsString("\tat ")));
  }

  // ---------------------------------------------------------------- Kafka: SASL_SSL, SCRAM

  private Path kafkaProperties(String user, String password, Path trustStore) throws IOException {
    return file(
        "kafka-" + UUID.randomUUID() + ".properties",
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-256",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\""
                + user
                + "\" password=\""
                + password
                + "\";",
            "ssl.truststore.type=JKS",
            "ssl.truststore.location=" + trustStore,
            ""));
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, String key, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  @Test
  public void kafkaOverSaslSslReadsMetricsAndWritesEachAlertOnce() throws Exception {
    String user = "dctwin-" + run;
    String password = "kafka-" + UUID.randomUUID();
    Path brokerDir = folder.newFolder("kafka").toPath();
    long started = System.nanoTime();
    try (PrivateKafkaBroker broker = PrivateKafkaBroker.start(brokerDir, certificates)) {
      System.out.printf(
          "TlsIT: private Kafka broker up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      broker.createScramUser(user, password);
      String metrics = run + ".metrics";
      String provisioning = run + ".provisioning";
      String alerts = run + ".alerts";
      String deadLetters = run + ".dead-letters";
      broker.createTopics(1, metrics, provisioning, alerts, run + ".answers", deadLetters);

      long start = (System.currentTimeMillis() / 10_000) * 10_000 - 7 * 60_000;
      String failing = IoTestSupport.serverId(4);
      long failFrom = start + 120_000;
      try (KafkaProducer<String, String> producer =
          LocalKafka.producer(broker.plaintextBootstrapServers())) {
        for (Message commission : IoTestSupport.commissions(start)) {
          send(producer, provisioning, "c", IoTestSupport.json(commission));
        }
        for (ServerMetricReport report :
            IoTestSupport.reports(start, 6, failing, failFrom, Long.MAX_VALUE)) {
          send(producer, metrics, report.serverId(), IoTestSupport.json(report));
        }
        send(producer, metrics, "x", "{\"type\":\"telemetry\"}");
      }

      List<String> args =
          new ArrayList<>(
              List.of(
                  "run",
                  "--source=kafka",
                  "--sinks=kafka",
                  "--maxReadTimeSeconds=15",
                  "--kafkaBootstrapServers=" + broker.saslSslBootstrapServers(),
                  "--kafkaTopics=" + metrics + "," + provisioning,
                  "--kafkaConsumerGroup=" + run,
                  "--kafkaAlertsTopic=" + alerts,
                  "--kafkaAnswersTopic=" + run + ".answers",
                  "--kafkaDeadLettersTopic=" + deadLetters,
                  "--deploymentId=" + run,
                  "--silenceAfterSeconds=3600"));
      Path dir = folder.getRoot().toPath();
      CliProcess wrongRoot =
          CliProcess.run(
              dir,
              withFlag(
                  args,
                  "--kafkaPropertiesFile="
                      + kafkaProperties(user, password, certificates.otherTrustStore())),
              Map.of(),
              null);
      assertFailsFastWithOneLine(wrongRoot, "Kafka", broker.saslSslBootstrapServers());
      assertNoneIn(wrongRoot.all(), password);

      CliProcess ok =
          CliProcess.run(
              dir,
              withFlag(
                  args,
                  "--kafkaPropertiesFile="
                      + kafkaProperties(user, password, certificates.trustStore())),
              Map.of(),
              null);
      System.out.printf(
          "TlsIT: Kafka SASL_SSL run exit %d after %d ms%n", ok.exitCode(), ok.millis());
      assertThat(ok.stderr(), ok.exitCode(), equalTo(0));
      assertNoneIn(ok.all(), password);

      long openedAt = failFrom + 20_000;
      String incidentId =
          Alert.incidentId(Level.SERVER, failing, IncidentType.DISK_FAILURE, openedAt);
      List<ConsumerRecord<String, String>> written =
          LocalKafka.readCommitted(
              broker.plaintextBootstrapServers(),
              alerts,
              1,
              Duration.ofSeconds(30),
              Duration.ofSeconds(3));
      assertThat(
          written.stream().map(ConsumerRecord::key).toList(),
          equalTo(List.of(incidentId + ":OPENED")));
      List<ConsumerRecord<String, String>> letters =
          LocalKafka.readCommitted(
              broker.plaintextBootstrapServers(),
              deadLetters,
              1,
              Duration.ofSeconds(30),
              Duration.ofSeconds(3));
      assertThat(letters.size(), equalTo(1));
      assertThat(letters.get(0).value(), containsString("UNKNOWN_MESSAGE_TYPE"));
    }
  }

  private static List<String> withFlag(List<String> args, String flag) {
    List<String> all = new ArrayList<>(args);
    all.add(flag);
    return all;
  }

  // ---------------------------------------------------------------- MQTT: TLS and a password

  private Process startMosquitto(int port, Path passwords) throws Exception {
    Path config = folder.getRoot().toPath().resolve("mosquitto.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            // The test's folder is private: without this, mosquitto started as root drops to
            // its own user and cannot read it.
            "user " + System.getProperty("user.name"),
            "listener " + port + " 127.0.0.1",
            "cafile " + certificates.caPem(),
            "certfile " + certificates.serverCertificatePem(),
            "keyfile " + certificates.serverKeyPem(),
            "allow_anonymous false",
            "password_file " + passwords,
            "log_dest none",
            ""));
    Process mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", config.toString()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return mosquitto;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    mosquitto.destroy();
    throw new IllegalStateException("mosquitto did not start");
  }

  private static SSLContext trusting(Path trustStore) throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    try (InputStream in = Files.newInputStream(trustStore)) {
      store.load(in, null);
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  @Test
  public void mqttOverTlsWithAPasswordFromTheEnvironment() throws Exception {
    dev.dctwin.pipeline.testing.LocalServices.require(
        "mosquitto and mosquitto_passwd (services.sh installs them)",
        Files.isExecutable(Path.of("/usr/sbin/mosquitto"))
            && Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd")));
    String user = "dctwin";
    String password = "mqtt-" + UUID.randomUUID();
    Path passwords = folder.getRoot().toPath().resolve("mosquitto.passwd");
    Process passwd =
        new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), user, password)
            .redirectErrorStream(true)
            .start();
    assertThat(passwd.waitFor(), equalTo(0));
    int port = freePort();
    String uri = "ssl://127.0.0.1:" + port;
    String topic = "dctwin-" + run + "/metrics";
    Process mosquitto = startMosquitto(port, passwords);
    MqttClient publisher = new MqttClient(uri, "pub-" + run, new MemoryPersistence());
    try {
      MqttConnectOptions connect = new MqttConnectOptions();
      connect.setUserName(user);
      connect.setPassword(password.toCharArray());
      connect.setSocketFactory(trusting(certificates.trustStore()).getSocketFactory());
      publisher.connect(connect);
      Path deadLettersOut = folder.getRoot().toPath().resolve("dead-letters.jsonl");
      List<String> args =
          List.of(
              "run",
              "--source=mqtt",
              "--sinks=file",
              "--alertsOut=" + folder.getRoot().toPath().resolve("alerts.jsonl"),
              "--deadLettersOut=" + deadLettersOut,
              "--maxReadTimeSeconds=10",
              "--mqttServerUri=" + uri,
              "--mqttTopics=" + topic,
              "--mqttUsername=" + user);
      Map<String, String> environment = Map.of(MqttOptions.PASSWORD_ENV, password);
      Path dir = folder.getRoot().toPath();

      CliProcess wrongRoot =
          CliProcess.run(
              dir,
              withFlag(args, "--mqttTrustStore=" + certificates.otherTrustStore()),
              environment,
              null);
      assertFailsFastWithOneLine(wrongRoot, "MQTT", uri);
      assertNoneIn(wrongRoot.all(), password);

      CliProcess ok =
          CliProcess.run(
              dir,
              withFlag(args, "--mqttTrustStore=" + certificates.trustStore()),
              environment,
              () -> {
                try {
                  publisher.publish(
                      topic, ("not json " + run).getBytes(StandardCharsets.UTF_8), 1, false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      System.out.printf("TlsIT: MQTT TLS run exit %d after %d ms%n", ok.exitCode(), ok.millis());
      assertThat(ok.stderr(), ok.exitCode(), equalTo(0));
      assertNoneIn(ok.all(), password);
      List<String> letters =
          Files.readAllLines(deadLettersOut).stream()
              .filter(line -> line.contains("NOT_JSON") && line.contains("mqtt:" + topic))
              .toList();
      assertThat(letters.size(), greaterThan(0));
    } finally {
      if (publisher.isConnected()) {
        publisher.disconnect();
      }
      publisher.close();
      mosquitto.destroy();
    }
  }

  // ---------------------------------------------------------------- JDBC: sslmode=verify-full

  @Test
  public void jdbcWithVerifyFullWritesAndRefusesAWrongRootOrHost() throws Exception {
    long started = System.nanoTime();
    try (PrivatePostgres postgres = PrivatePostgres.start(certificates)) {
      System.out.printf(
          "TlsIT: private PostgreSQL up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      Path input = folder.newFolder("input").toPath();
      long start = (System.currentTimeMillis() / 10_000) * 10_000 - 7 * 60_000;
      String failing = IoTestSupport.serverId(2);
      long failFrom = start + 120_000;
      List<String> lines = new ArrayList<>();
      IoTestSupport.commissions(start).forEach(m -> lines.add(IoTestSupport.json(m)));
      IoTestSupport.reports(start, 6, failing, failFrom, Long.MAX_VALUE)
          .forEach(m -> lines.add(IoTestSupport.json(m)));
      Files.write(input.resolve("messages.jsonl"), lines);
      Path passwordFile = file("pg-password", postgres.password() + "\n");
      String verifyFull = "?sslmode=verify-full&sslrootcert=" + certificates.caPem();
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres" + verifyFull;
      List<String> args =
          List.of(
              "run",
              "--source=file",
              "--inputDir=" + input,
              "--sinks=jdbc",
              "--jdbcUser=postgres",
              "--jdbcSchema=" + run);
      Path dir = folder.getRoot().toPath();

      CliProcess ok =
          CliProcess.run(
              dir,
              withFlag(withFlag(args, "--jdbcUrl=" + url), "--jdbcPasswordFile=" + passwordFile),
              Map.of(),
              null);
      System.out.printf(
          "TlsIT: JDBC verify-full run exit %d after %d ms%n", ok.exitCode(), ok.millis());
      assertThat(ok.stderr(), ok.exitCode(), equalTo(0));
      assertNoneIn(ok.all(), postgres.password());
      long openedAt = failFrom + 20_000;
      String incidentId =
          Alert.incidentId(Level.SERVER, failing, IncidentType.DISK_FAILURE, openedAt);
      assertThat(
          IoTestSupport.alertRows(url + "&password=" + postgres.password(), "postgres", run),
          equalTo(
              List.of(
                  new AlertRow(incidentId, "OPENED", failing, "DISK_FAILURE", openedAt, null))));

      // A root that did not sign the server's certificate; the password in the URL this time,
      // which every message shows as ***.
      String wrongRoot =
          "jdbc:postgresql://127.0.0.1:"
              + postgres.port()
              + "/postgres?sslmode=verify-full&sslrootcert="
              + certificates.otherCaPem()
              + "&password="
              + postgres.password();
      CliProcess untrusted =
          CliProcess.run(dir, withFlag(args, "--jdbcUrl=" + wrongRoot), Map.of(), null);
      assertFailsFastWithOneLine(
          untrusted, "cannot connect to jdbc:postgresql://127.0.0.1:", "password=***");
      assertNoneIn(untrusted.all(), postgres.password());

      // 127.0.0.2 reaches the same server, but the certificate is for localhost and 127.0.0.1.
      String otherHost =
          "jdbc:postgresql://127.0.0.2:" + postgres.port() + "/postgres" + verifyFull;
      CliProcess mismatch =
          CliProcess.run(
              dir,
              withFlag(
                  withFlag(args, "--jdbcUrl=" + otherHost), "--jdbcPasswordFile=" + passwordFile),
              Map.of(),
              null);
      assertFailsFastWithOneLine(mismatch, "cannot connect to " + otherHost, "127.0.0.2");
      assertNoneIn(mismatch.all(), postgres.password());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
