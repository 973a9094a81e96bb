package dev.dctwin.pipeline.io;

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
import dev.dctwin.pipeline.local.EmbeddedKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.joda.time.Duration;

/**
 * Messages per second from Kafka through parse, the twins and the sinks (Kafka exactly once, JDBC
 * upserts) on the FlinkRunner embedded in this JVM, with a fleet of simulated servers.
 *
 * <p>An embedded Kafka broker is filled first: every server is commissioned and reports {@code
 * rounds} times, 10 s apart in event time, ending a minute ago; one server in a hundred reports a
 * failed disk in the last three rounds, so its DISK_FAILURE incident opens on its very last report.
 * The streaming pipeline then starts, and the clock runs from its submission until every one of
 * those incidents is in the JDBC table: as the twins work in event-time order, that is when
 * everything before has been processed. Job start-up is included.
 *
 * <p>Run: {@code java -cp <pipeline classpath> dev.dctwin.pipeline.io.KafkaThroughputBenchmark
 * [servers [rounds [jdbcUrl [jdbcUser]]]]}; defaults 10000 servers, 10 rounds, the local PostgreSQL
 * as postgres.
 */
public final class KafkaThroughputBenchmark {
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(20);

  private KafkaThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String jdbcUrl = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/postgres";
    String jdbcUser = args.length > 3 ? args[3] : "postgres";
    String run = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    int code = 1;
    try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
      String prefix = run.replace('_', '-');
      kafka.createTopics(4, prefix + ".metrics");
      kafka.createTopics(1, prefix + ".provisioning", prefix + ".queries");
      kafka.createTopics(2, prefix + ".alerts", prefix + ".answers", prefix + ".dead-letters");
      long records = produce(kafka, prefix, servers, rounds);
      long expectedIncidents = (servers + 92) / 100;
      DatacenterPipeline.Options options =
          PipelineOptionsFactory.fromArgs(
                  "--runner=FlinkRunner",
                  "--flinkMaster=[local]",
                  "--streaming=true",
                  "--parallelism=2",
                  "--checkpointingInterval=10000",
                  // The twins' state of 10,000 servers outgrows Flink's 5 MB in-memory checkpoints.
                  "--stateBackend=filesystem",
                  "--stateBackendStoragePath=file://"
                      + System.getProperty("java.io.tmpdir")
                      + "/dctwin-checkpoints/"
                      + run,
                  "--source=kafka",
                  "--sinks=kafka,jdbc",
                  "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                  "--kafkaTopics="
                      + prefix
                      + ".metrics,"
                      + prefix
                      + ".provisioning,"
                      + prefix
                      + ".queries",
                  "--kafkaConsumerGroup=" + run,
                  "--kafkaAlertsTopic=" + prefix + ".alerts",
                  "--kafkaAnswersTopic=" + prefix + ".answers",
                  "--kafkaDeadLettersTopic=" + prefix + ".dead-letters",
                  "--deploymentId=" + run,
                  "--silenceAfterSeconds=86400",
                  "--jdbcUrl=" + jdbcUrl,
                  "--jdbcUser=" + jdbcUser,
                  "--jdbcSchema=" + run)
              .withValidation()
              .as(DatacenterPipeline.Options.class);
      long started = System.nanoTime();
      // The embedded Flink cluster runs the job in run(): streams never return from it.
      Thread job = new Thread(() -> DatacenterPipeline.start(options), "dctwin-benchmark-job");
      job.setDaemon(true);
      job.start();
      long deadline = started + TIMEOUT.toNanos();
      long incidents = 0;
      while (System.nanoTime() < deadline && incidents < expectedIncidents && job.isAlive()) {
        Thread.sleep(1_000);
        incidents = count(jdbcUrl, jdbcUser, run + ".alerts");
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "KafkaThroughputBenchmark: %d servers, %d messages, FlinkRunner [local] parallelism 2,"
              + " exactly-once Kafka + JDBC sinks: %d of %d incidents after %.1f s = %.0f"
              + " messages/s (job start-up included)%n",
          servers,
          records,
          incidents,
          expectedIncidents,
          seconds,
          records / seconds);
      code = incidents == expectedIncidents ? 0 : 1;
    } finally {
      dropSchema(jdbcUrl, jdbcUser, run);
    }
    // The Flink mini cluster and KafkaIO's exactly-once writer leave non-daemon threads behind.
    System.exit(code);
  }

  private static long produce(EmbeddedKafka kafka, String prefix, int servers, int rounds) {
    WireCodec codec = WireCodec.withDefaults();
    long start = (System.currentTimeMillis() / 10_000) * 10_000 - 60_000 - rounds * 10_000L;
    long records = 0;
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        String rack = String.format("dc1-r%03d", i / 40);
        String id = String.format("%s-s%02d", rack, i % 40);
        ids.add(id);
        producer.send(
            new ProducerRecord<>(
                prefix + ".provisioning",
                id,
                codec.encodeToString(new CommissionServer(id, rack, "dc1", start - 60_000))));
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

  private static ServerMetricReport report(String serverId, long eventTime, boolean failedDisk) {
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

  private static long count(String url, String user, String table) {
    try (Connection connection =
            new JdbcTarget(
                    url, user, new Secret(null, JdbcOptions.PASSWORD_ENV), null, Duration.ZERO)
                .connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    } catch (Exception e) {
      return -1;
    }
  }

  private static void dropSchema(String url, String user, String schema) {
    try (Connection connection =
            new JdbcTarget(
                    url, user, new Secret(null, JdbcOptions.PASSWORD_ENV), null, Duration.ZERO)
                .connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          url.startsWith("jdbc:postgresql")
              ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE"
              : "DROP DATABASE IF EXISTS " + schema);
    } catch (Exception e) {
      System.err.println("could not drop " + schema + ": " + e.getMessage());
    }
  }
}
