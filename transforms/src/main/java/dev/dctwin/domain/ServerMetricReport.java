package dev.dctwin.domain;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One metric report of a server. Every group is optional: an agent reports what it measures, and a
 * metric it does not send is absent, not zero. The metrics daemon publishes the operating-system
 * groups; the BMC publishes {@link SensorReadings} separately ({@link BmcSensorReading}), which the
 * server twin attaches, so {@code sensors} is usually null on the wire. {@code gauges} holds every
 * other metric by name (a name plus its labels, such as {@code m12} or {@code
 * node_filesystem_avail_bytes{mountpoint="/"}}): the learned baseline of the server twin reads them
 * with the typed fields. Sorted by name, so that equal reports encode to equal bytes.
 */
public record ServerMetricReport(
    String serverId,
    long eventTime,
    CpuMetrics cpu,
    NetworkMetrics network,
    MemoryMetrics memory,
    DiskMetrics disk,
    ProcessMetrics processes,
    SensorReadings sensors,
    Map<String, Double> gauges)
    implements Message {

  public ServerMetricReport {
    gauges =
        gauges == null || gauges.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(gauges));
  }

  /** A report of the typed groups only, as the wire format had before named gauges. */
  public ServerMetricReport(
      String serverId,
      long eventTime,
      CpuMetrics cpu,
      NetworkMetrics network,
      MemoryMetrics memory,
      DiskMetrics disk,
      ProcessMetrics processes,
      SensorReadings sensors) {
    this(serverId, eventTime, cpu, network, memory, disk, processes, sensors, null);
  }

  /** A report of named gauges only, as an agent without typed fields sends it. */
  public static ServerMetricReport ofGauges(
      String serverId, long eventTime, SortedMap<String, Double> gauges) {
    return new ServerMetricReport(serverId, eventTime, null, null, null, null, null, null, gauges);
  }

  @Override
  public MessageType type() {
    return MessageType.METRICS;
  }

  public ServerMetricReport withDisk(DiskMetrics replacement) {
    return new ServerMetricReport(
        serverId, eventTime, cpu, network, memory, replacement, processes, sensors, gauges);
  }

  public ServerMetricReport withSensors(SensorReadings readings) {
    return new ServerMetricReport(
        serverId, eventTime, cpu, network, memory, disk, processes, readings, gauges);
  }
}
