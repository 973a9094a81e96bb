package dev.dctwin.codec;

import dev.dctwin.codec.agents.AgentFormatsBenchmark;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one metric report from the wire format (JSON), the parse step of the datacenter
 * pipeline, in microseconds per report: {@code typed} is the report of the throughput benchmark
 * (every group, no gauges), {@code gauges} one with 40 named gauges as node_exporter sends; the
 * {@code ...Tree} variants read the same through a JSON tree, as all reports were read before the
 * streaming path (transforms/PERFORMANCE.md), so that one run compares both on the same machine.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.codec.WireCodecBenchmark -Dexec.args="WireCodec -f 3 -wi 3 -i 5"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Benchmark)
public class WireCodecBenchmark {
  private final WireCodec codec = WireCodec.withDefaults();
  private byte[] typed;
  private byte[] gauges;

  @Setup
  public void setUp() {
    typed = codec.encode(report(new TreeMap<>()));
    TreeMap<String, Double> named = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      named.put("node_filesystem_avail_bytes_" + i, 1.5e9 + i);
    }
    gauges = codec.encode(report(named));
  }

  static ServerMetricReport report(TreeMap<String, Double> gauges) {
    return new ServerMetricReport(
        "dc1-r042-s17",
        1_790_000_000_000L,
        new CpuMetrics(71.5, 20.0, 5.0, 0.5, 0.3, 0.7, 0.0, 2.0),
        new NetworkMetrics(0.0, 0.0, 0.0, 0.0, 12_000, 11_500, 9.6e6, 8.1e6),
        new MemoryMetrics(96e9, 60e9, 90e9, 2e9, 8e9, 256e9, 12e9, 3e9, 30e6, 0, 0, 0),
        new DiskMetrics(120, 180, 4, 30, 2.1e6, 8.4e6, 150, 420, 0.8, 1.6, 0),
        new ProcessMetrics(6, 412, 0, 0, 0, 0),
        new SensorReadings(12.1, 24.5, 58.0, 310.0),
        gauges);
  }

  @Benchmark
  public Message typed() throws InvalidMessageException {
    return codec.decode(typed, MessageType.METRICS);
  }

  @Benchmark
  public Message gauges() throws InvalidMessageException {
    return codec.decode(gauges, MessageType.METRICS);
  }

  /** {@link #typed} through the JSON tree, as every report was read before the streaming path. */
  @Benchmark
  public Message typedTree() throws InvalidMessageException {
    return codec.decodeTree(typed, MessageType.METRICS);
  }

  /** {@link #gauges} through the JSON tree. */
  @Benchmark
  public Message gaugesTree() throws InvalidMessageException {
    return codec.decodeTree(gauges, MessageType.METRICS);
  }

  public static void main(String[] args) throws Exception {
    AgentFormatsBenchmark.run(WireCodecBenchmark.class, args);
  }
}
