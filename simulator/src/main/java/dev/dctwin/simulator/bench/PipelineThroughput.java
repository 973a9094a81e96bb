package dev.dctwin.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.io.JdbcOptions;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.Secret;
import dev.dctwin.simulator.local.Acknowledgements;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.TopicWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/**
 * Messages per second from Kafka through parse, the twins and the sinks (Kafka exactly once, JDBC
 * upserts when a database is given) on the FlinkRunner embedded in this JVM, with a fleet of
 * simulated servers.
 *
 * <p>The embedded Kafka broker is filled first: every server is commissioned and reports {@code
 * rounds} times, 10 s apart in event time, ending a minute ago; one server in a hundred reports a
 * failed disk in the last three rounds, so its DISK_FAILURE incident opens on its very last report.
 * The streaming pipeline then starts, and the clock runs from its submission until every one of
 * those incidents is in the JDBC table (or, without a database, in the alerts topic read {@code
 * read_committed}): as the twins work in event-time order, that is when everything before has been
 * processed. That figure includes job start-up. A second one excludes it: each partition of the
 * metrics topic starts with a marker the parser rejects, and the earliest {@code receivedAt} of
 * their dead letters (the wall time at which the Kafka source read them) starts its clock.
 */
public final class PipelineThroughput {
  /** Checkpoints of this benchmark; the end is detected in JDBC, which does not wait for them. */
  static final long CHECKPOINT_MS = 10_000;

  static final int METRICS_PARTITIONS = 4;
  private static final String MARKER_KEY = "dctwinBenchStartMarker";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private PipelineThroughput() {}

  /** The state backend of a run: Flink's heap backend or RocksDB with incremental checkpoints. */
  public enum Backend {
    HEAP,
    ROCKSDB
  }

  /**
   * One run.
   *
   * @param messages records pre-filled in Kafka (start markers, commissions and metric payloads),
   *     every one acknowledged by the broker
   * @param reports metric reports the payloads make (one per server and round)
   * @param seconds from submission to the last expected incident, start-up included
   * @param processingSeconds from the first parsed message to the last expected incident; NaN if
   *     the start was not seen
   * @param cpuMicrosPerReport CPU time of this whole JVM (job, broker, watchers) over the same
   *     span, per report: the cost that decides the rate when the cores are shared
   * @param completion where the incidents were counted
   * @param deadLetters dead letters besides the start markers, counted after a checkpoint that
   *     followed the end: a report the job rejected (late, out of order, unparsable) would make the
   *     figures too good
   * @param timeoutSeconds how long the run waited for the incidents at most
   * @param checkpoint the last checkpoint after the end (RocksDB runs), or null
   * @param ceiling Kafka alone passing the same records, or null if it was not measured
   */
  public record Result(
      int servers,
      int rounds,
      AgentInput.Format format,
      Backend backend,
      long messages,
      long reports,
      long incidents,
      long expectedIncidents,
      double seconds,
      double processingSeconds,
      double cpuMicrosPerReport,
      String completion,
      long deadLetters,
      long timeoutSeconds,
      CheckpointStats.Checkpoint checkpoint,
      KafkaCeiling.Result ceiling) {
    public boolean complete() {
      return invalidReason() == null;
    }

    /** Why this run's rates mean nothing, or null if its input and output were complete. */
    public String invalidReason() {
      if (incidents < expectedIncidents) {
        return String.format(
            java.util.Locale.ROOT,
            "output incomplete: %d of %d %s incidents within %d s",
            incidents,
            expectedIncidents,
            expectedIncident(format),
            timeoutSeconds);
      }
      if (deadLetters > 0) {
        return String.format(
            java.util.Locale.ROOT,
            "%,d metric payloads became dead letters (late, out of order or unparsable)",
            deadLetters);
      }
      if (Double.isNaN(processingSeconds)) {
        return "the job's first read (the start markers' dead letters) was never seen";
      }
      return null;
    }

    public double rate() {
      return reports / seconds;
    }

    public double processingRate() {
      return reports / processingSeconds;
    }

    /** Reports per second of Kafka alone passing the same records; NaN without a valid ceiling. */
    public double ceilingRate() {
      return ceiling == null || ceiling.invalidReason() != null
          ? Double.NaN
          : ceiling.rate(reports);
    }

    public String label() {
      return String.format(
          java.util.Locale.ROOT,
          "%s, %,d servers%s",
          format.label(),
          servers,
          backend == Backend.ROCKSDB ? ", RocksDB" : "");
    }
  }

