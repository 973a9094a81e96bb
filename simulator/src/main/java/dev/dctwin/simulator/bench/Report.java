package dev.dctwin.simulator.bench;

import dev.dctwin.pipeline.io.JdbcTarget;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Collects the benchmarks' results and writes {@code report.md} and the charts. The summary table
 * has one row per figure: {@code | benchmark | figure | measured | unit | goal | result |}, with
 * the measured value a plain number (or {@code n/a}).
 */
final class Report {
  static final double THROUGHPUT_GOAL = 50_000;
  static final double LATENCY_GOAL_MS = 2_000;
  static final double JOIN_GOAL = 100_000;

  private final boolean quick;
  private final BenchCommand.Sizes sizes;
  private final String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  private final double loadAtStart =
      ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  private final List<PipelineThroughput.Result> throughput = new ArrayList<>();
  private List<String> throughputFlags = List.of();
  private AlertLatency.Result latency;
  private KafkaJoinThroughput.Result kafkaJoin;
  private final List<JoinBenchmark.Result> inMemoryJoins = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private String jdbcUsed;
  private String jdbcAsked;
  private double elapsedSeconds;

  Report(boolean quick, BenchCommand.Sizes sizes) {
    this.quick = quick;
    this.sizes = sizes;
  }

  void jdbc(String used, String asked) {
    // Printed: without a password the URL may hold.
    this.jdbcUsed = JdbcTarget.redact(used);
    this.jdbcAsked = JdbcTarget.redact(asked);
  }

  void throughputFlags(List<String> flags) {
    this.throughputFlags = List.copyOf(flags);
  }

  void throughput(PipelineThroughput.Result result) {
    throughput.add(result);
  }

  void latency(AlertLatency.Result result) {
    latency = result;
  }

  void kafkaJoin(KafkaJoinThroughput.Result result) {
    kafkaJoin = result;
  }

  void inMemoryJoin(JoinBenchmark.Result result) {
    inMemoryJoins.add(result);
  }

  void error(String benchmark, RuntimeException e) {
    errors.add(benchmark + ": " + e);
    e.printStackTrace();
  }

