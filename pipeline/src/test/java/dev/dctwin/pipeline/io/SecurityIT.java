package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import dev.dctwin.pipeline.testing.CliProcess;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Authentication on every service at once: Mosquitto with a password file (an instance of the
 * test's own), Kafka with SASL/SCRAM-SHA-256 (the local broker's second listener, a user of the
 * test's own), PostgreSQL with a password (the role {@code dctwin_auth}, for which services.sh
 * makes 127.0.0.1 require scram-sha-256). The CLI runs as a separate process, as a user would run
 * it: the right credentials move data; a wrong password on any one service fails within seconds
 * with one line naming it; no credential shows in any output or in {@code --help}.
 */
@RunWith(JUnit4.class)
public class SecurityIT {
  private static final String PG_ROLE = "dctwin_auth";
  private static final String MQTT_USER = "dctwin";

  @Rule public final TemporaryFolder folder = new TemporaryFolder();
  private final String run = IoTestSupport.runId();
  private final String mqttPassword = "mqtt-" + UUID.randomUUID();
  private final String pgPassword = "pg-" + UUID.randomUUID();
  private final String wrongPassword = "wrong-" + UUID.randomUUID();
  private final String topicPrefix = "dctwin-" + run;
  private LocalKafka kafka;
  private Process mosquitto;
  private int mqttPort;
  private Path dir;

  @Before
  public void setUp() throws Exception {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    Assume.assumeTrue(
        "mosquitto and mosquitto_passwd (services.sh installs them)",
        Files.isExecutable(Path.of("/usr/sbin/mosquitto"))
            && Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd")));
    dir = folder.getRoot().toPath();
    kafka = IoTestSupport.kafka();
    kafka.createTopics(
        1, topic("metrics"), topic("alerts"), topic("answers"), topic("dead-letters"));
    startMosquitto();
    try (Connection connection =
            IoTestSupport.connect(IoTestSupport.POSTGRES_URL, IoTestSupport.POSTGRES_USER);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "DO $$ BEGIN CREATE ROLE "
              + PG_ROLE
              + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
      statement.execute("ALTER ROLE " + PG_ROLE + " PASSWORD '" + pgPassword + "'");
      statement.execute("GRANT CREATE ON DATABASE postgres TO " + PG_ROLE);
    }
  }

  @After
  public void tearDown() {
    if (mosquitto != null) {
      mosquitto.destroy();
    }
    if (kafka != null) {
      kafka.deleteTopics(
          topic("metrics"), topic("alerts"), topic("answers"), topic("dead-letters"));
    }
    IoTestSupport.dropSchema(IoTestSupport.POSTGRES_URL, IoTestSupport.POSTGRES_USER, run);
  }

  private String topic(String name) {
    return topicPrefix + "." + name;
  }

  private void startMosquitto() throws Exception {
    Path passwords = dir.resolve("mosquitto.passwd");
    Process passwd =
        new ProcessBuilder(
                "mosquitto_passwd", "-b", "-c", passwords.toString(), MQTT_USER, mqttPassword)
            .redirectErrorStream(true)
            .start();
    assertThat(passwd.waitFor(), equalTo(0));
    mqttPort = freePort();
    Path config = dir.resolve("mosquitto.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            // The test's folder is private: without this, mosquitto started as root drops to
            // its own user and cannot read (or persist into) it.
            "user " + System.getProperty("user.name"),
            "listener " + mqttPort + " 127.0.0.1",
            "allow_anonymous false",
            "password_file " + passwords,
            "log_dest none",
            ""));
    mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", config.toString()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mqttPort)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("mosquitto did not start");
  }

