package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.io.IoTestSupport.AlertRow;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.io.File;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The JDBC sink against the real PostgreSQL and MariaDB: replays leave each incident once in its
 * latest state, and a PostgreSQL outage in the middle of a stream loses and duplicates nothing.
 */
@RunWith(JUnit4.class)
public class JdbcSinkIT {
  private final String run = IoTestSupport.runId();
  private LocalKafka kafka;

  @Before
  public void setUp() {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    IoTestSupport.assumeServiceUp("mariadb", 3306);
    kafka = IoTestSupport.kafka();
    kafka.createTopics(2, topic("metrics"), topic("provisioning"));
  }

  @After
  public void tearDown() {
    kafka.deleteTopics(topic("metrics"), topic("provisioning"));
    IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, run);
    IoTestSupport.dropSchema(MARIADB_URL, MARIADB_USER, run);
  }

  private String topic(String name) {
    return "dctwin-" + run + "." + name;
  }

  private DatacenterPipeline.Options options(
      String url, String user, String group, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--source=kafka",
                "--sinks=jdbc",
                "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                "--kafkaTopics=" + topic("metrics") + "," + topic("provisioning"),
                "--kafkaConsumerGroup=" + group,
                "--kafkaMaxOutOfOrdernessSeconds=5",
                "--jdbcUrl=" + url,
                "--jdbcUser=" + user,
                "--jdbcSchema=" + run,
                "--jdbcBatchSize=50",
                "--silenceAfterSeconds=3600",
                "--targetParallelism=2"));
    args.addAll(List.of(more));
    return IoTestSupport.options(args.toArray(String[]::new));
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
  public void replayingTheSameInputLeavesEachIncidentOnceInItsLatestState() throws Exception {
    long start = 1_763_719_200_000L;
    String failing = serverId(3);
    produce(IoTestSupport.commissions(start), topic("provisioning"));
    List<ServerMetricReport> reports =
        IoTestSupport.reports(start, 6, failing, start + 120_000, start + 240_000);
    produce(reports, topic("metrics"));
    long records = reports.size() + IoTestSupport.SERVERS;

    long openedAt = start + 140_000; // third abnormal report of 3-of-4
    long resolvedAt = start + 260_000; // third clear report in a row
    String incidentId =
        Alert.incidentId(Level.SERVER, failing, IncidentType.DISK_FAILURE, openedAt);
    List<AlertRow> expected =
        List.of(
            new AlertRow(incidentId, "RESOLVED", failing, "DISK_FAILURE", openedAt, resolvedAt));
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      for (int replay = 1; replay <= 2; replay++) {
        long began = System.nanoTime();
        PipelineResult result =
            DatacenterPipeline.start(
                options(
                    database[0],
                    database[1],
                    run + "-" + replay + database[0].hashCode(),
                    "--kafkaMaxRecords=" + records));
        assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
        assertThat(
            database[0] + " after run " + replay,
            IoTestSupport.alertRows(database[0], database[1], run),
            equalTo(expected));
        System.out.printf(
            "JdbcSinkIT: %s run %d in %.1f s%n",
            database[0], replay, (System.nanoTime() - began) / 1e9);
      }
    }
  }

  @Test
  public void aPostgresOutageInTheMiddleOfAStreamLosesAndDuplicatesNothing() throws Exception {
    File pgctl = new File("/usr/bin/pg_ctlcluster");
    org.junit.Assume.assumeTrue("pg_ctlcluster is needed to stop PostgreSQL", pgctl.canExecute());
    String version = latestPostgresVersion();
    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 8 * 60_000;
    String first = serverId(3);
    String second = serverId(7);
    List<ServerMetricReport> reports =
        IoTestSupport.reports(start, 6, first, start + 120_000, start + 240_000);
    List<ServerMetricReport> withSecond =
        reports.stream()
            .map(
                r ->
                    r.serverId().equals(second) && r.eventTime() >= start + 240_000
                        ? IoTestSupport.withFailedDisk(r)
                        : r)
            .toList();
    List<ServerMetricReport> beforeOutage =
        withSecond.stream().filter(r -> r.eventTime() < start + 180_000).toList();
    List<ServerMetricReport> duringOutage =
        withSecond.stream().filter(r -> r.eventTime() >= start + 180_000).toList();

    PipelineResult result = DatacenterPipeline.start(options(POSTGRES_URL, POSTGRES_USER, run));
    boolean stopped = false;
    try {
      Thread.sleep(3_000);
      produce(IoTestSupport.commissions(start), topic("provisioning"));
      Thread.sleep(3_000);
      produce(beforeOutage, topic("metrics"));
      awaitRows(1, 60);

      long outage = System.nanoTime();
      postgres("stop", version);
      stopped = true;
      produce(duringOutage, topic("metrics"));
      Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - outage) / 1_000_000));
      postgres("start", version);
      stopped = false;
      System.out.printf(
          "JdbcSinkIT: PostgreSQL was down %.1f s%n", (System.nanoTime() - outage) / 1e9);

      long firstOpened = start + 140_000;
      long secondOpened = start + 260_000;
      List<AlertRow> expected =
          List.of(
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
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline
          && !IoTestSupport.alertRows(POSTGRES_URL, POSTGRES_USER, run).equals(expected)) {
        Thread.sleep(500);
      }
      Thread.sleep(3_000); // nothing else may arrive
      assertThat(IoTestSupport.alertRows(POSTGRES_URL, POSTGRES_USER, run), equalTo(expected));
      assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
    } finally {
      if (stopped) {
        postgres("start", version);
      }
      IoTestSupport.cancel(result);
    }
  }

  private void awaitRows(int rows, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline
        && IoTestSupport.alertRows(POSTGRES_URL, POSTGRES_USER, run).size() < rows) {
      Thread.sleep(500);
    }
    assertThat(IoTestSupport.alertRows(POSTGRES_URL, POSTGRES_USER, run).size(), equalTo(rows));
  }

  private static String latestPostgresVersion() {
    String[] versions = new File("/etc/postgresql").list();
    org.junit.Assume.assumeTrue(
        "no cluster under /etc/postgresql", versions != null && versions.length > 0);
    java.util.Arrays.sort(versions, java.util.Comparator.comparingInt(Integer::parseInt));
    return versions[versions.length - 1];
  }

  private static void postgres(String action, String version) throws Exception {
    Process process =
        new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action)
            .inheritIO()
            .start();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("pg_ctlcluster " + action + " failed");
    }
  }
}