  void elapsed(double seconds) {
    elapsedSeconds = seconds;
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Writes the report and the charts; returns the summary lines for stdout. */
  List<String> write(Path folder) {
    List<String> summary = new ArrayList<>();
    StringBuilder md = new StringBuilder();
    md.append("# dctwin benchmark report\n\n");
    md.append(
        f(
            "Written by `java -jar pipeline/target/dctwin-pipeline.jar bench%s` at %s; the run took"
                + " %.1f min. Every figure below was measured in this run.\n\n",
            quick ? " --quick" : "", startedAt, elapsedSeconds / 60));
    if (quick) {
      md.append(
          "**Quick run (`--quick`): small sizes for tests and CI. Its figures are dominated by job"
              + " start-up and say little about the goals; run `bench` without `--quick` for"
              + " those.**\n\n");
    }
    machine(md);

    List<String[]> rows = new ArrayList<>();
    StringBuilder sections = new StringBuilder();
    throughputSection(sections, rows, folder);
    latencySection(sections, rows, folder);
    joinSection(sections, rows, folder);

    md.append("## Summary\n\n");
    md.append("| benchmark | figure | measured | unit | goal | result |\n");
    md.append("|---|---|---:|---|---|---|\n");
    for (String[] row : rows) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
      summary.add(f("%-22s %-58s %12s %-9s goal %-9s %s", (Object[]) row));
    }
    md.append('\n');
    if (!errors.isEmpty()) {
      md.append("## Errors\n\n");
      for (String error : errors) {
        md.append("- ").append(error.replace('\n', ' ')).append('\n');
        summary.add("ERROR " + error);
      }
      md.append('\n');
    }
    md.append(sections);
    try {
      Files.writeString(folder.resolve("report.md"), md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return summary;
  }

  private void machine(StringBuilder md) {
    Runtime runtime = Runtime.getRuntime();
    md.append("## Machine\n\n");
    md.append("| fact | value |\n|---|---|\n");
    md.append(f("| cores (available to the JVM) | %d |\n", runtime.availableProcessors()));
    md.append(f("| CPU | %s |\n", cpuModel()));
    md.append(
        f(
            "| JVM | %s %s (%s) |\n",
            System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"),
            System.getProperty("java.vm.vendor")));
    md.append(f("| max heap | %d MiB |\n", runtime.maxMemory() / (1024 * 1024)));
    md.append(
        f(
            "| OS | %s %s %s |\n",
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            System.getProperty("os.arch")));
    md.append(f("| load average at start (1 min) | %.2f |\n", loadAtStart));
    md.append(
        f(
            "| load average at end (1 min) | %.2f |\n\n",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    md.append(
        "Everything runs in this one JVM: the Kafka broker (KRaft, embedded), the FlinkRunner's"
            + " embedded cluster (`--flinkMaster=[local]`, parallelism 2), the producers and"
            + " consumers that drive and watch the jobs. A load average above the core count means"
            + " other processes competed for the cores during the run.\n\n");
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }

  private void throughputSection(StringBuilder md, List<String[]> rows, Path folder) {
    if (throughput.isEmpty()) {
      return;
    }
    md.append("## 1. Datacenter pipeline: sustained throughput from Kafka to alerts\n\n");
    md.append(
        f(
            "Setup: an embedded Kafka broker is pre-filled with a fleet: every server is"
                + " commissioned, then reports %d times, 10 s apart in event time (one metric"
                + " report per server and round on a 4-partition topic, keyed by server); one"
                + " server in a hundred reports a failed disk in the last three rounds, so its"
                + " DISK_FAILURE incident opens on its very last report. The datacenter pipeline"
                + " (`DatacenterPipeline.start`: KafkaIO source, parse, event time, the server,"
                + " rack and datacenter twins) then runs on the FlinkRunner, parallelism 2,"
                + " checkpoints every %d s, with the exactly-once Kafka sinks%s.%s\n\n",
            sizes.rounds(),
            PipelineThroughput.CHECKPOINT_MS / 1000,
            jdbcUsed != null
                ? " and the JDBC sink (" + jdbcUsed + ")"
                : " only (the JDBC sink was left out: " + jdbcAsked + " did not answer)",
            sizes.throughputWarmupRounds() == 0
                ? ""
                : f(
                    " A warm-up run of %d rounds at the largest fleet came first (not counted),"
                        + " so that the JIT has compiled the job's code, as in a job that has"
                        + " run for a while.",
                    sizes.throughputWarmupRounds())));
    if (!throughputFlags.isEmpty()) {
      md.append(
          "The job ran with these flags instead of the benchmark's own: `"
              + String.join(" ", throughputFlags)
              + "`.\n\n");
    }
    md.append(
        "What is measured: the clock stops when every expected incident is in the "
            + throughput.get(0).completion()
            + ", polled every 100 ms. As the twins work in event-time order, that is when"
            + " every message before has been processed.\n\n"
            + "- *start-up included*: messages / time from submitting the job;\n"
            + "- *start-up excluded*: messages / time from the moment the job read its first"
            + " metric report. Each metrics partition starts with a marker record that the"
            + " parser rejects; the earliest `receivedAt` of their dead letters (wall time at"
            + " which the Kafka source read them) starts this clock. This is the sustained"
            + " rate the goal is about.\n"
            + "- *CPU µs per message*: CPU time of this whole JVM (job, broker, watchers) over"
            + " the span without start-up, per message. Unlike the rates it does not depend on"
            + " what else ran on the machine; two cores give 2,000,000 µs per second, so"
            + " 50,000 messages/s needs at most 40 µs per message.\n\n");
    md.append(
        "| servers | messages | incidents | dead letters | seconds (with start-up) | messages/s"
            + " (with start-up) | seconds (without) | messages/s (without start-up) | CPU µs per"
            + " message |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    XYSeries with = new XYSeries("start-up included");
    XYSeries without = new XYSeries("start-up excluded");
    for (PipelineThroughput.Result r : throughput) {
      md.append(
          f(
              "| %,d | %,d | %d of %d | %d | %.1f | %,.0f | %.1f | %,.0f | %.0f |\n",
              r.servers(),
              r.messages(),
              r.incidents(),
              r.expectedIncidents(),
              r.deadLetters(),
              r.seconds(),
              r.rate(),
              r.processingSeconds(),
              r.processingRate(),
              r.cpuMicrosPerMessage()));
      if (r.complete()) {
        with.add(r.servers(), r.rate());
        if (!Double.isNaN(r.processingSeconds())) {
          without.add(r.servers(), r.processingRate());
        }
      }
    }
    md.append('\n');
    PipelineThroughput.Result largest = throughput.get(throughput.size() - 1);
    boolean complete = largest.complete();
    String fleet = f("%d servers", largest.servers());
    rows.add(
        row(
            "1 pipeline throughput",
            "messages/s Kafka to alerts, " + fleet + ", start-up excluded",
            complete ? largest.processingRate() : Double.NaN,
            "msg/s",
            "≥ 50000",
            complete && largest.processingRate() >= THROUGHPUT_GOAL));
    rows.add(
        row(
            "1 pipeline throughput",
            "messages/s Kafka to alerts, " + fleet + ", start-up included",
            complete ? largest.rate() : Double.NaN,
            "msg/s",
            "≥ 50000",
            complete && largest.rate() >= THROUGHPUT_GOAL));
    rows.add(
        row(
            "1 pipeline throughput",
            "CPU per message (whole JVM), " + fleet,
            complete ? largest.cpuMicrosPerMessage() : Double.NaN,
            "µs",
            "≤ 40 (50,000/s on 2 cores)",
            complete && largest.cpuMicrosPerMessage() <= 2e6 / THROUGHPUT_GOAL));
    md.append(
        f(
            "Goal ≥ %,.0f metric reports/s: **%s** at %s (%,.0f messages/s without start-up,"
                + " %,.0f with it)%s.\n\n",
            THROUGHPUT_GOAL,
            complete && largest.processingRate() >= THROUGHPUT_GOAL ? "PASS" : "FAIL",
            fleet,
            largest.processingRate(),
            largest.rate(),
            complete
                ? ""
                : f(
                    "; %d of %d incidents arrived before the time-out, %d reports became dead"
                        + " letters",
                    largest.incidents(), largest.expectedIncidents(), largest.deadLetters())));
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(with);
    data.addSeries(without);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Datacenter pipeline throughput (Kafka to alerts, FlinkRunner embedded)",
            "fleet size (servers)",
            "messages/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.getXYPlot().addRangeMarker(goal(THROUGHPUT_GOAL, "goal 50,000/s"));
    chart
        .getXYPlot()
        .getRangeAxis()
        .setUpperBound(
            Math.max(THROUGHPUT_GOAL * 1.1, chart.getXYPlot().getRangeAxis().getUpperBound()));
    save(chart, folder.resolve("throughput.png"));
    md.append("![throughput against fleet size](throughput.png)\n\n");
  }

  private void latencySection(StringBuilder md, List<String[]> rows, Path folder) {
    if (latency == null) {
      return;
    }
    AlertLatency.Result r = latency;
    md.append("## 2. Alert latency: from publishing a report to its alert in Kafka\n\n");
    md.append(
        f(
            "Setup: %,d servers report every 10 s in real time (%,.0f reports/s achieved; the"
                + " publisher was at most %d ms behind its schedule), each report stamped with the"
                + " wall time it is published as its event time, into a 4-partition topic of the"
                + " embedded broker, for %d s from the moment the job was live (a rejected"
                + " marker record had come out as a dead letter, committed; %.1f s after"
                + " submission). One server in %d"
                + " gets a failed disk at a known time after a %d s warm-up (the incident opens"
                + " on its third failed report). The datacenter pipeline runs on the FlinkRunner"
                + " (parallelism 2) with the exactly-once Kafka sink only. A `read_committed`"
                + " consumer of the alerts topic (in the same JVM, so the same clock) notes when"
                + " each DISK_FAILURE alert arrives; latency = arrival - publish time of the"
                + " report that opened the incident (the alert's `eventTime`).\n\n",
            r.servers(),
            r.publishedPerSecond(),
            r.maxPublishLagMs(),
            r.durationSeconds(),
            r.readyAfterMs() / 1e3,
            sizes.failEvery(),
            sizes.latencyWarmup().toSeconds()));
    md.append(
        f(
            "Settings (the smallest that keep event-time processing and exactly-once output;"
                + " the fleet publishes every partition in event-time order):"
                + " `--kafkaMaxOutOfOrdernessSeconds=%d`, `--checkpointingInterval=%d` (ms),"
                + " `--kafkaDelivery=EXACTLY_ONCE`, `--maxBundleTimeMills=%d`,"
                + " `--maxBundleSize=%d`, `--twinTimerAlignmentMs=%d`.\n\n",
            r.outOfOrdernessSeconds(),
            r.checkpointMs(),
            AlertLatency.BUNDLE_MS,
            AlertLatency.BUNDLE_SIZE,
            AlertLatency.TIMER_ALIGNMENT_MS));
    md.append(
        f(
            "What bounds the latency: (1) the watermark: a report is processed when the"
                + " watermark passes its event time, i.e. when every partition has seen a report"
                + " %d s newer (bounded out-of-orderness; idle partitions advance with the clock"
                + " at Kafka's end-offset checks, every second); (2) timer alignment: the server,"
                + " rack and datacenter twins fire on timers rounded up to %d ms; (3) bundles: the"
                + " FlinkRunner hands a step's output on when its bundle closes, after at most %d"
                + " ms (Beam's default of 1 s, paid at each fused stage, tripled this figure),"
                + " and a step forwards the watermark only between bundles: Beam 2.62 re-checks"
                + " it after a bundle that closed by time the wrong way round"
                + " (`DoFnOperator.invokeFinishBundle`), so under a steady trickle of reports the"
                + " watermark stalled for 5 to 12 s at the server twins until bundles of %d"
                + " element closed by count; (4) exactly once: the transactional sink (`KafkaTransactionalSink`,"
                + " `@RequiresStableInput`) writes a record only after the checkpoint that"
                + " buffered it completes and commits its bundle's transaction then, so up to one"
                + " checkpoint interval (%d ms) plus the checkpoint's own duration; (5) processing"
                + " and queueing on the shared cores: when the job cannot keep up, the latency"
                + " grows with the run.\n\n",
            r.outOfOrdernessSeconds(),
            AlertLatency.TIMER_ALIGNMENT_MS,
            AlertLatency.BUNDLE_MS,
            AlertLatency.BUNDLE_SIZE,
            r.checkpointMs()));
    int seen = r.latenciesMs().size();
    boolean allSeen = seen >= r.expected() && r.expected() > 0;
    double p50 = r.percentileMs(50);
    double p95 = r.percentileMs(95);
    double p99 = r.percentileMs(99);
    md.append("| incidents expected | alerts seen | p50 (s) | p95 (s) | p99 (s) | max (s) |\n");
    md.append("|---:|---:|---:|---:|---:|---:|\n");
    md.append(
        f(
            "| %d | %d | %.2f | %.2f | %.2f | %.2f |\n\n",
            r.expected(),
            seen,
            p50 / 1e3,
            p95 / 1e3,
            p99 / 1e3,
            seen == 0 ? Double.NaN : r.latenciesMs().get(seen - 1) / 1e3));
    md.append(
        f(
            "Where the time goes: the sink's producer sent the alert records (their Kafka"
                + " timestamps) %.2f s (p50) / %.2f s (p99) after the report was published, so"
                + " the pipeline up to the sink accounts for that much and the exactly-once"
                + " commit (and the consumer's fetch) for the rest. The consumer received the"
                + " run's alerts (all types) in %d bursts (arrivals less than 500 ms apart count"
                + " as one burst).\n\n",
            AlertLatency.Result.percentile(r.sentAfterMs(), 50) / 1e3,
            AlertLatency.Result.percentile(r.sentAfterMs(), 99) / 1e3,
            r.arrivalBursts()));
    boolean pass = allSeen && p99 < LATENCY_GOAL_MS;
    md.append(
        f(
            "Goal p99 < 2 s: **%s** (p99 %.2f s over %d incidents%s).\n\n",
            pass ? "PASS" : "FAIL",
            p99 / 1e3,
            seen,
            allSeen
                ? ""
                : f("; %d expected incidents never reached the topic", r.expected() - seen)));
    rows.add(row("2 alert latency", "p50 publish to alert in Kafka", p50 / 1e3, "s", "", null));
    rows.add(row("2 alert latency", "p95 publish to alert in Kafka", p95 / 1e3, "s", "", null));
    rows.add(
        row(
            "2 alert latency",
            f("p99 publish to alert in Kafka, %d servers", r.servers()),
            p99 / 1e3,
            "s",
            "< 2",
            pass));
    if (seen > 0) {
      XYSeries cdf = new XYSeries("alerts");
      for (int i = 0; i < seen; i++) {
        cdf.add(r.latenciesMs().get(i) / 1e3, (i + 1) / (double) seen);
      }
      JFreeChart chart =
          ChartFactory.createXYLineChart(
              f(
                  "Alert latency, %,d servers (p50 %.2f s, p95 %.2f s, p99 %.2f s)",
                  r.servers(), p50 / 1e3, p95 / 1e3, p99 / 1e3),
              "latency from publish to alert in Kafka (s)",
              "fraction of incidents (CDF)",
              new XYSeriesCollection(cdf),
              PlotOrientation.VERTICAL,
              false,
              false,
              false);
      chart.getXYPlot().setRenderer(new XYStepRenderer());
      chart.getXYPlot().getRangeAxis().setRange(0, 1.02);
      chart.getXYPlot().addDomainMarker(goal(LATENCY_GOAL_MS / 1e3, "goal p99 < 2 s"));
      chart.getXYPlot().getDomainAxis().setLowerBound(0);
      chart
          .getXYPlot()
          .getDomainAxis()
          .setUpperBound(Math.max(2.5, r.latenciesMs().get(seen - 1) / 1e3 * 1.1));
      save(chart, folder.resolve("latency.png"));
      md.append("![alert latency distribution](latency.png)\n\n");
    }
  }

  private void joinSection(StringBuilder md, List<String[]> rows, Path folder) {
    if (kafkaJoin == null && inMemoryJoins.isEmpty()) {
      return;
    }
    md.append("## 3. Ordered join: pairs per second\n\n");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    if (kafkaJoin != null) {
      KafkaJoinThroughput.Result r = kafkaJoin;
      md.append(
          f(
              "Through Kafka with exactly-once output: %,d measurements (%d machines, two series"
                  + " each: `%s` and `%s` alternating, times increasing) pre-filled into a"
                  + " %d-partition topic as wire-format JSON, read by KafkaIO (`read_committed`,"
                  + " record time = phenomenon time), joined per machine by `JoinQuantities`"
                  + " (`OrderedTimeSeriesJoin`, arrival-order mode: each machine's series stay"
                  + " in order on one partition) on the FlinkRunner (parallelism 2, unaligned"
                  + " checkpoints every %d ms), pairs written as JSON with the batched transactional sink"
                  + " (`WriteToKafka.exactlyOnce`, %d shards). The clock stops when a"
                  + " `read_committed` consumer has seen every expected pair, or at the time"
                  + " limit of %d s (pairs/s are then the pairs committed by then over the"
                  + " time); *start-up excluded* starts it when the job decoded its first"
                  + " record.%s\n\n",
              r.records(),
              sizes.joinMachines(),
              KafkaJoinThroughput.LEFT,
              KafkaJoinThroughput.RIGHT,
              KafkaJoinThroughput.PARTITIONS,
              r.checkpointMs(),
              KafkaJoinThroughput.EOS_SHARDS,
              sizes.joinTimeLimit().toSeconds(),
              sizes.joinWarmupPerMachine() == 0
                  ? ""
                  : f(
                      " A warm-up run of %,d records through the same setup came first (not"
                          + " counted), so that the JIT has compiled the job's code, as in a"
                          + " job that has run for a while.",
                      (long) sizes.joinMachines() * sizes.joinWarmupPerMachine())));
      md.append(
          "| records | records read | rejected by the join | pairs seen | pairs expected | seconds"
              + " | pairs/s | seconds without start-up | pairs/s without start-up | CPU µs per"
              + " pair (whole JVM) |\n"
              + "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
      md.append(
          f(
              "| %,d | %,d | %s | %,d | %,d | %.1f | %,.0f | %.1f | %,.0f | %.1f |\n\n",
              r.records(),
              r.decoded(),
              r.rejected().isEmpty() ? "none" : r.rejected().toString(),
              r.pairs(),
              r.expectedPairs(),
              r.seconds(),
              r.rate(),
              r.processingSeconds(),
              r.processingRate(),
              r.cpuMicrosPerPair()));
      boolean complete = r.complete();
      rows.add(
          row(
              "3 join through Kafka",
              "pairs/s, exactly-once Kafka output, start-up excluded",
              r.processingRate(),
              "pairs/s",
              "≥ 100000",
              r.processingRate() >= JOIN_GOAL));
      rows.add(
          row(
              "3 join through Kafka",
              "pairs/s, exactly-once Kafka output, start-up included",
              r.rate(),
              "pairs/s",
              "≥ 100000",
              r.rate() >= JOIN_GOAL));
      rows.add(
          row(
              "3 join through Kafka",
              "CPU per pair (whole JVM)",
              r.cpuMicrosPerPair(),
              "µs",
              "≤ 20 (100,000/s on 2 cores)",
              r.cpuMicrosPerPair() <= 2e6 / JOIN_GOAL));
      md.append(
          f(
              "Goal ≥ %,.0f pairs/s: **%s** (%,.0f pairs/s without start-up, %,.0f with it%s)."
                  + " For reference, not measured here: the public Python implementation reports"
                  + " 15,000 pairs/s and its window-based Flink baseline 5,000 pairs/s.\n\n",
              JOIN_GOAL,
              r.processingRate() >= JOIN_GOAL ? "PASS" : "FAIL",
              r.processingRate(),
              r.rate(),
              complete
                  ? ""
                  : f(
                      "; %,d of %,d pairs had been committed at the time limit",
                      r.pairs(), r.expectedPairs())));
      md.append(
          f(
              "What bounds it: the exactly-once sink (`KafkaTransactionalSink`) numbers each"
                  + " shard's pairs in a stateful step and writes them in a second one with"
                  + " `@RequiresStableInput`, one Kafka transaction per bundle and shard (committed"
                  + " with the shard's progress as the sink group's offset, counter"
                  + " `transactions_committed`); KafkaIO 2.62's `withEOS` committed one per pair and"
                  + " reached tens of pairs/s. On the FlinkRunner stable input means the Write step"
                  + " buffers its input in Flink state until the checkpoint that holds it completes,"
                  + " so pairs leave at checkpoint pace (every %d ms here, plus the checkpoint's own"
                  + " duration behind a backlog: see the checkpoint durations in the log), and the"
                  + " sink's shards (%d) are its parallelism. The in-memory figures below show what"
                  + " the join itself does on the same cores.\n\n",
              r.checkpointMs(), KafkaJoinThroughput.EOS_SHARDS));
      data.addValue(r.processingRate(), "pairs/s", "Flink + Kafka EOS (no start-up)");
      data.addValue(r.rate(), "pairs/s", "Flink + Kafka EOS (with start-up)");
    }
    if (!inMemoryJoins.isEmpty()) {
      md.append(
          "In memory, for comparison (`JoinBenchmark`: generated series, 100 keys, sides"
              + " alternating, no Kafka, no output sink; wall time including pipeline start-up;"
              + " FlinkRunner embedded in streaming mode, parallelism 2):\n\n");
      md.append("| runner | mode | records | pairs | pairs expected | seconds | pairs/s |\n");
      md.append("|---|---|---:|---:|---:|---:|---:|\n");
      for (JoinBenchmark.Result r : inMemoryJoins) {
        String mode = r.mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
        md.append(
            f(
                "| %s | %s | %,d | %,d | %,d | %.1f | %,.0f |\n",
                r.runner(),
                mode,
                r.records(),
                r.pairs(),
                r.expectedPairs(),
                r.seconds(),
                r.pairsPerSecond()));
        rows.add(
            row(
                "3 join in memory",
                f("pairs/s, %s %s, %d records", r.runner(), mode, r.records()),
                r.pairs() == r.expectedPairs() ? r.pairsPerSecond() : Double.NaN,
                "pairs/s",
                "",
                null));
        data.addValue(
            r.pairsPerSecond(),
            "pairs/s",
            r.runner().replace("Runner", "") + " in memory, " + mode);
      }
      md.append('\n');
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Ordered join: pairs per second by setup",
            "setup",
            "pairs/s",
            data,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    chart.getCategoryPlot().addRangeMarker(goal(JOIN_GOAL, "goal 100,000/s (Kafka EOS)"));
    chart
        .getCategoryPlot()
        .getRangeAxis()
        .setUpperBound(
            Math.max(JOIN_GOAL * 1.1, chart.getCategoryPlot().getRangeAxis().getUpperBound()));
    save(chart, folder.resolve("join.png"));
    md.append("![join pairs per second by setup](join.png)\n\n");
  }

  private static String[] row(
      String benchmark, String figure, double value, String unit, String goal, Boolean pass) {
    String measured =
        Double.isNaN(value) || Double.isInfinite(value)
            ? "n/a"
            : (value >= 100 ? f("%.0f", value) : f("%.2f", value));
    return new String[] {
      benchmark,
      figure,
      measured,
      unit,
      goal.isEmpty() ? "-" : goal,
      pass == null ? "-" : (pass ? "PASS" : "FAIL")
    };
  }

  private static ValueMarker goal(double value, String label) {
    ValueMarker marker = new ValueMarker(value);
    marker.setPaint(Color.RED);
    marker.setStroke(
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
    marker.setLabel(label);
    marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    return marker;
  }

  private static void save(JFreeChart chart, Path file) {
    chart.setBackgroundPaint(Color.WHITE);
    try {
      ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 520);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
