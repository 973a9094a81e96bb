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
 * are. A group the report does not have contributes nothing: absent, not zero. Sorted by name, the
 * order in which the baseline reads them, so it need not sort them again per report.
 */
public final class ReportMetrics {
  private ReportMetrics() {}

  public static SortedMap<String, Double> flatten(ServerMetricReport report) {
    SortedMap<String, Double> metrics = new TreeMap<>();
    CpuMetrics cpu = report.cpu();
    if (cpu != null) {
      metrics.put("cpu.idle", cpu.idle());
      metrics.put("cpu.user", cpu.user());
      metrics.put("cpu.system", cpu.system());
      metrics.put("cpu.nice", cpu.nice());
      metrics.put("cpu.interrupt", cpu.interrupt());
      metrics.put("cpu.softirq", cpu.softirq());
      metrics.put("cpu.steal", cpu.steal());
      metrics.put("cpu.ioWait", cpu.ioWait());
    }
    NetworkMetrics network = report.network();
    if (network != null) {
      metrics.put("network.droppedIn", network.droppedIn());
      metrics.put("network.droppedOut", network.droppedOut());
      metrics.put("network.errorsIn", network.errorsIn());
      metrics.put("network.errorsOut", network.errorsOut());
      metrics.put("network.packetsIn", network.packetsIn());
      metrics.put("network.packetsOut", network.packetsOut());
      metrics.put("network.octetsIn", network.octetsIn());
      metrics.put("network.octetsOut", network.octetsOut());
    }
    MemoryMetrics memory = report.memory();
    if (memory != null) {
      metrics.put("memory.used", memory.used());
      metrics.put("memory.free", memory.free());
      metrics.put("memory.cached", memory.cached());
      metrics.put("memory.buffered", memory.buffered());
      metrics.put("memory.slab", memory.slab());
      metrics.put("memory.bandwidthLocal", memory.bandwidthLocal());
      metrics.put("memory.bandwidthRemote", memory.bandwidthRemote());
      metrics.put("memory.llcBytes", memory.llcBytes());
      metrics.put("memory.correctedErrors", memory.correctedErrors());
      metrics.put("memory.throttlingEvents", memory.throttlingEvents());
    }
    DiskMetrics disk = report.disk();
    if (disk != null) {
      metrics.put("disk.ioTime", disk.ioTime());
      metrics.put("disk.weightedIoTime", disk.weightedIoTime());
      metrics.put("disk.mergedRead", disk.mergedRead());
      metrics.put("disk.mergedWrite", disk.mergedWrite());
      metrics.put("disk.octetsRead", disk.octetsRead());
      metrics.put("disk.octetsWrite", disk.octetsWrite());
      metrics.put("disk.opsRead", disk.opsRead());
      metrics.put("disk.opsWrite", disk.opsWrite());
      metrics.put("disk.timeRead", disk.timeRead());
      metrics.put("disk.timeWrite", disk.timeWrite());
    }
    ProcessMetrics processes = report.processes();
    if (processes != null) {
      metrics.put("processes.running", processes.running());
      metrics.put("processes.sleeping", processes.sleeping());
      metrics.put("processes.blocked", processes.blocked());
      metrics.put("processes.paging", processes.paging());
      metrics.put("processes.zombies", processes.zombies());
    }
    SensorReadings sensors = report.sensors();
    if (sensors != null) {
      metrics.put("sensors.voltage", sensors.voltage());
      metrics.put("sensors.temperature", sensors.temperature());
      metrics.put("sensors.airflow", sensors.airflow());
      metrics.put("sensors.inputPower", sensors.inputPower());
    }
    metrics.putAll(report.gauges());
    return metrics;
  }
}
