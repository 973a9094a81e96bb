package dev.dctwin.simulator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The checkpoint figures of the embedded Flink cluster, read from the job manager's own gauges
 * ({@code lastCheckpointSize}: the bytes the last checkpoint wrote, incremental on RocksDB; {@code
 * lastCheckpointFullSize}: all the state it covers; {@code lastCheckpointDuration}; {@code
 * numberOfCompletedCheckpoints}). The FlinkRunner's local cluster starts the reporter that {@link
 * #flinkConfDir} names, in this JVM, so the benchmark reads the gauges directly. Flink finds the
 * factory that {@code factory.class} names only among those listed in {@code
 * META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory}.
 */
public final class CheckpointStats implements MetricReporter {
  private static final String[] NAMES = {
    "lastCheckpointSize",
    "lastCheckpointFullSize",
    "lastCheckpointDuration",
    "numberOfCompletedCheckpoints"
  };
  private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();

  /** The last completed checkpoint of the running job; -1 for a figure not known (yet). */
  record Checkpoint(long completed, long incrementalBytes, long fullBytes, long durationMs) {}

  /**
   * A Flink configuration folder ({@code --flinkConfDir}) with this reporter and {@code settings}
   * (Flink's flat YAML keys).
   */
  static Path flinkConfDir(Path folder, Map<String, String> settings) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("metrics.reporter.dctwinbench.factory.class: ")
        .append(Factory.class.getName())
        .append('\n');
    settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("flink-conf.yaml"), yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folder;
  }

  /** Forgets the gauges of an earlier job. */
  static void reset() {
    GAUGES.clear();
  }

  /** The job manager's figures now. */
  static Checkpoint last() {
    return new Checkpoint(
        value("numberOfCompletedCheckpoints"),
        value("lastCheckpointSize"),
        value("lastCheckpointFullSize"),
        value("lastCheckpointDuration"));
  }

  private static long value(String name) {
    Gauge<?> gauge = GAUGES.get(name);
    Object value = gauge == null ? null : gauge.getValue();
    return value instanceof Number number ? number.longValue() : -1;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    for (String wanted : NAMES) {
      if (wanted.equals(name) && metric instanceof Gauge<?> gauge) {
        GAUGES.put(name, gauge);
      }
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    GAUGES.remove(name, metric);
  }

  /** What Flink's configuration names: {@code metrics.reporter.NAME.factory.class}. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CheckpointStats();
    }
  }
}
