package dev.dctwin.simulator.faults;

import static dev.dctwin.pipeline.runners.FlinkClusterScripts.await;
import static dev.dctwin.pipeline.runners.FlinkClusterScripts.log;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.MqttBroker;
import dev.dctwin.pipeline.io.MqttKafkaBridge;
import dev.dctwin.pipeline.runners.FlinkClusterScripts;
import dev.dctwin.pipeline.runners.JobJars;
import dev.dctwin.pipeline.runners.LiveFleet;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The fault suite of simulator/FAULTS.md: the datacenter pipeline on the standalone Flink cluster
 * (runner-configs/flink-cluster), reading Kafka and writing alerts to Kafka (exactly once) and
 * PostgreSQL, once per fault, each job's alerts compared with those of a reference job that nothing
 * disturbs (read_committed and the table): alerts lost, alerts duplicated, job restarts, dead
 * letters. It prints the table and fails on a row whose verdict is not PASS.
 *
 * <p>One cluster, one live fleet ({@link LiveFleet}: a rack reporting once a second, with disk
 * incidents and a silence), sent at once to the shared Kafka, to a broker of the suite's own and to
 * a Mosquitto of its own (bridged into Kafka by {@link MqttKafkaBridge}). Every job runs at
 * parallelism 1 in a slot of its own; the job whose TaskManager is killed runs on a second
 * TaskManager, so that the kill hits no other job. System properties: {@code faults.pgOutage}
 * (default 45s; e.g. 10m).
 */
@RunWith(JUnit4.class)
public class FaultSuiteIT {
  private static final String SHARED_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final int TICKS = 75;
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN =
      "fs" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

  private final Duration pgOutage = parseDuration(System.getProperty("faults.pgOutage", "45s"));

  /**
   * The JDBC sink's retry budget ({@code --jdbcMaxOutageSeconds}): the default of 300 s, or a third
   * of a shorter outage, so that the outage always outlasts it.
   */
  private final long jdbcBudgetSeconds = Math.min(300, Math.max(5, pgOutage.toSeconds() / 3));

  private FlinkClusterScripts cluster;
  private boolean clusterStarted;
  private EmbeddedKafka ownKafka;
  private EmbeddedPostgres ownPostgres;
  private Mosquitto mosquitto;
  private MqttKafkaBridge bridge;
  private String sharedKafka;
  private final List<String> sharedTopics = new ArrayList<>();
  private final Map<String, String> jobs = new ConcurrentHashMap<>();
  private final List<String> schemas = new ArrayList<>();

  @After
  public void tearDown() {
    if (cluster != null) {
      jobs.values().forEach(cluster::cancel);
      if (clusterStarted) {
        try {
          cluster.cluster(Duration.ofMinutes(2), "stop");
        } catch (RuntimeException e) {
          System.err.println("cluster.sh stop failed: " + e.getMessage());
        }
      }
    }
    closeQuietly(bridge);
    closeQuietly(mosquitto);
    closeQuietly(ownKafka);
    closeQuietly(ownPostgres);
    if (sharedKafka != null && !sharedTopics.isEmpty()) {
      try {
        LocalKafka.require().deleteTopics(sharedTopics.toArray(String[]::new));
      } catch (RuntimeException e) {
        System.err.println("could not delete the suite's topics: " + e);
      }
    }
    for (String schema : schemas) {
      try (Connection connection = DriverManager.getConnection(SHARED_POSTGRES, "postgres", null);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("could not drop schema " + schema + ": " + e.getMessage());
      }
    }
  }

