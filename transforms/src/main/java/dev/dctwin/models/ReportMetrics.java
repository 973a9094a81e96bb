package dev.dctwin.models;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every metric of a report by one name, as the learned baseline reads them: the typed fields as
 * {@code group.field} ({@code cpu.user}, {@code disk.timeRead}, ...) and the named gauges as they
 * are. A group the report does not have, and a field that is NaN (not reported), contributes
 * nothing: absent, not zero. Sorted by name, the order in which the baseline reads them, so it need
 * not sort them again per report.
 */
public final class ReportMetrics {
  private ReportMetrics() {}

  public static SortedMap<String, Double> flatten(ServerMetricReport report) {
    SortedMap<String, Double> metrics = new TreeMap<>();
    CpuMetrics cpu = report.cpu();
    if (cpu != null) {
      put(metrics, "cpu.idle", cpu.idle());
      put(metrics, "cpu.user", cpu.user());
      put(metrics, "cpu.system", cpu.system());
      put(metrics, "cpu.nice", cpu.nice());
      put(metrics, "cpu.interrupt", cpu.interrupt());
      put(metrics, "cpu.softirq", cpu.softirq());
      put(metrics, "cpu.steal", cpu.steal());
      put(metrics, "cpu.ioWait", cpu.ioWait());
    }
    NetworkMetrics network = report.network();
    if (network != null) {
      put(metrics, "network.droppedIn", network.droppedIn());
      put(metrics, "network.droppedOut", network.droppedOut());
      put(metrics, "network.errorsIn", network.errorsIn());
      put(metrics, "network.errorsOut", network.errorsOut());
      put(metrics, "network.packetsIn", network.packetsIn());
      put(metrics, "network.packetsOut", network.packetsOut());
      put(metrics, "network.octetsIn", network.octetsIn());
      put(metrics, "network.octetsOut", network.octetsOut());
    }
    MemoryMetrics memory = report.memory();
    if (memory != null) {
      put(metrics, "memory.used", memory.used());
      put(metrics, "memory.free", memory.free());
      put(metrics, "memory.cached", memory.cached());
      put(metrics, "memory.buffered", memory.buffered());
      put(metrics, "memory.slab", memory.slab());
      put(metrics, "memory.bandwidthLocal", memory.bandwidthLocal());
      put(metrics, "memory.bandwidthRemote", memory.bandwidthRemote());
      put(metrics, "memory.llcBytes", memory.llcBytes());
      put(metrics, "memory.correctedErrors", memory.correctedErrors());
      put(metrics, "memory.throttlingEvents", memory.throttlingEvents());
    }
    DiskMetrics disk = report.disk();
    if (disk != null) {
      put(metrics, "disk.ioTime", disk.ioTime());
      put(metrics, "disk.weightedIoTime", disk.weightedIoTime());
      put(metrics, "disk.mergedRead", disk.mergedRead());
      put(metrics, "disk.mergedWrite", disk.mergedWrite());
      put(metrics, "disk.octetsRead", disk.octetsRead());
      put(metrics, "disk.octetsWrite", disk.octetsWrite());
      put(metrics, "disk.opsRead", disk.opsRead());
      put(metrics, "disk.opsWrite", disk.opsWrite());
      put(metrics, "disk.timeRead", disk.timeRead());
      put(metrics, "disk.timeWrite", disk.timeWrite());
    }
    ProcessMetrics processes = report.processes();
    if (processes != null) {
      put(metrics, "processes.running", processes.running());
      put(metrics, "processes.sleeping", processes.sleeping());
      put(metrics, "processes.blocked", processes.blocked());
      put(metrics, "processes.paging", processes.paging());
      put(metrics, "processes.zombies", processes.zombies());
    }
    SensorReadings sensors = report.sensors();
    if (sensors != null) {
      put(metrics, "sensors.voltage", sensors.voltage());
      put(metrics, "sensors.temperature", sensors.temperature());
      put(metrics, "sensors.airflow", sensors.airflow());
      put(metrics, "sensors.inputPower", sensors.inputPower());
    }
    report.gauges().forEach((name, value) -> put(metrics, name, value));
    return metrics;
  }

  private static void put(SortedMap<String, Double> metrics, String name, double value) {
    if (!Double.isNaN(value)) {
      metrics.put(name, value);
    }
  }
}
