package dev.dctwin.simulator.bench;

import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.simulator.local.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * {@code dctwin-simulator.jar bench}: the throughput and latency benchmarks in one run, on the
 * FlinkRunner embedded in this JVM with an embedded Kafka broker, written as a report ({@code
 * report.md} and PNG charts) into {@code --out}, with a summary on stdout. Every figure is measured
 * in this run.
 */
public final class BenchCommand {
  private BenchCommand() {}

  /** Flags of {@code dctwin-simulator.jar bench}. */
  public interface Options extends PipelineOptions {
    @Description("Folder to write report.md and the charts to.")
    @Default.String("target/bench")
    String getOut();

    void setOut(String value);

    @Description("Small sizes (tests, CI): a few minutes instead of about twenty-five.")
    @Default.Boolean(false)
    boolean isQuick();

    void setQuick(boolean value);

    @Description(
        "Database of the throughput benchmark's JDBC sink; when it does not answer, the benchmark"
            + " runs with the Kafka sink only and says so.")
    @Default.String("jdbc:postgresql://127.0.0.1:5432/postgres")
    String getDatabaseUrl();

    void setDatabaseUrl(String value);

    @Description("User of --databaseUrl; the password in $DCTWIN_JDBC_PASSWORD if one is needed.")
    @Default.String("postgres")
    String getDatabaseUser();

    void setDatabaseUser(String value);

    @Description(
        "Fleet sizes of the throughput benchmark, comma-separated; empty for the run's default"
            + " (200,500 quick, else 1000,10000,100000; 100000 on RocksDB).")
    @Default.String("")
    String getFleets();

    void setFleets(String value);

    @Description(
        "Reports per server in the throughput benchmark (10 s apart in event time); 0 for the"
            + " run's default (4 quick, else 90, at most 30 from 100,000 servers on).")
    @Default.Integer(0)
    int getRounds();

    void setRounds(int value);

    @Description(
        "Pipeline flags of the throughput benchmark's job, space-separated, replacing its own of"
            + " the same name (say \"--parallelism=4 --maxParallelism=128\"); empty for none.")
    @Default.String("")
    String getThroughputFlags();

    void setThroughputFlags(String value);

    @Description("Which benchmarks to run: all, or a list of throughput, latency, join.")
    @Default.String("all")
    String getOnly();

    void setOnly(String value);
  }

  /** Sizes of one run of the benchmarks. */
  record Sizes(
      List<Integer> fleets,
      int rounds,
      int largeFleetRounds,
      List<Integer> rocksDbFleets,
      int agentFleet,
      int throughputWarmupRounds,
      int latencyServers,
      Duration latencyDuration,
      Duration latencyWarmup,
      int failEvery,
      int joinMachines,
      int joinPerMachine,
      int joinWarmupPerMachine,
      Duration joinTimeLimit,
      int directRecords,
      int flinkRecords,
      List<Mode> inMemoryModes) {
    Sizes withFleets(String list) {
      if (list.isBlank()) {
        return this;
      }
      List<Integer> chosen = new ArrayList<>();
      for (String size : list.split(",")) {
        try {
          chosen.add(Integer.parseInt(size.strip()));
        } catch (NumberFormatException e) {
          chosen.add(0);
        }
      }
      if (chosen.stream().anyMatch(size -> size <= 0)) {
        throw new IllegalArgumentException(
            "--fleets takes positive whole numbers separated by commas, not '" + list + "'");
      }
      return with(chosen, rounds);
    }

    Sizes withRounds(int chosen) {
      if (chosen < 0) {
        throw new IllegalArgumentException(
            "--rounds must be 0 (the default) or more, not " + chosen);
      }
      return chosen == 0 ? this : with(fleets, chosen);
    }

    private Sizes with(List<Integer> fleets, int rounds) {
      return new Sizes(
          fleets,
          rounds,
          largeFleetRounds,
          rocksDbFleets,
          agentFleet,
          throughputWarmupRounds,
          latencyServers,
          latencyDuration,
          latencyWarmup,
          failEvery,
          joinMachines,
          joinPerMachine,
          joinWarmupPerMachine,
          joinTimeLimit,
          directRecords,
          flinkRecords,
          inMemoryModes);
    }

    /** Rounds of a run at {@code servers}: fewer for the largest fleets, which hold more. */
    int roundsAt(int servers) {
      return servers >= LARGE_FLEET ? Math.min(rounds, largeFleetRounds) : rounds;
    }

    static Sizes of(boolean quick) {
      return quick
          ? new Sizes(
              List.of(200, 500),
              4,
              4,
              // Every path of the full run, at a size for tests: RocksDB, the agents' formats.
              List.of(500),
              500,
              0,
              500,
              Duration.ofSeconds(30),
              Duration.ZERO,
              20,
              20,
              2_500,
              0,
              Duration.ofSeconds(90),
              20_000,
              50_000,
              List.of(Mode.ARRIVAL_ORDER))
          : new Sizes(
              List.of(1_000, 10_000, 100_000),
              // 15 minutes of reports: every server twin's window is full, as in a fleet that has
              // run for a while (a fuller window costs more per report), and the JIT has finished
              // with the job's code long before the end.
              90,
              // 100,000 servers: 3,000,000 reports, windows still full (the health model looks at
              // the last few reports), a run of minutes rather than tens of minutes.
              30,
              // The goal's 100,000 servers on RocksDB (runner-configs/flink-cluster's backend).
              List.of(100_000),
              10_000,
              // A warm-up run at the goal's fleet first: in the 10,000-server run after the
              // smaller fleets, the JIT compiler still took a fifth of the CPU (6.4 s of 32).
              30,
              10_000,
              Duration.ofMinutes(3),
              Duration.ofSeconds(40),
              50,
              100,
              10_000,
              // A warm-up run first: in a cold JVM the JIT took a third of the CPU of the measured
              // run, which a long-running job pays once.
              2_500,
              Duration.ofMinutes(3),
              200_000,
              1_000_000,
              List.of(Mode.ARRIVAL_ORDER, Mode.EVENT_TIME));
    }
  }