  @Test
  public void everyFaultKeepsEveryAlertExactlyOnce() throws Exception {
    long suiteStart = System.nanoTime();
    LocalServices.require("PostgreSQL", LocalServices.POSTGRESQL);
    LocalServices.require(
        "a free Flink REST port 8081 (runner-configs/flink-cluster/cluster.sh stop)",
        !LocalServices.isUp(8081));
    LocalServices.require(
        "mosquitto (runner-configs/local/services.sh installs it)",
        Files.isExecutable(Path.of("/usr/sbin/mosquitto")));
    sharedKafka = LocalKafka.require().bootstrapServers();

    Path repo = FlinkClusterScripts.findRepo();
    Path work = repo.resolve("simulator/target/fault-suite");
    deleteRecursively(work);
    Path conf = clusterConfiguration(repo, work.resolve("conf"));
    cluster = new FlinkClusterScripts(repo, work, Map.of("DCTWIN_FLINK_CONF_DIR", conf.toString()));
    List<Path> jobJars = JobJars.forCluster(cluster.clusterClasspath());
    log(String.format(Locale.ROOT, "staging %.0f MB", JobJars.bytes(jobJars) / 1e6));
    clusterStarted = true;
    CompletableFuture<String> clusterUp =
        CompletableFuture.supplyAsync(() -> cluster.cluster(START_TIMEOUT, "start"));
    CompletableFuture<EmbeddedPostgres> postgresUp =
        CompletableFuture.supplyAsync(EmbeddedPostgres::start);
    ownKafka = EmbeddedKafka.create().start();
    mosquitto = Mosquitto.start(work.resolve("mosquitto"));
    ownPostgres = postgresUp.join();

    // ---- topics: the fleet's on both brokers, the hostile channels, the MQTT bridge's -------
    String metrics = RUN + ".metrics";
    String provisioning = RUN + ".provisioning";
    List<String> fleetTopics = List.of(metrics, provisioning, RUN + ".sensors", RUN + ".queries");
    String mqttMetrics = RUN + "-mqtt/metrics";
    String mqttProvisioning = RUN + "-mqtt/provisioning";
    List<String> bridged =
        List.of(
            MqttKafkaBridge.kafkaTopic(mqttMetrics),
            MqttKafkaBridge.kafkaTopic(mqttProvisioning),
            RUN + "-mqtt.sensors",
            RUN + "-mqtt.queries");
    Map<HostileInput.Channel, String> hostileTopics = new LinkedHashMap<>();
    for (HostileInput.Channel channel : HostileInput.Channel.values()) {
      hostileTopics.put(channel, RUN + ".hostile-" + channel.name().toLowerCase(Locale.ROOT));
    }
    List<String> faultJobs = List.of("ref", "hostile", "pg", "mqtt", "kill");
    createShared(2, metrics, provisioning);
    createShared(1, RUN + ".sensors", RUN + ".queries");
    createShared(1, bridged.toArray(String[]::new));
    createShared(1, hostileTopics.values().toArray(String[]::new));
    for (String job : faultJobs) {
      createShared(
          1, RUN + "." + job + ".alerts", RUN + "." + job + ".answers", RUN + "." + job + ".dl");
    }
    ownKafka.createTopics(2, metrics, provisioning);
    ownKafka.createTopics(
        1,
        RUN + ".sensors",
        RUN + ".queries",
        RUN + ".broker.alerts",
        RUN + ".broker.answers",
        RUN + ".broker.dl");
    bridge =
        new MqttKafkaBridge(
            MqttBroker.anonymous(mosquitto.uri()),
            "dctwin-bridge-" + RUN,
            List.of(mqttMetrics, mqttProvisioning),
            new KafkaClients(sharedKafka, null));
    clusterUp.join();
    log("services and cluster up after " + seconds(suiteStart));

    // ---- jobs: five on the first TaskManager, the one to be killed on a second ---------------
    Map<String, List<String>> flags = new LinkedHashMap<>();
    flags.put("ref", jobFlags("ref", sharedKafka, fleetTopics, SHARED_POSTGRES, List.of()));
    List<String> hostileInputs = new ArrayList<>(fleetTopics);
    hostileInputs.add(hostileTopics.get(HostileInput.Channel.WIRE));
    String formats =
        hostileTopics.entrySet().stream()
            .filter(e -> e.getKey() != HostileInput.Channel.WIRE)
            .map(e -> e.getValue() + "=" + e.getKey().format())
            .collect(Collectors.joining(","));
    flags.put(
        "hostile",
        jobFlags(
            "hostile",
            sharedKafka,
            hostileInputs,
            SHARED_POSTGRES,
            List.of("--topicFormats=" + formats)));
    flags.put(
        "broker",
        jobFlags("broker", ownKafka.bootstrapServers(), fleetTopics, SHARED_POSTGRES, List.of()));
    flags.put(
        "pg",
        jobFlags(
            "pg",
            sharedKafka,
            fleetTopics,
            ownPostgres.jdbcUrl(),
            List.of(
                "--jdbcMaxOutageSeconds=" + jdbcBudgetSeconds,
                "--jdbcPasswordFile=" + ownPostgres.passwordFile())));
    flags.put("mqtt", jobFlags("mqtt", sharedKafka, bridged, SHARED_POSTGRES, List.of()));
    flags.put("kill", jobFlags("kill", sharedKafka, fleetTopics, SHARED_POSTGRES, List.of()));
    ExecutorService submitter = Executors.newFixedThreadPool(2);
    List<CompletableFuture<Void>> submitted = new ArrayList<>();
    for (String job : List.of("ref", "hostile", "broker", "pg", "mqtt")) {
      submitted.add(
          CompletableFuture.runAsync(
              () -> jobs.put(job, cluster.submit(jobJars, flags.get(job), SUBMIT_TIMEOUT)),
              submitter));
    }
    submitted.forEach(CompletableFuture::join);
    cluster.cluster(
        START_TIMEOUT, Map.of("DCTWIN_FLINK_TM_SLOTS", "2"), "start-taskmanager", "kill");
    jobs.put("kill", cluster.submit(jobJars, flags.get("kill"), SUBMIT_TIMEOUT));
    submitter.shutdown();
    for (String job : flags.keySet()) {
      awaitAllTasksRunning(job);
    }
    log("six jobs running after " + seconds(suiteStart) + ": " + jobs);

    // ---- the live fleet, with the faults at fixed ticks --------------------------------------
    Tee tee =
        new Tee(
            LocalKafka.producer(sharedKafka),
            ownKafka.producer(),
            new Publisher(mosquitto.uri()),
            metrics,
            provisioning,
            mqttMetrics,
            mqttProvisioning);
    Map<String, String> events = new LinkedHashMap<>();
    HostileSender hostile = new HostileSender(sharedKafka, hostileTopics, tee);
    Redeploy redeploy;
    CompletableFuture<Void> pgBack;
    long inputEnd;
    try (LiveFleet fleet = new LiveFleet(tee, TICKS)) {
      long fleetStart = System.nanoTime();
      fleet.start();
      hostile.start(Duration.ofSeconds(5), Duration.ofSeconds(60));
      sleepUntil(fleetStart, 8);
      // Redeploy: the reference's flags (its consumer group, its deployment id) in a new job.
      List<String> again = new ArrayList<>(flags.get("ref"));
      again.replaceAll(f -> f.startsWith("--jobName=") ? f + "-again" : f);
      // Submitting takes 30 to 120 s on a busy machine: it must not hold up the other faults.
      CompletableFuture<Redeploy> redeploying =
          CompletableFuture.supplyAsync(
              () -> Redeploy.submit(cluster, jobJars, again, SUBMIT_TIMEOUT));
      events.put("redeploy submitting", seconds(fleetStart));

      sleepUntil(fleetStart, 12);
      ownPostgres.stop();
      events.put("PostgreSQL stopped", seconds(fleetStart));
      pgBack =
          CompletableFuture.runAsync(
              () -> {
                sleep(pgOutage);
                ownPostgres.startAgain();
                events.put("PostgreSQL started", seconds(fleetStart));
              });

      sleepUntil(fleetStart, 25);
      ownKafka.restart();
      events.put("own Kafka broker restarted", seconds(fleetStart));

      sleepUntil(fleetStart, 35);
      mosquitto.restart();
      events.put("Mosquitto restarted", seconds(fleetStart));

      sleepUntil(fleetStart, 48);
      String killJob = jobs.get("kill");
      assertTrue(
          "the job to be killed has checkpointed; " + diagnose("kill"),
          cluster.completedCheckpoints(killJob) >= 1);
      cluster.cluster(Duration.ofMinutes(1), "kill-taskmanager", "kill");
      events.put("kill -9 of TaskManager 'kill'", seconds(fleetStart));
      cluster.cluster(
          START_TIMEOUT, Map.of("DCTWIN_FLINK_TM_SLOTS", "2"), "start-taskmanager", "kill");
      events.put("TaskManager 'kill' started again", seconds(fleetStart));

      assertTrue("the fleet finished sending", fleet.awaitEnd(Duration.ofSeconds(TICKS + 60)));
      inputEnd = fleet.lastEventTime();
      hostile.awaitEnd();
      tee.close();
      events.put("fleet done", seconds(fleetStart));
      redeploy = redeploying.join();
      redeploy.awaitEnd(Duration.ofSeconds(45));
      events.put("redeploy " + redeploy.outcome(), seconds(fleetStart));
    }
    log("events: " + events);

    // ---- outcomes ------------------------------------------------------------------------------
    for (String job : List.of("ref", "hostile", "broker", "mqtt", "kill", "pg")) {
      if (job.equals("pg")) {
        pgBack.join();
      }
      awaitOutputFinal(job, inputEnd);
    }
    Outcome reference = outcome("ref", sharedKafka, SHARED_POSTGRES);
    // The PostgreSQL job's table fills after the outage: wait for the reference's row count.
    await(
        Duration.ofMinutes(4),
        Duration.ofSeconds(2),
        () -> rowCount(ownPostgres.jdbcUrl(), schema("pg")) >= reference.rows.size());
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    outcomes.put("hostile", outcome("hostile", sharedKafka, SHARED_POSTGRES));
    outcomes.put("kill", outcome("kill", sharedKafka, SHARED_POSTGRES));
    outcomes.put("broker", outcome("broker", ownKafka.bootstrapServers(), SHARED_POSTGRES));
    outcomes.put("pg", outcome("pg", sharedKafka, ownPostgres.jdbcUrl()));
    outcomes.put("mqtt", outcome("mqtt", sharedKafka, SHARED_POSTGRES));

    List<FaultTable.Row> rows = new ArrayList<>();
    List<String> accounting = hostile.account(outcomes.get("hostile").deadLetters);
    rows.add(
        row(
            "hostile input: "
                + HostileInput.values().length
                + " kinds, "
                + hostile.sent()
                + " messages",
            reference,
            outcomes.get("hostile"),
            0,
            0,
            accounting));
    rows.add(
        row(
            "kill -9 of the TaskManager",
            reference,
            outcomes.get("kill"),
            1,
            Long.MAX_VALUE,
            List.of(),
            Set.of()));
    rows.add(
        row(
            "Kafka broker restart mid-transaction",
            reference,
            outcomes.get("broker"),
            0,
            Long.MAX_VALUE,
            List.of(),
            Set.of()));
    rows.add(
        row(
            "PostgreSQL down for "
                + pgOutage.toSeconds()
                + " s (retry budget "
                + jdbcBudgetSeconds
                + " s)",
            reference,
            outcomes.get("pg"),
            0,
            0,
            List.of(),
            Set.of()));
    List<String> bridgeLoss = tee.mqttNotBridged(sharedKafka, bridged.subList(0, 2));
    rows.add(
        row(
            "Mosquitto restart (MQTT input via the bridge)",
            reference,
            outcomes.get("mqtt"),
            0,
            0,
            bridgeLoss,
            // MQTT QoS 1 is at least once: a publish Mosquitto had not seen acknowledged comes
            // again after its restart, and the twin rejects the copy as not newer than the last.
            Set.of("OUT_OF_ORDER")));
    List<String> refProblems = new ArrayList<>();
    if (reference.restarts != 0) {
      refProblems.add("the reference restarted " + reference.restarts + " times");
    }
    if (!reference.duplicated.isEmpty()) {
      refProblems.add(
          "the reference's alerts topic holds duplicates after the redeploy: "
              + reference.duplicated);
    }
    rows.add(redeploy.row(refProblems));

    String table = FaultTable.markdown(rows);
    Files.createDirectories(work);
    Files.writeString(work.resolve("table.md"), table + "\nevents: " + events + "\n");
    System.out.println();
    System.out.println(table);
    System.out.println(
        "details: " + work.resolve("table.md") + "; suite took " + seconds(suiteStart));
    assertTrue(
        "the reference: " + reference.alerts.size() + " alerts, " + reference.rows.size() + " rows",
        reference.alerts.size() >= 2 * (LiveFleet.SERVERS + 1)
            && reference.rows.size() >= LiveFleet.SERVERS);
    List<String> failed =
        rows.stream().filter(r -> !r.passed()).map(r -> r.fault() + ": " + r.notes()).toList();
    assertEquals("rows of the fault table that did not pass", List.of(), failed);
  }

