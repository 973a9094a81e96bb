package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

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
import dev.dctwin.pipeline.testing.TcpProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A database outage four times longer than {@code --jdbcMaxOutageSeconds}, played by cutting a TCP
 * proxy in front of the local PostgreSQL while the streaming pipeline (DirectRunner) writes alerts
 * to Kafka exactly once and to the database: the alerts of the outage reach Kafka while the
 * database is unreachable, the job keeps running (before the backlog, the JDBC step failed the
 * bundle after the retry budget, which ends a DirectRunner pipeline and restarts a Flink job in a
 * loop), and once the proxy is back the database holds exactly the alerts of the topic.
 */
@RunWith(JUnit4.class)
public class JdbcOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(40);
  private static final int MAX_OUTAGE_SECONDS = 10;

  private final String run = IoTestSupport.runId();
  private LocalKafka kafka;
  private TcpProxy proxy;
  private PipelineResult result;

  @Before
  public void setUp() throws Exception {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    kafka = IoTestSupport.kafka();
    kafka.createTopics(2, topic("metrics"));
    kafka.createTopics(1, topic("provisioning"), topic("alerts"), topic("answers"));
    kafka.createTopics(1, topic("dead-letters"));
    proxy = TcpProxy.to(5432);
  }

  @After
  public void tearDown() {
    IoTestSupport.cancel(result);
    if (proxy != null) {
      proxy.close();
    }
    if (kafka != null) {
      kafka.deleteTopics(
          topic("metrics"),
          topic("provisioning"),
          topic("alerts"),
          topic("answers"),
          topic("dead-letters"));
    }
    IoTestSupport.dropSchema(IoTestSupport.POSTGRES_URL, POSTGRES_USER, run);
  }

  private String topic(String name) {
    return "dctwin-" + run + "." + name;
  }

  private String proxiedUrl() {
    return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres";
  }

  private DatacenterPipeline.Options options() {
    return IoTestSupport.options(
        "--source=kafka",
        "--sinks=kafka,jdbc",
        "--kafkaDelivery=EXACTLY_ONCE",
        "--deploymentId=" + run,
        "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
        "--kafkaTopics=" + topic("metrics") + "," + topic("provisioning"),
        "--kafkaConsumerGroup=" + run,
        "--kafkaMaxOutOfOrdernessSeconds=5",
        "--kafkaAlertsTopic=" + topic("alerts"),
        "--kafkaAnswersTopic=" + topic("answers"),
        "--kafkaDeadLettersTopic=" + topic("dead-letters"),
        "--jdbcUrl=" + proxiedUrl(),
        "--jdbcUser=" + POSTGRES_USER,
        "--jdbcSchema=" + run,
        "--jdbcMaxOutageSeconds=" + MAX_OUTAGE_SECONDS,
        "--silenceAfterSeconds=3600",
        "--targetParallelism=2");
  }

  private void produce(List<? extends Message> messages, String topic) {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (Message message : messages) {
        String key = message instanceof ServerMetricReport r ? r.serverId() : "provisioning";
        IoTestSupport.send(producer, topic, key, IoTestSupport.json(message));
      }
    }
  }

  @Test
  public void anOutageLongerThanTheRetryBudgetLosesNoAlertAndStallsNoKafkaOutput()
      throws Exception {
    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 8 * 60_000;
    String first = serverId(3);
    String second = serverId(7);
    // The first server's disk fails before the outage and recovers during it; the second's fails
    // during it: one alert before the outage, two during it.
    List<ServerMetricReport> reports =
        IoTestSupport.reports(start, 6, first, start + 120_000, start + 240_000).stream()
            .map(
                r ->
                    r.serverId().equals(second) && r.eventTime() >= start + 240_000
                        ? IoTestSupport.withFailedDisk(r)
                        : r)
            .toList();
    List<ServerMetricReport> beforeOutage =
        reports.stream().filter(r -> r.eventTime() < start + 180_000).toList();
    List<ServerMetricReport> duringOutage =
        reports.stream().filter(r -> r.eventTime() >= start + 180_000).toList();

    result = DatacenterPipeline.start(options());
    Thread.sleep(3_000);
    produce(IoTestSupport.commissions(start), topic("provisioning"));
    Thread.sleep(3_000);
    long producedAt = System.nanoTime();
    produce(beforeOutage, topic("metrics"));
    awaitAlertRows(1, Duration.ofSeconds(60));
    System.out.printf(
        "JdbcOutageIT: the first alert in the database %.1f s after its input%n",
        (System.nanoTime() - producedAt) / 1e9);

    long cutAt = System.nanoTime();
    proxy.cut();
    produce(duringOutage, topic("metrics"));
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      IoTestSupport.send(producer, topic("metrics"), "x", "{\"type\":\"telemetry\"}");
    }
    assertThat(databaseReachable(), equalTo(false));

    // Kafka is not stalled: the outage's alerts are committed while the database is unreachable.
    Duration untilRestore = OUTAGE.minus(Duration.ofNanos(System.nanoTime() - cutAt));
    List<ConsumerRecord<String, String>> alerts =
        kafka.readCommitted(topic("alerts"), 3, untilRestore, Duration.ZERO);
    double committedAfter = (System.nanoTime() - cutAt) / 1e9;
    System.out.printf(
        "JdbcOutageIT: %d alerts committed to Kafka %.1f s into the outage%n",
        alerts.size(), committedAfter);
    assertThat(alerts.size(), equalTo(3));
    assertThat(committedAfter, lessThan((double) OUTAGE.toSeconds()));

    Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
    assertThat(databaseReachable(), equalTo(false));
    assertThat(
        "the job after " + OUTAGE.toSeconds() + " s without its database",
        result.getState(),
        equalTo(PipelineResult.State.RUNNING));
    proxy.restore();
    long restoredAt = System.nanoTime();

    // The database ends with exactly the alerts of the topic: the incidents in their latest state,
    // each transition once in the history, and the dead letter of the outage once.
    List<ConsumerRecord<String, String>> committed =
        kafka.readCommitted(topic("alerts"), 3, Duration.ofSeconds(10), Duration.ofSeconds(2));
    List<AlertRow> expectedRows = rowsOf(committed);
    List<String> expectedEvents = committed.stream().map(ConsumerRecord::key).sorted().toList();
    assertThat(expectedRows, equalTo(scenarioRows(start, first, second)));
    String deadLetter = "UNKNOWN_MESSAGE_TYPE kafka:" + topic("metrics");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline
        && !(alertRows().equals(expectedRows)
            && alertEvents().equals(expectedEvents)
            && deadLetters().equals(List.of(deadLetter)))) {
      Thread.sleep(500);
    }
    System.out.printf(
        "JdbcOutageIT: the database caught up %.1f s after it came back%n",
        (System.nanoTime() - restoredAt) / 1e9);
    Thread.sleep(3_000); // nothing else may arrive
    assertThat(alertRows(), equalTo(expectedRows));
    assertThat(alertEvents(), equalTo(expectedEvents));
    assertThat(deadLetters(), equalTo(List.of(deadLetter)));
    assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
  }

  /** The alerts table the scenario should leave, known independently of the pipeline. */
  private static List<AlertRow> scenarioRows(long start, String first, String second) {
    long firstOpened = start + 140_000; // third abnormal report of 3-of-4
    long secondOpened = start + 260_000;
    return List.of(
        new AlertRow(
            Alert.incidentId(Level.SERVER, first, IncidentType.DISK_FAILURE, firstOpened),
            "RESOLVED",
            first,
            "DISK_FAILURE",
            firstOpened,
            start + 260_000),
        new AlertRow(
            Alert.incidentId(Level.SERVER, second, IncidentType.DISK_FAILURE, secondOpened),
            "OPENED",
            second,
            "DISK_FAILURE",
            secondOpened,
            null));
  }

  /** The alerts table that the alerts of the topic make: one row per incident, latest state. */
  private static List<AlertRow> rowsOf(List<ConsumerRecord<String, String>> alerts)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, AlertRow> rows = new HashMap<>();
    for (ConsumerRecord<String, String> record : alerts) {
      JsonNode alert = json.readTree(record.value());
      String incident = alert.get("incidentId").asText();
      boolean resolved = alert.get("status").asText().equals("RESOLVED");
      AlertRow row =
          new AlertRow(
              incident,
              alert.get("status").asText(),
              alert.get("entity").asText(),
              alert.get("incidentType").asText(),
              alert.get("openedAt").asLong(),
              resolved ? alert.get("eventTime").asLong() : null);
      rows.merge(incident, row, (a, b) -> a.status().equals("RESOLVED") ? a : b);
    }
    List<AlertRow> sorted = new ArrayList<>(rows.values());
    sorted.sort(Comparator.comparingLong(AlertRow::openedAt).thenComparing(AlertRow::incidentId));
    return sorted;
  }

  private List<AlertRow> alertRows() throws SQLException {
    return IoTestSupport.alertRows(IoTestSupport.POSTGRES_URL, POSTGRES_USER, run);
  }

  /** {@code incidentId:transition} of every row of the history, sorted: the alert ids. */
  private List<String> alertEvents() throws SQLException {
    List<String> events = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(IoTestSupport.POSTGRES_URL, POSTGRES_USER);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT incident_id, transition FROM " + run + ".alert_events")) {
      while (rows.next()) {
        events.add(rows.getString(1) + ":" + rows.getString(2));
      }
    }
    events.sort(Comparator.naturalOrder());
    return events;
  }

  private List<String> deadLetters() throws SQLException {
    return IoTestSupport.deadLetterRows(IoTestSupport.POSTGRES_URL, POSTGRES_USER, run);
  }

  private boolean databaseReachable() {
    try (Connection connection = IoTestSupport.connect(proxiedUrl(), POSTGRES_USER)) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private void awaitAlertRows(int rows, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && alertRows().size() < rows) {
      Thread.sleep(500);
    }
    assertThat(alertRows().size(), equalTo(rows));
  }
}