  /** The incident that marks the end of a run's input in the given format. */
  static String expectedIncident(AgentInput.Format format) {
    return format == AgentInput.Format.TYPED ? "DISK_FAILURE" : "NIC_PACKET_LOSS";
  }

  /**
   * Runs the pipeline on {@code servers} servers reporting {@code rounds} times in {@code format},
   * then Kafka alone on the same records ({@link KafkaCeiling}).
   *
   * @param jdbcUrl the database of the JDBC sink; null for the Kafka sink only
   * @param extraFlags pipeline flags that replace the benchmark's own of the same name
   * @throws Acknowledgements.SendFailedException if the broker did not take every input record
   */
  public static Result measure(
      EmbeddedKafka kafka,
      int servers,
      int rounds,
      AgentInput.Format format,
      Backend backend,
      String jdbcUrl,
      String jdbcUser,
      List<String> extraFlags,
      java.time.Duration timeout) {
    String run = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String prefix = run.replace('_', '-');
    kafka.createTopics(METRICS_PARTITIONS, prefix + ".metrics");
    kafka.createTopics(1, prefix + ".provisioning", prefix + ".queries");
    kafka.createTopics(2, prefix + ".alerts", prefix + ".answers", prefix + ".dead-letters");
    long records = produce(kafka, prefix, servers, rounds, format);
    long expectedIncidents = (servers + 92) / 100;
    String incidentType = expectedIncident(format);
    List<String> flags = new ArrayList<>(FlinkJobs.streamingFlags(run, CHECKPOINT_MS));
    flags.addAll(FlinkJobs.kafkaPipelineFlags(kafka.bootstrapServers(), prefix, run));
    flags.addAll(
        List.of(
            "--sinks=" + (jdbcUrl == null ? "kafka" : "kafka,jdbc"),
            "--silenceAfterSeconds=86400",
            // The goal is with the twins' learned baseline on (its default, named so that a
            // change of the default does not change what this measures).
            "--learnedBaseline=true"));
    if (format != AgentInput.Format.TYPED) {
      flags.add("--topicFormats=" + prefix + ".metrics=" + format.pipelineName);
    }
    if (backend == Backend.ROCKSDB) {
      flags =
          overridden(
              flags,
              List.of(
                  "--stateBackend=rocksdb",
                  "--flinkConfDir="
                      + CheckpointStats.flinkConfDir(
                          Path.of(System.getProperty("java.io.tmpdir"), "dctwin-bench-conf", run),
                          Map.of("state.backend.incremental", "true"))));
      CheckpointStats.reset();
    }
    if (jdbcUrl != null) {
      flags.addAll(
          List.of("--jdbcUrl=" + jdbcUrl, "--jdbcUser=" + jdbcUser, "--jdbcSchema=" + run));
    }
    DatacenterPipeline.Options options =
        PipelineOptionsFactory.fromArgs(overridden(flags, extraFlags).toArray(String[]::new))
            .withValidation()
            .as(DatacenterPipeline.Options.class);
    PipelineResult result = null;
    Result measured;
    try (TopicWatcher alerts =
            jdbcUrl == null
                ? new TopicWatcher(kafka.bootstrapServers(), prefix + ".alerts", true)
                : null;
        TopicWatcher deadLetters =
            new TopicWatcher(kafka.bootstrapServers(), prefix + ".dead-letters", true)) {
      long startedAtMs = System.currentTimeMillis();
      long started = System.nanoTime();
      result = DatacenterPipeline.start(options);
      long deadline = started + timeout.toNanos();
      long incidents = 0;
      List<long[]> cpuAt = new ArrayList<>();
      while (System.nanoTime() < deadline && incidents < expectedIncidents) {
        cpuAt.add(new long[] {System.currentTimeMillis(), processCpuNanos()});
        Thread.sleep(100);
        incidents =
            alerts != null
                ? openedIncidents(alerts, incidentType)
                : count(jdbcUrl, jdbcUser, run + ".alerts", incidentType);
        if (result.getState().isTerminal()) {
          break;
        }
      }
      long ended = System.nanoTime();
      long cpuAtEnd = processCpuNanos();
      long endedAtMs = startedAtMs + (ended - started) / 1_000_000;
      long firstRead = firstMarkerRead(deadLetters);
      long rejected = rejectedReports(deadLetters);
      CheckpointStats.Checkpoint checkpoint =
          backend == Backend.ROCKSDB ? CheckpointStats.last() : null;
      long cpuAtFirstRead = -1;
      for (long[] sample : cpuAt) {
        if (sample[0] <= firstRead) {
          cpuAtFirstRead = sample[1];
        }
      }
      long reports = (long) servers * rounds;
      measured =
          new Result(
              servers,
              rounds,
              format,
              backend,
              records,
              reports,
              incidents,
              expectedIncidents,
              (ended - started) / 1e9,
              firstRead < 0 ? Double.NaN : (endedAtMs - firstRead) / 1e3,
              cpuAtFirstRead < 0 ? Double.NaN : (cpuAtEnd - cpuAtFirstRead) / 1e3 / reports,
              jdbcUrl == null ? "Kafka alerts topic (read_committed)" : "JDBC alerts table",
              rejected,
              timeout.toSeconds(),
              checkpoint,
              null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      FlinkJobs.cancel(result);
      if (jdbcUrl != null) {
        dropSchema(jdbcUrl, jdbcUser, run);
      }
    }
    KafkaCeiling.Result ceiling =
        KafkaCeiling.measure(
            kafka,
            Map.of(prefix + ".metrics", METRICS_PARTITIONS, prefix + ".provisioning", 1),
            records,
            timeout);
    return new Result(
        measured.servers(),
        measured.rounds(),
        measured.format(),
        measured.backend(),
        measured.messages(),
        measured.reports(),
        measured.incidents(),
        measured.expectedIncidents(),
        measured.seconds(),
        measured.processingSeconds(),
        measured.cpuMicrosPerReport(),
        measured.completion(),
        measured.deadLetters(),
        measured.timeoutSeconds(),
        measured.checkpoint(),
        ceiling);
  }

  /** Distinct incidents of {@code type} opened in the alerts topic so far. */
  private static long openedIncidents(TopicWatcher alerts, String type) {
    java.util.Set<String> incidents = new java.util.HashSet<>();
    for (TopicWatcher.Seen seen : alerts.seen()) {
      try {
        JsonNode alert = JSON.readTree(seen.value());
        if (type.equals(alert.path("incidentType").asText())
            && "OPENED".equals(alert.path("status").asText())) {
          incidents.add(alert.path("incidentId").asText());
        }
      } catch (IOException e) {
        // Not an alert of this run's format: not counted.
      }
    }
    return incidents.size();
  }

  /** CPU time of this whole JVM so far. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * When the job read its first metric report: the earliest {@code receivedAt} (the wall time at
   * which the Kafka source read a record) of the start markers, which the parser turns into dead
   * letters; -1 if none arrived. The exactly-once dead-letter sink commits them with the first
   * checkpoint, so this may wait for one.
   */
  private static long firstMarkerRead(TopicWatcher deadLetters) throws InterruptedException {
    long deadline = System.nanoTime() + 2 * CHECKPOINT_MS * 1_000_000;
    long first = -1;
    while (System.nanoTime() < deadline) {
      for (TopicWatcher.Seen seen : deadLetters.seen()) {
        JsonNode letter = json(seen);
        if (isMarker(letter)) {
          long receivedAt = letter.path("receivedAt").asLong(-1);
          if (receivedAt > 0 && (first < 0 || receivedAt < first)) {
            first = receivedAt;
          }
        }
      }
      if (first > 0) {
        return first;
      }
      Thread.sleep(200);
    }
    return first;
  }

  /**
   * The dead letters other than the start markers, once a checkpoint has completed after the end
   * (the exactly-once dead-letter sink commits what a checkpoint covered).
   */
  private static long rejectedReports(TopicWatcher deadLetters) throws InterruptedException {
    Thread.sleep(CHECKPOINT_MS + 5_000);
    return deadLetters.seen().stream().filter(seen -> !isMarker(json(seen))).count();
  }

  private static boolean isMarker(JsonNode deadLetter) {
    try {
      String payload =
          new String(
              Base64.getDecoder().decode(deadLetter.path("payloadBase64").asText("")),
              StandardCharsets.UTF_8);
      return payload.contains(MARKER_KEY);
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private static JsonNode json(TopicWatcher.Seen deadLetter) {
    try {
      return JSON.readTree(deadLetter.value());
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /**
   * Fills the topics; returns the records sent, every one acknowledged.
   *
   * @throws Acknowledgements.SendFailedException if a send failed or went unacknowledged
   */
  static long produce(
      EmbeddedKafka kafka, String prefix, int servers, int rounds, AgentInput.Format format) {
    WireCodec codec = WireCodec.withDefaults();
    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 60_000 - rounds * 10_000L;
    Acknowledgements acks = new Acknowledgements("the pre-fill of " + prefix);
    try (KafkaProducer<String, byte[]> producer = bytesProducer(kafka.bootstrapServers())) {
      // First on every partition of the metrics topic: a marker that the parser rejects, whose
      // dead letter tells when the job started reading (see firstMarkerRead).
      for (int partition = 0; partition < METRICS_PARTITIONS; partition++) {
        acks.send(
            producer,
            new ProducerRecord<>(
                prefix + ".metrics", partition, MARKER_KEY, utf8("{\"" + MARKER_KEY + "\":true}")));
      }
      acks.awaitAll(producer, java.time.Duration.ofMinutes(1));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        String rack = rackOf(i);
        String id = serverId(i);
        ids.add(id);
        CommissionServer commission = new CommissionServer(id, rack, "dc1", start - 60_000);
        acks.send(
            producer,
            new ProducerRecord<>(
                prefix + ".provisioning",
                MessageKeys.kafkaKey(commission),
                utf8(codec.encodeToString(commission))));
      }
      for (int round = 0; round < rounds; round++) {
        long t = start + round * 10_000L;
        for (int i = 0; i < servers; i++) {
          boolean failing = i % 100 == 7 && round >= rounds - 3;
          String id = ids.get(i);
          long lossyIntervals = i % 100 == 7 ? Math.max(0, round - (rounds - 3) + 1) : 0;
          byte[] payload =
              switch (format) {
                case TYPED -> utf8(codec.encodeToString(report(id, t, failing)));
                case COLLECTD -> AgentInput.collectd(id, t, round, lossyIntervals);
                case OTLP_PROTO -> AgentInput.otlp(id, t, round, lossyIntervals);
              };
          acks.send(producer, new ProducerRecord<>(prefix + ".metrics", null, t, id, payload));
        }
      }
      acks.awaitAll(producer, java.time.Duration.ofMinutes(5));
    }
    return acks.acknowledged();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Idempotent, acks=all, as the simulator's own producers; byte values for the agents' formats.
   */
  static KafkaProducer<String, byte[]> bytesProducer(String bootstrapServers) {
    Map<String, Object> config = new java.util.HashMap<>(KafkaClients.RELIABLE_PRODUCER);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  static String rackOf(int server) {
    return String.format("dc1-r%03d", server / 40);
  }

  static String serverId(int server) {
    return String.format("%s-s%02d", rackOf(server), server % 40);
  }

  static ServerMetricReport report(String serverId, long eventTime, boolean failedDisk) {
    return new ServerMetricReport(
        serverId,
        eventTime,
        new CpuMetrics(71.5, 20.0, 5.0, 0.5, 0.3, 0.7, 0.0, 2.0),
        new NetworkMetrics(0.0, 0.0, 0.0, 0.0, 12_000, 11_500, 9.6e6, 8.1e6),
        new MemoryMetrics(96e9, 60e9, 90e9, 2e9, 8e9, 256e9, 12e9, 3e9, 30e6, 0, 0, 0),
        new DiskMetrics(120, 180, 4, 30, 2.1e6, 8.4e6, 150, 420, 0.8, 1.6, failedDisk ? 1 : 0),
        new ProcessMetrics(6, 412, 0, 0, 0, 0),
        new SensorReadings(12.1, 24.5, 58.0, 310.0));
  }

  /** Whether the database answers; the benchmark then also runs the JDBC sink. */
  static boolean reachable(String url, String user) {
    try (Connection connection = target(url, user).connect()) {
      return connection.isValid(5);
    } catch (Exception e) {
      return false;
    }
  }

  private static JdbcTarget target(String url, String user) {
    return new JdbcTarget(
        url, user, new Secret(null, JdbcOptions.PASSWORD_ENV), null, Duration.ZERO);
  }

  /** Incidents of {@code type} in the alerts table; -1 while it cannot be read (not made yet). */
  private static long count(String url, String user, String table, String type) {
    try (Connection connection = target(url, user).connect();
        java.sql.PreparedStatement statement =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE incident_type = ?")) {
      statement.setString(1, type);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (Exception e) {
      return -1;
    }
  }

  private static void dropSchema(String url, String user, String schema) {
    try (Connection connection = target(url, user).connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          url.startsWith("jdbc:postgresql")
              ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE"
              : "DROP DATABASE IF EXISTS " + schema);
    } catch (Exception e) {
      System.err.println("could not drop " + schema + ": " + e.getMessage());
    }
  }

  /** {@code flags} with each of {@code extra} replacing the flag of the same name, or added. */
  static List<String> overridden(List<String> flags, List<String> extra) {
    List<String> result = new ArrayList<>(flags);
    for (String flag : extra) {
      String name = flag.split("=", 2)[0];
      result.removeIf(existing -> existing.split("=", 2)[0].equals(name));
      result.add(flag);
    }
    return result;
  }
}
