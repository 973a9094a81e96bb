package dev.dctwin.models.agents;

import dev.dctwin.codec.agents.AgentFormatsBenchmark;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.MetricSample.Kind;
import dev.dctwin.models.ServerTwin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Samples assembled into reports per second on one core: one host sends, every 10 s, what a
 * node_exporter or collectd of a 4-core server with 2 NICs and 2 disks sends (CPU time per core and
 * state, network and disk counters per device, memory and process gauges) plus 40 gauges and 20
 * counters without a typed field; each interval is flushed into its report as the DoFn does when
 * the watermark passes it, the state carried from one flush to the next. The score is samples per
 * second.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.models.agents.ReportAssemblerBenchmark -Dexec.args="-f 1 -wi 2 -i
 * 3"}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ReportAssemblerBenchmark {
  private static final long INTERVAL_MS = 10_000;
  private static final int INTERVALS = 100;
  private static final long T0 = 1_763_719_200_000L;
  private static final List<String> CPU_STATES =
      List.of("user", "system", "idle", "nice", "interrupt", "softirq", "steal", "wait");
  private static final List<String> NETWORK =
      List.of(
          "network.octetsIn",
          "network.octetsOut",
          "network.packetsIn",
          "network.packetsOut",
          "network.errorsIn",
          "network.errorsOut",
          "network.droppedIn",
          "network.droppedOut");
  private static final List<String> DISK =
      List.of(
          "disk.ioTime",
          "disk.weightedIoTime",
          "disk.mergedRead",
          "disk.mergedWrite",
          "disk.octetsRead",
          "disk.octetsWrite",
          "disk.opsRead",
          "disk.opsWrite",
          "disk.readTimeTotal",
          "disk.writeTimeTotal");
  private static final List<String> MEMORY =
      List.of("memory.used", "memory.free", "memory.cached", "memory.buffered", "memory.total");
  private static final List<String> PROCESSES =
      List.of("processes.running", "processes.sleeping", "processes.blocked", "processes.zombies");

  /**
   * Samples of one host per interval, which the benchmark's figure counts: 4 cores x 8 states, 2
   * NICs x 8 and 2 disks x 10 counters, 5 memory and 4 process gauges, 40 gauges and 20 counters.
   */
  static final int SAMPLES_PER_INTERVAL = 137;

  private final ReportAssembler assembler =
      new ReportAssembler(AssemblyConfig.defaults(), ServerTwin.DEFAULT_GONE_AFTER_MS);
  private List<AgentSamples> intervals;

  @Setup
  public void setUp() {
    intervals = new ArrayList<>();
    for (int i = 0; i < INTERVALS; i++) {
      intervals.add(interval(i));
    }
    if (intervals.get(0).samples().size() != SAMPLES_PER_INTERVAL) {
      throw new IllegalStateException(
          "INVALID: " + intervals.get(0).samples().size() + " samples per interval");
    }
    int reports = assembleAll();
    // The first interval only starts the counters' series; every later one is a report.
    if (reports != INTERVALS) {
      throw new IllegalStateException("INVALID: " + reports + " reports of " + INTERVALS);
    }
  }

  private static AgentSamples interval(int index) {
    long time = T0 + index * INTERVAL_MS + 500;
    List<MetricSample> samples = new ArrayList<>();
    for (int cpu = 0; cpu < 4; cpu++) {
      for (int state = 0; state < CPU_STATES.size(); state++) {
        samples.add(
            sample(
                "cpu.time",
                Map.of("cpu", Integer.toString(cpu), "state", CPU_STATES.get(state)),
                1e5 + index * (state + 1) * 10.0,
                time,
                Kind.COUNTER));
      }
    }
    for (String device : List.of("eth0", "eth1")) {
      for (String name : NETWORK) {
        samples.add(sample(name, Map.of("device", device), 1e9 + index * 1e5, time, Kind.COUNTER));
      }
    }
    for (String device : List.of("sda", "sdb")) {
      for (String name : DISK) {
        samples.add(sample(name, Map.of("device", device), 1e6 + index * 1e3, time, Kind.COUNTER));
      }
    }
    for (String name : MEMORY) {
      samples.add(sample(name, Map.of(), 1e10 + index, time, Kind.GAUGE));
    }
    for (String name : PROCESSES) {
      samples.add(sample(name, Map.of(), 100 + index % 7, time, Kind.GAUGE));
    }
    for (int i = 0; i < 40; i++) {
      samples.add(
          sample(
              "node_filesystem_avail_bytes",
              Map.of("mountpoint", "/srv/" + i),
              1e9 - index,
              time,
              Kind.GAUGE));
    }
    for (int i = 0; i < 20; i++) {
      samples.add(
          sample(
              "node_intr_total",
              Map.of("irq", Integer.toString(i)),
              1e7 + index * 50.0,
              time,
              Kind.COUNTER));
    }
    return new AgentSamples("node-1", time, samples);
  }

  private static MetricSample sample(
      String name, Map<String, String> labels, double value, long time, Kind kind) {
    return new MetricSample(name, labels, value, time, kind);
  }

  /** Every interval flushed at its end, one after the other; the number of reports. */
  private int assembleAll() {
    AssemblerState state = AssemblerState.empty();
    List<Message> pending = new ArrayList<>();
    int reports = 0;
    for (AgentSamples interval : intervals) {
      pending.add(interval);
      AssemblyStep step =
          assembler.flush("node-1", state, pending, assembler.dueTime(interval) + INTERVAL_MS);
      state = step.state();
      pending = new ArrayList<>(step.pending());
      reports += step.reports().size();
    }
    AssemblyStep last = assembler.flush("node-1", state, pending, Long.MAX_VALUE / 2);
    return reports + last.reports().size();
  }

  @Benchmark
  @OperationsPerInvocation(INTERVALS * SAMPLES_PER_INTERVAL)
  public int assemble() {
    return assembleAll();
  }

  public static void main(String[] args) throws Exception {
    AgentFormatsBenchmark.run(ReportAssemblerBenchmark.class, args);
  }
}
