package dev.dctwin.pipeline.runners;

import static dev.dctwin.pipeline.runners.FlinkClusterScripts.await;
import static dev.dctwin.pipeline.runners.FlinkClusterScripts.log;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.Main;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The cluster's job jar, {@code dctwin-pipeline-flink.jar} of {@code -Pflink-runner}, is all a
 * Flink cluster needs of dctwin: submitted alone with {@code submit.sh --jar} to a real standalone
 * session cluster ({@code cluster.sh}: JobManager and TaskManager as JVMs of their own from Maven
 * Central's Flink jars, RocksDB, exactly-once checkpoints), a bounded run of a rack with failing
 * disks finishes and writes the same alerts as the DirectRunner in this JVM, to a file, to Kafka
 * and to PostgreSQL (Flyway migrations, upserts).
 *
 * <p>What the jar leaves out because the cluster has it (Flink) or because only other runners load
 * it (see the flink-runner profile in pipeline/pom.xml) would fail the job here with a {@code
 * NoClassDefFoundError} on the client, the JobManager or the TaskManager.
 *
 * <p>Kafka at least once: the exactly-once sink's {@code @RequiresStableInput} step cannot finish a
 * bounded run on the FlinkRunner (Beam 2.62 fails the finishing operator with "There are still
 * watermark holds left", and the job restarts forever); FlinkClusterRecoveryIT checks that sink on
 * an unbounded run.
 *
 * <p>Runs in the {@code -Pflink-runner} build only, which builds the jar before failsafe runs and
 * passes its path as {@code dctwin.flinkJobJar}: {@code ./mvnw -B -pl pipeline -am -Pflink-runner
 * package failsafe:integration-test failsafe:verify -Dit.test=FlinkJobJarIT -Dtest=None
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}. Needs Kafka and
 * PostgreSQL ({@code runner-configs/local/services.sh start}); the cluster takes two free ports of
 * its own, beside any other. Work directory, with every JVM's log: {@code
 * pipeline/target/flink-job-jar-test}.
 */
@RunWith(JUnit4.class)
public class FlinkJobJarIT {
  private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String POSTGRES_USER = "postgres";
  private static final String RACK = "dc1-r01";
  private static final String DATACENTER = "dc1";
  private static final int SERVERS = 4;
  private static final int TICKS = 40;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  private static final String RUN =
      "j" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path jobJar;
  private static Path work;
  private static FlinkClusterScripts cluster;
  private static LocalKafka kafka;
  private static boolean topicsCreated;
  private static String jobId;

  @BeforeClass
  public static void startCluster() throws IOException {
    String jar = System.getProperty("dctwin.flinkJobJar");
    assertTrue(
        "dctwin.flinkJobJar names the job jar: run this test in the -Pflink-runner build",
        jar != null && Files.isRegularFile(Path.of(jar)));
    jobJar = Path.of(jar);
    LocalServices.require("PostgreSQL", LocalServices.POSTGRESQL);
    kafka = LocalKafka.require();
    Path repo = FlinkClusterScripts.findRepo();
    work = repo.resolve("pipeline/target/flink-job-jar-test");
    deleteRecursively(work);
    Files.createDirectories(work);
    cluster = new FlinkClusterScripts(repo, work, freePort(), freePort());
    log(String.format(Locale.ROOT, "job jar %s, %d bytes", jobJar, Files.size(jobJar)));
    CompletableFuture<String> clusterUp =
        CompletableFuture.supplyAsync(() -> cluster.cluster(START_TIMEOUT, "start"));
    kafka.createTopics(1, topic("alerts"), topic("answers"), topic("dl"));
    topicsCreated = true;
    clusterUp.join();
    log("cluster up on " + cluster.flinkMaster());
  }

  @AfterClass
  public static void stopCluster() {
    if (cluster != null) {
      if (jobId != null) {
        cluster.cancel(jobId);
      }
      try {
        cluster.cluster(Duration.ofMinutes(2), "stop");
      } catch (RuntimeException e) {
        System.err.println("cluster.sh stop failed: " + e.getMessage());
      }
    }
    if (topicsCreated) {
      kafka.deleteTopics(topic("alerts"), topic("answers"), topic("dl"));
    }
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + RUN + " CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop schema " + RUN + ": " + e.getMessage());
    }
  }

  @Test
  public void boundedRunOfTheJobJarWritesTheAlertsOfTheDirectRunner() throws Exception {
    Path input = work.resolve("input");
    Files.createDirectories(input);
    writeRack(input.resolve("rack.jsonl"));

    // The reference: the same input through the DirectRunner, in this JVM.
    Path expectedFile = work.resolve("direct-alerts.jsonl");
    int code =
        Main.run(
            new String[] {"run", "--inputDir=" + input, "--alertsOut=" + expectedFile},
            new PrintStream(System.out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat("the DirectRunner's run", code, equalTo(Cli.EXIT_OK));
    List<String> expected = sorted(Files.readAllLines(expectedFile));
    assertThat(
        "the DirectRunner's alerts: every failed disk opens and resolves an incident",
        expected.size(),
        greaterThanOrEqualTo(2 * SERVERS));

    Path clusterFile = work.resolve("cluster-alerts.jsonl");
    long submitted = System.nanoTime();
    jobId =
        cluster.submit(
            List.of(jobJar),
            List.of(
                "--flinkMaster=" + cluster.flinkMaster(),
                "--jobName=dctwin-" + RUN,
                "--source=file",
                "--inputDir=" + input,
                "--sinks=file,kafka,jdbc",
                "--alertsOut=" + clusterFile,
                "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                "--kafkaAlertsTopic=" + topic("alerts"),
                "--kafkaAnswersTopic=" + topic("answers"),
                "--kafkaDeadLettersTopic=" + topic("dl"),
                "--kafkaDelivery=AT_LEAST_ONCE",
                "--jdbcUrl=" + POSTGRES_URL,
                "--jdbcUser=" + POSTGRES_USER,
                "--jdbcSchema=" + RUN,
                "--checkpointingInterval=2000",
                "--minPauseBetweenCheckpoints=1000",
                "--stateBackendStoragePath=" + work.resolve("checkpoints").toUri()),
            SUBMIT_TIMEOUT);
    log("submitted job " + jobId + " in " + seconds(submitted));
    // Done waiting at the first failure too: the cluster's restart strategy retries forever.
    assertTrue(
        "job " + jobId + " ends within " + RUN_TIMEOUT.toMinutes() + " min; " + diagnose(),
        await(
            RUN_TIMEOUT,
            Duration.ofSeconds(1),
            () -> isTerminal(cluster.state(jobId)) || !cluster.exceptions(jobId).equals("none")));
    assertThat("the job's failures", cluster.exceptions(jobId), equalTo("none"));
    assertThat("the job's final state", cluster.state(jobId), equalTo("FINISHED"));
    log("job FINISHED " + seconds(submitted) + " after submission");

    assertThat(
        "the alerts file the TaskManager wrote",
        sorted(Files.readAllLines(clusterFile)),
        equalTo(expected));
    Set<String> inKafka = new TreeSet<>();
    for (ConsumerRecord<String, String> record :
        kafka.readCommitted(
            topic("alerts"), expected.size(), Duration.ofSeconds(60), Duration.ofSeconds(2))) {
      inKafka.add(record.value());
    }
    assertThat("the alerts in Kafka (at least once)", inKafka, equalTo(new TreeSet<>(expected)));
    assertThat(
        "the alert transitions in PostgreSQL (alert_events)",
        alertEventsInPostgres(),
        equalTo(alertIds(expected)));
  }

  /**
   * A rack of {@link #SERVERS} servers reporting once a second for {@link #TICKS} seconds of event
   * time, in event-time order: commissioned first, decommissioned after the last report. Server k
   * reports a failed disk for 5 reports from tick 3 + 6k: DISK_FAILURE opens after 3 abnormal
   * reports and resolves after 3 clear ones.
   */
  private static void writeRack(Path file) throws IOException {
    WireCodec codec = WireCodec.withDefaults();
    long start = SampleMessages.T0;
    List<String> lines = new ArrayList<>();
    for (int k = 1; k <= SERVERS; k++) {
      lines.add(
          codec.encodeToString(new CommissionServer(serverId(k), RACK, DATACENTER, start - 1_000)));
    }
    for (int tick = 0; tick < TICKS; tick++) {
      long time = start + tick * 1_000L;
      for (int k = 1; k <= SERVERS; k++) {
        ServerMetricReport report = SampleMessages.report(serverId(k), time);
        int failFrom = 3 + 6 * k;
        if (tick >= failFrom && tick < failFrom + 5) {
          report = report.withDisk(report.disk().withFailedDevices(1));
        }
        lines.add(codec.encodeToString(report));
      }
    }
    long end = start + TICKS * 1_000L;
    for (int k = 1; k <= SERVERS; k++) {
      lines.add(codec.encodeToString(new DecommissionServer(serverId(k), RACK, DATACENTER, end)));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static String serverId(int k) {
    return String.format(Locale.ROOT, "%s-s%02d", RACK, k);
  }

  /** The alert ids (incident:transition) of alerts in their JSON form. */
  private static Set<String> alertIds(List<String> alerts) throws IOException {
    Set<String> ids = new TreeSet<>();
    for (String alert : alerts) {
      JsonNode node = JSON.readTree(alert);
      ids.add(node.path("incidentId").asText() + ":" + node.path("status").asText());
    }
    return ids;
  }

  private static Set<String> alertEventsInPostgres() throws SQLException {
    Set<String> ids = new TreeSet<>();
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT incident_id, transition FROM " + RUN + ".alert_events")) {
      while (rows.next()) {
        ids.add(rows.getString(1) + ":" + rows.getString(2));
      }
    }
    return ids;
  }

  private static boolean isTerminal(String state) {
    return Set.of("FINISHED", "FAILED", "CANCELED").contains(state);
  }

  private static String diagnose() {
    return "state "
        + cluster.state(jobId)
        + ", failures: "
        + cluster.exceptions(jobId)
        + "; logs in "
        + work.resolve("log");
  }

  private static String topic(String name) {
    return RUN + "." + name;
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().filter(line -> !line.isBlank()).sorted().toList();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover file does not matter: the run writes new ones.
    }
  }

  private static String seconds(long startNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }
}