  /** From this many servers on, a throughput run has {@link Sizes#largeFleetRounds} rounds. */
  static final int LARGE_FLEET = 100_000;

  /**
   * The latency settings: the smallest that keep event-time processing and exactly once. The fleet
   * publishes each partition in event-time order, so no out-of-orderness needs to be allowed.
   */
  static final long OUT_OF_ORDERNESS_SECONDS = 0;

  static final long LATENCY_CHECKPOINT_MS = 500;

  public static int run(Options options, PrintStream out) {
    System.setProperty("java.awt.headless", "true");
    Path folder = Path.of(options.getOut());
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Sizes sizes =
        Sizes.of(options.isQuick()).withFleets(options.getFleets()).withRounds(options.getRounds());
    String only = options.getOnly();
    Report report = new Report(options.isQuick(), sizes);
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.create().start()) {
      if (selected(only, "throughput")) {
        String jdbcUrl =
            PipelineThroughput.reachable(options.getDatabaseUrl(), options.getDatabaseUser())
                ? options.getDatabaseUrl()
                : null;
        report.jdbc(jdbcUrl == null ? null : options.getDatabaseUrl(), options.getDatabaseUrl());
        List<String> throughputFlags =
            options.getThroughputFlags().isBlank()
                ? List.of()
                : List.of(options.getThroughputFlags().trim().split("\\s+"));
        report.throughputFlags(throughputFlags);
        Duration limit = Duration.ofMinutes(options.isQuick() ? 5 : 15);
        if (sizes.throughputWarmupRounds() > 0) {
          out.printf(
              "bench: %s pipeline throughput, warm-up at %,d servers ...%n",
              clock(started), sizes.agentFleet());
          try {
            PipelineThroughput.measure(
                kafka,
                sizes.agentFleet(),
                sizes.throughputWarmupRounds(),
                AgentInput.Format.TYPED,
                PipelineThroughput.Backend.HEAP,
                jdbcUrl,
                options.getDatabaseUser(),
                throughputFlags,
                limit);
          } catch (RuntimeException e) {
            report.error("1 pipeline (warm-up)", e);
          }
        }
        List<Object[]> runs = new ArrayList<>();
        for (int servers : sizes.fleets()) {
          runs.add(
              new Object[] {
                servers,
                AgentInput.Format.TYPED,
                sizes.rocksDbFleets().contains(servers)
                    ? PipelineThroughput.Backend.ROCKSDB
                    : PipelineThroughput.Backend.HEAP
              });
        }
        for (AgentInput.Format format :
            List.of(AgentInput.Format.COLLECTD, AgentInput.Format.OTLP_PROTO)) {
          runs.add(new Object[] {sizes.agentFleet(), format, PipelineThroughput.Backend.HEAP});
        }
        for (Object[] run : runs) {
          int servers = (Integer) run[0];
          AgentInput.Format format = (AgentInput.Format) run[1];
          PipelineThroughput.Backend backend = (PipelineThroughput.Backend) run[2];
          out.printf(
              "bench: %s pipeline throughput, %s, %,d servers, %s ...%n",
              clock(started),
              format.label(),
              servers,
              backend.name().toLowerCase(java.util.Locale.ROOT));
          try {
            PipelineThroughput.Result result =
                PipelineThroughput.measure(
                    kafka,
                    servers,
                    sizes.roundsAt(servers),
                    format,
                    backend,
                    jdbcUrl,
                    options.getDatabaseUser(),
                    throughputFlags,
                    limit);
            report.throughput(result);
            out.printf("bench: %s   %s%n", clock(started), progress(result));
          } catch (RuntimeException e) {
            report.error(f("1 pipeline (%s, %,d servers)", format.label(), servers), e);
            out.printf("bench: %s   INVALID: %s%n", clock(started), e.getMessage());
          }
        }
      }
      if (selected(only, "latency")) {
        out.printf(
            "bench: %s alert latency, %d servers for %d s ...%n",
            clock(started), sizes.latencyServers(), sizes.latencyDuration().toSeconds());
        try {
          AlertLatency.Result result =
              AlertLatency.measure(
                  kafka,
                  sizes.latencyServers(),
                  sizes.latencyDuration(),
                  sizes.latencyWarmup(),
                  sizes.failEvery(),
                  OUT_OF_ORDERNESS_SECONDS,
                  LATENCY_CHECKPOINT_MS);
          report.latency(result);
          out.printf(
              "bench: %s   %s%n",
              clock(started),
              result.invalidReason() == null
                  ? f(
                      "p50 %.2f s, p99 %.2f s over %d incidents",
                      result.percentileMs(50) / 1e3,
                      result.percentileMs(99) / 1e3,
                      result.latenciesMs().size())
                  : "INVALID: " + result.invalidReason());
        } catch (RuntimeException e) {
          report.error("2 alert latency", e);
          out.printf("bench: %s   INVALID: %s%n", clock(started), e.getMessage());
        }
      }
      if (selected(only, "join")) {
        if (sizes.joinWarmupPerMachine() > 0) {
          out.printf(
              "bench: %s ordered join through Kafka, warm-up of %d records ...%n",
              clock(started), (long) sizes.joinMachines() * sizes.joinWarmupPerMachine());
          try {
            KafkaJoinThroughput.measure(
                kafka,
                sizes.joinMachines(),
                sizes.joinWarmupPerMachine(),
                sizes.joinTimeLimit(),
                false);
          } catch (RuntimeException e) {
            report.error("3 join through Kafka (warm-up)", e);
          }
        }
        out.printf(
            "bench: %s ordered join through Kafka, %d records ...%n",
            clock(started), (long) sizes.joinMachines() * sizes.joinPerMachine());
        try {
          KafkaJoinThroughput.Result result =
              KafkaJoinThroughput.measure(
                  kafka, sizes.joinMachines(), sizes.joinPerMachine(), sizes.joinTimeLimit(), true);
          report.kafkaJoin(result);
          out.printf(
              "bench: %s   %s%n",
              clock(started),
              result.invalidReason() == null
                  ? f(
                      "%,.0f pairs/s, %.1f CPU µs/pair; Kafka ceiling %,.0f pairs/s",
                      result.processingRate(), result.cpuMicrosPerPair(), result.ceilingRate())
                  : "INVALID: " + result.invalidReason());
        } catch (RuntimeException e) {
          report.error("3 join through Kafka", e);
          out.printf("bench: %s   INVALID: %s%n", clock(started), e.getMessage());
        }
        for (Mode mode : sizes.inMemoryModes()) {
          out.printf("bench: %s ordered join in memory, %s ...%n", clock(started), mode);
          try {
            report.inMemoryJoin(inMemoryJoin(DirectRunner.class, sizes.directRecords(), mode));
            report.inMemoryJoin(inMemoryJoin(FlinkRunner.class, sizes.flinkRecords(), mode));
          } catch (RuntimeException e) {
            report.error("3 join in memory (" + mode + ")", e);
          }
        }
      }
    }
    report.elapsed((System.nanoTime() - started) / 1e9);
    out.printf("bench: done in %.1f min%n", (System.nanoTime() - started) / 60e9);
    List<String> summary = report.write(folder);
    summary.forEach(out::println);
    out.println("report: " + folder.resolve("report.md").toAbsolutePath());
    return report.hasErrors() ? 1 : 0;
  }

  /** The progress line of a throughput run: its rate, or why it has none. */
  private static String progress(PipelineThroughput.Result r) {
    String reason = r.invalidReason();
    if (reason != null) {
      return "INVALID: " + reason;
    }
    return f(
        "%,.0f reports/s, %.1f CPU µs/report; Kafka ceiling %,.0f reports/s",
        r.processingRate(), r.cpuMicrosPerReport(), r.ceilingRate());
  }

  private static String f(String format, Object... args) {
    return String.format(java.util.Locale.ROOT, format, args);
  }

  private static String clock(long started) {
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    return String.format("[%d:%02d]", seconds / 60, seconds % 60);
  }

  private static boolean selected(String only, String benchmark) {
    if (only.equals("all")) {
      return true;
    }
    return List.of(only.split(",")).stream().map(String::strip).anyMatch(benchmark::equals);
  }

  private static JoinBenchmark.Result inMemoryJoin(
      Class<? extends org.apache.beam.sdk.PipelineRunner<?>> runner, int records, Mode mode) {
    List<String> flags = new ArrayList<>();
    flags.add("--runner=" + runner.getSimpleName());
    flags.add("--records=" + records);
    flags.add("--keys=100");
    if (runner == FlinkRunner.class) {
      flags.add("--flinkMaster=[local]");
      flags.add("--parallelism=2");
    }
    PipelineOptionsFactory.register(JoinBenchmark.Options.class);
    JoinBenchmark.Options options =
        PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new))
            .as(JoinBenchmark.Options.class);
    if (runner == FlinkRunner.class) {
      options.as(StreamingOptions.class).setStreaming(true);
    }
    return JoinBenchmark.run(
        options,
        JoinBenchmark.Pattern.ALTERNATING,
        mode,
        new PrintStream(PrintStream.nullOutputStream()));
  }
}
