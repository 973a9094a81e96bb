package dev.dctwin.models;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Every metric of a report by one name, as the learned baseline reads them: the typed fields as
 * {@code group.field} ({@code cpu.user}, {@code disk.timeRead}, ...) and the named gauges as they
 * are. A group the report does not have, and a field that is NaN (not reported), contributes
 * nothing: absent, not zero; a gauge with a typed field's name replaces it unless the gauge is NaN.
 * Sorted by name, the order in which the baseline reads them, so it need not sort them again per
 * report.
 */
public final class ReportMetrics {
  /** The typed fields' names, in the order {@link #typedValues} writes them. */
  private static final String[] TYPED = {
    "cpu.idle",
    "cpu.user",
    "cpu.system",
    "cpu.nice",
    "cpu.interrupt",
    "cpu.softirq",
    "cpu.steal",
    "cpu.ioWait",
    "network.droppedIn",
    "network.droppedOut",
    "network.errorsIn",
    "network.errorsOut",
    "network.packetsIn",
    "network.packetsOut",
    "network.octetsIn",
    "network.octetsOut",
    "memory.used",
    "memory.free",
    "memory.cached",
    "memory.buffered",
    "memory.slab",
    "memory.bandwidthLocal",
    "memory.bandwidthRemote",
    "memory.llcBytes",
    "memory.correctedErrors",
    "memory.throttlingEvents",
    "disk.ioTime",
    "disk.weightedIoTime",
    "disk.mergedRead",
    "disk.mergedWrite",
    "disk.octetsRead",
    "disk.octetsWrite",
    "disk.opsRead",
    "disk.opsWrite",
    "disk.timeRead",
    "disk.timeWrite",
    "processes.running",
    "processes.sleeping",
    "processes.blocked",
    "processes.paging",
    "processes.zombies",
    "sensors.voltage",
    "sensors.temperature",
    "sensors.airflow",
    "sensors.inputPower",
  };

  /** The indices of {@link #TYPED} in name order. */
  private static final int[] TYPED_BY_NAME =
      IntStream.range(0, TYPED.length)
          .boxed()
          .sorted(Comparator.comparing(i -> TYPED[i]))
          .mapToInt(Integer::intValue)
          .toArray();

  private ReportMetrics() {}

  /** A report's metrics: the first {@code size} of {@code names}, ascending, and their values. */
  public record Sorted(String[] names, double[] values, int size) {}

  public static SortedMap<String, Double> flatten(ServerMetricReport report) {
    Sorted sorted = sorted(report);
    SortedMap<String, Double> metrics = new TreeMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      metrics.put(sorted.names()[i], sorted.values()[i]);
    }
    return metrics;
  }

  /**
   * {@link #flatten} as arrays, without a map: the typed fields in name order merged with the
   * gauges, which the report keeps sorted by name.
   */
  public static Sorted sorted(ServerMetricReport report) {
    double[] typed = typedValues(report);
    Map<String, Double> gauges = report.gauges();
    String[] names = new String[TYPED.length + gauges.size()];
    double[] values = new double[names.length];
    int size = 0;
    Iterator<Map.Entry<String, Double>> rest = gauges.entrySet().iterator();
    Map.Entry<String, Double> gauge = rest.hasNext() ? rest.next() : null;
    for (int i : TYPED_BY_NAME) {
      while (gauge != null && gauge.getKey().compareTo(TYPED[i]) < 0) {
        size = put(names, values, size, gauge.getKey(), gauge.getValue());
        gauge = rest.hasNext() ? rest.next() : null;
      }
      double value = typed[i];
      if (gauge != null && gauge.getKey().equals(TYPED[i])) {
        double named = gauge.getValue();
        value = Double.isNaN(named) ? value : named;
        gauge = rest.hasNext() ? rest.next() : null;
      }
      size = put(names, values, size, TYPED[i], value);
    }
    while (gauge != null) {
      size = put(names, values, size, gauge.getKey(), gauge.getValue());
      gauge = rest.hasNext() ? rest.next() : null;
    }
    return new Sorted(names, values, size);
  }

  /** The typed fields in the order of {@link #TYPED}; NaN for a group the report does not have. */
  private static double[] typedValues(ServerMetricReport report) {
    double[] v = new double[TYPED.length];
    Arrays.fill(v, Double.NaN);
    CpuMetrics cpu = report.cpu();
    if (cpu != null) {
      set(v, 0, cpu.idle(), cpu.user(), cpu.system(), cpu.nice(), cpu.interrupt());
      set(v, 5, cpu.softirq(), cpu.steal(), cpu.ioWait());
    }
    NetworkMetrics network = report.network();
    if (network != null) {
      set(v, 8, network.droppedIn(), network.droppedOut(), network.errorsIn(), network.errorsOut());
      set(
          v,
          12,
          network.packetsIn(),
          network.packetsOut(),
          network.octetsIn(),
          network.octetsOut());
    }
    MemoryMetrics memory = report.memory();
    if (memory != null) {
      set(v, 16, memory.used(), memory.free(), memory.cached(), memory.buffered(), memory.slab());
      set(v, 21, memory.bandwidthLocal(), memory.bandwidthRemote(), memory.llcBytes());
      set(v, 24, memory.correctedErrors(), memory.throttlingEvents());
    }
    DiskMetrics disk = report.disk();
    if (disk != null) {
      set(v, 26, disk.ioTime(), disk.weightedIoTime(), disk.mergedRead(), disk.mergedWrite());
      set(v, 30, disk.octetsRead(), disk.octetsWrite(), disk.opsRead(), disk.opsWrite());
      set(v, 34, disk.timeRead(), disk.timeWrite());
    }
    ProcessMetrics processes = report.processes();
    if (processes != null) {
      set(v, 36, processes.running(), processes.sleeping(), processes.blocked());
      set(v, 39, processes.paging(), processes.zombies());
    }
    SensorReadings sensors = report.sensors();
    if (sensors != null) {
      set(v, 41, sensors.voltage(), sensors.temperature(), sensors.airflow(), sensors.inputPower());
    }
    return v;
  }

  private static void set(double[] v, int from, double... fields) {
    System.arraycopy(fields, 0, v, from, fields.length);
  }

  private static int put(String[] names, double[] values, int size, String name, double value) {
    if (Double.isNaN(value)) {
      return size;
    }
    names[size] = name;
    values[size] = value;
    return size + 1;
  }
}
