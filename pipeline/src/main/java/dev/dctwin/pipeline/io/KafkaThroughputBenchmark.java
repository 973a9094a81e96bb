package dev.dctwin.pipeline.io;

import dev.dctwin.pipeline.bench.PipelineThroughput;
import dev.dctwin.pipeline.local.EmbeddedKafka;
import java.util.Locale;

/**
 * Messages per second from Kafka through parse, the twins and the sinks on the FlinkRunner embedded
 * in this JVM: one run of {@link PipelineThroughput} (which {@code dctwin-pipeline.jar bench} runs
 * at several fleet sizes, into its report).
 *
 * <p>Run: {@code java -cp <pipeline classpath> dev.dctwin.pipeline.io.KafkaThroughputBenchmark
 * [servers [rounds [jdbcUrl [jdbcUser]]]]}; defaults 10000 servers, 10 rounds, the local PostgreSQL
 * as postgres.
 */
public final class KafkaThroughputBenchmark {
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(20);

  private KafkaThroughputBenchmark() {}

  public static void main(String[] args) {
    int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String jdbcUrl = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/postgres";
    String jdbcUser = args.length > 3 ? args[3] : "postgres";
    int code;
    try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
      PipelineThroughput.Result result =
          PipelineThroughput.measure(kafka, servers, rounds, jdbcUrl, jdbcUser, TIMEOUT);
      System.out.printf(
          Locale.ROOT,
          "KafkaThroughputBenchmark: %d servers, %d messages, FlinkRunner [local] parallelism 2,"
              + " exactly-once Kafka + JDBC sinks: %d of %d incidents after %.1f s = %.0f"
              + " messages/s (job start-up included), %.0f messages/s from the first parsed"
              + " message%n",
          servers,
          result.messages(),
          result.incidents(),
          result.expectedIncidents(),
          result.seconds(),
          result.rate(),
          result.processingRate());
      code = result.complete() ? 0 : 1;
    }
    // The Flink mini cluster and KafkaIO's exactly-once writer leave non-daemon threads behind.
    System.exit(code);
  }
}
