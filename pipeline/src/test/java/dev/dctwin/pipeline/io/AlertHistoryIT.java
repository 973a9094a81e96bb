package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The history table {@code alert_events} and the status table {@code server_status} against the
 * real PostgreSQL and MariaDB: a replay of the same input into the same database adds no row and
 * changes none, one server's history is what the alerts topic says of it, every server has one
 * status row with its open incidents, last report time and baseline readiness, and "which racks are
 * unhealthy" is one query of {@code rack_health}.
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

  /** One row of server_status as the test compares it; times as epoch ms, null when NULL. */
  record Status(
      String serverId,
      String rackId,
      String lifecycle,
      int openIncidents,
      String incidentTypes,
      Long lastReportAt,
      String baselineReady,
      Long baselineExpectedReadyAt,
      long changedAt) {}

  @Test
  public void aReplayAddsNoRowAndAServersHistoryMatchesTheAlertsTopic() throws Exception {
    long start = 1_763_719_200_000L;
    long lastReport = start + 8 * 60_000 - 10_000;
    String first = serverId(3);
    String second = serverId(7);
    // Decommissioned after five minutes: its row stays, marked, and counts in no rack.
    String leaving = serverId(10);
    long decommissioned = start + 300_000;
    List<String> healthyRack = List.of("dc1-r02-s01", "dc1-r02-s02");
    List<ServerMetricReport> reports = new ArrayList<>();
    for (ServerMetricReport r :
        IoTestSupport.reports(start, 8, first, start + 60_000, start + 150_000)) {
      if (r.serverId().equals(leaving) && r.eventTime() >= decommissioned) {
        continue;
      }
      reports.add(
          (r.serverId().equals(first)
                      && r.eventTime() >= start + 270_000
                      && r.eventTime() < start + 400_000)
                  || (r.serverId().equals(second) && r.eventTime() >= start + 200_000)
              ? IoTestSupport.withFailedDisk(r)
              : r);
      if (r.serverId().equals(serverId(1))) {
        for (String server : healthyRack) {
          reports.add(SampleMessages.report(server, r.eventTime()));
        }
      }
    }
    List<Message> provisioning = new ArrayList<>(IoTestSupport.commissions(start));
    for (String server : healthyRack) {
      provisioning.add(new CommissionServer(server, "dc1-r02", "dc1", start - 60_000));
    }
    provisioning.add(new DecommissionServer(leaving, IoTestSupport.RACK, "dc1", decommissioned));
    produce(provisioning, topic("provisioning"));
    produce(reports, topic("metrics"));
    long records = reports.size() + provisioning.size();

    List<Event> fromTopic = null;
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      List<Event> afterFirst = null;
      List<Status> statusAfterFirst = null;
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

        List<Status> statuses = statuses(database[0], database[1]);
        if (statusAfterFirst == null) {
          statusAfterFirst = statuses;
          assertStatuses(database[0], statuses, start, lastReport, leaving, decommissioned);
        } else {
          assertThat(
              database[0] + ": the replay changed no status", statuses, equalTo(statusAfterFirst));
        }
        assertThat(
            database[0] + ": which racks are unhealthy",
            unhealthyRacks(database[0], database[1]),
            equalTo(List.of(IoTestSupport.RACK + " 9 1 0")));
      }
      printExamples(database[0], database[1]);
    }
  }

  /**
   * The upsert itself, on both databases: an older status never overwrites a newer one, whatever
   * the order they arrive in, and a status of the same time is written again unchanged.
   */
  @Test
  public void anOlderStatusNeverOverwritesANewerOne() throws Exception {
    long t = 1_763_719_200_000L;
    ServerStatusUpdate older =
        new ServerStatusUpdate(
            "dc1-r01-s01",
            "dc1-r01",
            "dc1",
            ServerStatusUpdate.Lifecycle.COMMISSIONED,
            Set.of(IncidentType.DISK_FAILURE),
            t,
            false,
            t + 86_400_000L,
            t);
    ServerStatusUpdate newer =
        new ServerStatusUpdate(
            "dc1-r01-s01",
            "dc1-r01",
            "dc1",
            ServerStatusUpdate.Lifecycle.DECOMMISSIONED,
            Set.of(),
            t + 50_000,
            null,
            null,
            t + 60_000);
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      JdbcTarget target =
          JdbcTarget.from(
              IoTestSupport.options(
                  "--jdbcUrl=" + database[0], "--jdbcUser=" + database[1], "--jdbcSchema=" + run));
      SchemaMigrations.apply(target);
      String upsert = target.dialect().upsertServerStatus(target.table("server_status"));
      try (Connection connection = target.connect()) {
        for (ServerStatusUpdate status : List.of(newer, older, newer, older)) {
          try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            WriteToJdbc.bindServerStatus(target.dialect(), status, statement);
            statement.executeUpdate();
          }
        }
      }
      List<Status> rows = statuses(database[0], database[1]);
      assertThat(database[0] + "\n" + rows, rows, hasSize(1));
      Status row = rows.get(0);
      assertThat(database[0], row.lifecycle(), equalTo("DECOMMISSIONED"));
      assertThat(database[0], row.incidentTypes(), equalTo(""));
      assertThat(database[0], row.openIncidents(), equalTo(0));
      assertThat(database[0], row.lastReportAt(), equalTo(t + 50_000));
      assertThat(database[0], row.baselineReady(), nullValue());
      assertThat(database[0], row.baselineExpectedReadyAt(), nullValue());
      assertThat(database[0], row.changedAt(), equalTo(t + 60_000));
    }
  }

  /**
   * One row per server: the leaving one decommissioned, the others commissioned; only the second
   * server's disk failure still open; every last report time at most a refresh interval (60 s)
   * behind the server's last report; no baseline ready after 8 minutes, each expected a day after
   * its first report.
   */
  private static void assertStatuses(
      String url,
      List<Status> statuses,
      long start,
      long lastReport,
      String leaving,
      long decommissioned) {
    assertThat(url + "\n" + statuses, statuses, hasSize(IoTestSupport.SERVERS + 2));
    for (Status status : statuses) {
      String where = url + ": " + status;
      boolean left = status.serverId().equals(leaving);
      assertThat(where, status.lifecycle(), equalTo(left ? "DECOMMISSIONED" : "COMMISSIONED"));
      boolean failing = status.serverId().equals(serverId(7));
      assertThat(where, status.incidentTypes(), equalTo(failing ? "DISK_FAILURE" : ""));
      assertThat(where, status.openIncidents(), equalTo(failing ? 1 : 0));
      long lastSeen = left ? decommissioned - 10_000 : lastReport;
      assertThat(where, status.lastReportAt(), lessThanOrEqualTo(lastSeen));
      assertThat(where, status.lastReportAt(), greaterThan(lastSeen - 60_000));
      if (left) {
        assertThat(where, status.changedAt(), equalTo(decommissioned));
        assertThat(where, status.baselineReady(), nullValue());
      } else {
        assertThat(
            where, status.baselineReady(), anyOf(equalTo("f"), equalTo("0"), equalTo("false")));
        assertThat(where, status.baselineExpectedReadyAt(), equalTo(start + 86_400_000L));
        assertThat(where, status.changedAt(), greaterThanOrEqualTo(status.lastReportAt()));
      }
    }
  }

  private List<Status> statuses(String url, String user) throws SQLException {
    List<Status> statuses = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT server_id, rack_id, lifecycle, open_incidents, incident_types, "
                    + epochMillis(url, "last_report_at")
                    + ", baseline_ready, "
                    + epochMillis(url, "baseline_expected_ready_at")
                    + ", "
                    + epochMillis(url, "changed_at")
                    + " FROM "
                    + run
                    + ".server_status ORDER BY server_id")) {
      while (rows.next()) {
        statuses.add(
            new Status(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getInt(4),
                rows.getString(5),
                rows.getObject(6) == null ? null : rows.getLong(6),
                rows.getString(7),
                rows.getObject(8) == null ? null : rows.getLong(8),
                rows.getLong(9)));
      }
    }
    return statuses;
  }

  /** "Which racks are unhealthy?" as the README asks it: rack, servers, unhealthy, incidents. */
  private List<String> unhealthyRacks(String url, String user) throws SQLException {
    List<String> racks = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT rack_id, servers, unhealthy_servers, rack_incidents FROM "
                    + run
                    + ".rack_health WHERE unhealthy_servers > 0 OR rack_incidents > 0"
                    + " ORDER BY rack_id")) {
      while (rows.next()) {
        racks.add(
            rows.getString(1)
                + " "
                + rows.getLong(2)
                + " "
                + rows.getLong(3)
                + " "
                + rows.getLong(4));
      }
    }
    return racks;
  }

  private static String epochMillis(String url, String column) {
    return url.startsWith("jdbc:postgresql")
        ? "(EXTRACT(EPOCH FROM " + column + ") * 1000)::BIGINT"
        : "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + column + ") DIV 1000";
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
      "SELECT rack_id, servers, unhealthy_servers, rack_incidents FROM "
          + run
          + ".rack_health WHERE unhealthy_servers > 0 OR rack_incidents > 0 ORDER BY rack_id",
      "SELECT server_id, lifecycle, incident_types, last_report_at, baseline_ready,"
          + " baseline_expected_ready_at FROM "
          + run
          + ".server_status WHERE rack_id = 'dc1-r01' ORDER BY server_id",
      "SELECT datacenter_id, servers, unhealthy_servers, unhealthy_racks, datacenter_incidents"
          + " FROM "
          + run
          + ".datacenter_health",
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
