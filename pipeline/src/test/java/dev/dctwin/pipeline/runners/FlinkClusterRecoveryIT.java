package dev.dctwin.pipeline.runners;

import static dev.dctwin.pipeline.runners.FlinkClusterScripts.await;
import static dev.dctwin.pipeline.runners.FlinkClusterScripts.log;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The datacenter pipeline on a real standalone Flink session cluster (JobManager and TaskManager as
 * separate JVMs, started by {@code runner-configs/flink-cluster/cluster.sh}), reading Kafka and
 * writing alerts to Kafka (exactly once) and PostgreSQL (idempotent upserts), survives a crashed
 * TaskManager and a stop-with-savepoint/resume without losing or repeating an alert.
 *
 * <p>The job reads a rack reporting in real time ({@link LiveFleet}), is submitted with {@code
 * submit.sh}, loses its TaskManager to {@code kill -9} mid-run (a new one is started), is stopped
 * with a savepoint ({@code savepoint.sh stop}) and resumed from it ({@code savepoint.sh resume}).
 * Then a reference job that nothing disturbs reads the same input from the beginning. The alerts of
 * both in Kafka ({@code read_committed}) and in PostgreSQL must be equal: 0 lost, 0 duplicated.
 * That holds because the twins' output depends on event time only and the input is never late (see
 * LiveFleet), however it is replayed.
 *
 * <p>What it stages ({@link JobJars}): in the {@code -Pflink-runner} build the job jar
 * dctwin-pipeline-flink.jar, otherwise the same classes from the test classpath.
 *
 * <p>A second, small job on the same cluster reads hostile messages and its dead letters by reason
 * show on the cluster's Prometheus endpoint ({@code metrics.reporter.prom.*} of flink-conf.yaml),
 * as an operator's Prometheus would scrape them.
 *
 * <p>Needs PostgreSQL on 127.0.0.1:5432 ({@code runner-configs/local/services.sh start}) and port
 * 8081 free; skips loudly otherwise. The cluster's work directory is {@code
 * pipeline/target/flink-cluster-test} (logs of every JVM, checkpoints, savepoints).
 */
@RunWith(JUnit4.class)
public class FlinkClusterRecoveryIT {
  private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String POSTGRES_USER = "postgres";
  private static final int TICKS = 75;
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

  private static FlinkClusterScripts cluster;
  private static final List<String> TOPICS = new ArrayList<>();
  private static String bootstrapServers;
  private static List<Path> jobJars;
  private static final String RUN =
      "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final List<String> JOBS =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private static boolean clusterStarted;

  @BeforeClass
  public static void startClusterAndKafka() {
    assumeFlinkBundle();
    LocalServices.require("PostgreSQL", LocalServices.POSTGRESQL);
    LocalServices.require(
        "a free Flink REST port 8081 (stop another cluster: runner-configs/flink-cluster/cluster.sh"
            + " stop)",
        !LocalServices.isUp(8081));
    Path repo = FlinkClusterScripts.findRepo();
    Path work = repo.resolve("pipeline/target/flink-cluster-test");
    deleteRecursively(work);
    cluster = new FlinkClusterScripts(repo, work);
    long started = System.nanoTime();
    jobJars = JobJars.forCluster(cluster.clusterClasspath());
    log(
        String.format(
            Locale.ROOT,
            "staging %d class folders and jars, %.0f MB",
            jobJars.size(),
            JobJars.bytes(jobJars) / 1e6));
    // The cluster's JVMs start while this one sets up Kafka.
    clusterStarted = true;
    CompletableFuture<String> clusterUp =
        CompletableFuture.supplyAsync(() -> cluster.cluster(START_TIMEOUT, "start"));
    bootstrapServers = LocalKafka.require().bootstrapServers();
    createTopics(2, topic("metrics"), topic("provisioning"));
    createTopics(1, topic("sensors"), topic("queries"));
    createTopics(
        1,
        topic("prom.metrics"),
        topic("prom.sensors"),
        topic("prom.provisioning"),
        topic("prom.queries"));
    for (String job : List.of("job", "ref", "prom")) {
      createTopics(1, topic(job + ".alerts"), topic(job + ".answers"), topic(job + ".dl"));
    }
    log("kafka " + bootstrapServers + " ready after " + seconds(started));
    clusterUp.join();
    log("cluster up after " + seconds(started));
  }

