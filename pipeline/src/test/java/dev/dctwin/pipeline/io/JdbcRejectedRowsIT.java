package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.pipeline.join.Counters;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Rows that the database refuses for good, against the real PostgreSQL and MariaDB: an alert whose
 * entity is longer than its column among good alerts becomes a dead letter, the good ones land as
 * they would have, and the run finishes; a dead letter too long for its columns is cut to fit, and
 * one the dead-letter table refuses anyway is counted, not sent around again.
 */
@RunWith(JUnit4.class)
public class JdbcRejectedRowsIT {
  private static final long START = 1_763_719_200_000L;
  private static final int GOOD = 30;
  private static final String TOO_LONG = "rack-x-" + "y".repeat(300);

  private final String run = IoTestSupport.runId();

  @Before
  public void setUp() {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    IoTestSupport.assumeServiceUp("mariadb", 3306);
  }

  @After
  public void tearDown() {
    IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, run);
    IoTestSupport.dropSchema(MARIADB_URL, MARIADB_USER, run);
  }

  private JdbcTarget migrated(String url, String user) {
    JdbcTarget target =
        JdbcTarget.from(
            IoTestSupport.options("--jdbcUrl=" + url, "--jdbcUser=" + user, "--jdbcSchema=" + run));
    SchemaMigrations.apply(target);
    return target;
  }

  private static Alert alert(String entity, int i) {
    long openedAt = START + i * 1_000L;
    return IoTestSupport.diskFailure(entity, openedAt);
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(WriteToJdbc.class, name))
                    .build())
            .getCounters()) {
      sum += Counters.finalValue(counter);
    }
    return sum;
  }

  private static List<String> column(String url, String user, String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      while (result.next()) {
        values.add(result.getString(1));
      }
    }
    return values;
  }

  @Test
  public void anAlertTooLongForItsColumnIsADeadLetterAndTheGoodOnesLand() throws Exception {
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      String url = database[0];
      String user = database[1];
      JdbcTarget target = migrated(url, user);
      List<Alert> alerts = new ArrayList<>();
      TreeSet<String> goodEntities = new TreeSet<>();
      for (int i = 0; i < GOOD; i++) {
        alerts.add(alert(serverId(i), i));
        goodEntities.add(serverId(i));
        if (i == GOOD / 2) {
          alerts.add(alert(TOO_LONG, i)); // in the middle of a batch
        }
      }
      // A dead letter longer than its columns, with NUL characters PostgreSQL's text refuses.
      DeadLetter oversized =
          DeadLetter.of(
              "mqtt:" + "z".repeat(5_000),
              DeadLetterReason.NOT_JSON,
              "bad\0json " + "w".repeat(100_000),
              "{not json".getBytes(StandardCharsets.UTF_8),
              START);

      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      PCollection<Alert> input =
          pipeline.apply("Alerts", Create.of(alerts).withCoder(RecordCoder.of(Alert.class)));
      PCollection<DeadLetter> rejected =
          PCollectionList.of(input.apply("AlertsToJdbc", WriteToJdbc.alerts(target, 50)))
              .and(input.apply("AlertEventsToJdbc", WriteToJdbc.alertEvents(target, 50)))
              .apply("Rejected", Flatten.pCollections());
      PAssert.that(rejected)
          .satisfies(
              letters -> {
                List<String> sources = new ArrayList<>();
                for (DeadLetter letter : letters) {
                  sources.add(letter.source().substring(0, letter.source().indexOf(":rack-x-")));
                  assertThat(letter.reason(), equalTo(DeadLetterReason.SINK_REJECTED));
                  assertThat(letter.source(), containsString(TOO_LONG));
                  assertThat(letter.detail(), containsString("SQLSTATE 22001"));
                  // The alert itself, as the Kafka sink would have written it.
                  String payload = new String(letter.payload(), StandardCharsets.UTF_8);
                  assertThat(payload, containsString("\"entity\":\"" + TOO_LONG + "\""));
                }
                assertThat(
                    new TreeSet<>(sources),
                    equalTo(new TreeSet<>(List.of("jdbc:alerts", "jdbc:alert_events"))));
                assertThat(sources.size(), equalTo(2));
                return null;
              });
      PCollectionList.of(rejected)
          .and(
              pipeline.apply(
                  "Oversized", Create.of(oversized).withCoder(RecordCoder.of(DeadLetter.class))))
          .apply("AllDeadLetters", Flatten.pCollections())
          .apply("DeadLettersToJdbc", WriteToJdbc.deadLetters(target, 50));
      PipelineResult result = pipeline.run();

      assertThat(url, result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
      assertThat(
          url,
          new TreeSet<>(column(url, user, "SELECT entity FROM " + run + ".alerts")),
          equalTo(goodEntities));
      assertThat(
          url,
          new TreeSet<>(column(url, user, "SELECT entity FROM " + run + ".alert_events")),
          equalTo(goodEntities));
      List<String> deadLetters =
          column(
              url,
              user,
              "SELECT CONCAT(reason, ' ', CHAR_LENGTH(source), ' ', CHAR_LENGTH(detail)) FROM "
                  + run
                  + ".dead_letters ORDER BY reason, source");
      assertThat(url + " " + deadLetters, deadLetters.size(), equalTo(3));
      assertThat(
          deadLetters.get(0), equalTo("NOT_JSON 1024 " + JdbcColumnLimits.DEAD_LETTER_DETAIL));
      assertThat(deadLetters.get(1), startsWith("SINK_REJECTED "));
      assertThat(deadLetters.get(2), startsWith("SINK_REJECTED "));
      assertThat(counter(result, DeadLetterReason.SINK_REJECTED.counterName()), equalTo(2L));
      assertThat(counter(result, "rows_written"), equalTo(2L * GOOD + 3));
      assertThat(counter(result, "dead_letters_unwritable"), equalTo(0L));
    }
  }

  @Test
  public void aServerStatusTooLongForItsColumnIsADeadLetterAndTheGoodOnesLand() throws Exception {
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      String url = database[0];
      String user = database[1];
      JdbcTarget target = migrated(url, user);
      List<ServerStatusUpdate> statuses = new ArrayList<>();
      TreeSet<String> goodServers = new TreeSet<>();
      for (int i = 0; i < GOOD; i++) {
        statuses.add(status(serverId(i), "dc1-r01"));
        goodServers.add(serverId(i));
        if (i == GOOD / 2) {
          statuses.add(status("dc1-r01-s99", TOO_LONG)); // in the middle of a batch
        }
      }
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      PCollection<DeadLetter> rejected =
          pipeline
              .apply(
                  "Statuses",
                  Create.of(statuses).withCoder(RecordCoder.of(ServerStatusUpdate.class)))
              .apply("ServerStatusToJdbc", WriteToJdbc.serverStatus(target, 50));
      PAssert.that(rejected)
          .satisfies(
              letters -> {
                List<DeadLetter> all = new ArrayList<>();
                letters.forEach(all::add);
                assertThat(all.toString(), all.size(), equalTo(1));
                DeadLetter letter = all.get(0);
                assertThat(letter.reason(), equalTo(DeadLetterReason.SINK_REJECTED));
                assertThat(letter.source(), equalTo("jdbc:server_status:dc1-r01-s99"));
                assertThat(letter.detail(), containsString("SQLSTATE 22001"));
                assertThat(
                    new String(letter.payload(), StandardCharsets.UTF_8),
                    containsString("rackId=" + TOO_LONG));
                return null;
              });
      PipelineResult result = pipeline.run();

      assertThat(url, result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
      assertThat(
          url,
          new TreeSet<>(column(url, user, "SELECT server_id FROM " + run + ".server_status")),
          equalTo(goodServers));
      assertThat(counter(result, DeadLetterReason.SINK_REJECTED.counterName()), equalTo(1L));
      assertThat(counter(result, "rows_written"), equalTo((long) GOOD));
    }
  }

  private static ServerStatusUpdate status(String serverId, String rackId) {
    return new ServerStatusUpdate(
        serverId,
        rackId,
        "dc1",
        ServerStatusUpdate.Lifecycle.COMMISSIONED,
        Set.of(IncidentType.DISK_FAILURE),
        START,
        false,
        START + 86_400_000L,
        START);
  }

  @Test
  public void aDeadLetterTheTableRefusesIsCountedAndTheRunGoesOn() throws Exception {
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      String url = database[0];
      String user = database[1];
      JdbcTarget target = migrated(url, user);
      try (Connection connection = IoTestSupport.connect(url, user);
          Statement statement = connection.createStatement()) {
        statement.execute(
            "ALTER TABLE "
                + run
                + ".dead_letters ADD CONSTRAINT refuse_not_json CHECK (reason <> 'NOT_JSON')");
      }
      List<DeadLetter> letters = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        letters.add(
            DeadLetter.of(
                "test:" + i,
                i == 4 ? DeadLetterReason.NOT_JSON : DeadLetterReason.NOT_UTF8,
                "detail " + i,
                new byte[] {(byte) i},
                START + i));
      }
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      pipeline
          .apply("Letters", Create.of(letters).withCoder(RecordCoder.of(DeadLetter.class)))
          .apply("DeadLettersToJdbc", WriteToJdbc.deadLetters(target, 50));
      PipelineResult result = pipeline.run();

      assertThat(url, result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
      assertThat(
          url,
          column(url, user, "SELECT source FROM " + run + ".dead_letters ORDER BY source"),
          equalTo(
              List.of(
                  "test:0", "test:1", "test:2", "test:3", "test:5", "test:6", "test:7", "test:8",
                  "test:9")));
      assertThat(counter(result, "dead_letters_unwritable"), equalTo(1L));
      assertThat(counter(result, DeadLetterReason.SINK_REJECTED.counterName()), equalTo(0L));
    }
  }

  @Test
  public void aDeadLettersOriginLengthAndHashHaveColumnsOfTheirOwn() throws Exception {
    byte[] large = new byte[5_000];
    java.util.Arrays.fill(large, (byte) '{');
    List<DeadLetter> letters =
        List.of(
            DeadLetter.of(
                "kafka:dctwin.metrics",
                DeadLetterReason.NOT_JSON,
                "bad",
                large,
                START,
                MessageOrigin.kafka("dctwin.metrics", 2, 9_876_543_210L),
                1_000),
            DeadLetter.of(
                "mqtt:long",
                DeadLetterReason.NOT_JSON,
                "bad",
                "{".getBytes(StandardCharsets.UTF_8),
                START + 1,
                MessageOrigin.mqtt("dc/" + "t".repeat(5_000)),
                1_000),
            DeadLetter.of(
                "file:/in/a.jsonl:7",
                DeadLetterReason.NOT_UTF8,
                "bad",
                new byte[] {(byte) 0xff},
                START + 2,
                MessageOrigin.file("/in/a.jsonl", 7),
                1_000),
            DeadLetter.of(
                "twin:late", DeadLetterReason.LATE_SAMPLE, "bad", new byte[] {1, 2}, START + 3));
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      String url = database[0];
      String user = database[1];
      JdbcTarget target = migrated(url, user);
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      pipeline
          .apply("Letters", Create.of(letters).withCoder(RecordCoder.of(DeadLetter.class)))
          .apply("DeadLettersToJdbc", WriteToJdbc.deadLetters(target, 50));
      assertThat(url, pipeline.run().waitUntilFinish(), equalTo(PipelineResult.State.DONE));

      List<String> rows = new ArrayList<>();
      try (Connection connection = IoTestSupport.connect(url, user);
          Statement statement = connection.createStatement();
          ResultSet result =
              statement.executeQuery(
                  "SELECT source, origin_topic, origin_partition, origin_offset, origin_file,"
                      + " origin_line, payload_length, payload_sha256, detail, LENGTH(payload)"
                      + " FROM "
                      + run
                      + ".dead_letters ORDER BY received_at")) {
        while (result.next()) {
          List<String> row = new ArrayList<>();
          for (int c = 1; c <= 10; c++) {
            row.add(result.getString(c));
          }
          rows.add(String.join("|", row));
        }
      }
      List<String> expected = new ArrayList<>();
      for (DeadLetter letter : letters) {
        MessageOrigin origin = letter.origin();
        expected.add(
            String.join(
                "|",
                java.util.Arrays.asList(
                    letter.source(),
                    origin == null ? null : origin.topic(),
                    origin == null || origin.partition() == null
                        ? null
                        : origin.partition().toString(),
                    origin == null || origin.offset() == null ? null : origin.offset().toString(),
                    origin == null ? null : origin.file(),
                    origin == null || origin.line() == null ? null : origin.line().toString(),
                    Long.toString(letter.payloadLength()),
                    letter.payloadSha256(),
                    "bad",
                    Integer.toString(letter.payload().length))));
      }
      assertThat(url, rows, equalTo(expected));
      // The letter cut the MQTT topic to its column, and kept 1,000 of the 5,000 bytes.
      assertThat(letters.get(1).origin().topic().length(), equalTo(1024));
      assertThat(rows.get(0), containsString("|5000|" + PayloadCut.sha256Hex(large) + "|bad|1000"));
    }
  }
}