  // ---- rows --------------------------------------------------------------------------------

  private static FaultTable.Row row(
      String fault,
      Outcome reference,
      Outcome job,
      long minRestarts,
      long maxRestarts,
      List<String> problems) {
    return row(fault, reference, job, minRestarts, maxRestarts, problems, null);
  }

  /**
   * A fault's row. {@code deadLetterReasons}: the reasons its dead letters may have (null: any,
   * when {@code problems} accounts for them, as for the hostile input).
   */
  private static FaultTable.Row row(
      String fault,
      Outcome reference,
      Outcome job,
      long minRestarts,
      long maxRestarts,
      List<String> problems,
      Set<String> deadLetterReasons) {
    List<String> notes = new ArrayList<>(problems);
    Map<String, Long> byReason =
        job.deadLetters.stream()
            .collect(
                Collectors.groupingBy(
                    letter -> letter.path("reason").asText(), TreeMap::new, Collectors.counting()));
    if (deadLetterReasons != null && !deadLetterReasons.containsAll(byReason.keySet())) {
      notes.add("dead letters " + byReason + " where only " + deadLetterReasons + " may occur");
    }
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, String> alert : reference.alerts.entrySet()) {
      if (!alert.getValue().equals(job.alerts.get(alert.getKey()))) {
        lost.add(alert.getKey());
      }
    }
    List<String> extra =
        job.alerts.keySet().stream().filter(k -> !reference.alerts.containsKey(k)).toList();
    List<String> rowsLost = new ArrayList<>(reference.rows);
    rowsLost.removeAll(job.rows);
    if (!lost.isEmpty()) {
      notes.add("Kafka lacks or differs in " + lost);
    }
    if (!extra.isEmpty()) {
      notes.add("Kafka has alerts the reference has not: " + extra);
    }
    if (!rowsLost.isEmpty()) {
      notes.add(rowsLost.size() + " rows of the reference's table missing or different");
    }
    if (job.rows.size() != reference.rows.size()) {
      notes.add("table rows " + job.rows.size() + " vs " + reference.rows.size());
    }
    if (!job.duplicated.isEmpty()) {
      notes.add("written twice: " + job.duplicated);
    }
    if (job.restarts < minRestarts || job.restarts > maxRestarts) {
      notes.add(
          "restarts "
              + job.restarts
              + " outside ["
              + minRestarts
              + ", "
              + (maxRestarts == Long.MAX_VALUE ? "any" : maxRestarts)
              + "]: "
              + job.failures);
    }
    return new FaultTable.Row(
        fault,
        String.valueOf(job.restarts),
        lost.size()
            + rowsLost.size()
            + (lost.size() + rowsLost.size() > 0
                ? " (Kafka " + lost.size() + ", table " + rowsLost.size() + ")"
                : ""),
        String.valueOf(job.duplicated.size()),
        job.deadLetters.isEmpty() ? "0" : job.deadLetters.size() + " " + byReason,
        notes.isEmpty(),
        String.join("; ", notes));
  }

  /** What one job wrote: alerts by id (read_committed), table rows, dead letters, restarts. */
  private record Outcome(
      Map<String, String> alerts,
      List<String> duplicated,
      List<String> rows,
      List<JsonNode> deadLetters,
      long restarts,
      String failures) {}

  private Outcome outcome(String job, String bootstrap, String jdbcUrl) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, String> alerts = new TreeMap<>();
    for (ConsumerRecord<String, String> record :
        readCommitted(bootstrap, RUN + "." + job + ".alerts", Duration.ofSeconds(3))) {
      counts.merge(record.key(), 1, Integer::sum);
      alerts.put(record.key(), record.value());
    }
    List<JsonNode> deadLetters = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        readCommitted(bootstrap, RUN + "." + job + ".dl", Duration.ofSeconds(2))) {
      deadLetters.add(JSON.readTree(record.value()));
    }
    List<String> duplicated =
        counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    String id = jobs.get(job);
    return new Outcome(
        alerts,
        duplicated,
        alertRows(jdbcUrl, schema(job)),
        deadLetters,
        cluster.restarts(id),
        cluster.exceptions(id));
  }

  // ---- the job's flags ----------------------------------------------------------------------

  /**
   * The flags of one job on top of runner-configs/flink-cluster.flags, as FlinkClusterRecoveryIT's:
   * a watermark 3 s behind the data, 5 s of silence, 4-second checkpoints; parallelism 1.
   */
  private List<String> jobFlags(
      String name, String bootstrap, List<String> topics, String jdbcUrl, List<String> extra) {
    schemas.add(schema(name));
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--jobName=dctwin-" + RUN + "-" + name,
                "--parallelism=1",
                "--source=kafka",
                "--kafkaBootstrapServers=" + bootstrap,
                "--kafkaTopics=" + String.join(",", topics),
                "--kafkaConsumerGroup=" + RUN + "-" + name,
                "--kafkaMaxOutOfOrdernessSeconds=3",
                "--kafkaAlertsTopic=" + RUN + "." + name + ".alerts",
                "--kafkaAnswersTopic=" + RUN + "." + name + ".answers",
                "--kafkaDeadLettersTopic=" + RUN + "." + name + ".dl",
                "--deploymentId=" + RUN + "-" + name,
                "--jdbcUrl=" + jdbcUrl,
                "--jdbcUser=postgres",
                "--jdbcSchema=" + schema(name),
                "--silenceAfterSeconds=5",
                "--checkpointingInterval=4000",
                "--minPauseBetweenCheckpoints=2000",
                "--stateBackendStoragePath=" + cluster.work().resolve("checkpoints").toUri()));
    flags.addAll(extra);
    return flags;
  }

  private static String schema(String job) {
    return RUN + "_" + job;
  }

  /**
   * runner-configs/flink-cluster's configuration with room for six jobs: a TaskManager of five
   * slots (the second, for the job that is killed, gets two by DCTWIN_FLINK_TM_SLOTS), and the
   * memory and metaspace that six jobs' class loaders need.
   */
  private static Path clusterConfiguration(Path repo, Path conf) throws IOException {
    Files.createDirectories(conf);
    Path source = repo.resolve("runner-configs/flink-cluster");
    Files.copy(source.resolve("log4j.properties"), conf.resolve("log4j.properties"));
    String yaml = Files.readString(source.resolve("flink-conf.yaml"), StandardCharsets.UTF_8);
    yaml +=
        "\n# The fault suite (simulator/FAULTS.md): six jobs at once.\n"
            + "taskmanager.numberOfTaskSlots: 5\n"
            + "taskmanager.memory.process.size: 4096m\n"
            + "taskmanager.memory.jvm-metaspace.size: 1536m\n";
    Files.writeString(conf.resolve("flink-conf.yaml"), yaml, StandardCharsets.UTF_8);
    return conf;
  }

  // ---- waiting -----------------------------------------------------------------------------

  private void awaitAllTasksRunning(String job) {
    String id = jobs.get(job);
    assertTrue(
        "job " + job + " runs with all tasks; " + diagnose(job),
        await(START_TIMEOUT, Duration.ofSeconds(1), () -> cluster.allTasksRunning(id)));
  }

  /** As FlinkClusterRecoveryIT: the twins' watermark past the input, then two checkpoints. */
  private void awaitOutputFinal(String job, long inputEnd) {
    String id = jobs.get(job);
    assertTrue(
        "the twins of job " + job + " pass the end of the input; " + diagnose(job),
        await(
            Duration.ofMinutes(3),
            Duration.ofSeconds(1),
            () -> cluster.minInputWatermark(id, "Twins/") > inputEnd + 1_000));
    long settled = cluster.completedCheckpoints(id) + 2;
    assertTrue(
        "two more checkpoints of job " + job + " complete; " + diagnose(job),
        await(
            Duration.ofMinutes(2),
            Duration.ofSeconds(1),
            () -> cluster.completedCheckpoints(id) >= settled));
  }

  private String diagnose(String job) {
    String id = jobs.get(job);
    return "job "
        + job
        + " ("
        + id
        + ") is "
        + cluster.state(id)
        + ", checkpoints "
        + cluster.checkpoints(id).path("counts")
        + ", failures: "
        + cluster.exceptions(id)
        + "; logs in "
        + cluster.work().resolve("log");
  }

  // ---- reading the outputs -------------------------------------------------------------------

  private static List<ConsumerRecord<String, String>> readCommitted(
      String bootstrap, String topic, Duration quiet) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long quietUntil = System.nanoTime() + quiet.toNanos();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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

  private List<String> alertRows(String url, String schema) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = connect(url);
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

  /** The suite's own PostgreSQL wants its random password; the shared one trusts 127.0.0.1. */
  private Connection connect(String url) throws SQLException {
    if (ownPostgres != null && url.equals(ownPostgres.jdbcUrl())) {
      try {
        return DriverManager.getConnection(
            url, ownPostgres.user(), Files.readString(ownPostgres.passwordFile()).strip());
      } catch (IOException e) {
        throw new SQLException("cannot read " + ownPostgres.passwordFile(), e);
      }
    }
    return DriverManager.getConnection(url, "postgres", null);
  }

  private int rowCount(String url, String schema) {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + schema + ".alerts")) {
      result.next();
      return result.getInt(1);
    } catch (SQLException e) {
      return -1; // not back yet
    }
  }

  // ---- the fleet's three destinations --------------------------------------------------------

  /**
   * The fleet's messages to the shared Kafka (in the fleet's thread), to the suite's own broker and
   * to Mosquitto (each in a thread of its own, so that a destination's outage delays only its own
   * copy, as it would delay an agent's). Every send is checked; an MQTT publish is repeated until
   * the broker acknowledges it.
   */
  private static final class Tee implements LiveFleet.Sink, AutoCloseable {
    private final KafkaProducer<String, String> shared;
    private final KafkaProducer<String, String> own;
    private final Publisher mqtt;
    private final String metrics;
    private final String provisioning;
    private final String mqttMetrics;
    private final String mqttProvisioning;
    private final ExecutorService ownSender = Executors.newSingleThreadExecutor();
    private final ExecutorService mqttSender = Executors.newSingleThreadExecutor();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<String, List<String>> reportsByServer = new ConcurrentHashMap<>();
    private final Map<String, String> originOfReport = new ConcurrentHashMap<>();
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());

    Tee(
        KafkaProducer<String, String> shared,
        KafkaProducer<String, String> own,
        Publisher mqtt,
        String metrics,
        String provisioning,
        String mqttMetrics,
        String mqttProvisioning) {
      this.shared = shared;
      this.own = own;
      this.mqtt = mqtt;
      this.metrics = metrics;
      this.provisioning = provisioning;
      this.mqttMetrics = mqttMetrics;
      this.mqttProvisioning = mqttProvisioning;
    }

    @Override
    public void send(boolean isMetrics, String key, String payload) {
      String topic = isMetrics ? metrics : provisioning;
      shared.send(
          new ProducerRecord<>(topic, key, payload),
          (metadata, error) -> {
            check(metadata, error);
            if (error == null && isMetrics) {
              originOfReport.put(
                  payload, metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset());
            }
          });
      ownSender.execute(() -> own.send(new ProducerRecord<>(topic, key, payload), this::check));
      String mqttTopic = isMetrics ? mqttMetrics : mqttProvisioning;
      mqttSender.execute(
          () -> {
            mqtt.publishUntilAcked(mqttTopic, payload);
            published.add(payload);
          });
      if (isMetrics) {
        reportsByServer
            .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(payload);
      }
    }

    private void check(RecordMetadata metadata, Exception error) {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
    }

    @Override
    public void flush() {
      shared.flush();
    }

    /** The fleet's reports of a server so far, oldest first. */
    List<String> reports(String server) {
      List<String> reports = reportsByServer.getOrDefault(server, List.of());
      synchronized (reports) {
        return List.copyOf(reports);
      }
    }

    /** Where the shared Kafka put a report of the fleet: topic/partition/offset, or null. */
    String originOf(String report) {
      return originOfReport.get(report);
    }

    /** The messages Mosquitto acknowledged that the bridge did not deliver to Kafka. */
    List<String> mqttNotBridged(String bootstrap, List<String> topics) {
      List<String> delivered = new ArrayList<>();
      for (String topic : topics) {
        readCommitted(bootstrap, topic, Duration.ofSeconds(2))
            .forEach(r -> delivered.add(r.value()));
      }
      List<String> missing = new ArrayList<>(published);
      for (String payload : delivered) {
        missing.remove(payload);
      }
      return missing.isEmpty()
          ? List.of()
          : List.of("the bridge lost " + missing.size() + " of " + published.size() + " messages");
    }

    @Override
    public void close() throws Exception {
      shared.flush();
      ownSender.shutdown();
      mqttSender.shutdown();
      assertTrue("sent to the own broker", ownSender.awaitTermination(2, TimeUnit.MINUTES));
      assertTrue("published to Mosquitto", mqttSender.awaitTermination(2, TimeUnit.MINUTES));
      own.flush();
      shared.close();
      own.close();
      mqtt.close();
      if (failure.get() != null) {
        throw new AssertionError("a send of the fleet failed", failure.get());
      }
    }
  }

  /** Publishes QoS 1; a publish counts when the broker acknowledged it, and is repeated until. */
  private static final class Publisher implements AutoCloseable {
    private final MqttClient client;

    Publisher(String uri) throws MqttException {
      client = new MqttClient(uri, "dctwin-fleet-" + RUN, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setAutomaticReconnect(true);
      options.setMaxReconnectDelay(500);
      options.setCleanSession(true);
      options.setMaxInflight(1_000);
      client.connect(options);
    }

    void publishUntilAcked(String topic, String payload) {
      while (true) {
        try {
          client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
          return;
        } catch (MqttException e) {
          sleep(Duration.ofMillis(100));
        }
      }
    }

    @Override
    public void close() throws MqttException {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }

  // ---- the hostile corpus ------------------------------------------------------------------

  /**
   * Sends every kind of {@link HostileInput} once, spread over the fleet's run, and accounts for
   * each by its origin in the job's dead letters.
   */
  private static final class HostileSender {
    private final KafkaProducer<String, byte[]> producer;
    private final Map<HostileInput.Channel, String> topics;
    private final Tee fleet;
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    record Sent(
        HostileInput kind,
        String topic,
        int partition,
        long offset,
        String sha256,
        byte[] payload) {}

    HostileSender(String bootstrap, Map<HostileInput.Channel, String> topics, Tee fleet) {
      Map<String, Object> config = new HashMap<>(KafkaClients.RELIABLE_PRODUCER);
      config.put("bootstrap.servers", bootstrap);
      config.put("max.request.size", 4 * 1024 * 1024);
      this.producer =
          new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
      this.topics = topics;
      this.fleet = fleet;
    }

    void start(Duration after, Duration over) {
      thread =
          new Thread(
              () -> {
                try {
                  Thread.sleep(after.toMillis());
                  long every = over.toMillis() / HostileInput.values().length;
                  WireCodec codec = WireCodec.withDefaults();
                  String server = LiveFleet.serverId(1);
                  for (HostileInput kind : HostileInput.values()) {
                    List<String> reports = fleet.reports(server);
                    String latest = reports.get(reports.size() - 1);
                    String old = reports.get(Math.max(0, reports.size() - 15));
                    long now = System.currentTimeMillis();
                    HostileInput.Context context =
                        new HostileInput.Context(
                            server,
                            LiveFleet.RACK,
                            latest.replace(server, "hostile-base"),
                            latest,
                            old,
                            codec.encodeToString(
                                new CommissionServer(
                                    "hostile-base", LiveFleet.RACK, LiveFleet.DATACENTER, now)),
                            codec.encodeToString(
                                new GetUnhealthyRacks("hostile-q", LiveFleet.DATACENTER, now)),
                            now);
                    byte[] payload = kind.payload(context);
                    String topic = topics.get(kind.channel());
                    RecordMetadata metadata =
                        producer.send(new ProducerRecord<>(topic, kind.name(), payload)).get();
                    sent.add(
                        new Sent(
                            kind,
                            topic,
                            metadata.partition(),
                            metadata.offset(),
                            sha256(payload),
                            payload));
                    Thread.sleep(every);
                  }
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "hostile-sender");
      thread.setDaemon(true);
      thread.start();
    }

    int sent() {
      return sent.size();
    }

    void awaitEnd() throws InterruptedException {
      thread.join(Duration.ofMinutes(2).toMillis());
      producer.close();
      if (failure.get() != null) {
        throw new AssertionError("the hostile sender failed", failure.get());
      }
      assertEquals("hostile messages sent", HostileInput.values().length, sent.size());
    }

    /**
     * Every hostile message's fate, from the job's dead letters, each found by its origin (topic,
     * partition, offset): a letter at ingestion with the payload's SHA-256 for {@link
     * HostileInput.Fate#DEAD_LETTER}, a letter of the twin that rejects it for {@link
     * HostileInput.Fate#TWIN_REJECTED}, none for those accepted; and no letter left over, none
     * without an origin. Of an exact copy of the fleet's latest report the twin rejects either copy
     * (the later in its inbox's order of origins, or the copy if the original passed first): the
     * letter may name the fleet's original. Returns what does not add up.
     */
    List<String> account(List<JsonNode> deadLetters) {
      List<String> problems = new ArrayList<>();
      Map<String, List<JsonNode>> byOrigin = new HashMap<>();
      List<JsonNode> withoutOrigin = new ArrayList<>();
      for (JsonNode letter : deadLetters) {
        JsonNode origin = letter.path("origin");
        if (origin.hasNonNull("topic") && origin.hasNonNull("offset")) {
          byOrigin
              .computeIfAbsent(
                  origin.path("topic").asText()
                      + "/"
                      + origin.path("partition").asInt()
                      + "/"
                      + origin.path("offset").asLong(),
                  k -> new ArrayList<>())
              .add(letter);
        } else {
          withoutOrigin.add(letter);
        }
      }
      int fromTwins = 0;
      for (Sent message : sent) {
        String origin = message.topic() + "/" + message.partition() + "/" + message.offset();
        List<JsonNode> letters = byOrigin.remove(origin);
        if (letters == null && message.kind() == HostileInput.DUPLICATE_REPORT) {
          String original = fleet.originOf(new String(message.payload(), StandardCharsets.UTF_8));
          letters = original == null ? null : byOrigin.remove(original);
          origin += " or the original's " + original;
        }
        switch (message.kind().fate()) {
          case DEAD_LETTER, TWIN_REJECTED -> {
            boolean atIngestion = message.kind().fate() == HostileInput.Fate.DEAD_LETTER;
            if (letters == null || letters.size() != 1) {
              problems.add(
                  message.kind()
                      + ": "
                      + (letters == null ? 0 : letters.size())
                      + " dead letters with its origin "
                      + origin);
              break;
            }
            JsonNode letter = letters.get(0);
            String source = letter.path("source").asText();
            if (!letter.path("reason").asText().equals(message.kind().reason().name())) {
              problems.add(
                  message.kind()
                      + ": reason "
                      + letter.path("reason").asText()
                      + ", expected "
                      + message.kind().reason());
            } else if (!source.startsWith(atIngestion ? "kafka:" : "twin")) {
              // "kafka:<topic>" at ingestion; "twins" (the routing) or "twin:<serverId>".
              problems.add(
                  message.kind()
                      + ": dead letter of "
                      + source
                      + ", expected "
                      + (atIngestion ? "ingestion" : "a twin"));
            } else if (atIngestion
                && !letter.path("payloadSha256").asText().equalsIgnoreCase(message.sha256())) {
              problems.add(message.kind() + ": its dead letter's SHA-256 is not the payload's");
            } else if (!atIngestion) {
              fromTwins++;
            }
          }
          case ACCEPTED -> {
            if (letters != null) {
              problems.add(
                  message.kind()
                      + ": accepted kind became a dead letter "
                      + letters.get(0).path("reason").asText());
            }
          }
        }
      }
      if (!byOrigin.isEmpty()) {
        problems.add("dead letters of no hostile message: " + byOrigin.keySet());
      }
      if (!withoutOrigin.isEmpty()) {
        problems.add(
            withoutOrigin.size()
                + " dead letters without origin: "
                + withoutOrigin.stream()
                    .map(l -> l.path("reason").asText() + " " + l.path("source").asText())
                    .toList());
      }
      log(
          "hostile accounting: "
              + sent.size()
              + " sent, "
              + deadLetters.size()
              + " dead letters ("
              + fromTwins
              + " from twins), problems: "
              + problems);
      return problems;
    }
  }

  // ---- the redeploy ----------------------------------------------------------------------------

  /** A second job of a deployment, started beside the first without its state. */
  private static final class Redeploy {
    private final FlinkClusterScripts cluster;
    private final long submittedAt = System.nanoTime();
    private String jobId;
    private String submitError;
    private String outcome = "pending";
    private long failedAfterMs = -1;

    private Redeploy(FlinkClusterScripts cluster) {
      this.cluster = cluster;
    }

    static Redeploy submit(
        FlinkClusterScripts cluster, List<Path> jars, List<String> flags, Duration timeout) {
      Redeploy redeploy = new Redeploy(cluster);
      try {
        redeploy.jobId = cluster.submit(jars, flags, timeout);
      } catch (IllegalStateException e) {
        redeploy.submitError = e.getMessage();
        redeploy.failedAfterMs = (System.nanoTime() - redeploy.submittedAt) / 1_000_000;
      }
      return redeploy;
    }

    void awaitEnd(Duration timeout) {
      if (jobId == null) {
        outcome = "refused at submission";
        return;
      }
      boolean ended =
          await(
              timeout,
              Duration.ofSeconds(1),
              () -> List.of("FAILED", "FINISHED", "CANCELED").contains(cluster.state(jobId)));
      if (ended) {
        failedAfterMs = (System.nanoTime() - submittedAt) / 1_000_000;
        outcome = cluster.state(jobId);
      } else {
        outcome = "still " + cluster.state(jobId) + " after " + timeout.toSeconds() + " s";
        cluster.cancel(jobId); // it must not stay beside the reference
      }
    }

    String outcome() {
      return outcome;
    }

    FaultTable.Row row(List<String> referenceProblems) {
      List<String> notes = new ArrayList<>(referenceProblems);
      String error =
          submitError != null ? submitError : jobId == null ? "" : cluster.failureTraces(jobId);
      boolean clear = error.contains("refuses to start") && error.contains("--deploymentId");
      long restarts = jobId == null ? 0 : cluster.restarts(jobId);
      if (!(outcome.equals("FAILED") || outcome.equals("refused at submission"))) {
        notes.add("the redeployed job did not fail: " + outcome);
      } else if (!clear) {
        notes.add("no clear error: " + firstLine(error));
      }
      if (restarts != 0) {
        notes.add("restarted " + restarts + " times before failing");
      }
      if (notes.isEmpty()) {
        notes.add("");
      }
      boolean passed = notes.equals(List.of(""));
      return new FaultTable.Row(
          "redeploy on a used consumer group ("
              + outcome
              + (failedAfterMs >= 0 ? " after " + failedAfterMs / 1000 + " s" : "")
              + ")",
          String.valueOf(restarts),
          "0",
          "0",
          "-",
          passed,
          passed ? "" : String.join("; ", notes));
    }

    private static String firstLine(String text) {
      Matcher refusal = Pattern.compile("[^\\n]*refuses[^\\n]*").matcher(text);
      if (refusal.find()) {
        return refusal.group();
      }
      return text.lines().findFirst().orElse("");
    }
  }

  // ---- Mosquitto ---------------------------------------------------------------------------

  /** A Mosquitto of the suite's own, with persistence, on a free port. */
  private static final class Mosquitto implements AutoCloseable {
    private final Path config;
    private final int port;
    private Process process;

    private Mosquitto(Path config, int port) {
      this.config = config;
      this.port = port;
    }

    static Mosquitto start(Path folder) throws IOException {
      Files.createDirectories(folder);
      int port = freePort();
      Path config = folder.resolve("mosquitto.conf");
      Files.writeString(
          config,
          String.join(
              "\n",
              "user " + System.getProperty("user.name"),
              "listener " + port + " 127.0.0.1",
              "allow_anonymous true",
              "persistence true",
              "persistence_location " + folder + "/",
              "max_queued_messages 100000",
              "log_dest none",
              ""));
      Mosquitto mosquitto = new Mosquitto(config, port);
      mosquitto.launch();
      return mosquitto;
    }

    String uri() {
      return "tcp://127.0.0.1:" + port;
    }

    private void launch() throws IOException {
      process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", config.toString()).start();
      boolean up =
          await(
              Duration.ofSeconds(10),
              Duration.ofMillis(100),
              () -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                  return true;
                } catch (IOException e) {
                  return false;
                }
              });
      if (!up) {
        throw new IllegalStateException("mosquitto did not start on port " + port);
      }
    }

    /** SIGTERM (Mosquitto saves its persistence file), then a start on the same port. */
    void restart() throws IOException, InterruptedException {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
      launch();
    }

    @Override
    public void close() {
      if (process != null) {
        process.destroy();
      }
    }
  }

  // ---- small things --------------------------------------------------------------------------

  private void createShared(int partitions, String... topics) {
    LocalKafka.require().createTopics(partitions, topics);
    sharedTopics.addAll(List.of(topics));
  }

  static Duration parseDuration(String text) {
    Matcher matcher = Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("a duration is e.g. 45s, 2m or 10m, not " + text);
    }
    long value = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(value);
      case "s" -> Duration.ofSeconds(value);
      case "m" -> Duration.ofMinutes(value);
      default -> Duration.ofHours(value);
    };
  }

  private static String sha256(byte[] payload) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleepUntil(long startNanos, int tick) {
    long wait = startNanos + tick * 1_000_000_000L - System.nanoTime();
    if (wait > 0) {
      sleep(Duration.ofNanos(wait));
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      System.err.println("closing " + closeable.getClass().getSimpleName() + ": " + e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover file does not matter.
    }
  }

  private static String seconds(long startNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }
}