  @AfterClass
  public static void stopEverything() {
    if (cluster != null) {
      for (String job : List.copyOf(JOBS)) {
        cluster.cancel(job);
      }
      if (clusterStarted) {
        try {
          cluster.cluster(Duration.ofMinutes(2), "stop");
        } catch (RuntimeException e) {
          System.err.println("cluster.sh stop failed: " + e.getMessage());
        }
      }
    }
    if (bootstrapServers != null) {
      deleteTopics();
    }
    for (String job : List.of("job", "ref", "prom")) {
      dropSchema(schema(job));
    }
  }

  /** Each test leaves the cluster's slots free for the next. */
  @After
  public void cancelJobs() {
    if (cluster == null) {
      return;
    }
    for (String job : List.copyOf(JOBS)) {
      cluster.cancel(job);
      JOBS.remove(job);
    }
  }

  @Test
  public void deadLettersByReasonShowOnThePrometheusEndpoint() throws Exception {
    String job = submit("prom");
    awaitAllTasksRunning(job, START_TIMEOUT);
    Map<String, Integer> sent = new TreeMap<>(Map.of("not_json", 5, "unknown_message_type", 3));
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < sent.get("not_json"); i++) {
        producer.send(new ProducerRecord<>(topic("prom.metrics"), "k", "not json " + i)).get();
      }
      for (int i = 0; i < sent.get("unknown_message_type"); i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topic("prom.metrics"), "k", "{\"type\":\"teleport\",\"n\":" + i + "}"))
            .get();
      }
    }
    Map<String, Double> scraped = new TreeMap<>();
    boolean found =
        await(
            Duration.ofMinutes(2),
            Duration.ofSeconds(2),
            () -> {
              scraped.clear();
              scraped.putAll(deadLettersByReason("dctwin-" + RUN + "-prom"));
              return sent.keySet().stream()
                  .allMatch(reason -> scraped.getOrDefault(reason, 0.0) >= sent.get(reason));
            });
    assertTrue(
        "the job's dead letters by reason on the Prometheus endpoint: "
            + scraped
            + ", sent "
            + sent
            + "; "
            + diagnose(job),
        found);
    for (Map.Entry<String, Integer> reason : sent.entrySet()) {
      assertThat(
          reason.getKey(), scraped.get(reason.getKey()), equalTo((double) reason.getValue()));
    }
    log("dead letters by reason scraped from the Prometheus endpoint: " + scraped);
  }

  /**
   * The Beam counters {@code dead_letter_<reason>} of one job, summed over steps and subtasks, as
   * the Prometheus reporters of the cluster's JVMs (ports 9249-9259) serve them. Series of other
   * jobs and clusters are told apart by their {@code job_name} label.
   */
  private static Map<String, Double> deadLettersByReason(String jobName) {
    // The reporter turns every character but letters, digits, ':' and '_' into '_', in names and
    // in label values.
    String jobLabel = "job_name=\"" + jobName.replaceAll("[^a-zA-Z0-9:_]", "_") + "\"";
    Pattern series = Pattern.compile("^(\\w+?)dead_letter_([a-z_]+)\\{(.*)\\} (\\S+)$");
    Map<String, Double> byReason = new TreeMap<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int port = 9249; port <= 9259; port++) {
      String body;
      try {
        body =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      } catch (IOException e) {
        continue; // no reporter on this port
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return byReason;
      }
      for (String line : body.split("\n")) {
        Matcher matcher = series.matcher(line);
        if (matcher.matches() && matcher.group(3).contains(jobLabel)) {
          byReason.merge(matcher.group(2), Double.parseDouble(matcher.group(4)), Double::sum);
        }
      }
    }
    return byReason;
  }

  @Test
  public void killedTaskManagerAndSavepointRoundTripNeitherLoseNorRepeatAlerts() throws Exception {
    long testStart = System.nanoTime();
    String job = submit("job");
    awaitAllTasksRunning(job, START_TIMEOUT);
    log("job " + job + " running after " + seconds(testStart));
    assertThat(
        "GET /jobs lists the job as RUNNING", cluster.stateInJobList(job), equalTo("RUNNING"));

    long inputEnd;
    String resumed;
    String reference;
    try (KafkaProducer<String, String> producer = producer();
        LiveFleet fleet = new LiveFleet(producer, topic("metrics"), topic("provisioning"), TICKS)) {
      fleet.start();
      long fleetStart = System.nanoTime();

      // 1. Crash: kill -9 the TaskManager once the job has committed alerts and checkpointed.
      boolean committed =
          await(
              Duration.ofSeconds(TICKS + 60),
              Duration.ofSeconds(1),
              () -> committedAlerts("job", Duration.ofMillis(500)).size() >= 2);
      assertTrue("the job commits alerts to Kafka before the crash; " + diagnose(job), committed);
      assertThat(
          "completed checkpoints before the crash",
          cluster.completedCheckpoints(job),
          greaterThanOrEqualTo(1L));
      assertThat(
          "GET /jobs lists the job as RUNNING", cluster.stateInJobList(job), equalTo("RUNNING"));
      int alertsBefore = committedAlerts("job", Duration.ofMillis(500)).size();
      cluster.cluster(Duration.ofMinutes(1), "kill-taskmanager");
      log(
          "kill -9 of the TaskManager "
              + seconds(fleetStart)
              + " into the input, with "
              + alertsBefore
              + " alerts committed");
      cluster.cluster(START_TIMEOUT, "start-taskmanager");
      // Until the JobManager notices the loss, the job still looks RUNNING: wait for the restore.
      assertTrue(
          "the job restores a checkpoint and runs again after the crash; " + diagnose(job),
          await(
              RECOVERY_TIMEOUT,
              Duration.ofSeconds(1),
              () ->
                  cluster.checkpoints(job).path("counts").path("restored").asLong() >= 1
                      && cluster.allTasksRunning(job)));
      long restoredId =
          cluster.checkpoints(job).path("latest").path("restored").path("id").asLong();
      log("job recovered from checkpoint " + restoredId + " after " + seconds(fleetStart));

      // 2. Stop with a savepoint once a checkpoint after the recovery completed; resume from it.
      assertTrue(
          "a checkpoint completes after the recovery; " + diagnose(job),
          await(
              RECOVERY_TIMEOUT,
              Duration.ofSeconds(1),
              () ->
                  cluster.checkpoints(job).path("latest").path("completed").path("id").asLong()
                      > restoredId));
      String savepoint =
          cluster.stopWithSavepoint(
              job, cluster.work().resolve("savepoints"), Duration.ofMinutes(3));
      assertTrue(
          "the stopped job FINISHED",
          await(
              Duration.ofSeconds(30),
              Duration.ofMillis(500),
              () -> cluster.state(job).equals("FINISHED")));
      log("stopped with savepoint " + savepoint + " after " + seconds(fleetStart));
      // 3. The reference: the same input, read from the beginning by a job that nothing
      // disturbs, submitted together with the resumption (4 slots, 2 per job).
      CompletableFuture<String> referenceSubmitted =
          CompletableFuture.supplyAsync(() -> submit("ref"));
      resumed = cluster.resume(savepoint, jobJars, jobFlags("job"), SUBMIT_TIMEOUT);
      JOBS.add(resumed);
      awaitAllTasksRunning(resumed, START_TIMEOUT);
      JsonNode restore = cluster.checkpoints(resumed).path("latest").path("restored");
      assertTrue(
          "the resumed job restored the savepoint: " + restore,
          restore.path("is_savepoint").asBoolean()
              && restore
                  .path("external_path")
                  .asText()
                  .contains(savepoint.substring(savepoint.lastIndexOf('/') + 1)));
      log("resumed as job " + resumed + " after " + seconds(fleetStart));
      assertThat(
          "GET /jobs lists the resumed job as RUNNING",
          cluster.stateInJobList(resumed),
          equalTo("RUNNING"));
      reference = referenceSubmitted.join();
      log("reference job " + reference + " submitted after " + seconds(fleetStart));

      assertTrue("the fleet finished sending", fleet.awaitEnd(Duration.ofSeconds(TICKS + 30)));
      inputEnd = fleet.lastEventTime();
    }
    awaitOutputFinal(resumed, inputEnd);
    Map<String, Integer> jobCounts = new TreeMap<>();
    Map<String, String> jobAlerts = new TreeMap<>();
    for (ConsumerRecord<String, String> record : committedAlerts("job", Duration.ofSeconds(3))) {
      jobCounts.merge(record.key(), 1, Integer::sum);
      jobAlerts.put(record.key(), record.value());
    }
    List<String> jobRows = alertRows(schema("job"));
    log("job done after " + seconds(testStart));
    awaitAllTasksRunning(reference, START_TIMEOUT);
    awaitOutputFinal(reference, inputEnd);
    Map<String, String> referenceAlerts = new TreeMap<>();
    for (ConsumerRecord<String, String> record : committedAlerts("ref", Duration.ofSeconds(3))) {
      referenceAlerts.put(record.key(), record.value());
    }
    log(referenceAlerts.size() + " alerts in the reference, " + jobAlerts.size() + " in the job");

    assertThat(
        "the scenario's alerts (10 disk incidents and a silence, opened and resolved)",
        referenceAlerts.size(),
        greaterThanOrEqualTo(2 * (LiveFleet.SERVERS + 1)));
    List<String> duplicated =
        jobCounts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertThat("alerts the job wrote twice (read_committed)", duplicated, empty());
    assertEquals(
        "alerts in Kafka after a crash and a savepoint round trip vs. the failure-free run",
        referenceAlerts,
        jobAlerts);
    assertEquals(
        "alert rows in PostgreSQL after a crash and a savepoint round trip vs. the failure-free run",
        alertRows(schema("ref")),
        jobRows);
    log("passed in " + seconds(testStart));
  }

  /**
   * Waits until a job's output for the whole input is committed: the twins' watermark has passed
   * the input's last event (the fleet decommissions every server there, so nothing follows), and
   * then two more checkpoints completed, after which the exactly-once Kafka sink has committed its
   * transactions (it writes what a completed checkpoint made stable) and the JDBC sink has flushed.
   */
  private static void awaitOutputFinal(String jobId, long inputEnd) {
    assertTrue(
        "the twins of job " + jobId + " pass the end of the input; " + diagnose(jobId),
        await(
            Duration.ofMinutes(3),
            Duration.ofSeconds(1),
            () -> cluster.minInputWatermark(jobId, "Twins/") > inputEnd + 1_000));
    long settled = cluster.completedCheckpoints(jobId) + 2;
    assertTrue(
        "two more checkpoints of job " + jobId + " complete; " + diagnose(jobId),
        await(
            Duration.ofMinutes(2),
            Duration.ofSeconds(1),
            () -> cluster.completedCheckpoints(jobId) >= settled));
  }

  private static String diagnose(String jobId) {
    return "job "
        + jobId
        + " is "
        + cluster.state(jobId)
        + ", checkpoints "
        + cluster.checkpoints(jobId).path("counts")
        + ", twins' watermark "
        + cluster.minInputWatermark(jobId, "Twins/")
        + " (now "
        + System.currentTimeMillis()
        + "), failures: "
        + cluster.exceptions(jobId)
        + "; logs in "
        + cluster.work().resolve("log");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String submit(String name) {
    String id = cluster.submit(jobJars, jobFlags(name), SUBMIT_TIMEOUT);
    JOBS.add(id);
    return id;
  }

  /**
   * The flags of one job on top of runner-configs/flink-cluster.flags (which submit.sh reads): its
   * own input group, outputs, schema and exactly-once deployment id; a watermark 3 s behind the
   * data and 5 s of silence, so that the real-time script produces its alerts within seconds; and
   * 4-second checkpoints, so that transactional output shows within seconds.
   */
  private static List<String> jobFlags(String name) {
    // The prom job reads topics of its own; the recovery job and its reference read the same.
    String in = name.equals("prom") ? "prom." : "";
    return List.of(
        "--jobName=dctwin-" + RUN + "-" + name,
        "--source=kafka",
        "--kafkaBootstrapServers=" + bootstrapServers,
        "--kafkaTopics="
            + String.join(
                ",",
                topic(in + "metrics"),
                topic(in + "sensors"),
                topic(in + "provisioning"),
                topic(in + "queries")),
        "--kafkaConsumerGroup=" + RUN + "-" + name,
        "--kafkaMaxOutOfOrdernessSeconds=3",
        "--kafkaAlertsTopic=" + topic(name + ".alerts"),
        "--kafkaAnswersTopic=" + topic(name + ".answers"),
        "--kafkaDeadLettersTopic=" + topic(name + ".dl"),
        "--deploymentId=" + RUN + "-" + name,
        "--jdbcUrl=" + POSTGRES_URL,
        "--jdbcUser=" + POSTGRES_USER,
        "--jdbcSchema=" + schema(name),
        "--silenceAfterSeconds=5",
        "--checkpointingInterval=4000",
        "--minPauseBetweenCheckpoints=2000",
        "--stateBackendStoragePath=" + cluster.work().resolve("checkpoints").toUri());
  }

  private static void awaitAllTasksRunning(String jobId, Duration timeout) {
    assertTrue(
        "job "
            + jobId
            + " runs with all tasks within "
            + timeout.toSeconds()
            + " s (state "
            + cluster.state(jobId)
            + "); failures: "
            + cluster.exceptions(jobId),
        await(timeout, Duration.ofSeconds(1), () -> cluster.allTasksRunning(jobId)));
  }

  private static String topic(String name) {
    return RUN + "." + name;
  }

  private static String schema(String job) {
    return RUN + "_" + job;
  }

  /** The alerts topic of a job as consumers see it: read_committed, until quiet for a while. */
  private static List<ConsumerRecord<String, String>> committedAlerts(String job, Duration quiet) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic(job + ".alerts")).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long quietUntil = System.nanoTime() + quiet.toNanos();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < Math.min(quietUntil, deadline)) {
        var batch = consumer.poll(Duration.ofMillis(200));
        if (!batch.isEmpty()) {
          batch.forEach(records::add);
          quietUntil = System.nanoTime() + quiet.toNanos();
        }
      }
    }
    return records;
  }

  private static void createTopics(int partitions, String... topics) {
    try (Admin admin = admin()) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) {
        newTopics.add(new NewTopic(topic, partitions, (short) 1));
      }
      admin.createTopics(newTopics).all().get(1, TimeUnit.MINUTES);
      TOPICS.addAll(List.of(topics));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + List.of(topics), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTopics() {
    try (Admin admin = admin()) {
      admin.deleteTopics(TOPICS).all().get(1, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      System.err.println("could not delete the test's topics: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }

  private static KafkaProducer<String, String> producer() {
    return LocalKafka.producer(bootstrapServers);
  }

  /** Every column of every row, as JSON, by incident id. */
  private static List<String> alertRows(String schema) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT row_to_json(a)::text FROM " + schema + ".alerts a ORDER BY incident_id")) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return rows;
  }

  private static void dropSchema(String schema) {
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop schema " + schema + ": " + e.getMessage());
    }
  }

  /**
   * The job is staged from this JVM's classpath, which must be the Flink bundle's: the default or
   * flink-runner profile, not dataflow-runner (its Google Cloud libraries register pipeline options
   * that need test-only classes).
   */
  private static void assumeFlinkBundle() {
    boolean dataflow;
    try {
      Class.forName("org.apache.beam.runners.dataflow.DataflowRunner");
      dataflow = true;
    } catch (ClassNotFoundException e) {
      dataflow = false;
    }
    if (dataflow) {
      System.err.println(
          "!!!!!!!! SKIPPED FlinkClusterRecoveryIT: this is the Dataflow bundle"
              + " (-Pdataflow-runner); run it in the default or -Pflink-runner build !!!!!!!!");
    }
    assumeTrue("the Flink bundle (not -Pdataflow-runner)", !dataflow);
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover file does not matter: the cluster writes new ones.
    }
  }

  private static String seconds(long startNanos) {
    return seconds(startNanos, System.nanoTime());
  }

  private static String seconds(long startNanos, long endNanos) {
    return String.format(Locale.ROOT, "%.1f s", (endNanos - startNanos) / 1e9);
  }
}
