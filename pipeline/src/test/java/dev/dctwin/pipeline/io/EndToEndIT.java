package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.MOSQUITTO;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.io.IoTestSupport.AlertRow;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Messages published to Mosquitto and to Kafka, through the streaming pipeline on the DirectRunner,
 * to a Kafka topic (read back read_committed), PostgreSQL and MariaDB. Two pipelines run side by
 * side on the same input, one per database, as two deployments would.
 */
@RunWith(JUnit4.class)
public class EndToEndIT {
  private final String run = IoTestSupport.runId();
  private final String mqttPrefix = "dctwin-" + run;
  private final String kafkaPrefix = "dctwin-" + run;
  private LocalKafka kafka;
  private PipelineResult postgresPipeline;
  private PipelineResult mariadbPipeline;

  @Before
  public void setUp() {
    IoTestSupport.assumeServiceUp("mosquitto", 1883);
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    IoTestSupport.assumeServiceUp("mariadb", 3306);
    kafka = IoTestSupport.kafka();
    kafka.createTopics(3, topic("metrics"), topic("sensors"), topic("queries"));
    kafka.createTopics(1, topic("provisioning"));
    kafka.createTopics(1, topic("alerts"), topic("answers"), topic("dead-letters"));
  }

  @After
  public void tearDown() {
    IoTestSupport.cancel(postgresPipeline, mariadbPipeline);
    if (kafka != null) {
      kafka.deleteTopics(
          topic("metrics"),
          topic("sensors"),
          topic("queries"),
          topic("provisioning"),
          topic("alerts"),
          topic("answers"),
          topic("dead-letters"));
    }
    IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, run);
    IoTestSupport.dropSchema(MARIADB_URL, MARIADB_USER, run);
  }

  private String topic(String name) {
    return kafkaPrefix + "." + name;
  }

  private String mqttTopic(String name) {
    return mqttPrefix + "/" + name;
  }

  private DatacenterPipeline.Options options(
      String jdbcUrl, String user, String group, String sinks) {
    return IoTestSupport.options(
        "--source=both",
        "--sinks=" + sinks,
        "--mqttServerUri=" + MOSQUITTO,
        "--mqttTopics=" + mqttTopic("metrics") + "," + mqttTopic("provisioning"),
        "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
        "--kafkaTopics="
            + String.join(
                ",", topic("metrics"), topic("sensors"), topic("provisioning"), topic("queries")),
        "--kafkaConsumerGroup=" + group,
        "--kafkaMaxOutOfOrdernessSeconds=5",
        "--kafkaAlertsTopic=" + topic("alerts"),
        "--kafkaAnswersTopic=" + topic("answers"),
        "--kafkaDeadLettersTopic=" + topic("dead-letters"),
        "--jdbcUrl=" + jdbcUrl,
        "--jdbcUser=" + user,
        "--jdbcSchema=" + run,
        // The scenario is replayed within seconds; no server must seem silent meanwhile.
        "--silenceAfterSeconds=3600",
        "--targetParallelism=2");
  }

  @Test
  public void mqttAndKafkaToKafkaPostgresAndMariadb() throws Exception {
    long started = System.nanoTime();
    postgresPipeline =
        DatacenterPipeline.start(options(POSTGRES_URL, POSTGRES_USER, run + "-pg", "kafka,jdbc"));
    mariadbPipeline =
        DatacenterPipeline.start(options(MARIADB_URL, MARIADB_USER, run + "-maria", "jdbc"));
    log(started, "pipelines started");
    // MqttIO subscribes with a clean session: what is published before it subscribed is lost.
    Thread.sleep(4_000);

    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 7 * 60_000;
    // The failing server reports over Kafka: MqttIO may drop messages on the DirectRunner (a new
    // clean-session subscription whenever the runner re-creates a reader from its checkpoint, see
    // IO.md), and a lost report would move the incident's opening.
    String failing = serverId(8);
    long failFrom = start + 120_000;
    List<ServerMetricReport> reports =
        IoTestSupport.reports(start, 6, failing, failFrom, Long.MAX_VALUE);
    try (KafkaProducer<String, String> producer = kafka.producer();
        IoTestSupport.MqttPublisher mqtt = new IoTestSupport.MqttPublisher(MOSQUITTO)) {
      for (Message commission : IoTestSupport.commissions(start)) {
        IoTestSupport.send(
            producer, topic("provisioning"), key(commission), IoTestSupport.json(commission));
      }
      producer.flush();
      // Late data (see IO.md) is processed in arrival order: commissions first.
      Thread.sleep(3_000);
      for (ServerMetricReport report : reports) {
        // Servers 1..5 report over MQTT, 6..10 over Kafka; both without 'type'.
        if (report.serverId().compareTo(serverId(6)) < 0) {
          mqtt.publish(mqttTopic("metrics"), IoTestSupport.jsonWithoutType(report));
        } else {
          IoTestSupport.send(
              producer, topic("metrics"), report.serverId(), IoTestSupport.jsonWithoutType(report));
        }
      }
      IoTestSupport.send(producer, topic("metrics"), "x", "{\"type\":\"telemetry\"}");
      producer.flush();
      // A malformed probe, a new one until one has come through (see above): each is unique, so
      // that a duplicate in a sink is visible.
      for (int attempt = 0; attempt < 5 && !bothPipelinesHaveAProbe(); attempt++) {
        mqtt.publish(mqttTopic("metrics"), probe(attempt));
        awaitMqttDeadLetter(Duration.ofSeconds(15));
      }
    }

    log(started, "published");
    // The third abnormal report of 3-of-4 opens the incident.
    long openedAt = failFrom + 20_000;
    String incidentId =
        Alert.incidentId(Level.SERVER, failing, IncidentType.DISK_FAILURE, openedAt);
    AlertRow expectedRow =
        new AlertRow(incidentId, "OPENED", failing, "DISK_FAILURE", openedAt, null);
    awaitRows(POSTGRES_URL, POSTGRES_USER, 1, Duration.ofSeconds(90));
    awaitRows(MARIADB_URL, MARIADB_USER, 1, Duration.ofSeconds(60));

    log(started, "rows in both databases");
    List<ConsumerRecord<String, String>> alerts =
        kafka.readCommitted(topic("alerts"), 1, Duration.ofSeconds(30), Duration.ofSeconds(3));
    ObjectMapper json = new ObjectMapper();
    assertThat(alerts.size(), equalTo(1));
    assertThat(alerts.get(0).key(), equalTo(incidentId + ":OPENED"));
    JsonNode alert = json.readTree(alerts.get(0).value());
    assertThat(alert.get("incidentType").asText(), equalTo("DISK_FAILURE"));
    assertThat(alert.get("entity").asText(), equalTo(failing));
    assertThat(alert.get("openedAt").asLong(), equalTo(openedAt));

    assertThat(
        IoTestSupport.alertRows(POSTGRES_URL, POSTGRES_USER, run), equalTo(List.of(expectedRow)));
    assertThat(
        IoTestSupport.alertRows(MARIADB_URL, MARIADB_USER, run), equalTo(List.of(expectedRow)));

    // Dead letters: the Kafka one once in each sink. The MQTT probes that reached a pipeline
    // (each pipeline has its own clean-session subscription) once in each of its sinks, and in
    // the same set on Kafka and PostgreSQL, which one pipeline writes.
    String kafkaLetter = "UNKNOWN_MESSAGE_TYPE kafka:" + topic("metrics");
    List<String> postgresProbes = awaitMqttProbes(POSTGRES_URL, POSTGRES_USER);
    List<String> mariadbProbes = awaitMqttProbes(MARIADB_URL, MARIADB_USER);
    List<ConsumerRecord<String, String>> deadLetters =
        kafka.readCommitted(
            topic("dead-letters"),
            postgresProbes.size() + 1,
            Duration.ofSeconds(30),
            Duration.ofSeconds(3));
    List<String> kafkaLetters =
        deadLetters.stream().map(r -> reasonAndSource(json, r.value())).toList();
    assertThat(kafkaLetters.stream().filter(kafkaLetter::equals).count(), equalTo(1L));
    assertThat(
        deadLetters.stream()
            .map(r -> payload(json, r.value()))
            .filter(p -> p.startsWith("not json"))
            .sorted()
            .toList(),
        equalTo(postgresProbes));
    for (List<String> probes : List.of(postgresProbes, mariadbProbes)) {
      assertThat(probes.isEmpty(), equalTo(false));
      assertThat(new java.util.HashSet<>(probes).size(), equalTo(probes.size()));
    }
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      List<String> rows = IoTestSupport.deadLetterRows(database[0], database[1], run);
      assertThat(rows.stream().filter(kafkaLetter::equals).count(), equalTo(1L));
      assertThat(
          rows.stream().filter(r -> r.equals("NOT_JSON mqtt:" + mqttTopic("metrics"))).count(),
          equalTo((long) mqttProbes(database[0], database[1]).size()));
    }
    System.out.printf(
        "EndToEndIT: %d messages in, alerts out on Kafka, PostgreSQL and MariaDB after %.1f s%n",
        reports.size() + IoTestSupport.SERVERS + 1 + postgresProbes.size(),
        (System.nanoTime() - started) / 1e9);
  }

  private static void log(long started, String what) {
    System.out.printf("EndToEndIT: %s after %.1f s%n", what, (System.nanoTime() - started) / 1e9);
  }

  private static String reasonAndSource(ObjectMapper json, String value) {
    try {
      JsonNode letter = json.readTree(value);
      return letter.get("reason").asText() + " " + letter.get("source").asText();
    } catch (Exception e) {
      throw new AssertionError(value, e);
    }
  }

  private String probe(int attempt) {
    return "not json " + run + " #" + attempt;
  }

  private static String payload(ObjectMapper json, String value) {
    try {
      return new String(
          java.util.Base64.getDecoder().decode(json.readTree(value).get("payloadBase64").asText()),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new AssertionError(value, e);
    }
  }

  /** The MQTT probes in a database's dead-letter table, sorted, with any duplicates. */
  private List<String> mqttProbes(String url, String user) throws Exception {
    return IoTestSupport.deadLetterPayloads(url, user, run).stream()
        .filter(p -> p.startsWith("not json"))
        .sorted()
        .toList();
  }

  /** Waits until a database's MQTT probes stop changing: the JDBC sink lags the Kafka one. */
  private List<String> awaitMqttProbes(String url, String user) throws Exception {
    List<String> probes = mqttProbes(url, user);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline
        && (probes.isEmpty() || System.nanoTime() - stableSince < 5_000_000_000L)) {
      Thread.sleep(500);
      List<String> now = mqttProbes(url, user);
      if (!now.equals(probes)) {
        probes = now;
        stableSince = System.nanoTime();
      }
    }
    return probes;
  }

  /** Each pipeline has its own MQTT subscription, which may miss a probe (see above). */
  private boolean bothPipelinesHaveAProbe() throws Exception {
    return !mqttProbes(POSTGRES_URL, POSTGRES_USER).isEmpty()
        && !mqttProbes(MARIADB_URL, MARIADB_USER).isEmpty();
  }

  private void awaitMqttDeadLetter(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !bothPipelinesHaveAProbe()) {
      Thread.sleep(250);
    }
  }

  private static String key(Message message) {
    return ((dev.dctwin.domain.CommissionServer) message).serverId();
  }

  private void awaitRows(String url, String user, int rows, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (IoTestSupport.alertRows(url, user, run).size() >= rows) {
        return;
      }
      Thread.sleep(500);
    }
  }
}
