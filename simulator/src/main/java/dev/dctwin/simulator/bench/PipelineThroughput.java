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
import dev.dctwin.pipeline.io.Secret;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.TopicWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  /**
   * One run.
   *
   * @param messages records pre-filled in Kafka (commissions and metric reports)
   * @param seconds from submission to the last expected incident, start-up included
   * @param processingSeconds from the first parsed message to the last expected incident; NaN if
   *     the counter never moved
   * @param cpuMicrosPerMessage CPU time of this whole JVM (job, broker, watchers) over the same
   *     span, per message: the cost that decides the rate when the cores are shared
   * @param completion where the incidents were counted
   * @param deadLetters dead letters besides the start markers, counted after a checkpoint that
   *     followed the end: a report the job rejected (late, out of order, unparsable) would make the
   *     figures too good
   */
  public record Result(
      int servers,
      int rounds,
      long messages,
      long incidents,
      long expectedIncidents,
      double seconds,
      double processingSeconds,
      double cpuMicrosPerMessage,
      String completion,
      long deadLetters) {
    public boolean complete() {
      return incidents >= expectedIncidents && deadLetters == 0;
    }

    public double rate() {
      return messages / seconds;
    }

    public double processingRate() {
      return messages / processingSeconds;
    }
  }

  /**
   * Runs the pipeline on {@code servers} servers reporting {@code rounds} times.
   *
   * @param jdbcUrl the database of the JDBC sink; null for the Kafka sink only
   * @param extraFlags pipeline flags that replace the benchmark's own of the same name
   */
  public static Result measure(
      EmbeddedKafka kafka,
      int servers,
      int rounds,
      String jdbcUrl,
      String jdbcUser,
      List<String> extraFlags,
      java.time.Duration timeout) {
    String run = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String prefix = run.replace('_', '-');
    kafka.createTopics(METRICS_PARTITIONS, prefix + ".metrics");
    kafka.createTopics(1, prefix + ".provisioning", prefix + ".queries");
    kafka.createTopics(2, prefix + ".alerts", prefix + ".answers", prefix + ".dead-letters");
    long records = produce(kafka, prefix, servers, rounds);
    long expectedIncidents = (servers + 92) / 100;
    List<String> flags = new ArrayList<>(FlinkJobs.streamingFlags(run, CHECKPOINT_MS));
    flags.addAll(FlinkJobs.kafkaPipelineFlags(kafka.bootstrapServers(), prefix, run));
    flags.addAll(
        List.of(
            "--sinks=" + (jdbcUrl == null ? "kafka" : "kafka,jdbc"),
            "--silenceAfterSeconds=86400"));
    if (jdbcUrl != null) {
      flags.addAll(
          List.of("--jdbcUrl=" + jdbcUrl, "--jdbcUser=" + jdbcUser, "--jdbcSchema=" + run));
    }
    DatacenterPipeline.Options options =
        PipelineOptionsFactory.fromArgs(overridden(flags, extraFlags).toArray(String[]::new))
            .withValidation()
            .as(DatacenterPipeline.Options.class);
    PipelineResult result = null;
    try (TopicWatcher alerts =
            jdbcUrl == null
                ? new TopicWatcher(kafka.bootstrapServers(), prefix + ".alerts", false)
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
        incidents = alerts != null ? alerts.count() : count(jdbcUrl, jdbcUser, run + ".alerts");
        if (result.getState().isTerminal()) {
          break;
        }
      }
      long ended = System.nanoTime();
      long cpuAtEnd = processCpuNanos();
      long endedAtMs = startedAtMs + (ended - started) / 1_000_000;
      long firstRead = firstMarkerRead(deadLetters);
      long rejected = rejectedReports(deadLetters);
      long cpuAtFirstRead = -1;
      for (long[] sample : cpuAt) {
        if (sample[0] <= firstRead) {
          cpuAtFirstRead = sample[1];
        }
      }
      return new Result(
          servers,
          rounds,
          records,
          incidents,
          expectedIncidents,
          (ended - started) / 1e9,
          firstRead < 0 ? Double.NaN : (endedAtMs - firstRead) / 1e3,
          cpuAtFirstRead < 0 ? Double.NaN : (cpuAtEnd - cpuAtFirstRead) / 1e3 / records,
          jdbcUrl == null ? "Kafka alerts topic (read_committed)" : "JDBC alerts table",
          rejected);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      FlinkJobs.cancel(result);
      if (jdbcUrl != null) {
        dropSchema(jdbcUrl, jdbcUser, run);
      }
    }
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

  static long produce(EmbeddedKafka kafka, String prefix, int servers, int rounds) {
    WireCodec codec = WireCodec.withDefaults();
    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 60_000 - rounds * 10_000L;
    long records = 0;
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      // First on every partition of the metrics topic: a marker that the parser rejects, whose
      // dead letter tells when the job started reading (see firstMarkerRead).
      for (int partition = 0; partition < METRICS_PARTITIONS; partition++) {
        producer.send(
            new ProducerRecord<>(
                prefix + ".metrics", partition, MARKER_KEY, "{\"" + MARKER_KEY + "\":true}"));
        records++;
      }
      producer.flush();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        String rack = rackOf(i);
        String id = serverId(i);
        ids.add(id);
        CommissionServer commission = new CommissionServer(id, rack, "dc1", start - 60_000);
        producer.send(
            new ProducerRecord<>(
                prefix + ".provisioning",
                MessageKeys.kafkaKey(commission),
                codec.encodeToString(commission)));
        records++;
      }
      for (int round = 0; round < rounds; round++) {
        long t = start + round * 10_000L;
        for (int i = 0; i < servers; i++) {
          boolean failed = i % 100 == 7 && round >= rounds - 3;
          producer.send(
              new ProducerRecord<>(
                  prefix + ".metrics",
                  ids.get(i),
                  codec.encodeToString(report(ids.get(i), t, failed))));
          records++;
        }
      }
    }
    return records;
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

  private static long count(String url, String user, String table) {
    try (Connection connection = target(url, user).connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
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