  private Path file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content);
    return path;
  }

  private Path kafkaProperties(String password) throws IOException {
    return file(
        "kafka-" + UUID.randomUUID() + ".properties",
        String.join(
            "\n",
            "security.protocol=SASL_PLAINTEXT",
            "sasl.mechanism=SCRAM-SHA-256",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\""
                + IoTestSupport.SASL_USER
                + "\" password=\""
                + password
                + "\";",
            ""));
  }

  private List<String> runArgs(String mqttPass, String kafkaPass, String pgPass)
      throws IOException {
    return List.of(
        "run",
        "--source=both",
        "--sinks=kafka,jdbc",
        "--maxReadTimeSeconds=10",
        "--mqttServerUri=tcp://127.0.0.1:" + mqttPort,
        "--mqttTopics=" + topicPrefix + "/metrics",
        "--mqttUsername=" + MQTT_USER,
        "--mqttPasswordFile=" + file("mqtt-" + UUID.randomUUID(), mqttPass),
        "--kafkaBootstrapServers=" + kafka.saslBootstrapServers(),
        "--kafkaPropertiesFile=" + kafkaProperties(kafkaPass),
        "--kafkaTopics=" + topic("metrics"),
        "--kafkaConsumerGroup=" + run,
        "--kafkaAlertsTopic=" + topic("alerts"),
        "--kafkaAnswersTopic=" + topic("answers"),
        "--kafkaDeadLettersTopic=" + topic("dead-letters"),
        "--jdbcUrl=" + IoTestSupport.POSTGRES_URL,
        "--jdbcUser=" + PG_ROLE,
        "--jdbcPasswordFile=" + file("pg-" + UUID.randomUUID(), pgPass + "\n"),
        "--jdbcSchema=" + run);
  }

  private CliProcess cli(List<String> args, Runnable whileRunning) throws Exception {
    return CliProcess.run(dir, args, Map.of(), whileRunning);
  }

  private void assertNoSecretIn(String output) {
    for (String secret :
        List.of(mqttPassword, pgPassword, IoTestSupport.SASL_PASSWORD, wrongPassword)) {
      assertThat(output, not(containsString(secret)));
    }
  }

  private void assertFailsFastNaming(CliProcess cli, String service) {
    List<String> errorLines = cli.errorLines();
    System.out.printf(
        "SecurityIT: wrong %s password -> exit %d after %d ms: %s%n",
        service, cli.exitCode(), cli.millis(), errorLines);
    assertThat(cli.exitCode(), equalTo(1));
    // Seconds of its own (one connection attempt, 10 s timeouts); the bound covers a JVM start on
    // a loaded 2-core machine.
    assertThat(cli.millis(), lessThan(60_000L));
    assertThat(errorLines.size(), equalTo(1));
    assertThat(errorLines.get(0), containsString(service));
    assertThat(cli.stderr(), not(containsString("\tat ")));
    assertNoSecretIn(cli.all());
  }

  private boolean postgresRequiresPassword() {
    try (Connection ignored =
        java.sql.DriverManager.getConnection(IoTestSupport.POSTGRES_URL, PG_ROLE, wrongPassword)) {
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  @Test
  public void rightCredentialsWorkWrongOnesFailFastAndNoneLeaks() throws Exception {
    boolean pgAuth = postgresRequiresPassword();
    if (!pgAuth) {
      System.err.println(
          "!!!!!!!! PostgreSQL trusts "
              + PG_ROLE
              + " on 127.0.0.1: its wrong-password case is"
              + " SKIPPED - run runner-configs/local/services.sh start (it adds the pg_hba.conf"
              + " rule) !!!!!!!!");
    }
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      IoTestSupport.send(producer, topic("metrics"), "x", "{\"type\":\"telemetry\"}");
    }
    MqttClient publisher =
        new MqttClient("tcp://127.0.0.1:" + mqttPort, "pub-" + run, new MemoryPersistence());
    MqttConnectOptions connect = new MqttConnectOptions();
    connect.setUserName(MQTT_USER);
    connect.setPassword(mqttPassword.toCharArray());
    publisher.connect(connect);
    CliProcess ok;
    try {
      ok =
          cli(
              runArgs(mqttPassword, IoTestSupport.SASL_PASSWORD, pgPassword),
              () -> {
                try {
                  publisher.publish(
                      topicPrefix + "/metrics",
                      "not json".getBytes(StandardCharsets.UTF_8),
                      1,
                      false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
    } finally {
      publisher.disconnect();
      publisher.close();
    }
    System.out.printf(
        "SecurityIT: right credentials -> exit %d after %d ms%n", ok.exitCode(), ok.millis());
    assertThat(ok.stderr(), ok.exitCode(), equalTo(0));
    List<String> letters =
        IoTestSupport.deadLetterRows(IoTestSupport.POSTGRES_URL, IoTestSupport.POSTGRES_USER, run);
    assertThat(
        letters, org.hamcrest.Matchers.hasItem("UNKNOWN_MESSAGE_TYPE kafka:" + topic("metrics")));
    assertThat(
        letters.stream().filter(l -> l.equals("NOT_JSON mqtt:" + topicPrefix + "/metrics")).count(),
        greaterThan(0L));
    assertNoSecretIn(ok.all());

    assertFailsFastNaming(
        cli(runArgs(wrongPassword, IoTestSupport.SASL_PASSWORD, pgPassword), null), "MQTT");
    assertFailsFastNaming(cli(runArgs(mqttPassword, wrongPassword, pgPassword), null), "Kafka");
    if (pgAuth) {
      assertFailsFastNaming(
          cli(runArgs(mqttPassword, IoTestSupport.SASL_PASSWORD, wrongPassword), null),
          "jdbc:postgresql");
    }

    CliProcess help = cli(List.of("run", "--help"), null);
    assertThat(help.exitCode(), equalTo(0));
    assertThat(help.stdout(), containsString("--jdbcPasswordFile"));
    assertThat(help.stdout(), not(containsString("--jdbcPassword=")));
    assertNoSecretIn(help.all());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
