package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The history table {@code alert_events} against the real PostgreSQL and MariaDB: a replay of the
 * same input into the same database adds no row, one server's history is what the alerts topic says
 * of it, and the health views answer from the alerts table.
 */
@RunWith(JUnit4.class)
public class AlertHistoryIT {
  private final String run = IoTestSupport.runId();
  private LocalKafka kafka;

  @Before
  public void setUp() {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    IoTestSupport.assumeServiceUp("mariadb", 3306);
    kafka = IoTestSupport.kafka();
    kafka.createTopics(2, topic("metrics"), topic("provisioning"));
    kafka.createTopics(1, topic("alerts"), topic("answers"), topic("dead-letters"));
  }

  @After
  public void tearDown() {
    kafka.deleteTopics(
        topic("metrics"),
        topic("provisioning"),
        topic("alerts"),
        topic("answers"),
        topic("dead-letters"));
    IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, run);
    IoTestSupport.dropSchema(MARIADB_URL, MARIADB_USER, run);
  }

  private String topic(String name) {
    return "dctwin-" + run + "." + name;
  }

  /** One row of alert_events as the test compares it: incident, transition, event time. */
  record Event(String incidentId, String transition, String entity, long eventTime) {}

  @Test
  public void aReplayAddsNoRowAndAServersHistoryMatchesTheAlertsTopic() throws Exception {
    long start = 1_763_719_200_000L;
    String first = serverId(3);
    String second = serverId(7);
    List<ServerMetricReport> reports =
        IoTestSupport.reports(start, 8, first, start + 60_000, start + 150_000).stream()
            .map(
                r ->
                    (r.serverId().equals(first)
                                && r.eventTime() >= start + 270_000
                                && r.eventTime() < start + 400_000)
                            || (r.serverId().equals(second) && r.eventTime() >= start + 200_000)
                        ? IoTestSupport.withFailedDisk(r)
                        : r)
            .toList();
    produce(IoTestSupport.commissions(start), topic("provisioning"));
    produce(reports, topic("metrics"));
    long records = reports.size() + IoTestSupport.SERVERS;

    List<Event> fromTopic = null;
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      List<Event> afterFirst = null;
      for (int replay = 1; replay <= 2; replay++) {
        PipelineResult result =
            DatacenterPipeline.start(
                IoTestSupport.options(
                    "--source=kafka",
                    "--sinks=kafka,jdbc",
                    "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                    "--kafkaTopics=" + topic("metrics") + "," + topic("provisioning"),
                    "--kafkaConsumerGroup=" + run + "-" + replay + "-" + database[0].hashCode(),
                    "--kafkaMaxOutOfOrdernessSeconds=5",
                    "--kafkaMaxRecords=" + records,
                    "--kafkaAlertsTopic=" + topic("alerts"),
                    "--kafkaAnswersTopic=" + topic("answers"),
                    "--kafkaDeadLettersTopic=" + topic("dead-letters"),
                    "--jdbcUrl=" + database[0],
                    "--jdbcUser=" + database[1],
                    "--jdbcSchema=" + run,
                    "--jdbcBatchSize=50",
                    "--silenceAfterSeconds=3600",
                    "--targetParallelism=2"));
        assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
        if (fromTopic == null) {
          // The topic after the first run only: the DirectRunner's sink is at least once.
          fromTopic = alertsOnTopic();
        }
        List<Event> events = events(database[0], database[1]);
        if (afterFirst == null) {
          afterFirst = events;
          // Two incidents of the first server and one of the second: 2 + 2 + 1 transitions.
          assertThat(database[0] + "\n" + events, events, hasSize(5));
        } else {
          assertThat(database[0] + ": the replay added no row", events, equalTo(afterFirst));
        }
        assertThat(
            database[0] + ": the history of " + first,
            events.stream().filter(e -> e.entity().equals(first)).toList(),
            equalTo(fromTopic.stream().filter(e -> e.entity().equals(first)).toList()));
      }
      printExamples(database[0], database[1]);
    }
  }

  private void produce(List<? extends Message> messages, String topic) {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (Message message : messages) {
        String key = message instanceof ServerMetricReport r ? r.serverId() : "provisioning";
        IoTestSupport.send(producer, topic, key, IoTestSupport.json(message));
      }
    }
  }

  private List<Event> alertsOnTopic() throws Exception {
    WireCodec codec = WireCodec.withDefaults();
    List<Event> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        kafka.readCommitted(topic("alerts"), 5, Duration.ofSeconds(30), Duration.ofSeconds(2))) {
      Alert alert =
          (Alert) codec.decode(record.value().getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
      Event event =
          new Event(alert.incidentId(), alert.status().name(), alert.entity(), alert.eventTime());
      if (!events.contains(event)) {
        events.add(event);
      }
    }
    events.sort(EVENT_ORDER);
    return events;
  }

  private static final Comparator<Event> EVENT_ORDER =
      Comparator.comparing(Event::entity)
          .thenComparingLong(Event::eventTime)
          .thenComparing(Event::incidentId)
          .thenComparing(Event::transition);

  private List<Event> events(String url, String user) throws SQLException {
    String epoch =
        url.startsWith("jdbc:postgresql")
            ? "(EXTRACT(EPOCH FROM event_time) * 1000)::BIGINT"
            : "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', event_time) DIV 1000";
    List<Event> events = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT incident_id, transition, entity, "
                    + epoch
                    + " FROM "
                    + run
                    + ".alert_events ORDER BY entity, event_time, incident_id, transition")) {
      while (rows.next()) {
        events.add(
            new Event(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
      }
    }
    return events;
  }

  /** The README's example queries, printed with their output. */
  private void printExamples(String url, String user) throws SQLException {
    String[] queries = {
      "SELECT transition, incident_type, event_time, in_maintenance FROM "
          + run
          + ".alert_events WHERE entity = 'dc1-r01-s03' ORDER BY event_time",
      "SELECT event_time, level, entity, incident_type, severity FROM "
          + run
          + ".alert_events WHERE transition = 'OPENED' AND explained_by IS NULL"
          + " AND NOT in_maintenance AND event_time >= '2025-11-21 10:00:00'"
          + " AND event_time < '2025-11-21 11:00:00' ORDER BY event_time",
      "SELECT rack_id, rack_incidents, unhealthy_servers FROM "
          + run
          + ".rack_health ORDER BY rack_id",
      "SELECT server_id, open_incidents, incident_types FROM " + run + ".server_status",
    };
    try (Connection connection = IoTestSupport.connect(url, user);
        Statement statement = connection.createStatement()) {
      for (String query : queries) {
        System.out.println("AlertHistoryIT " + url + "\n  " + query);
        try (ResultSet rows = statement.executeQuery(query)) {
          int columns = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            StringBuilder line = new StringBuilder("  |");
            for (int i = 1; i <= columns; i++) {
              line.append(' ').append(rows.getString(i)).append(" |");
            }
            System.out.println(line);
          }
        }
      }
    }
  }
}
